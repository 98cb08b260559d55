"""The rectification rates (问题整改率, docs/domain.md §2) registered with the figures machinery
(docs/architecture.md#figures), and the marks the closed loop's services write.

Both are business-side and windowed: problems found in the period up to the day `on`, less void
and business_closed; the numerator those closed by the end of `on` (on time: by the deadline's
end, a fix on the spot being on time). The counting is `rates.counts_by_division`, the same the
dashboards' plain functions use.
"""

from collections.abc import Collection, Iterable
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from liangze.figures.measures import Computed, Measure, Side, measure_register
from liangze.figures.services import figures_mark

RECTIFICATION = "rectification_rate"
RECTIFICATION_ON_TIME = "rectification_on_time_rate"


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min)) - timedelta(
        microseconds=1
    )


def _computed(on_time: bool):
    def compute(on: date, division_ids: Collection[int] | None, start: date) -> Computed:
        from liangze.rectification.models import Problem
        from liangze.rectification.rates import counts_by_division

        problems = Problem.objects.all()
        if division_ids is not None:
            problems = problems.filter(business__division_id__in=list(division_ids))
        counted = counts_by_division(
            problems, start=start, end=on + timedelta(days=1), at=_end_of(on), path=True
        )
        return {
            pk: (path, c.closed_on_time if on_time else c.closed, c.found)
            for pk, (path, c) in counted.items()
        }

    return compute


def register_measures() -> None:
    from django.utils.translation import gettext_lazy as _

    measure_register(
        Measure(
            code=RECTIFICATION,
            label=_("Problems rectified"),
            side=Side.BUSINESS,
            compute=_computed(False),
            order=30,
            windowed=True,
        )
    )
    measure_register(
        Measure(
            code=RECTIFICATION_ON_TIME,
            label=_("Problems rectified on time"),
            side=Side.BUSINESS,
            compute=_computed(True),
            order=31,
            windowed=True,
        )
    )


def mark_problems(business_ids: Iterable[int]) -> None:
    """Problems of these businesses were recorded or moved: their businesses' divisions."""
    from liangze.businesses.models import Business

    ids = {pk for pk in business_ids if pk is not None}
    if ids:
        figures_mark(
            side=Side.BUSINESS,
            division_ids=Business.objects.filter(pk__in=ids)
            .values_list("division_id", flat=True)
            .distinct(),
        )
