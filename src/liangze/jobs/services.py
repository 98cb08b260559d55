"""Writing jobs and scheduler slots.

A job's life: `job_create` (by a person, audited) → the worker's `job_start` → any number of
`job_progress_update` → `job_finish` or `job_fail` (audited). Starting and progress are the
worker's bookkeeping on the job row itself, not domain events, so they write no audit row.
"""

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record
from liangze.core.errors import Conflict
from liangze.core.scoping import sees_everything
from liangze.core.tables import SPREADSHEET_SUFFIXES
from liangze.jobs.heartbeat import heartbeat_last
from liangze.jobs.kinds import job_kind
from liangze.jobs.models import Job, ScheduledRun
from liangze.jobs.progress import Progress, progress_discard, progress_publish, progress_read

logger = logging.getLogger(__name__)

TABLE_SUFFIXES = frozenset({".csv", *SPREADSHEET_SUFFIXES})


@transaction.atomic
def job_create(*, actor, kind: str, upload: File | None = None, params: dict | None = None) -> Job:
    """A queued job, its input saved in private storage under jobs/<uuid>/; the task is enqueued
    once the transaction commits, with the job's id.

    The job is filed under the starter's home division (none for administrators) and keeps the
    starter's language for the messages the worker writes. The caller has asked the kind's
    `may_start` (or a stricter question); ValueError for a kind nobody registered (jobs/kinds.py).
    """
    registered = job_kind(kind)
    job = Job(
        kind=kind,
        params=params or {},
        language=translation.get_language() or settings.LANGUAGE_CODE,
        created_by=actor,
        division=None if sees_everything(actor) else actor.division,
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
    transaction.on_commit(partial(_job_enqueue, job.pk, registered.task))
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


def job_start(*, job_id: int) -> Job | None:
    """queued → running. None when the job is not queued (already run, or failed meanwhile): a
    task delivered twice runs its job once."""
    now = timezone.now()
    moved = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, updated_at=now
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
    now = timezone.now()
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
        progress_done=done, progress_total=total, message=message, heartbeat_at=now, updated_at=now
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
def job_fail(
    *,
    job_id: int,
    code: str,
    message: str,
    result: dict | None = None,
    only_if: Q | None = None,
) -> Job | None:
    """queued or running → failed, with a stable `code`, a message for the starter and, where
    there is one, a result (the bad rows of an import). None when the job had already finished
    (a finished job never changes) or no longer matches `only_if`."""
    now = timezone.now()
    unfinished = Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
    if only_if is not None:
        unfinished = unfinished.filter(only_if)
    moved = unfinished.update(
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


def job_fail_stale(*, now: datetime | None = None) -> int:
    """Fail every running job whose worker has given no sign of life (jobs/heartbeat.py) for
    LIANGZE_JOB_STALE_SECONDS; returns how many. The worker died (killed, out of memory, the
    machine restarted), so the database has already rolled its transaction back: nothing it
    wrote is kept, and the job may be started again. Each job moves by compare-and-set on its
    status and last beat, so a job that beats meanwhile keeps running."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.LIANGZE_JOB_STALE_SECONDS)
    failed = 0
    candidates = Job.objects.filter(status=Job.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)
    )
    for job in candidates:
        last = heartbeat_last(job)
        if last is not None and last >= cutoff:
            continue  # the heartbeat file is fresh: the worker lives, in a long transaction
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _(
                "The worker running this job stopped before it finished, and nothing the job "
                "was writing has been kept. Start it again."
            )
        stopped = job_fail(
            job_id=job.pk,
            code="job_worker_lost",
            message=message,
            only_if=Q(heartbeat_at=job.heartbeat_at)
            if job.heartbeat_at
            else Q(heartbeat_at__isnull=True),
        )
        if stopped is None:
            continue
        failed += 1
        logger.warning("job %s had no heartbeat since %s; marked failed", job.pk, last)
        if job.task_result_id:
            DBTaskResult.objects.filter(
                id=job.task_result_id, status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.FAILED, finished_at=now)
    return failed


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
