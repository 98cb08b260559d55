"""The import engine's writes: starting and committing an import of any entity's table,
keeping a check's plan and report, and running the write. See docs/architecture.md, "The
import engine".

An import is two jobs. The check (`table_import_start`, then tasks.table_import_check_run)
reads the upload and checks every row outside any write transaction (the spec's check), keeps
the plan of what to write beside the upload and a report of the bad rows. The starter then
chooses how to import (`table_import_commit`): the write job (`table_import_write`) writes every
planned row in one transaction through the spec's writer, or nothing.
"""

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liangze.audit.services import audit_event_record
from liangze.core.errors import Conflict, Forbidden, Invalid
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.imports.models import TableImport
from liangze.imports.plans import PlanRefused, plan_dumps, plan_loads
from liangze.imports.specs import CheckOutcome, ImportSpec, import_spec_of_kind
from liangze.imports.workbooks import BadRow, write_bad_rows
from liangze.jobs.models import Job
from liangze.jobs.services import TABLE_SUFFIXES, job_create

logger = logging.getLogger(__name__)

# 4: the spec's name and plan beside the layout; 3: signed marshal (plans.py); 2 was plain JSON,
# 1 gzipped JSON.
PLAN_VERSION = 4
PLAN_NAME = "plan.bin"
# Bad rows listed in the job's result (the API and the page); the report file has them all.
ERRORS_IN_RESULT = 200


