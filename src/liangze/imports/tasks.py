"""Background tasks of imports and exports. Each takes a job's id and runs it through
jobs.runner.job_run, which decides how the job ends."""

from django.db import IntegrityError
from django.utils.translation import gettext as _
from django_tasks import task

from liangze.core.memory import cyclic_gc_paused
from liangze.imports import services
from liangze.imports.bulk import large_write_cache
from liangze.imports.checking import check_business_rows
from liangze.imports.columns import TABLE_COLUMNS
from liangze.imports.selectors import business_import_of
from liangze.jobs.models import Job
from liangze.jobs.runner import JobRejected, Report, job_run
from liangze.jobs.tasks import read_uploaded_table


@task()
def business_import_check_run(job_id: int) -> dict | None:
    """Check an uploaded business table (see services.business_import_start)."""
    with cyclic_gc_paused():
        return job_run(job_id, business_import_check)


@task()
def business_import_write_run(job_id: int) -> dict | None:
    """Write a checked import (see services.business_import_commit)."""
    with cyclic_gc_paused():
        return job_run(job_id, business_import_write)


@task()
def business_export_run(job_id: int) -> dict | None:
    """Write a large export (see services.business_export_start)."""
    with cyclic_gc_paused():
        return job_run(job_id, business_export)


def business_import_check(job: Job, report: Report) -> dict:
    report(0, 0, _("Reading the file"))
    try:
        with job.input_file.open("rb") as stored:
            data = stored.read()
    except (OSError, ValueError):
        raise JobRejected(
            code="job_input_missing",
            message=_("The uploaded file is no longer available. Upload it again."),
        ) from None
    # The files app's checks first: python-calamine aborts the process on some crafted files.
    table = read_uploaded_table(name=job.input_name, data=data, columns=TABLE_COLUMNS)
    if not len(table):
        raise JobRejected(
            code="business_import_empty", message=_("The file has no rows under its header.")
        )
    outcome = check_business_rows(actor=job.created_by, table=table, report=report)
    report(len(table), len(table), _("Writing the report"))
    return services.business_import_report_save(actor=job.created_by, job=job, outcome=outcome)


def business_import_write(job: Job, report: Report) -> dict:
    business_import = business_import_of(job)
    if business_import is None or not business_import.plan_name:
        raise JobRejected(
            code="import_plan_missing",
            message=_("The checked file is no longer available; upload it again."),
        )
    message = _("Writing the rows")
    try:
        with large_write_cache():
            return services.business_import_write(
                actor=job.created_by,
                business_import=business_import,
                write_job=job,
                progress=lambda done, total: report(done, total, message),
            )
    except IntegrityError:
        # A unique constraint refused a row: a credit code or registration number registered
        # after the check. The transaction rolled back; nothing was written.
        raise JobRejected(
            code="import_identity_taken",
            message=_(
                "A credit code or registration number of the file was registered after the "
                "check. Nothing was imported: upload the file again to check it anew."
            ),
        ) from None


def business_export(job: Job, report: Report) -> dict:
    message = _("Writing the rows")
    report(0, 0, message)
    return services.business_export_store(
        actor=job.created_by, job=job, progress=lambda done, total: report(done, total, message)
    )
