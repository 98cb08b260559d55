"""Summary tables of the figures (docs/architecture.md#figures).

A `Figure` is one measure's numerator and denominator for one period at one of the smallest
regions where its facts sit, keyed by the division's id; the division's path is kept beside it so
that a region's figure is the sum over its path range, and its province (the path's first segment)
so that the table can be distributed by province. No foreign key: this machinery names no
domain app, and a row is rebuilt from the facts at any time.

A `FigureTotal` is the sum of the `Figure` rows over one division's subtree, for every division
with facts at or under it: a region's figure is one row, and its direct sub-regions are the rows
whose `parent` is the region's path, however many villages lie under it. The refresh re-sums the
totals of the divisions it touched and their ancestors, deepest first, from each one's own
`Figure` row and its direct children's totals; the rebuild sums them from the `Figure` rows.
"""

from django.db import models


class SummaryRow(models.Model):
    """What both summary tables hold: a measure's sums for one period at one division's path."""

    province_id = models.BigIntegerField()
    path = models.CharField(max_length=80)
    period = models.CharField(max_length=6)  # "2026Q2" or "2026"
    measure = models.CharField(max_length=40)
    numerator = models.BigIntegerField()
    denominator = models.BigIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        abstract = True


class Figure(SummaryRow):
    division_id = models.BigIntegerField()

    class Meta:
        constraints = [
            # The division first: the refresh replaces the rows of the divisions it recomputes
            # (the province, the key of distribution, stays in the key as Citus requires).
            models.UniqueConstraint(
                fields=["division_id", "period", "measure", "province_id"],
                name="figure_one_per_division_period_measure_key",
            ),
        ]
        indexes = [
            # A region's roll-up: one period and measure over a path range of one province.
            models.Index(
                fields=["province_id", "period", "measure", "path"], name="figure_rollup_idx"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.measure} {self.period} {self.division_id}: {self.numerator}/{self.denominator}"
        )


class FigureTotal(SummaryRow):
    parent = models.CharField(max_length=80)  # the path of the division above; "" for a province

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province_id", "path", "period", "measure"],
                name="figure_total_one_per_path_period_measure",
            ),
        ]
        indexes = [
            # A region's direct sub-regions: one period and measure, one parent, one province.
            models.Index(
                fields=["province_id", "period", "measure", "parent"],
                name="figure_total_children_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.period} {self.path}: {self.numerator}/{self.denominator}"


class FigureDirty(models.Model):
    """A division whose figures of a measure must be recomputed for the open periods; written by
    the services in the transaction of the change, cleared by the periodic refresh."""

    division_id = models.BigIntegerField()
    measure = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["division_id", "measure"], name="figure_dirty_one_per_division_measure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.division_id}"
