"""Background tasks of the import engine. Each takes a job's id and runs it through
jobs.runner.job_run, which decides how the job ends; the job's kind names the import spec."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_tasks import task

from liangze.core.errors import Invalid
from liangze.core.memory import cyclic_gc_paused
from liangze.imports import services
from liangze.imports.bulk import large_write_cache
from liangze.imports.selectors import table_import_of
from liangze.imports.specs import import_spec_of_kind
from liangze.jobs.models import Job
from liangze.jobs.runner import JobRejected, Report, job_run
from liangze.jobs.tasks import read_uploaded_table


@task()
def table_import_check_run(job_id: int) -> dict | None:
    """Check an uploaded table (see services.table_import_start)."""
    with cyclic_gc_paused():
        return job_run(job_id, table_import_check)


@task()
def table_import_write_run(job_id: int) -> dict | None:
    """Write a checked import (see services.table_import_commit)."""
    with cyclic_gc_paused():
        return job_run(job_id, table_import_write)


@task()
def table_export_run(job_id: int) -> dict | None:
    """Write a large export of the spec whose export job this is."""
    with cyclic_gc_paused():
        return job_run(job_id, table_export)


@task()
def table_import_run(job_id: int) -> dict | None:
    """Check and write an uploaded table all or nothing, in one job (a spec without a write
    job kind)."""
    with cyclic_gc_paused():
        return job_run(job_id, table_import_all_or_nothing)


def _uploaded_table(job: Job, spec):
    try:
        with job.input_file.open("rb") as stored:
            data = stored.read()
    except (OSError, ValueError):
        raise JobRejected(
            code="job_input_missing",
            message=_("The uploaded file is no longer available. Upload it again."),
        ) from None
    # The files app's checks first: python-calamine aborts the process on some crafted files.
    return read_uploaded_table(name=job.input_name, data=data, columns=spec.table_columns)


def table_import_check(job: Job, report: Report) -> dict:
    spec = import_spec_of_kind(job.kind)
    report(0, 0, _("Reading the file"))
    table = _uploaded_table(job, spec)
    if not len(table):
        raise JobRejected(
            code=f"{spec.error_prefix}_empty", message=_("The file has no rows under its header.")
        )
    outcome = spec.check(actor=job.created_by, table=table, report=report, params=job.params)
    report(len(table), len(table), _("Writing the report"))
    return services.table_import_report_save(
        actor=job.created_by, spec=spec, job=job, outcome=outcome
    )


def table_import_write(job: Job, report: Report) -> dict:
    table_import = table_import_of(job)
    if table_import is None or not table_import.plan_name:
        raise JobRejected(
            code="import_plan_missing",
            message=_("The checked file is no longer available; upload it again."),
        )
    spec = import_spec_of_kind(job.kind)
    message = _("Writing the rows")
    try:
        with large_write_cache():
            return services.table_import_write(
                actor=job.created_by,
                table_import=table_import,
                write_job=job,
                progress=lambda done, total: report(done, total, message),
            )
    except IntegrityError:
        # A unique constraint refused a row: an identity registered after the check. The
        # transaction rolled back; nothing was written.
        raise JobRejected(
            code="import_identity_taken", message=str(spec.identity_taken_message)
        ) from None


def table_export(job: Job, report: Report) -> dict:
    spec = import_spec_of_kind(job.kind)
    return spec.export_run(job, report)


def _row_errors(errors) -> list[dict]:
    """Errors (objects with line, column and message) as the job's result lists them."""
    return [{"line": e.line, "column": e.column, "message": str(e.message)} for e in errors]


def table_import_all_or_nothing(job: Job, report: Report) -> dict:
    spec = import_spec_of_kind(job.kind)
    report(0, 0, _("Reading the file"))
    table = _uploaded_table(job, spec)
    outcome = spec.check(actor=job.created_by, table=table, report=report, params=job.params)
    errors = sorted(
        (
            (row.line, column, message)
            for row in outcome.rows
            for column, message in row.errors.items()
        ),
        key=lambda error: (error[0], error[1]),
    )
    if errors:
        result = [{"line": line, "column": column, "message": m} for line, column, m in errors]
        refused = spec.rejection(result)
        raise JobRejected(code=refused.code, message=refused.message, result={"errors": result})
    plan = spec.plan(outcome)
    message = _("Checking and writing the rows")
    try:
        with large_write_cache(), transaction.atomic():
            return spec.write(
                actor=job.created_by,
                plan=plan,
                link={"import_job": job.pk},
                progress=lambda done, total: report(done, total, message),
            )
    except Invalid as exc:
        errors = getattr(exc, "errors", None)
        raise JobRejected(
            code=exc.code,
            message=exc.message,
            result={"errors": _row_errors(errors)} if errors else None,
        ) from None
