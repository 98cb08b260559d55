from django.db.models import QuerySet
from django.utils.translation import gettext as _

from liangze.audit.services import access_denied_record
from liangze.core.errors import NotFound
from liangze.core.scoping import in_jurisdiction, sees_everything
from liangze.jobs.models import Job, ScheduledRun
from liangze.jobs.progress import Progress, progress_read


def job_list(*, viewer) -> QuerySet[Job]:
    """The jobs the viewer started, newest first; administrators see every job.

    Narrowed from the viewer's jurisdiction (the starter's home division), never widened.
    """
    jobs = in_jurisdiction(Job.objects.all(), viewer, via="division")
    if not getattr(viewer, "is_authenticated", False):
        return jobs.none()
    if not sees_everything(viewer):
        jobs = jobs.filter(created_by=viewer)
    return jobs.select_related("created_by", "division").order_by("-created_at", "-pk")


def access_job_by_id(viewer, job_id: int) -> Job:
    """Missing and someone else's raise the same NotFound: an id reveals nothing."""
    job = job_list(viewer=viewer).filter(pk=job_id).first()
    if job is None:
        access_denied_record(
            viewer=viewer, code="job_not_found", target_type="jobs.job", target_id=job_id
        )
        raise NotFound(code="job_not_found", message=_("Job not found."))
    return job


def job_progress(job: Job) -> Progress:
    """How far the job is: the progress board while it runs (see jobs/progress.py), else the row
    (job_finish leaves a succeeded job's row at done == total)."""
    if job.status == Job.Status.RUNNING:
        published = progress_read(job.pk)
        if published is not None:
            return published
    return Progress(done=job.progress_done, total=job.progress_total, message=job.message)


def scheduled_run_exists(*, name: str, slot) -> bool:
    """Scheduler bookkeeping, not tenant data: no viewer."""
    return ScheduledRun.objects.filter(name=name, slot=slot).exists()
