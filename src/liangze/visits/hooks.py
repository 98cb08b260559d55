"""What the visits app hangs on its neighbours (docs/architecture.md#layers): tasks follow
assignments (officials' hook) and business status changes (the registry's hook), inside the
changing service's transaction; the quarterly job; the public page's last visit and the officials' next visit due."""

from datetime import time


def _tasks_follow_business(event) -> None:
    from liangze.visits.services import tasks_follow_assignments

    tasks_follow_assignments([b.pk for b in event.businesses])


def last_visits_for_registry(business_ids) -> dict:
    """The last visit of each business that has one, a corrected visit replaced by its
    correction, and its problems in counts only (docs/domain.md §1.14; void ones left out,
    closed ones fixed). Hand-written SQL (core.sql): the public page reads it for every page it
    renders; a test holds it equal to the same read through the ORM."""
    from liangze.businesses.hooks import LastVisit
    from liangze.core.sql import as_date, fetch, placeholders
    from liangze.rectification.models import ProblemSource, ProblemStatus

    ids = [int(pk) for pk in business_ids]
    if not ids:
        return {}
    problems = (
        "SELECT COUNT(*) FROM rectification_problem p"
        " WHERE p.source = %s AND p.source_id = v.id AND p.status NOT IN ({})"
    )
    rows = fetch(
        # The latest visit no correction replaced, by the time it was made.
        "SELECT v.business_id, v.visited_on,"  # noqa: S608 (placeholders only)
        f" ({problems.format('%s')}), ({problems.format('%s, %s')})"
        " FROM visits_visit v"
        f" WHERE v.business_id IN ({placeholders(ids)}) AND v.id = ("
        "  SELECT w.id FROM visits_visit w WHERE w.business_id = v.business_id"
        "  AND NOT EXISTS (SELECT 1 FROM visits_visit r WHERE r.replaces_id = w.id)"
        "  ORDER BY w.visited_at DESC, w.id DESC LIMIT 1)",
        [
            ProblemSource.VISIT,
            ProblemStatus.VOID,
            ProblemSource.VISIT,
            ProblemStatus.VOID,
            ProblemStatus.CLOSED,
            *ids,
        ],
    )
    return {
        business_id: LastVisit(
            visited_on=as_date(visited_on), problems_found=found, problems_open=still_open
        )
        for business_id, visited_on, found, still_open in rows
    }


def settled_for_officials(official_id: int, today) -> set[int]:
    """The official's businesses whose task for today's quarter asks no more visits: done,
    exempt, or missed (the window closed, so the next visit counts for the next quarter)."""
    from liangze.visits.models import TaskStatus, VisitTask
    from liangze.visits.periods import Quarter

    return set(
        VisitTask.objects.filter(
            official_id=official_id,
            period=Quarter.of(today).first_day,
            status__in=(TaskStatus.DONE, TaskStatus.EXEMPT, TaskStatus.MISSED),
        ).values_list("business_id", flat=True)
    )


def register_visit_hooks() -> None:
    from django.utils.translation import gettext_lazy as _

    from liangze.businesses.hooks import register_business_hook, register_last_visit_provider
    from liangze.core.navigation import NavItem, nav_item_register
    from liangze.jobs.schedule import PeriodicJob, periodic_job_register
    from liangze.officials.access import reads_own_only, reads_province_rules
    from liangze.officials.hooks import (
        register_assignment_hook,
        register_visits_settled_provider,
    )
    from liangze.officials.selectors import official_of
    from liangze.visits.services import tasks_follow_assignments
    from liangze.visits.tasks import visit_tasks_daily

    register_assignment_hook(tasks_follow_assignments)
    register_visits_settled_provider(settled_for_officials)
    nav_item_register(
        NavItem(
            key="visit_tasks",
            order=6,
            url_name="visits:mine",
            label=_("My visits"),
            visible=lambda user: official_of(user) is not None,
        )
    )
    nav_item_register(
        NavItem(
            key="visit_progress",
            order=27,
            url_name="visits:progress",
            label=_("Visit progress"),
            visible=lambda user: official_of(user) is None and not reads_own_only(user),
        )
    )
    nav_item_register(
        NavItem(
            key="checklist_items",
            order=62,
            url_name="visits:checklist",
            label=_("Visit checklists"),
            visible=reads_province_rules,
        )
    )
    register_business_hook(_tasks_follow_business)
    register_last_visit_provider(last_visits_for_registry)
    periodic_job_register(
        PeriodicJob(name="visit_tasks_daily", task=visit_tasks_daily, daily_at=time(0, 20))
    )
