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
    closed ones fixed)."""
    from django.db.models import OuterRef, Subquery

    from liangze.businesses.hooks import LastVisit
    from liangze.rectification.models import Problem, ProblemSource, ProblemStatus
    from liangze.visits.models import Visit

    if not business_ids:
        return {}
    valid = Visit.objects.valid()
    latest = valid.filter(business_id=OuterRef("business_id")).order_by("-visited_at", "-pk")
    visits = list(
        valid.filter(
            business_id__in=list(business_ids), pk=Subquery(latest.values("pk")[:1])
        ).values_list("pk", "business_id", "visited_on", "problem_count")
    )
    found: dict[int, int] = {}
    still_open: dict[int, int] = {}
    with_problems = [pk for pk, _business, _on, count in visits if count]
    if with_problems:
        for visit_id, status in (
            Problem.objects.filter(source=ProblemSource.VISIT, source_id__in=with_problems)
            .exclude(status=ProblemStatus.VOID)
            .values_list("source_id", "status")
        ):
            found[visit_id] = found.get(visit_id, 0) + 1
            if status != ProblemStatus.CLOSED:
                still_open[visit_id] = still_open.get(visit_id, 0) + 1
    return {
        business_id: LastVisit(
            visited_on=visited_on,
            problems_found=found.get(pk, 0),
            problems_open=still_open.get(pk, 0),
        )
        for pk, business_id, visited_on, _count in visits
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
