"""Writes of the summary tables (docs/architecture.md#figures).

- `figures_mark`: called by the workflow apps' services inside the transaction of a change, with
  the divisions whose facts changed; it queues (division, measure) for the open periods.
- `figures_refresh`: the periodic job; recomputes the queued divisions for the open periods.
- `figures_rebuild`: recomputes periods from scratch (the `rebuild_figures` command, the daily
  roll that keeps open periods "as of today", and the final figures of a period that has ended).

Each keeps the subtree totals (`FigureTotal`) with the rows it writes: the rebuild sums them from
its rows, the refresh re-sums those of the divisions it touched and of their ancestors.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from liangze.core.locks import transaction_lock
from liangze.figures.measures import Computed, Measure, Side, measure, measures, measures_of
from liangze.figures.models import Figure, FigureDirty, FigureTotal
from liangze.figures.periods import Period, open_periods, today
from liangze.figures.totals import (
    ancestors,
    province_of,
    resum,
    subtree_sums,
    total_rows,
    totals_from_rows,
)

CHUNK = 2000
# The refresh re-sums totals from stored children; it and the rebuild run one at a time.
LOCK = "figures.summary"


def figures_mark(
    *, side: Side | str, division_ids: Iterable[int | None], codes: Iterable[str] | None = None
) -> None:
    """Queue the divisions for every measure of `side`, or only for `codes` when the change
    can move no other (the refresh then recomputes those alone). Cheap: one insert, conflicts
    ignored."""
    ids = {int(pk) for pk in division_ids if pk is not None}
    if not ids:
        return
    chosen = measures_of(Side(side))
    if codes is not None:
        chosen = [m for m in chosen if m.code in set(codes)]
    rows = [FigureDirty(division_id=pk, measure=m.code) for m in chosen for pk in ids]
    FigureDirty.objects.bulk_create(rows, ignore_conflicts=True, batch_size=CHUNK)


def _chunks(items: Sequence) -> Iterator[Sequence]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _write(*, m: Measure, period: Period, computed: Computed, division_ids: set[int] | None) -> int:
    """Replace the rows of `m` and `period` for `division_ids` (None: all, with their totals) by
    `computed`. A partial write leaves the totals to `_totals_resum`."""
    stale = Figure.objects.filter(measure=m.code, period=period.code)
    if division_ids is not None:
        stale = stale.filter(division_id__in=division_ids)
    stale.delete()
    now = timezone.now()
    if division_ids is None:
        _totals_replace(m=m, period=period, computed=computed, now=now)
    Figure.objects.bulk_create(
        [
            Figure(
                province_id=province_of(path),
                division_id=pk,
                path=path,
                period=period.code,
                measure=m.code,
                numerator=numerator,
                denominator=denominator,
                computed_at=now,
            )
            for pk, (path, numerator, denominator) in computed.items()
            if denominator or numerator
        ],
        batch_size=CHUNK,
    )
    return len(computed)


def _totals_replace(*, m: Measure, period: Period, computed: Computed, now) -> None:
    FigureTotal.objects.filter(measure=m.code, period=period.code).delete()
    sums = subtree_sums(computed.values())
    FigureTotal.objects.bulk_create(
        total_rows(FigureTotal, period=period.code, code=m.code, sums=sums, now=now),
        batch_size=CHUNK,
    )


def _totals_resum(*, paths: set[str], periods: list[str], codes: list[str]) -> None:
    """Re-sum the totals of `paths` and their ancestors for `periods` × `codes` from the
    `Figure` rows at those paths and the stored totals of their direct children: two reads and
    two writes, whatever the size of the subtrees."""
    touched = sorted({above for path in paths for above in ancestors(path)})
    if not touched:
        return
    where = {
        "province_id__in": {province_of(path) for path in touched},
        "period__in": periods,
        "measure__in": codes,
    }
    own: dict[tuple, dict] = defaultdict(dict)
    children: dict[tuple, dict] = defaultdict(lambda: defaultdict(dict))
    for chunk in _chunks(touched):
        for period, code, path, n, d in Figure.objects.filter(**where, path__in=chunk).values_list(
            "period", "measure", "path", "numerator", "denominator"
        ):
            own[(period, code)][path] = (n, d)
        for period, code, path, parent, n, d in FigureTotal.objects.filter(
            **where, parent__in=chunk
        ).values_list("period", "measure", "path", "parent", "numerator", "denominator"):
            children[(period, code)][parent][path] = (n, d)
    now = timezone.now()
    rows = [
        row
        for period in periods
        for code in codes
        for row in total_rows(
            FigureTotal,
            period=period,
            code=code,
            sums=resum(paths=paths, own=own[(period, code)], children=children[(period, code)]),
            now=now,
        )
    ]
    for chunk in _chunks(touched):
        FigureTotal.objects.filter(**where, path__in=chunk).delete()
    FigureTotal.objects.bulk_create(rows, batch_size=CHUNK)


@dataclass(frozen=True)
class RefreshResult:
    divisions: int
    rows: int


def figures_refresh(*, day: date | None = None) -> RefreshResult:
    """Recompute the queued (division, measure) pairs for the open periods. Marks written while
    this runs have a higher id and stay for the next run."""
    day = day or today()
    with transaction.atomic():
        transaction_lock(LOCK)
        queued = list(
            FigureDirty.objects.order_by("pk").values_list("pk", "division_id", "measure")
        )
        if not queued:
            return RefreshResult(0, 0)
        last = queued[-1][0]
        by_measure: dict[str, set[int]] = {}
        for _pk, division_id, code in queued:
            by_measure.setdefault(code, set()).add(division_id)
        periods = open_periods(day)
        # The totals to re-sum: the paths of the rows replaced and of the rows written.
        paths = set(
            Figure.objects.filter(
                division_id__in={d for _p, d, _c in queued},
                period__in=[p.code for p in periods],
            )
            .order_by()
            .values_list("path", flat=True)
            .distinct()
        )
        rows = 0
        done: list[str] = []
        for code, ids in by_measure.items():
            try:
                m = measure(code)
            except ValueError:
                continue
            done.append(code)
            # The open quarter and year are both as of today: a state measure is computed once.
            computed_on: dict[tuple, Computed] = {}
            for period in periods:
                on = period.as_of(day)
                key = (period.start if m.windowed else None, on)
                if key not in computed_on:
                    computed_on[key] = m.evaluate(start=period.start, on=on, division_ids=ids)
                    paths.update(path for path, _n, _d in computed_on[key].values())
                rows += _write(m=m, period=period, computed=computed_on[key], division_ids=ids)
        _totals_resum(paths=paths, periods=[p.code for p in periods], codes=done)
        FigureDirty.objects.filter(pk__lte=last).delete()
    return RefreshResult(len({d for _p, d, _c in queued}), rows)


def figures_rebuild(
    *,
    periods: Iterable[Period] | None = None,
    codes: Iterable[str] | None = None,
    day: date | None = None,
) -> int:
    """Recompute every row of `periods` (default: the open ones) from the facts."""
    day = day or today()
    periods = list(periods) if periods is not None else open_periods(day)
    chosen = [m for m in measures() if codes is None or m.code in set(codes)]
    rows = 0
    with transaction.atomic():
        transaction_lock(LOCK)
        for m in chosen:
            computed_on: dict[tuple, Computed] = {}
            for period in periods:
                on = period.as_of(day)
                key = (period.start if m.windowed else None, on)
                if key not in computed_on:
                    computed_on[key] = m.evaluate(start=period.start, on=on, division_ids=None)
                rows += _write(m=m, period=period, computed=computed_on[key], division_ids=None)
        if periods and codes is None:
            FigureDirty.objects.all().delete()
    return rows


def figures_totals_rebuild() -> int:
    """Sum every total again from the `Figure` rows (after rows were written by hand, e.g. a
    restore of the summary table alone); the services keep them otherwise."""
    with transaction.atomic():
        transaction_lock(LOCK)
        return totals_from_rows(Figure, FigureTotal, now=timezone.now(), batch_size=CHUNK)


def figures_roll(*, day: date | None = None) -> int:
    """Daily: the open periods again as of today (a letter expires without any write), and, in
    the first FINAL_DAYS of a quarter, the quarter (and year) just ended at its last day, so its
    rows hold its final figures once the entry window's grace is over."""
    day = day or today()
    periods = open_periods(day)
    ended = Period.quarter_of(day).previous()
    if (day - ended.end).days <= FINAL_DAYS:
        periods.append(ended)
        if ended.quarter == 4:
            periods.append(Period(ended.year))
    return figures_rebuild(periods=periods, day=day)


FINAL_DAYS = 7
