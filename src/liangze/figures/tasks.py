"""Periodic tasks of the figures (registered in registration.py)."""

from dataclasses import asdict

from django_tasks import task

from liangze.figures import services


@task()
def figures_refresh_run() -> dict:
    """Every few minutes: the queued divisions for the open periods."""
    return asdict(services.figures_refresh())


@task()
def figures_roll_run() -> dict:
    """Daily: the open periods as of the new day, and the final figures of the last quarter."""
    return {"rows": services.figures_roll()}
