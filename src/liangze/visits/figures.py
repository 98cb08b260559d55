"""The visits' measures (docs/domain.md §2) registered with the figures machinery
(docs/architecture.md#figures), and the marks the visits' services write.

Both are official-side (the division of the official's post) and windowed (the quarters of the
period up to the day `on`):

- `visit_completion_rate` (督导任务完成率): tasks done / tasks counted, from the tasks' own rule
  (visits/services.py `task_status`): a done task counts in both; a due or missed one in the
  denominator; an exempt one that is not done and a cancelled one in neither.
- `timely_entry_rate`: valid visits (not replaced by a correction) of the period not entered late
  / valid visits of the period.
"""

from collections.abc import Collection, Iterable
from datetime import date

from django.db.models import Count, Q

from liangze.figures.measures import Computed, Measure, Side, measure_register
from liangze.figures.services import figures_mark

VISIT_COMPLETION = "visit_completion_rate"
TIMELY_ENTRY = "timely_entry_rate"


def _by_post(rows, division_ids, *, numerator: Q) -> Computed:
    if division_ids is not None:
        rows = rows.filter(official__grant__division_id__in=list(division_ids))
    return {
        pk: (path, n, d)
        for pk, path, n, d in rows.values("official__grant__division_id")
        .annotate(n=Count("pk", filter=numerator), d=Count("pk"))
        .values_list("official__grant__division_id", "official__grant__division__path", "n", "d")
    }


def visit_completion_compute(
    on: date, division_ids: Collection[int] | None, start: date
) -> Computed:
    from liangze.visits.models import TaskStatus, VisitTask

    tasks = VisitTask.objects.filter(
        period__gte=start,
        period__lte=on,
        status__in=(TaskStatus.DONE, TaskStatus.DUE, TaskStatus.MISSED),
    )
    return _by_post(tasks, division_ids, numerator=Q(status=TaskStatus.DONE))


def timely_entry_compute(on: date, division_ids: Collection[int] | None, start: date) -> Computed:
    from liangze.visits.models import Visit

    visits = Visit.objects.valid().filter(period__gte=start, period__lte=on, visited_on__lte=on)
    return _by_post(visits, division_ids, numerator=Q(late=False))


def register_measures() -> None:
    from django.utils.translation import gettext_lazy as _

    measure_register(
        Measure(
            code=VISIT_COMPLETION,
            label=_("Visit tasks completed"),
            side=Side.OFFICIAL,
            compute=visit_completion_compute,
            order=20,
            windowed=True,
        )
    )
    measure_register(
        Measure(
            code=TIMELY_ENTRY,
            label=_("Visits entered on time"),
            side=Side.OFFICIAL,
            compute=timely_entry_compute,
            order=21,
            windowed=True,
        )
    )


def mark_posts(division_ids: Iterable[int]) -> None:
    """Tasks or visits of officials posted at these divisions changed. Only the two measures
    above read tasks and visits, so only they are queued: a visit's refresh recomputes two
    measures, not every official-side one."""
    figures_mark(
        side=Side.OFFICIAL, division_ids=division_ids, codes=(VISIT_COMPLETION, TIMELY_ENTRY)
    )


def mark_officials(official_ids: Iterable[int]) -> None:
    """Tasks or visits of these officials changed: the divisions of their posts."""
    from liangze.officials.models import Official

    ids = {pk for pk in official_ids if pk is not None}
    if ids:
        mark_posts(
            Official.objects.filter(pk__in=ids)
            .values_list("grant__division_id", flat=True)
            .distinct()
        )
