"""Background tasks of the jobs app. Each takes ids, never instances."""

from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from liangze.core.errors import Invalid
from liangze.core.tables import Table, read_table_columns
from liangze.files.validation import validate_upload
from liangze.jobs import services
from liangze.jobs.models import Job
from liangze.jobs.runner import JobRejected, Report, job_run
from liangze.regions.services import (
    DIVISION_COLUMNS,
    DivisionImportRejected,
    division_table_import,
)


def read_uploaded_table(*, name: str, data: bytes, columns: dict) -> Table:
    """Check an uploaded table as the files app checks every import (type by content, zip
    bombs, row caps; spreadsheets are read in a memory-capped child process, because
    python-calamine aborts the whole process on some crafted files), then take its columns."""
    try:
        validated = validate_upload(kind="import", name=name, data=data, read_cells=True)
    except Invalid as exc:
        raise JobRejected(code=exc.code, message=exc.message) from None
    return read_table_columns(
        name=name, data=data, columns=columns, sheet_columns=validated.columns
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


@task()
def jobs_purge_old() -> dict:
    """Periodic (jobs/schedule.py): forget finished jobs older than the retention period."""
    before = timezone.now() - timedelta(days=settings.LIANGZE_JOB_RETENTION_DAYS)
    return asdict(services.job_purge(before=before))
