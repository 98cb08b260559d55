"""The scheduler enqueues each slot of each periodic job once, however many schedulers run; the
purge it runs forgets old finished jobs and their files."""

import os
import signal
import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from liangze.audit.models import AuditAction, AuditEvent
from liangze.jobs import services, tasks
from liangze.jobs.models import Job, ScheduledRun
from liangze.jobs.schedule import PERIODIC_JOBS, PeriodicJob, schedule_tick
from liangze.jobs.tests.helpers import enqueued, start_import

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURLY = PeriodicJob(name="hourly", task=tasks.jobs_purge_old, every=timedelta(hours=1))
DAILY = PeriodicJob(name="daily", task=tasks.jobs_purge_old, daily_at=time(3, 0))


class TestSlots:
    def test_an_hourly_job_is_due_for_the_start_of_the_hour(self):
        now = datetime(2026, 11, 23, 9, 17, 42, tzinfo=SHANGHAI)
        assert HOURLY.slot(now) == datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)

    def test_a_daily_job_before_its_time_is_still_due_for_yesterday_in_shanghai(self):
        # 00:30 in Shanghai is still the previous day in UTC; the slot follows Shanghai.
        now = datetime(2026, 11, 22, 16, 30, tzinfo=ZoneInfo("UTC"))
        assert DAILY.slot(now) == datetime(2026, 11, 22, 3, 0, tzinfo=SHANGHAI)
        assert DAILY.slot(now + timedelta(hours=3)) == datetime(2026, 11, 23, 3, 0, tzinfo=SHANGHAI)

    @pytest.mark.parametrize(
        "options",
        [{}, {"every": timedelta(hours=7)}, {"every": timedelta(hours=1), "daily_at": time(3)}],
    )
    def test_a_schedule_must_be_one_dividing_interval_or_one_time(self, options):
        with pytest.raises(ValueError):
            PeriodicJob(name="bad", task=tasks.jobs_purge_old, **options)

    def test_the_purge_is_registered_daily(self):
        [purge] = [job for job in PERIODIC_JOBS if job.name == "jobs_purge_old"]
        assert purge.task is tasks.jobs_purge_old
        assert purge.daily_at == time(3, 0)


class TestIdempotency:
    def test_two_ticks_in_one_slot_enqueue_once(self, db, restore_signals):
        call_command("scheduler", once=True)
        call_command("scheduler", once=True)
        [run] = ScheduledRun.objects.filter(name="jobs_purge_old")
        [task] = enqueued("jobs_purge_old")
        assert run.task_result_id == str(task.id)

    def test_two_schedulers_racing_for_one_slot_enqueue_once(self, db):
        # Both saw the slot free (the read before the claim); the unique row decides.
        slot = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
        first = services.scheduled_run_claim(name="hourly", slot=slot, task=tasks.jobs_purge_old)
        second = services.scheduled_run_claim(name="hourly", slot=slot, task=tasks.jobs_purge_old)
        assert (first, second) == (True, False)
        assert ScheduledRun.objects.count() == 1
        assert len(enqueued("jobs_purge_old")) == 1

    def test_a_restart_enqueues_the_next_slot_not_the_current_one_again(self, db):
        now = datetime(2026, 11, 23, 9, 5, tzinfo=SHANGHAI)
        assert schedule_tick(now=now, jobs=(HOURLY,)) == ["hourly"]
        assert schedule_tick(now=now + timedelta(minutes=50), jobs=(HOURLY,)) == []
        assert schedule_tick(now=now + timedelta(minutes=60), jobs=(HOURLY,)) == ["hourly"]
        assert len(enqueued("jobs_purge_old")) == 2


def test_the_scheduler_sleeps_until_sigterm_and_restores_the_handlers(db, restore_signals):
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        call_command("scheduler", interval=30)  # returns long before 30 s, or SIGTERM kills us
    finally:
        timer.cancel()
    assert signal.getsignal(signal.SIGTERM) == before
    assert ScheduledRun.objects.filter(name="jobs_purge_old").count() == 1


class TestPurge:
    def _finished(self, admin_user, *, days_ago: int) -> Job:
        job = start_import(admin_user)
        services.job_start(job_id=job.pk)
        services.job_finish(job_id=job.pk, result={})
        Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=days_ago))
        return job

    def test_it_forgets_old_finished_jobs_and_their_files(
        self, admin_user, settings, _private_files, django_capture_on_commit_callbacks
    ):
        settings.LIANGZE_JOB_RETENTION_DAYS = 90
        old = self._finished(admin_user, days_ago=91)
        recent = self._finished(admin_user, days_ago=89)
        stuck = start_import(admin_user)  # never finished: never purged
        services.job_start(job_id=stuck.pk)
        Job.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(days=400))
        ScheduledRun.objects.create(name="x", slot=timezone.now() - timedelta(days=91))
        old_file = _private_files / old.input_file.name

        with django_capture_on_commit_callbacks(execute=True):
            counts = tasks.jobs_purge_old.call()

        assert counts == {"jobs": 1, "files": 1, "scheduled_runs": 1, "task_results": 0}
        assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, stuck.pk}
        assert not old_file.exists()
        assert not old_file.parent.exists()  # the job's own folder went with it
        assert (_private_files / recent.input_file.name).exists()
        event = AuditEvent.objects.get(action=AuditAction.JOBS_PURGED)
        assert event.data["jobs"] == 1

    def test_it_writes_nothing_when_nothing_is_old(self, admin_user):
        self._finished(admin_user, days_ago=1)
        assert tasks.jobs_purge_old.call()["jobs"] == 0
        assert not AuditEvent.objects.filter(action=AuditAction.JOBS_PURGED).exists()
