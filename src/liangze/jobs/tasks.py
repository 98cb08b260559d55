"""Background tasks of the jobs app, and the upload reader job tasks share. Each takes ids,
never instances."""

from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from liangze.core.errors import Invalid
from liangze.core.tables import Table, read_table_columns
from liangze.files.validation import validate_upload
from liangze.jobs import services
from liangze.jobs.runner import JobRejected


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
def jobs_purge_old() -> dict:
    """Periodic (jobs/schedule.py): forget finished jobs older than the retention period."""
    before = timezone.now() - timedelta(days=settings.LIANGZE_JOB_RETENTION_DAYS)
    return asdict(services.job_purge(before=before))


@task()
def jobs_fail_stale() -> dict:
    """Periodic (jobs/schedule.py): fail the running jobs whose worker stopped beating."""
    return {"failed": services.job_fail_stale()}
