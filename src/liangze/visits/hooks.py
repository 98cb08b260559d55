"""What the visits app hangs on its neighbours (docs/architecture.md#layers): tasks follow
assignments (officials' hook) and business status changes (the registry's hook), inside the
changing service's transaction; the quarterly job"""

from datetime import time


def _tasks_follow_business(event) -> None:
    from liangze.visits.services import tasks_follow_assignments

    tasks_follow_assignments([b.pk for b in event.businesses])


def register_visit_hooks() -> None:
    from django.utils.translation import gettext_lazy as _

    from liangze.businesses.hooks import register_business_hook
    from liangze.core.navigation import NavItem, nav_item_register
    from liangze.jobs.schedule import PeriodicJob, periodic_job_register
    from liangze.officials.access import reads_own_only
    from liangze.officials.hooks import register_assignment_hook
    from liangze.officials.selectors import official_of
    from liangze.visits.services import tasks_follow_assignments
    from liangze.visits.tasks import visit_tasks_daily

    register_assignment_hook(tasks_follow_assignments)
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
    register_business_hook(_tasks_follow_business)
    periodic_job_register(
        PeriodicJob(name="visit_tasks_daily", task=visit_tasks_daily, daily_at=time(0, 20))
    )