@transaction.atomic
def table_import_start(*, actor, spec: ImportSpec, upload: File) -> Job:
    """Queue the check of an uploaded table of the spec's entity (CSV, XLSX or XLS).

    The caller has checked spec.can_import. Raises Invalid, naming the field, for a
    file of the wrong type or size; the rows are checked by the job, which writes nothing but
    its report.
    """
    error = ""
    if Path(upload.name or "").suffix.lower() not in TABLE_SUFFIXES:
        error = _("Upload a .csv, .xlsx or .xls file.")
    elif not upload.size:
        error = _("The file is empty.")
    elif upload.size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        error = _("The file is larger than %(size)d MB.") % {
            "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        }
    if error:
        raise Invalid(code=f"{spec.error_prefix}_file", message=error, fields={"file": error})
    job = job_create(actor=actor, kind=spec.check_kind, upload=upload)
    TableImport.objects.create(check_job=job)
    return job


@transaction.atomic
def table_import_commit(*, actor, check_job: Job, mode: str) -> Job:
    """Queue the write of a checked import; returns the write job. A write that failed may be
    queued again.

    The caller obtained `check_job` through jobs.selectors.access_job_by_id. Refuses (Forbidden)
    someone else's check, (Conflict) a check that has not succeeded, one already committed (by
    compare-and-set: a double submit queues one write) and "all or nothing" when any row is
    invalid; (Invalid) an unknown mode.
    """
    if mode not in TableImport.Mode.values:
        raise Invalid(
            code="import_mode_invalid",
            message=_("Choose how to import."),
            fields={"mode": _("Choose how to import.")},
        )
    spec = import_spec_of_kind(check_job.kind)
    if spec is None or check_job.kind != spec.check_kind:
        raise Conflict(code="import_not_a_check", message=_("This job is not an import check."))
    if check_job.created_by_id != actor.pk:
        raise Forbidden(
            code="import_not_yours", message=_("Only the person who uploaded the file imports it.")
        )
    if check_job.status != Job.Status.SUCCEEDED:
        raise Conflict(
            code="import_not_checked",
            message=_("The file can be imported once its check has finished without error."),
        )
    if mode == TableImport.Mode.ALL_OR_NOTHING and check_job.result.get("invalid", 0):
        raise Conflict(
            code="import_has_invalid_rows",
            message=_("Some rows are not valid, so nothing can be imported in this mode."),
        )
    write_job = job_create(
        actor=actor,
        kind=spec.write_kind,
        params={"check_job": check_job.pk, "mode": mode},
    )
    # Unclaimed, or claimed by a write that failed (its transaction rolled back, e.g. a worker
    # that died): compare-and-set on the write job seen, so a double submit queues one write.
    record = TableImport.objects.filter(check_job=check_job).select_related("write_job").first()
    previous = record.write_job if record is not None else None
    if previous is None:
        unclaimed = Q(write_job__isnull=True)
    elif previous.status == Job.Status.FAILED:
        unclaimed = Q(write_job_id=previous.pk)
    else:
        unclaimed = Q(pk__in=[])
    claimed = TableImport.objects.filter(unclaimed, check_job=check_job).update(
        write_job=write_job, mode=mode, updated_at=timezone.now()
    )
    if not claimed:
        raise Conflict(
            code="import_already_committed",
            message=_("This file has already been imported; upload it again to import it again."),
        )
    return write_job


# --- The check's report and plan ----------------------------------------------------------------


def _plan_bytes(spec: ImportSpec, outcome: CheckOutcome) -> bytes:
    """The spec's plan of the valid rows, in plans.py's format, with the layout it was made for."""
    plan = spec.plan(outcome)
    return plan_dumps(
        {"version": PLAN_VERSION, "spec": spec.name, "fields": spec.plan_fields, **plan}
    )


def _plan_load(name: str, spec: ImportSpec) -> dict:
    try:
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
    except OSError:
        raise Conflict(
            code="import_plan_missing",
            message=_("The checked file is no longer available; upload it again."),
        ) from None
    try:
        plan = plan_loads(data)
    except PlanRefused as exc:
        logger.warning("import plan %s refused: %s", name, exc)
        plan = {}
    if (
        plan.get("version") != PLAN_VERSION
        or plan.get("spec") != spec.name
        or tuple(plan.get("fields", ())) != tuple(spec.plan_fields)
    ):
        raise Conflict(
            code="import_plan_outdated",
            message=_("The check was made by an older version of the platform; upload again."),
        )
    return plan


def table_import_report_save(*, actor, spec: ImportSpec, job: Job, outcome: CheckOutcome) -> dict:
    """Keep the outcome of a check: the plan beside the upload, the bad rows as an .xlsx stored
    file (kind export: it carries the uploaded personal data), and the result for the job.

    Runs outside any transaction (the files are large); each write commits on its own, and a
    check that fails after this leaves files the job's purge removes.
    """
    folder = PurePosixPath(job.input_file.name).parent
    plan_name = default_storage.save(
        str(folder / PLAN_NAME), ContentFile(_plan_bytes(spec, outcome))
    )
    counts = outcome.counts()
    bad = [row for row in outcome.rows if row.errors]
    bad_file = None
    if bad:
        language = translation.get_language() or settings.LANGUAGE_CODE
        with tempfile.TemporaryFile() as target:
            write_bad_rows(
                target,
                columns=spec.columns,
                rows=(BadRow(line=r.line, cells=r.cells, errors=r.errors) for r in bad),
                language=language,
            )
            target.seek(0)
            stem = Path(job.input_name).stem or "import"
            bad_file = stored_file_save(
                actor=actor,
                division=spec.file_division(actor),
                kind=FileKind.EXPORT,
                upload=File(target, name=f"{stem}-bad-rows.xlsx"),
            )
    TableImport.objects.filter(check_job=job).update(plan_name=plan_name, updated_at=timezone.now())
    errors = [
        {"line": row.line, "column": column, "message": message}
        for row in bad[:ERRORS_IN_RESULT]
        for column, message in row.errors.items()
    ]
    return {
        **counts,
        "bad_rows_file": str(bad_file.public_id) if bad_file else None,
        "errors": errors,
        "errors_shown_rows": min(len(bad), ERRORS_IN_RESULT),
    }


# --- The write ------------------------------------------------------------------------------------


@transaction.atomic
def table_import_write(
    *,
    actor,
    table_import: TableImport,
    write_job: Job,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Write the checked rows of an import through its spec's writer: all of them, or (on any
    error) none. Every audit event of the rows names the import (data `import_job`: the write
    job, and `check_job`); one more event, the spec's `imported_action`, records the import.
    The writer raises Conflict, writing nothing, when the plan no longer holds, and lets an
    IntegrityError through when an identity was taken meanwhile (tasks.py reports it).
    `progress(done, total)` runs inside the transaction (jobs/progress.py carries it out)."""
    spec = import_spec_of_kind(table_import.check_job.kind)
    plan = _plan_load(table_import.plan_name, spec)
    link = {"import_job": write_job.pk, "check_job": table_import.check_job_id}
    counts = spec.write(
        actor=actor, plan=plan, link=link, progress=progress or (lambda done, total: None)
    )
    result = {**counts, "check_job": table_import.check_job_id, "mode": table_import.mode}
    audit_event_record(
        actor=actor,
        action=spec.imported_action,
        target=write_job,
        division=actor.division if getattr(actor, "division_id", None) else None,
        data=result,
    )
    return result
