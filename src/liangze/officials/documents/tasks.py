"""Background tasks of the documents. Each takes ids, never instances."""

from django.utils.translation import gettext as _
from django_tasks import task

from liangze.jobs.models import Job
from liangze.jobs.runner import JobRejected, Report, job_run
from liangze.officials.documents import services
from liangze.regions.models import Division


@task()
def duty_documents_generate_run(job_id: int) -> dict | None:
    """Generate the documents asked for by services.duty_documents_generate_start."""
    return job_run(job_id, _generate)


def _generate(job: Job, report: Report) -> dict:
    region = Division.objects.filter(pk=job.params.get("region")).first()
    if region is None:
        raise JobRejected(code="region_missing", message=_("The region no longer exists."))
    report(0, 0, _("Collecting the officials and their businesses"))
    message = _("Generating documents")
    result = services.duty_documents_generate(
        actor=job.created_by,
        region=region,
        kinds=job.params.get("kinds", []),
        year=int(job.params["year"]),
        progress=lambda done, total: report(done, total, message),
    )
    return {
        "region": region.pk,
        "region_name": region.name,
        "generated": result.generated,
        "kept_signed": result.kept_signed,
    }


@task()
def duty_document_reminders_run() -> dict:
    """Periodic (registered in documents/jobs.py): letters and lists expiring in 30 days or
    today."""
    return {"reminders": services.duty_document_reminders_send()}
