"""The rectification rates (问题整改率, docs/domain.md §2), as plain functions for the dashboards.

Found in the period = `found_at` in [start, end) (Shanghai dates). Attribution by the business's
division. Rate = found and `closed` at report time, not `business_closed` / found, less `void` and
`business_closed`. On time: closed by the deadline's end (a fix on the spot is on time). Average
days to close = total days found → closed / problems closed. Roll-up is Σ/Σ over a subtree,
never a mean of percentages.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from django.db.models import QuerySet
from django.utils import timezone

from liangze.core.scoping import in_jurisdiction
from liangze.core.tree import is_within
from liangze.rectification.models import CloseReason, Problem, ProblemStatus


@dataclass
class RectificationCounts:
    found: int = 0  # the denominator: found, less void and business_closed
    closed: int = 0
    closed_on_time: int = 0
    days_to_close: float = 0.0  # Σ days found → closed over the closed ones

    def __iadd__(self, other: "RectificationCounts"):
        self.found += other.found
        self.closed += other.closed
        self.closed_on_time += other.closed_on_time
        self.days_to_close += other.days_to_close
        return self

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.closed, self.found) if self.found else None

    @property
    def on_time_rate(self) -> Fraction | None:
        return Fraction(self.closed_on_time, self.found) if self.found else None

    @property
    def average_days(self) -> float | None:
        return self.days_to_close / self.closed if self.closed else None


def _bound(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def problems_counted(problems: QuerySet[Problem], *, start: date, end: date, at: datetime):
    """The problems of a rate's denominator: found in [start, end) and by `at`, less void and
    business_closed. The one definition, shared by the dashboards' summary tables
    (rectification/figures.py)."""
    return (
        problems.filter(found_at__gte=_bound(start), found_at__lt=_bound(end), found_at__lte=at)
        .exclude(status=ProblemStatus.VOID)
        .exclude(close_reason=CloseReason.BUSINESS_CLOSED)
    )


def counts_by_division(
    problems: QuerySet[Problem], *, start: date, end: date, at: datetime, path: bool = False
) -> dict:
    """{division id of the business: counts} (with `path`: {id: (path, counts)}) for the
    counted problems among `problems`, as they stood at `at`."""
    fields = [
        "business__division_id",
        "status",
        "found_at",
        "closed_at",
        "deadline",
        "fixed_on_spot",
    ]
    if path:
        fields.append("business__division__path")
    result: dict[int, tuple[str, RectificationCounts]] = {}
    for division_id, status, found_at, closed_at, deadline, on_spot, *rest in problems_counted(
        problems, start=start, end=end, at=at
    ).values_list(*fields):
        counts = result.setdefault(division_id, (rest[0] if rest else "", RectificationCounts()))[1]
        counts.found += 1
        if status != ProblemStatus.CLOSED or closed_at is None or closed_at > at:
            continue
        counts.closed += 1
        counts.days_to_close += (closed_at - found_at).total_seconds() / 86400
        if on_spot or (deadline is not None and closed_at < _bound(deadline + timedelta(days=1))):
            counts.closed_on_time += 1
    if path:
        return result
    return {pk: counts for pk, (_path, counts) in result.items()}


def rectification_counts_by_division(
    *, viewer, start: date, end: date, at: datetime | None = None
) -> dict[int, RectificationCounts]:
    """{division id of the business: counts} for the problems found in [start, end) that the
    viewer may read, as they stood at `at` (now)."""
    return counts_by_division(
        in_jurisdiction(Problem.objects.all(), viewer, via="business__division"),
        start=start,
        end=end,
        at=at or timezone.now(),
    )


def rectification_rollup(
    *, viewer, regions, start: date, end: date, at: datetime | None = None
) -> dict[int, RectificationCounts]:
    """{region id: Σ counts over its subtree} for each of `regions` (Division rows)."""
    from liangze.regions.models import Division

    by_division = rectification_counts_by_division(viewer=viewer, start=start, end=end, at=at)
    paths = dict(Division.objects.filter(pk__in=list(by_division)).values_list("pk", "path"))
    totals = {}
    for region in regions:
        total = RectificationCounts()
        for division_id, counts in by_division.items():
            if is_within(paths[division_id], region.path):
                total += counts
        totals[region.pk] = total
    return totals


__all__ = [
    "RectificationCounts",
    "counts_by_division",
    "problems_counted",
    "rectification_counts_by_division",
    "rectification_rollup",
]
