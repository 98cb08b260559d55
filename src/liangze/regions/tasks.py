"""Background tasks of the regions app. Each takes a job's id and runs it through
jobs.runner.job_run, which decides how the job ends."""

from dataclasses import asdict

from django.utils.translation import gettext as _
from django_tasks import task

from liangze.jobs.models import Job
from liangze.jobs.runner import JobRejected, Report, job_run
from liangze.jobs.tasks import read_uploaded_table
from liangze.regions.services import (
    DIVISION_COLUMNS,
    DivisionImportRejected,
    division_table_import,
)


@task()
def division_import_run(job_id: int) -> dict | None:
    """Import the division table uploaded for the job (see services.division_import_start)."""
    return job_run(job_id, _division_import)


def _division_import(job: Job, report: Report) -> dict:
    vintage = int(job.params["vintage"])
    report(0, 0, _("Reading the file"))
    try:
        with job.input_file.open("rb") as stored:
            data = stored.read()
    except (OSError, ValueError):
        raise JobRejected(
            code="job_input_missing",
            message=_("The uploaded file is no longer available. Upload it again."),
        ) from None
    rows = read_uploaded_table(name=job.input_name, data=data, columns=DIVISION_COLUMNS).rows()
    writing = _("Checking and writing the rows")
    report(0, len(rows), writing)
    try:
        imported = division_table_import(
            actor=job.created_by,
            rows=rows,
            vintage=vintage,
            progress=lambda done, total: report(done, total, writing),
        )
    except DivisionImportRejected as exc:
        raise JobRejected(
            code=exc.code,
            message=exc.message,
            result={"errors": [asdict(error) for error in exc.errors]},
        ) from None
    return {
        "vintage": vintage,
        "rows": len(rows),
        "created": imported.created,
        "renamed": imported.renamed,
        "unchanged": imported.unchanged,
    }
