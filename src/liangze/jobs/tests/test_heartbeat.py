"""A job whose worker dies: the heartbeat, the stale sweep, and starting it again."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from liangze.audit.models import AuditAction, AuditEvent
from liangze.jobs import services, tasks
from liangze.jobs.heartbeat import (
    Heartbeat,
    heartbeat_board_beat,
    heartbeat_board_read,
    heartbeat_row_beat,
)
from liangze.jobs.kinds import job_kinds_startable
from liangze.jobs.models import Job
from liangze.jobs.runner import job_run
from liangze.jobs.schedule import PERIODIC_JOBS
from liangze.jobs.tests.helpers import start_import

STALE = 300
LOST = (
    "The worker running this job stopped before it finished, and nothing the job was writing "
    "has been kept. Start it again."
)


@pytest.fixture
def running(admin_user, settings):
    """A division import the worker took, last seen STALE + 1 seconds ago."""
    settings.LIANGZE_JOB_STALE_SECONDS = STALE
    job = start_import(admin_user)
    services.job_start(job_id=job.pk)
    long_ago = timezone.now() - timedelta(seconds=STALE + 1)
    Job.objects.filter(pk=job.pk).update(started_at=long_ago, heartbeat_at=long_ago)
    return job


class TestStaleSweep:
    def test_it_fails_a_running_job_without_a_heartbeat_in_the_starters_language(self, running):
        Job.objects.filter(pk=running.pk).update(language="en")
        assert services.job_fail_stale() == 1
        running.refresh_from_db()
        assert (running.status, running.error_code) == (Job.Status.FAILED, "job_worker_lost")
        assert running.error_message == LOST
        assert running.finished_at is not None
        event = AuditEvent.objects.get(action=AuditAction.JOB_FAILED)
        assert event.data["code"] == "job_worker_lost"

    def test_the_message_is_translated(self, running):
        Job.objects.filter(pk=running.pk).update(language="zh-hans")
        services.job_fail_stale()
        running.refresh_from_db()
        with translation.override("zh-hans"):
            assert running.error_message == translation.gettext(LOST) != LOST

    def test_a_recent_heartbeat_keeps_the_job_running(self, running):
        Job.objects.filter(pk=running.pk).update(
            heartbeat_at=timezone.now() - timedelta(seconds=STALE - 5)
        )
        assert services.job_fail_stale() == 0
        assert Job.objects.get(pk=running.pk).status == Job.Status.RUNNING

    def test_a_fresh_heartbeat_file_keeps_a_job_whose_row_cannot_beat(self, running):
        """An all-or-nothing write on SQLite holds the write lock: only the file beats."""
        heartbeat_board_beat(running.pk)
        assert services.job_fail_stale() == 0
        assert Job.objects.get(pk=running.pk).status == Job.Status.RUNNING

    def test_queued_and_finished_jobs_are_left_alone(self, admin_user, settings):
        settings.LIANGZE_JOB_STALE_SECONDS = STALE
        queued = start_import(admin_user)
        Job.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(days=1))
        assert services.job_fail_stale(now=timezone.now() + timedelta(days=1)) == 0
        assert Job.objects.get(pk=queued.pk).status == Job.Status.QUEUED

    def test_it_fails_the_task_result_the_dead_worker_left_running(
        self, running, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            other = start_import(running.created_by)
        services.job_start(job_id=other.pk)
        long_ago = timezone.now() - timedelta(seconds=STALE + 1)
        Job.objects.filter(pk=other.pk).update(started_at=long_ago, heartbeat_at=long_ago)
        other.refresh_from_db()
        DBTaskResult.objects.filter(id=other.task_result_id).update(status=TaskResultStatus.RUNNING)
        assert services.job_fail_stale() == 2
        assert DBTaskResult.objects.get(id=other.task_result_id).status == "FAILED"

    def test_the_periodic_task_runs_the_sweep(self, running):
        [sweep] = [job for job in PERIODIC_JOBS if job.name == "jobs_fail_stale"]
        assert sweep.task is tasks.jobs_fail_stale
        assert tasks.jobs_fail_stale.call() == {"failed": 1}


class TestHeartbeat:
    def test_the_runner_beats_while_the_work_runs(self, admin_user, settings):
        settings.LIANGZE_JOB_STALE_SECONDS = 1  # a beat every 0.2 s
        job = start_import(admin_user)
        seen = []

        def work(job, report):
            first = heartbeat_board_read(job.pk)
            time.sleep(0.9)
            seen.extend([first, heartbeat_board_read(job.pk)])
            return {}

        job_run(job.pk, work)
        first, later = seen
        assert first is not None
        assert later - first >= timedelta(seconds=0.15)  # beaten again while it worked
        assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED

    def test_a_beat_writes_the_row_when_the_database_allows(self, running):
        before = Job.objects.get(pk=running.pk).heartbeat_at
        assert heartbeat_row_beat(running.pk) is True
        assert Job.objects.get(pk=running.pk).heartbeat_at > before
        assert services.job_fail_stale() == 0

    def test_the_thread_stops_with_the_block(self, admin_user):
        job = start_import(admin_user)
        with Heartbeat(job.pk, every=0.05) as beat:
            pass
        assert not beat._thread.is_alive()


def test_kinds_a_viewer_may_start(admin_user, county_staff, village_official):
    assert "division_import" in {kind.code for kind in job_kinds_startable(admin_user)}
    assert {kind.code for kind in job_kinds_startable(county_staff)} == {
        "business_import_check",
        "business_import_write",
        "business_export",
        "business_qr_stickers",
        "duty_documents_generate",
        "dashboards_notice_generate",
        "official_import_check",
        "official_import_write",
        "assignment_import_check",
        "assignment_import_write",
        "register_import_check",
        "register_import_write",
    }
    assert job_kinds_startable(village_official) == ()
