"""Reads of the visits app, each starting from the viewer's jurisdiction (core.scoping)."""

from datetime import date

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from liangze.audit.services import access_refuse
from liangze.core.errors import NotFound
from liangze.core.scoping import in_jurisdiction, subtrees_q
from liangze.officials.models import Official
from liangze.officials.selectors import access_official_by_id, official_of
from liangze.regions.models import Division
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


# Officials listed at once on the progress page when no region is chosen; a province office's
# subtree holds tens of thousands, so beyond this the page lists one post region's at a time.
PROGRESS_OFFICIALS = 200


def _by_status(statuses=COUNTED) -> dict:
    return {s: Count("pk", filter=Q(status=s)) for s in statuses}


def progress(*, viewer, quarter: Quarter, division_id: int | None = None):
    """Done / due / missed / exempt of the quarter per division of the official's post
    (official-side attribution, docs/domain.md §2), within the viewer's subtrees, counted by the
    database; and per official, for the officials of the post division `division_id`, or of
    every division when they are at most PROGRESS_OFFICIALS (else no row: choose a region).
    Returns (official rows, division rows, whether the officials were listed)."""
    tasks = in_jurisdiction(
        VisitTask.objects.filter(period=quarter.first_day, status__in=COUNTED),
        viewer,
        via="official__grant__division",
    )
    per_division = {
        row["official__grant__division_id"]: row
        for row in tasks.values("official__grant__division_id").annotate(
            **_by_status(), total=Count("pk"), officials=Count("official_id", distinct=True)
        )
    }
    places = Division.objects.in_bulk(list(per_division))
    divisions = sorted(
        (
            {"division": places[pk], **{s: row[s] for s in (*COUNTED, "total", "officials")}}
            for pk, row in per_division.items()
        ),
        key=lambda r: r["division"].path,
    )
    if division_id is not None:
        tasks = tasks.filter(official__grant__division_id=division_id)
    elif sum(r["officials"] for r in divisions) > PROGRESS_OFFICIALS:
        return [], divisions, False
    by_official = {
        row["official_id"]: row
        for row in tasks.values("official_id").annotate(**_by_status(), total=Count("pk"))
    }
    officials = Official.objects.filter(pk__in=list(by_official)).select_related(
        "user", "grant__division"
    )
    rows = sorted(
        (
            {"official": o, **{s: by_official[o.pk][s] for s in (*COUNTED, "total")}}
            for o in officials
        ),
        key=lambda r: (r["official"].grant.division.path, str(r["official"])),
    )
    return rows, divisions, True


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
