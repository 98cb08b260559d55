"""The visits' periodic job (jobs/schedule.py)."""

from dataclasses import asdict

from django_tasks import task

from liangze.visits.services import tasks_close_past, tasks_generate


@task()
def visit_tasks_daily() -> dict:
    """Daily just after midnight: the quarter's tasks (on its first day they are all new; later
    runs create nothing unless a change slipped past the hooks), then the previous quarter's due
    tasks become missed once its window closed."""
    return {"generated": asdict(tasks_generate()), "closed": asdict(tasks_close_past())}
