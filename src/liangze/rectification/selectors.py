"""Reads of the closed loop, each starting from the scoping function (docs/domain.md §1.13):
readers of a region see the problems of the businesses in their subtrees; business staff those
of their own business."""

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.accounts.models import Role
from liangze.audit.models import AuditEvent
from liangze.audit.services import access_refuse
from liangze.core.errors import NotFound
from liangze.core.scoping import in_jurisdiction, subtrees_q
from liangze.core.tree import SEGMENT_WIDTH, subtree_bounds
from liangze.rectification.access import acting_as
from liangze.rectification.models import Problem, ProblemStatus
from liangze.rectification.rules import (
    DEFAULT_REMINDER_DAYS,
    RECHECK_STATES,
    Action,
    Actor,
    move_for,
    recheck_records_fix,
    rule_for,
)

RUNNING = (ProblemStatus.ACCEPTED, ProblemStatus.ESCALATED)


def problem_list(*, viewer) -> QuerySet[Problem]:
    return in_jurisdiction(
        Problem.objects.select_related("business__division", "regulator_division"),
        viewer,
        via="business__division",
        business="business_id",
    )


def access_problem_by_id(viewer, problem_id: int) -> Problem:
    """Missing and out of reach are the same "not found" (docs/domain.md §1.13)."""
    problem = problem_list(viewer=viewer).filter(pk=problem_id).first()
    if problem is None:
        raise access_refuse(
            NotFound(code="problem_not_found", message=_("Problem not found.")),
            viewer=viewer,
            target_type="rectification.problem",
            target_id=problem_id,
        )
    return problem


def problems_awaiting_recheck(*, viewer, business) -> list[Problem]:
    """The business's problems the viewer may re-check now (回头看, docs/domain.md §1.6): in a
    state the table lets `recheck` leave, where the viewer acts as the covering official. Each
    carries `may_send_back` (the table lets a "not fixed" send it back) and `records_fix` (the
    re-check records the fix itself, so it needs a note and a photo), for the visit form."""
    problems = list(
        problem_list(viewer=viewer)
        .filter(business=business, status__in=RECHECK_STATES)
        .prefetch_related("rectifications")
        .order_by("found_at", "pk")
    )
    if not problems or Actor.OFFICIAL not in acting_as(viewer, problems[0]):
        return []
    for problem in problems:
        reject = move_for(problem.status, Action.REJECT)
        problem.may_send_back = reject is not None and Actor.OFFICIAL in reject.by
        problem.records_fix = recheck_records_fix(problem.status)
        fixes = list(problem.rectifications.all())
        problem.last_fix = fixes[-1] if fixes else None
    return problems


def overdue_q(today=None) -> Q:
    """Past its deadline and not fixed yet: shown, never a state (docs/domain.md §1.6)."""
    today = today or timezone.localdate()
    return Q(status__in=RUNNING, deadline__lt=today)


def overdue_in_subtree(*, viewer, path: str, today: date, limit: int) -> tuple[list[Problem], int]:
    """The problems of the businesses within the subtree at `path` overdue on `today` (overdue_q,
    the one definition), most overdue first: the overdue problems a notice names (docs/domain.md
    §2, "Laggards in a notice"). Returns (the first `limit`, with their business, its division
    and the regulator's division; how many in all) in two queries, whatever the subtree's size."""
    problems = problem_list(viewer=viewer).filter(
        overdue_q(today), subtrees_q([path], path_field="business__division__path")
    )
    total = problems.count()
    return list(problems.order_by("deadline", "found_at", "pk")[:limit]), total


def regulator_paths(viewer) -> list[str]:
    return [g.division.path for g in viewer.active_grants() if g.role == Role.REGULATOR]


def _due_soon_q(paths: list[str], today=None) -> Q:
    """Deadline within the reminder days of the business's province (docs/domain.md §1.12): the
    queue shows as due soon what the reminder job warns of."""
    today = today or timezone.localdate()
    provinces = sorted({path[:SEGMENT_WIDTH] for path in paths if path})
    if not provinces:
        return Q(deadline__lte=today + timedelta(days=DEFAULT_REMINDER_DAYS))
    due = Q()
    for province in provinces:
        low, high = subtree_bounds(province)
        days = rule_for(province).reminder_days
        due |= Q(
            business__division__path__gte=low,
            business__division__path__lt=high,
            deadline__lte=today + timedelta(days=days),
        )
    return due


def regulator_queue(*, viewer, today=None) -> dict[str, QuerySet[Problem]]:
    """The regulator's work queue: new, due soon, overdue, waiting for verification."""
    today = today or timezone.localdate()
    mine = problem_list(viewer=viewer)
    paths = regulator_paths(viewer)
    if paths:
        from liangze.core.scoping import within_subtrees

        mine = within_subtrees(mine, paths, via="business__division")
    return {
        "new": mine.filter(status=ProblemStatus.PUSHED).order_by("pushed_at", "pk"),
        "due_soon": mine.filter(
            _due_soon_q(
                paths or [g.division.path for g in viewer.active_grants() if g.division], today
            ),
            status__in=RUNNING,
            deadline__gte=today,
        ).order_by("deadline", "pk"),
        "overdue": mine.filter(overdue_q(today)).order_by("deadline", "pk"),
        "verify": mine.filter(status=ProblemStatus.RECTIFIED).order_by("status_changed_at", "pk"),
    }


def business_problems(*, viewer) -> QuerySet[Problem]:
    """Business staff: the problems of their business, unclosed first."""
    ids = viewer.jurisdiction().business_ids if viewer.is_authenticated else ()
    return (
        problem_list(viewer=viewer)
        .filter(business_id__in=ids)
        .exclude(status=ProblemStatus.OPEN)
        .order_by("status_changed_at")
    )


def problem_timeline(problem: Problem) -> list[AuditEvent]:
    """Every event of the problem in order: who, what, when (evidence hangs on the problem's
    fixes and re-checks)."""
    return list(
        AuditEvent.objects.filter(
            target_type="rectification.problem", target_id=str(problem.pk)
        ).order_by("occurred_at", "pk")
    )


def own_photos(viewer, ids) -> list:
    """Photos the viewer stored themself, by public id (business staff read no division's files,
    but may attach their own); any id not among them is "not found"."""
    from liangze.files.models import FileKind, StoredFile

    wanted = {str(i) for i in ids}
    found = list(
        StoredFile.objects.filter(public_id__in=wanted, kind=FileKind.PHOTO, uploaded_by=viewer)
    )
    if len(found) != len(wanted):
        raise access_refuse(
            NotFound(code="stored_file_not_found", message=_("File not found.")),
            viewer=viewer,
            target_type="files.storedfile",
        )
    return found
