"""The periodic jobs, and the slot each one is due for.

A slot is the start of the period a run belongs to, in Shanghai time (settings.TIME_ZONE): at
09:17 an hourly job's slot is 09:00 that day, a job daily at 03:00 has today's 03:00 (yesterday's
before 03:00). Each tick the scheduler claims the current slot of every job; the unique
ScheduledRun row lets exactly one claimant enqueue it, so two schedulers, or a restart, never
enqueue a slot twice, and a scheduler that was down catches up once, not once per missed slot.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks.base import Task

from liangze.jobs import services
from liangze.jobs.selectors import scheduled_run_exists
from liangze.jobs.tasks import jobs_fail_stale, jobs_purge_old

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class PeriodicJob:
    """`task` (no arguments) every `every` (which divides a day; slots start at midnight) or daily
    at `daily_at`, Shanghai time. Give exactly one of the two."""

    name: str
    task: Task
    every: timedelta | None = None
    daily_at: time | None = None

    def __post_init__(self):
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"{self.name}: give exactly one of every and daily_at")
        if self.every is not None and (self.every <= timedelta(0) or ONE_DAY % self.every):
            raise ValueError(f"{self.name}: every must divide a day")

    def slot(self, now: datetime) -> datetime:
        """The start of the slot `now` (aware) falls in, as an aware Shanghai datetime."""
        local = timezone.localtime(now, timezone.get_default_timezone())
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.every is not None:
            return midnight + (local - midnight) // self.every * self.every
        today = midnight.replace(hour=self.daily_at.hour, minute=self.daily_at.minute)
        return today if local >= today else today - ONE_DAY


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(name="jobs_purge_old", task=jobs_purge_old, daily_at=time(3, 0)),
    # Jobs whose worker died; how long without a heartbeat counts as dead is
    # LIANGZE_JOB_STALE_SECONDS (jobs/heartbeat.py).
    PeriodicJob(name="jobs_fail_stale", task=jobs_fail_stale, every=timedelta(minutes=5)),
)


def schedule_tick(
    *, now: datetime | None = None, jobs: tuple[PeriodicJob, ...] = PERIODIC_JOBS
) -> list[str]:
    """Enqueue each job whose current slot nobody has claimed; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs:
        slot = job.slot(now)
        # A read first, so an idle tick never takes SQLite's write lock.
        if scheduled_run_exists(name=job.name, slot=slot):
            continue
        if services.scheduled_run_claim(name=job.name, slot=slot, task=job.task):
            enqueued.append(job.name)
    return enqueued
