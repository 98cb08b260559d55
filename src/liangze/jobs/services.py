"""Writing jobs and scheduler slots.

A job's life: `job_create` (by a person, audited) → the worker's `job_start` → any number of
`job_progress_update` → `job_finish` or `job_fail` (audited). Starting and progress are the
worker's bookkeeping on the job row itself, not domain events, so they write no audit row.
"""

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from liangze.accounts.access import is_admin
from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record
from liangze.core.errors import Conflict, Invalid
from liangze.core.tables import SPREADSHEET_SUFFIXES
from liangze.jobs.models import Job, ScheduledRun
from liangze.jobs.progress import Progress, progress_discard, progress_publish, progress_read

logger = logging.getLogger(__name__)

# The task that runs each kind of job; it takes the job's id. Dotted paths, because the tasks
# module imports this one.
JOB_TASKS = {
    Job.Kind.DIVISION_IMPORT: "liangze.imports.tasks.table_import_run",
    Job.Kind.BUSINESS_IMPORT_CHECK: "liangze.imports.tasks.table_import_check_run",
    Job.Kind.BUSINESS_IMPORT_WRITE: "liangze.imports.tasks.table_import_write_run",
    Job.Kind.BUSINESS_EXPORT: "liangze.imports.tasks.table_export_run",
}
TABLE_SUFFIXES = frozenset({".csv", *SPREADSHEET_SUFFIXES})
FIRST_VINTAGE = 1980  # the statistical division codes began in the 1980s


@transaction.atomic
def job_create(*, actor, kind: str, upload: File | None = None, params: dict | None = None) -> Job:
    """A queued job, its input saved in private storage under jobs/<uuid>/; the task is enqueued
    once the transaction commits, with the job's id.

    The job is filed under the starter's home division (none for administrators) and keeps the
    starter's language for the messages the worker writes.
    """
    if kind not in JOB_TASKS:
        raise ValueError(f"no task runs jobs of kind {kind!r}")
    job = Job(
        kind=kind,
        params=params or {},
        language=translation.get_language() or settings.LANGUAGE_CODE,
        created_by=actor,
        division=None if is_admin(actor) else actor.division,
    )
    if upload is not None:
        job.input_name = Path(upload.name or "upload").name[:255]
        job.input_file.save(job.input_name, upload, save=False)
    try:
        job.save()
        audit_event_record(
            actor=actor,
            action=AuditAction.JOB_STARTED,
            target=job,
            data={"kind": kind, "file": job.input_name, **job.params},
        )
    except BaseException:
        if job.input_file:
            job.input_file.delete(save=False)  # the row is gone, so nothing would ever purge it
        raise
    transaction.on_commit(partial(_job_enqueue, job.pk, JOB_TASKS[kind]))
    return job


def _job_enqueue(job_id: int, task_path: str) -> None:
    try:
        result = import_string(task_path).enqueue(job_id)
    except Exception:
        logger.exception("could not enqueue job %s", job_id)
        job_fail(
            job_id=job_id,
            code="job_not_queued",
            message=_("The job could not be queued. Try again later."),
        )
        return
    Job.objects.filter(pk=job_id).update(task_result_id=str(result.id))


@transaction.atomic
def division_import_start(*, actor, upload: File, vintage: int) -> Job:
    """Queue the import of a division table (CSV or spreadsheet) of one vintage.

    The caller has checked access.can_import_divisions. Raises Invalid, naming the field, for a
    file of the wrong type or size or an impossible vintage; the rows are checked by the job.
    """
    errors = {}
    if Path(upload.name or "").suffix.lower() not in TABLE_SUFFIXES:
        errors["file"] = _("Upload a .csv, .xlsx or .xls file.")
    elif not upload.size:
        errors["file"] = _("The file is empty.")
    elif upload.size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        errors["file"] = _("The file is larger than %(size)d MB.") % {
            "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        }
    last_vintage = timezone.localdate().year + 1
    if not FIRST_VINTAGE <= vintage <= last_vintage:
        errors["vintage"] = _("Enter a year from %(first)d to %(last)d.") % {
            "first": FIRST_VINTAGE,
            "last": last_vintage,
        }
    if errors:
        raise Invalid(
            code="division_import_invalid",
            message=_("Check the file and the vintage year."),
            fields=errors,
        )
    return job_create(
        actor=actor, kind=Job.Kind.DIVISION_IMPORT, upload=upload, params={"vintage": vintage}
    )


def job_start(*, job_id: int) -> Job | None:
    """queued → running. None when the job is not queued (already run, or failed meanwhile): a
    task delivered twice runs its job once."""
    now = timezone.now()
    moved = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, updated_at=now
    )
    if not moved:
        return None
    return Job.objects.select_related("created_by").get(pk=job_id)


