"""Reads of the visits app, each starting from the viewer's jurisdiction (core.scoping)."""

from datetime import date

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from liangze.audit.services import access_refuse
from liangze.core.errors import NotFound
from liangze.core.scoping import in_jurisdiction, subtrees_q
from liangze.officials.models import Official
from liangze.officials.selectors import access_official_by_id, official_of
from liangze.visits.models import TaskStatus, Visit, VisitTask
from liangze.visits.periods import Quarter
from liangze.visits.rules import haversine_m

COUNTED = (TaskStatus.DUE, TaskStatus.DONE, TaskStatus.MISSED, TaskStatus.EXEMPT)
# The tasks the visit completion rate counts in its denominator (docs/domain.md §2): an exempt
# task that is not done and a cancelled one are in neither.
DUE_COUNTED = (TaskStatus.DONE, TaskStatus.DUE, TaskStatus.MISSED)


def my_tasks(*, viewer, quarter: Quarter, lat_e6: int | None = None, lng_e6: int | None = None):
    """The official's tasks of the quarter (cancelled ones left out), nearest first when the
    phone gave a position, else by business name. No map (docs/domain.md §1.10)."""
    official = official_of(viewer)
    if official is None:
        return []
    tasks = list(
        VisitTask.objects.filter(official=official, period=quarter.first_day, status__in=COUNTED)
        .select_related("business__division")
        .order_by("business__name", "pk")
    )
    for task in tasks:
        b = task.business
        task.distance_m = (
            haversine_m(lat_e6, lng_e6, b.lat_e6, b.lng_e6)
            if lat_e6 is not None and b.lat_e6 is not None and b.lng_e6 is not None
            else None
        )
    if lat_e6 is not None:
        tasks.sort(key=lambda t: (t.distance_m is None, t.distance_m or 0))
    return tasks


def _counts(rows, key):
    table: dict = {}
    for row in rows:
        entry = table.setdefault(row[key], {s: 0 for s in COUNTED})
        entry[row["status"]] += row["n"]
    return table


def progress(*, viewer, quarter: Quarter):
    """Done / due / missed / exempt of the quarter per official and per division of the
    official's post (official-side attribution, docs/domain.md §2), within the viewer's
    subtrees."""
    tasks = in_jurisdiction(
        VisitTask.objects.filter(period=quarter.first_day, status__in=COUNTED),
        viewer,
        via="official__grant__division",
    )
    by_official = _counts(
        tasks.values("official_id", "status").annotate(n=Count("pk")), "official_id"
    )
    officials = {
        o.pk: o
        for o in Official.objects.filter(pk__in=list(by_official)).select_related(
            "user", "grant__division"
        )
    }
    rows = sorted(
        (
            {"official": officials[pk], **counts, "total": sum(counts.values())}
            for pk, counts in by_official.items()
        ),
        key=lambda r: (r["official"].grant.division.path, str(r["official"])),
    )
    by_division: dict = {}
    for row in rows:
        division = row["official"].grant.division
        entry = by_division.setdefault(
            division.pk, {"division": division, **{s: 0 for s in COUNTED}, "total": 0}
        )
        for s in (*COUNTED, "total"):
            entry[s] += row[s]
    return rows, sorted(by_division.values(), key=lambda r: r["division"].path)


def visits_of_official(*, viewer, official_id: int, quarter: Quarter):
    """The official's visits of the quarter; an official out of reach is not found."""
    access_official_by_id(viewer, official_id)
    return (
        in_jurisdiction(
            Visit.objects.filter(official_id=official_id, period=quarter.first_day),
            viewer,
            via="business__division",
        )
        .select_related("business", "official__user")
        .order_by("-visited_at")
    )


def visit_by_id(*, viewer, visit_id: int) -> Visit:
    visit = (
        in_jurisdiction(
            Visit.objects.all(), viewer, via="business__division", business="business_id"
        )
        .filter(Q(pk=visit_id))
        .select_related("business__division", "official__user", "signature", "replaces")
        .first()
    )
    if visit is None:
        raise access_refuse(
            NotFound(code="visit_not_found", message=_("Visit not found.")),
            viewer=viewer,
            target_type="visits.visit",
            target_id=visit_id,
        )
    return visit


def officials_with_missed_tasks(
    *, viewer, path: str, first_quarter: date, last_quarter: date, limit: int
) -> tuple[list[dict], int]:
    """The officials posted within the subtree at `path` who missed visit tasks in the quarters
    named by their first days from `first_quarter` to `last_quarter`, most missed first (then by
    post and name): the laggards a notice names (docs/domain.md §2 "Rankings", §1.10: a missed
    duty, never app activity). "Missed" is the task's own status (services.task_status: the
    window closed without the visits). Each row: `official_id`, `name`, `username`, `position`, `division_id`,
    `division_name`, `level`, `path` of the post, `missed`, and `due` (the tasks the visit
    completion rate counts: done, due or missed). Returns (the first `limit` rows, how many such
    officials in all) in two queries, whatever the subtree's size."""
    per_official = (
        in_jurisdiction(
            VisitTask.objects.filter(
                subtrees_q([path], path_field="official__grant__division__path"),
                period__gte=first_quarter,
                period__lte=last_quarter,
                status__in=DUE_COUNTED,
            ),
            viewer,
            via="official__grant__division",
        )
        .values("official_id")
        .annotate(missed=Count("pk", filter=Q(status=TaskStatus.MISSED)), due=Count("pk"))
        .filter(missed__gt=0)
    )
    total = per_official.count()
    rows = per_official.order_by(
        "-missed", "official__grant__division__path", "official__user__display_name", "official_id"
    ).values(
        "official_id",
        "missed",
        "due",
        name=F("official__user__display_name"),
        username=F("official__user__username"),
        position=F("official__position"),
        division_id=F("official__grant__division_id"),
        division_name=F("official__grant__division__name"),
        level=F("official__grant__division__level"),
        path=F("official__grant__division__path"),
    )[:limit]
    return list(rows), total
