"""Background tasks of the dashboards. Each takes ids, never instances."""

from django.utils.translation import gettext as _
from django_tasks import task

from liangze.dashboards import services
from liangze.figures.periods import Period
from liangze.jobs.models import Job
from liangze.jobs.runner import JobRejected, Report, job_run
from liangze.regions.models import Division


@task()
def notice_generate_run(job_id: int) -> dict | None:
    return job_run(job_id, _generate)


def _generate(job: Job, report: Report) -> dict:
    region = Division.objects.filter(pk=job.params.get("region")).first()
    if region is None:
        raise JobRejected(code="region_missing", message=_("The region no longer exists."))
    message = _("Freezing the figures, rankings and laggards")
    notice = services.notice_generate(
        actor=job.created_by,
        region=region,
        period=Period.parse(job.params["period"]),
        supersedes_id=job.params.get("supersedes"),
        progress=lambda done, total: report(done, total, message),
    )
    return {"notice": notice.pk, "title": notice.title}