def job_progress_update(*, job_id: int, done: int, total: int, message: str = "") -> None:
    """Publish how far a running job is. Cheap: no read, no audit row.

    Goes to the progress board always, and, when the caller is not inside a transaction, also to
    the job row in its own short transaction. Inside one (the all-or-nothing import) a row update
    would show only at commit, and on SQLite no other connection may write before then: the board
    alone carries it there (see jobs/progress.py).
    """
    done = max(done, 0)
    total = max(total, 0)
    if total:
        done = min(done, total)
    message = str(message)[:200]
    progress_publish(job_id, Progress(done=done, total=total, message=message))
    if transaction.get_connection().in_atomic_block:
        return
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
        progress_done=done, progress_total=total, message=message, updated_at=timezone.now()
    )


@transaction.atomic
def job_finish(*, job_id: int, result: dict) -> Job:
    """running → succeeded, progress complete (done == total, at least 1).

    Raises Conflict when the job is not running (it finished or failed meanwhile).
    """
    job = Job.objects.get(pk=job_id)
    published = progress_read(job_id)
    total = max(job.progress_total, published.total if published else 0, 1)
    now = timezone.now()
    moved = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
        status=Job.Status.SUCCEEDED,
        result=result,
        progress_done=total,
        progress_total=total,
        message="",
        finished_at=now,
        updated_at=now,  # update() skips auto_now
    )
    if not moved:
        raise Conflict(code="job_not_running", message=_("Only a running job can finish."))
    audit_event_record(
        actor=None,
        action=AuditAction.JOB_SUCCEEDED,
        target=job,
        data={"kind": job.kind, "result": result},
    )
    transaction.on_commit(partial(progress_discard, job_id))
    job.refresh_from_db()
    return job


@transaction.atomic
def job_fail(*, job_id: int, code: str, message: str, result: dict | None = None) -> Job | None:
    """queued or running → failed, with a stable `code`, a message for the starter and, where
    there is one, a result (the bad rows of an import). None when the job had already finished:
    a finished job never changes."""
    now = timezone.now()
    moved = Job.objects.filter(
        pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).update(
        status=Job.Status.FAILED,
        error_code=code,
        error_message=str(message),
        result=result or {},
        message="",
        finished_at=now,
        updated_at=now,
    )
    if not moved:
        return None
    job = Job.objects.get(pk=job_id)
    audit_event_record(
        actor=None,
        action=AuditAction.JOB_FAILED,
        target=job,
        data={"kind": job.kind, "code": code, "errors": len((result or {}).get("errors", []))},
    )
    transaction.on_commit(partial(progress_discard, job_id))
    return job


@dataclass(frozen=True)
class JobPurgeResult:
    jobs: int
    files: int
    scheduled_runs: int
    task_results: int


@transaction.atomic
def job_purge(*, before: datetime) -> JobPurgeResult:
    """Delete jobs that finished before `before` with their stored input files, scheduler slots
    and finished task results older than that. Files go after the commit: a rollback keeps them.
    Queued and running jobs are never touched."""
    old_jobs = Job.objects.filter(status__in=Job.FINISHED, finished_at__lt=before)
    files = list(old_jobs.exclude(input_file="").values_list("input_file", flat=True))
    jobs = old_jobs.delete()[0]
    runs = ScheduledRun.objects.filter(slot__lt=before).delete()[0]
    task_results = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()[0]
    result = JobPurgeResult(
        jobs=jobs, files=len(files), scheduled_runs=runs, task_results=task_results
    )
    if jobs or runs or task_results:
        audit_event_record(
            actor=None,
            action=AuditAction.JOBS_PURGED,
            data={
                "before": before,
                "jobs": jobs,
                "files": len(files),
                "scheduled_runs": runs,
                "task_results": task_results,
            },
        )
    transaction.on_commit(partial(_files_delete, files))
    return result


def _files_delete(names: list[str]) -> None:
    for name in names:
        folder = PurePosixPath(name).parent
        try:
            default_storage.delete(name)
            # What the job's task kept beside its input (an import's plan) goes with it: the
            # folder jobs/<uuid>/ is the job's alone.
            if folder.parent == PurePosixPath("jobs"):
                for other in default_storage.listdir(str(folder))[1]:
                    default_storage.delete(str(folder / other))
            # The per-job folder is left empty; remove it where storage has folders.
            os.rmdir(default_storage.path(str(folder)))
        except NotImplementedError:
            continue
        except OSError:
            logger.warning("could not delete the job file %s", name, exc_info=True)


@transaction.atomic
def scheduled_run_claim(*, name: str, slot: datetime, task: Task) -> bool:
    """Claim one slot of a periodic job and enqueue its task; False when it was already claimed.

    The unique (name, slot) row decides: only the scheduler that inserts it enqueues. The database
    task backend writes the task in this same transaction, so the slot and its task commit
    together; a crash between the two, which `on_commit` would allow, cannot lose the run.
    """
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(name=name, slot=slot)
    except IntegrityError:
        return False
    result = task.enqueue()
    ScheduledRun.objects.filter(pk=run.pk).update(task_result_id=str(result.id))
    return True
