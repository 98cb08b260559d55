"""The figures' periodic jobs (jobs/schedule.py): the refresh of queued divisions every five
minutes and the daily roll. Called from FiguresConfig.ready()."""

from datetime import time, timedelta


def register() -> None:
    from liangze.figures.tasks import figures_refresh_run, figures_roll_run
    from liangze.jobs.schedule import PeriodicJob, periodic_job_register

    periodic_job_register(
        PeriodicJob(name="figures_refresh", task=figures_refresh_run, every=timedelta(minutes=5))
    )
    periodic_job_register(
        PeriodicJob(name="figures_roll", task=figures_roll_run, daily_at=time(0, 20))
    )
