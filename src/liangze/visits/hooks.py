"""What the visits app hangs on its neighbours (docs/architecture.md#layers): tasks follow
assignments (officials' hook) and business status changes (the registry's hook), inside the
changing service's transaction; the quarterly job"""

from datetime import time


def _tasks_follow_business(event) -> None:
    from liangze.visits.services import tasks_follow_assignments

    tasks_follow_assignments([b.pk for b in event.businesses])


def register_visit_hooks() -> None:
    from liangze.businesses.hooks import register_business_hook
    from liangze.jobs.schedule import PeriodicJob, periodic_job_register
    from liangze.officials.hooks import register_assignment_hook
    from liangze.visits.services import tasks_follow_assignments
    from liangze.visits.tasks import visit_tasks_daily

    register_assignment_hook(tasks_follow_assignments)
    register_business_hook(_tasks_follow_business)
    periodic_job_register(
        PeriodicJob(name="visit_tasks_daily", task=visit_tasks_daily, daily_at=time(0, 20))
    )
