"""A job's life: created and enqueued after commit, run once, never left running."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import translation

from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.errors import Conflict, Invalid, NotFound
from liangze.jobs import services
from liangze.jobs.models import Job
from liangze.jobs.runner import JobRejected, job_run
from liangze.jobs.selectors import access_job_by_id, job_list, job_progress
from liangze.jobs.tests.helpers import enqueued, start_import


def _events(action) -> int:
    return AuditEvent.objects.filter(action=action).count()


class TestJobCreate:
    def test_it_stores_the_upload_privately_and_enqueues_the_job_id_after_commit(
        self, admin_user, django_capture_on_commit_callbacks, _private_files
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            job = start_import(admin_user, b"code,name,parent_code\n630000000000,QH,\n")
            assert enqueued("table_import_run") == []  # nothing before the commit
        assert len(callbacks) == 1
        [task] = enqueued("table_import_run")
        assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
        job.refresh_from_db()
        assert job.status == Job.Status.QUEUED
        assert job.task_result_id == str(task.id)
        assert job.params == {"vintage": 2024}
        assert job.division is None  # an administrator's job
        assert job.input_name == "divisions.csv"
        assert job.input_file.name.startswith("jobs/")
        assert (_private_files / job.input_file.name).read_bytes().startswith(b"code,name")
        assert _events(AuditAction.JOB_STARTED) == 1

    def test_it_files_a_job_under_the_starters_home_division(self, county_staff, open_kind):
        job = services.job_create(
            actor=county_staff,
            kind=open_kind.code,
            upload=ContentFile(b"x", name="t.csv"),
            params={"vintage": 2024},
        )
        assert job.division == county_staff.division

    @pytest.mark.parametrize(
        ("name", "data", "vintage", "field"),
        [
            ("divisions.txt", b"code", 2024, "file"),
            ("divisions.csv", b"", 2024, "file"),
            ("divisions.csv", b"code", 1900, "vintage"),
            ("divisions.csv", b"code", 3000, "vintage"),
        ],
    )
    def test_it_refuses_a_bad_file_or_year_and_writes_nothing(
        self, admin_user, name, data, vintage, field
    ):
        with pytest.raises(Invalid) as raised:
            start_import(admin_user, data, name=name, vintage=vintage)
        assert list(raised.value.fields) == [field]
        assert not Job.objects.exists()
        assert _events(AuditAction.JOB_STARTED) == 0

    def test_it_refuses_a_file_over_the_upload_limit(self, admin_user, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
        with pytest.raises(Invalid) as raised:
            start_import(admin_user, b"code,name,parent_code\n")
        assert raised.value.fields.keys() == {"file"}


class TestStatusMoves:
    def test_it_runs_a_job_once(self, admin_user):
        job = start_import(admin_user)
        assert services.job_start(job_id=job.pk).status == Job.Status.RUNNING
        assert services.job_start(job_id=job.pk) is None

    def test_it_finishes_only_a_running_job(self, admin_user):
        job = start_import(admin_user)
        with pytest.raises(Conflict):
            services.job_finish(job_id=job.pk, result={})
        job.refresh_from_db()
        assert job.status == Job.Status.QUEUED

    def test_it_never_changes_a_finished_job(self, admin_user):
        job = start_import(admin_user)
        services.job_start(job_id=job.pk)
        services.job_finish(job_id=job.pk, result={"rows": 1})
        assert services.job_fail(job_id=job.pk, code="late", message="late") is None
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED
        assert job.error_code == ""
        assert _events(AuditAction.JOB_SUCCEEDED) == 1
        assert _events(AuditAction.JOB_FAILED) == 0

    def test_it_completes_the_progress_on_success(self, admin_user):
        job = start_import(admin_user)
        services.job_start(job_id=job.pk)
        services.job_progress_update(job_id=job.pk, done=3, total=7, message="m")
        job = services.job_finish(job_id=job.pk, result={})
        assert (job.progress_done, job.progress_total) == (7, 7)
        assert job_progress(job).percent == 100


class TestProgress:
    def test_it_shows_progress_published_inside_a_transaction_while_the_job_runs(self, admin_user):
        job = start_import(admin_user)
        services.job_start(job_id=job.pk)
        assert connection.in_atomic_block  # as inside the all-or-nothing import
        services.job_progress_update(job_id=job.pk, done=40, total=99, message="writing")
        job.refresh_from_db()
        assert (job.progress_done, job.progress_total) == (0, 0)  # the row waits for a commit
        progress = job_progress(job)
        assert (progress.done, progress.total, progress.percent) == (40, 99, 40)
        assert progress.message == "writing"

    def test_it_keeps_done_within_total(self, admin_user):
        job = start_import(admin_user)
        services.job_start(job_id=job.pk)
        services.job_progress_update(job_id=job.pk, done=12, total=10)
        job.refresh_from_db()
        assert job_progress(job).done == 10


@pytest.mark.django_db(transaction=True)
def test_progress_outside_a_transaction_is_committed_to_the_job_row(admin_user):
    job = start_import(admin_user)
    services.job_start(job_id=job.pk)
    services.job_progress_update(job_id=job.pk, done=5, total=20, message="reading")
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.message) == (5, 20, "reading")


class TestRunner:
    def test_it_fails_the_job_and_raises_again_on_an_unexpected_error(self, admin_user):
        job = start_import(admin_user)

        def work(job, report):
            report(1, 2, "half")
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            job_run(job.pk, work)
        job.refresh_from_db()
        assert job.status == Job.Status.FAILED
        assert job.error_code == "job_crashed"
        assert job.error_message  # a message for the starter, not the exception text
        assert "boom" not in job.error_message
        assert job.finished_at is not None

    def test_it_fails_the_job_when_the_worker_is_interrupted(self, admin_user):
        job = start_import(admin_user)

        def work(job, report):
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            job_run(job.pk, work)
        job.refresh_from_db()
        assert (job.status, job.error_code) == (Job.Status.FAILED, "job_interrupted")

    def test_it_stores_what_a_rejection_carries(self, admin_user):
        job = start_import(admin_user)

        def work(job, report):
            raise JobRejected(code="nope", message="No.", result={"errors": [{"line": 2}]})

        assert job_run(job.pk, work) is None
        job.refresh_from_db()
        assert (job.status, job.error_code, job.error_message) == (Job.Status.FAILED, "nope", "No.")
        assert job.result == {"errors": [{"line": 2}]}
        assert _events(AuditAction.JOB_FAILED) == 1

    def test_it_does_not_run_a_job_that_is_not_queued(self, admin_user):
        job = start_import(admin_user)
        services.job_fail(job_id=job.pk, code="gone", message="Gone.")
        ran = []
        assert job_run(job.pk, lambda job, report: ran.append(job) or {}) is None
        assert ran == []

    def test_it_writes_messages_in_the_starters_language(self, admin_user):
        with translation.override("en"):
            job = start_import(admin_user)
        assert job.language == "en"


class TestAccess:
    def test_a_user_sees_only_the_jobs_they_started(
        self, admin_user, county_staff, province_staff, open_kind
    ):
        job = services.job_create(
            actor=county_staff,
            kind=open_kind.code,
            upload=ContentFile(b"x", name="t.csv"),
            params={"vintage": 2024},
        )
        assert access_job_by_id(county_staff, job.pk) == job
        assert access_job_by_id(admin_user, job.pk) == job
        assert list(job_list(viewer=province_staff)) == []  # in jurisdiction, not theirs
        with pytest.raises(NotFound) as raised:
            access_job_by_id(province_staff, job.pk)
        assert raised.value.code == "job_not_found"
        with pytest.raises(NotFound):
            access_job_by_id(county_staff, job.pk + 1000)
        assert (
            AuditEvent.objects.filter(
                action=AuditAction.ACCESS_DENIED, data__code="job_not_found"
            ).count()
            == 2
        )
