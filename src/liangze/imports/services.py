"""Importing and exporting the business registry.

An import is two jobs. The check (`business_import_start`, then tasks.business_import_check_run)
reads the upload and checks every row outside any write transaction, keeps the plan of what to
write beside the upload and a report of the bad rows. The starter then chooses how to import
(`business_import_commit`): the write job (`business_import_write`) writes every planned row in
one transaction, or nothing. An export is a file of any filtered list, written at once when small
and by a job when large.
"""

import logging
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import BigIntegerField, DateTimeField, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liangze.audit.models import AuditAction, AuditEvent
from liangze.audit.services import audit_event_record
from liangze.businesses.models import Business, BusinessStatus, StatusChange, new_public_tokens
from liangze.businesses.search import SEARCH_FIELDS, name_search_fields
from liangze.businesses.services import TRACKED
from liangze.core.errors import Conflict, Forbidden, Invalid
from liangze.files.models import FileKind, StoredFile
from liangze.files.services import stored_file_save
from liangze.imports import kinds
from liangze.imports.access import is_office_or_admin, path_writable, registry_paths
from liangze.imports.bulk import (
    Inserter,
    db_value,
    json_adapter,
    json_text_adapter,
    update_rows,
)
from liangze.imports.checking import FIELDS, Action, CheckOutcome
from liangze.imports.events import (
    EVENT_FIELDS,
    business_event_row,
    event_common,
    json_object_texts,
)
from liangze.imports.models import BusinessImport
from liangze.imports.plans import PlanRefused, plan_dumps, plan_loads
from liangze.imports.selectors import chunks, export_businesses, listed
from liangze.imports.workbooks import EXPORT_FIELDS, BadRow, write_bad_rows, write_export
from liangze.jobs.models import Job
from liangze.jobs.services import TABLE_SUFFIXES, job_create
from liangze.regions.models import Division

logger = logging.getLogger(__name__)

# 3: signed marshal (plans.py); 2 was plain JSON, 1 gzipped JSON.
PLAN_VERSION = 3
PLAN_NAME = "plan.bin"
# Rows per bulk statement group, and so between two progress reports of the write.
WRITE_CHUNK = 2000
# Bad rows listed in the job's result (the API and the page); the report file has them all.
ERRORS_IN_RESULT = 200
# A page export up to this many rows is written at once; a larger one runs as a job.
EXPORT_DIRECT_LIMIT = 2000
FILTER_KEYS = ("search", "grade", "business_type", "status", "within", "sort")


def _after_row(index: int) -> None:
    """Called after each row of the write is written (before the commit). A no-op: tests put a
    failure here to prove that one bad row leaves the database as it was."""


# --- Starting and committing an import --------------------------------------------------------


@transaction.atomic
def business_import_start(*, actor, upload: File) -> Job:
    """Queue the check of an uploaded business table (CSV, XLSX or XLS).

    The caller has checked accounts.access.is_office_or_admin. Raises Invalid, naming the field, for a
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
        raise Invalid(code="business_import_file", message=error, fields={"file": error})
    job = job_create(actor=actor, kind=kinds.BUSINESS_IMPORT_CHECK, upload=upload)
    BusinessImport.objects.create(check_job=job)
    return job


@transaction.atomic
def business_import_commit(*, actor, check_job: Job, mode: str) -> Job:
    """Queue the write of a checked import; returns the write job. A write that failed may be
    queued again.

    The caller obtained `check_job` through jobs.selectors.access_job_by_id. Refuses (Forbidden)
    someone else's check, (Conflict) a check that has not succeeded, one already committed (by
    compare-and-set: a double submit queues one write) and "all or nothing" when any row is
    invalid; (Invalid) an unknown mode.
    """
    if mode not in BusinessImport.Mode.values:
        raise Invalid(
            code="import_mode_invalid",
            message=_("Choose how to import."),
            fields={"mode": _("Choose how to import.")},
        )
    if check_job.kind != kinds.BUSINESS_IMPORT_CHECK:
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
    if mode == BusinessImport.Mode.ALL_OR_NOTHING and check_job.result.get("invalid", 0):
        raise Conflict(
            code="import_has_invalid_rows",
            message=_("Some rows are not valid, so nothing can be imported in this mode."),
        )
    write_job = job_create(
        actor=actor,
        kind=kinds.BUSINESS_IMPORT_WRITE,
        params={"check_job": check_job.pk, "mode": mode},
    )
    # Unclaimed, or claimed by a write that failed (its transaction rolled back, e.g. a worker
    # that died): compare-and-set on the write job seen, so a double submit queues one write.
    record = BusinessImport.objects.filter(check_job=check_job).select_related("write_job").first()
    previous = record.write_job if record is not None else None
    if previous is None:
        unclaimed = Q(write_job__isnull=True)
    elif previous.status == Job.Status.FAILED:
        unclaimed = Q(write_job_id=previous.pk)
    else:
        unclaimed = Q(pk__in=[])
    claimed = BusinessImport.objects.filter(unclaimed, check_job=check_job).update(
        write_job=write_job, mode=mode, updated_at=timezone.now()
    )
    if not claimed:
        raise Conflict(
            code="import_already_committed",
            message=_("This file has already been imported; upload it again to import it again."),
        )
    return write_job


# --- The check's report and plan ----------------------------------------------------------------


def _file_division(actor) -> Division:
    """Where a generated file is filed: the starter's home division; for an administrator
    without one, the top of the tree (administrators see every file anyway)."""
    if actor.division_id:
        return actor.division
    return Division.objects.filter(parent__isnull=True).order_by("path").first()


def _plan_bytes(outcome: CheckOutcome) -> bytes:
    """The rows to write (plans.py's format): new rows as value lists in FIELDS order; changed rows
    with only what changes, and the old values, for the audit."""
    new, changed = [], []
    for row in outcome.rows:
        if row.errors or row.action == Action.UNCHANGED:
            continue
        if row.action == Action.NEW:
            new.append([row.line, row.division_id, row.grade_reason, row.values])
        else:
            values = dict(zip(FIELDS, row.values, strict=True))
            after = {name: values[name] for name in row.before if name != "division"}
            if "division" in row.before:
                after["division"] = row.division_id
            changed.append(
                [
                    row.line,
                    row.business_id,
                    row.updated_at,
                    row.grade_reason,
                    values["name"],
                    row.division_id,
                    after,
                    row.before,
                ]
            )
    plan = {"version": PLAN_VERSION, "fields": FIELDS, "new": new, "changed": changed}
    return plan_dumps(plan)


def _plan_load(name: str) -> dict:
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
    if plan.get("version") != PLAN_VERSION or tuple(plan.get("fields", ())) != FIELDS:
        raise Conflict(
            code="import_plan_outdated",
            message=_("The check was made by an older version of the platform; upload again."),
        )
    return plan


def business_import_report_save(*, actor, job: Job, outcome: CheckOutcome) -> dict:
    """Keep the outcome of a check: the plan beside the upload, the bad rows as an .xlsx stored
    file (kind export: it carries the uploaded personal data), and the result for the job.

    Runs outside any transaction (the files are large); each write commits on its own, and a
    check that fails after this leaves files the job's purge removes.
    """
    folder = PurePosixPath(job.input_file.name).parent
    plan_name = default_storage.save(str(folder / PLAN_NAME), ContentFile(_plan_bytes(outcome)))
    counts = outcome.counts()
    bad = [row for row in outcome.rows if row.errors]
    bad_file = None
    if bad:
        language = translation.get_language() or settings.LANGUAGE_CODE
        with tempfile.TemporaryFile() as target:
            write_bad_rows(
                target,
                rows=(BadRow(line=r.line, cells=r.cells, errors=r.errors) for r in bad),
                language=language,
            )
            target.seek(0)
            stem = Path(job.input_name).stem or "import"
            bad_file = stored_file_save(
                actor=actor,
                division=_file_division(actor),
                kind=FileKind.EXPORT,
                upload=File(target, name=f"{stem}-bad-rows.xlsx"),
            )
    BusinessImport.objects.filter(check_job=job).update(
        plan_name=plan_name, updated_at=timezone.now()
    )
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


def _guard(*, plan: dict) -> None:
    """Refuse the whole write (Conflict) when a business to change was changed after the check.

    A credit code or registration number taken after the check needs no look-up: the unique
    constraints refuse the row, which rolls the whole write back (tasks.business_import_write
    reports it)."""
    changed = plan["changed"]
    current: dict[int, str] = {}
    for batch in chunks(row[1] for row in changed):
        current.update(
            (pk, stamp.isoformat())
            for pk, stamp in Business.objects.filter(pk__in=batch).values_list("pk", "updated_at")
        )
    moved = [row[0] for row in changed if current.get(row[1]) != row[2]]
    if moved:
        raise Conflict(
            code="import_businesses_changed",
            message=_(
                "%(count)d business(es) of the file changed after the check (the first on line "
                "%(line)d). Nothing was imported: upload the file again to check it anew."
            )
            % {"count": len(moved), "line": min(moved)},
        )


def _divisions_for(*, actor, plan: dict) -> dict[int, Division]:
    """The divisions the plan writes into or out of, each still the writer's."""
    ids = {row[1] for row in plan["new"]}
    ids |= {row[5] for row in plan["changed"]}
    ids |= {row[7]["division"] for row in plan["changed"] if "division" in row[7]}
    divisions: dict[int, Division] = {}
    for batch in chunks(ids):
        divisions.update((d.pk, d) for d in Division.objects.filter(pk__in=batch))
    paths = registry_paths(actor)
    if len(divisions) != len(ids) or not all(
        path_writable(d.path, paths) for d in divisions.values()
    ):
        raise Conflict(
            code="import_jurisdiction_changed",
            message=_(
                "Your jurisdiction changed after the check. Nothing was imported: upload the "
                "file again to check it anew."
            ),
        )
    return divisions


@transaction.atomic
def business_import_write(
    *,
    actor,
    business_import: BusinessImport,
    write_job: Job,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Write the checked rows of an import: all of them, or (on any error) none.

    New businesses are registered operating from today, each with its status change; changed
    ones get only their changed fields and updated_at. One audit event per registered or changed
    business, each naming the import (data `import_job`: the write job, and `check_job`), and
    one for the import. Raises Conflict, writing nothing, when a business changed since the
    check (_guard) or the writer's jurisdiction shrank, and IntegrityError when a credit code or
    registration number was taken meanwhile. `progress(done, total)` runs inside the transaction (jobs/progress.py
    carries it out). Rows go in with bulk.py's statements: the ORM's per-object cost was most
    of a large import's time.
    """
    plan = _plan_load(business_import.plan_name)
    _guard(plan=plan)
    divisions = _divisions_for(actor=actor, plan=plan)
    report = progress or (lambda done, total: None)
    fields = plan["fields"]
    new_rows, changed_rows = plan["new"], plan["changed"]
    total = len(new_rows) + len(changed_rows)
    today, now = timezone.localdate(), timezone.now()
    today_text = today.isoformat()
    to_json = json_adapter()
    today_db = db_value(Business, "status_since", today)
    now_db = db_value(Business, "updated_at", now)
    writer_id = actor.pk if getattr(actor, "pk", None) else None
    link = {"import_job": write_job.pk, "check_job": business_import.check_job_id}
    from_text = json_text_adapter()
    operating = BusinessStatus.OPERATING.value
    registered = _("Registered by import")
    businesses = Inserter(
        Business,
        (
            *fields,
            *SEARCH_FIELDS,
            "status",
            "status_since",
            "division_id",
            "public_token",
            "created_by_id",
            "created_at",
            "updated_at",
        ),
    )
    status_changes = Inserter(
        StatusChange,
        (
            "business_id",
            "from_status",
            "to_status",
            "effective_on",
            "reason",
            "actor_id",
            "created_at",
            "updated_at",
        ),
    )
    events = Inserter(AuditEvent, EVENT_FIELDS)
    name_at = fields.index("name")
    done = 0
    report(done, total)

    for batch in chunks(new_rows, WRITE_CHUNK):
        ids = businesses.insert_returning_ids(
            [
                (
                    *values,
                    *name_search_fields(values[name_at]).values(),
                    operating,
                    today_db,
                    division_id,
                    token,
                    writer_id,
                    now_db,
                    now_db,
                )
                for (_line, division_id, _reason, values), token in zip(
                    batch, new_public_tokens(len(batch)), strict=True
                )
            ]
        )
        status_changes.insert_selected(
            Business.objects.filter(pk__in=listed(ids, "bigint"))
            .order_by()
            .values_list(
                "pk",
                Value(""),
                "status",
                "status_since",
                Value(registered),
                Cast(Value(writer_id), BigIntegerField()),
                Value(now, output_field=DateTimeField()),
                Value(now, output_field=DateTimeField()),
            )
        )
        common = event_common(actor=actor, action=AuditAction.BUSINESS_CREATED)
        # The registered state, as TRACKED orders it: the plan's values, then the status, its
        # date and the division (registration_changes' shape, built by column).
        changes = json_object_texts(
            TRACKED,
            [
                (*values, operating, today_text, division_id)
                for _l, division_id, _r, values in batch
            ],
            registration=True,
        )
        data = json_object_texts(
            (*link, "line", "grade_reason"),
            [(*link.values(), line, reason) for line, _d, reason, _v in batch],
        )
        created = [
            business_event_row(
                common,
                target_id=pk,
                name=values[name_at],
                path=divisions[division_id].path,
                changes=from_text(change_text),
                data=from_text(data_text),
            )
            for pk, (_line, division_id, _reason, values), change_text, data_text in zip(
                ids, batch, changes, data, strict=True
            )
        ]
        events.insert(created)
        for _row in batch:
            _after_row(done)
            done += 1
        report(done, total)

    for batch in chunks(changed_rows, WRITE_CHUNK):
        groups: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
        common = event_common(actor=actor, action=AuditAction.BUSINESS_UPDATED)
        changed = []
        for line, pk, _stamp, reason, name, division_id, after, before in batch:
            names = tuple(sorted(after))
            columns = tuple("division_id" if field == "division" else field for field in names)
            keys = name_search_fields(after["name"]) if "name" in after else {}
            columns += tuple(keys)
            groups[columns].append((*(after[field] for field in names), *keys.values(), now_db, pk))
            data = {**link, "line": line}
            if reason and "grade" in after:
                data["grade_reason"] = reason
            changed.append(
                business_event_row(
                    common,
                    target_id=pk,
                    name=name,
                    path=divisions[division_id].path,
                    changes=to_json({field: [before[field], after[field]] for field in names}),
                    data=to_json(data),
                )
            )
        for columns, rows in groups.items():
            update_rows(Business, (*columns, "updated_at"), rows)
        events.insert(changed)
        for _row in batch:
            _after_row(done)
            done += 1
        report(done, total)

    result = {
        "created": len(new_rows),
        "updated": len(changed_rows),
        "check_job": business_import.check_job_id,
        "mode": business_import.mode,
    }
    audit_event_record(
        actor=actor,
        action=AuditAction.BUSINESSES_IMPORTED,
        target=write_job,
        division=actor.division if getattr(actor, "division_id", None) else None,
        data=result,
    )
    return result


# --- Export ---------------------------------------------------------------------------------------


def export_params(filters: dict) -> dict:
    """Filters (selectors.business_list's keywords) as JSON for a job's params and the audit."""
    params = {key: filters.get(key) or "" for key in FILTER_KEYS}
    within = filters.get("within")
    params["within"] = within.pk if within is not None else None
    return params


def _filters_from(*, viewer, params: dict) -> dict:
    """The job's params back as business_list's keywords; the division is looked up in the
    starter's jurisdiction again, as it is now."""
    from liangze.regions.selectors import division_list

    filters = {key: params.get(key) or "" for key in FILTER_KEYS if key != "within"}
    filters["within"] = None
    if params.get("within"):
        within = division_list(viewer=viewer).filter(pk=params["within"]).first()
        if within is None:
            raise Conflict(
                code="export_division_gone",
                message=_("The division of the filter is no longer in your jurisdiction."),
            )
        filters["within"] = within
    return filters


@transaction.atomic
def business_export_record(*, actor, params: dict, rows: int, job: Job | None = None) -> None:
    """The audit event of an export of personal data: who, which filters, how many rows.

    An empty export discloses nothing and is not recorded."""
    if not rows:
        return
    audit_event_record(
        actor=actor,
        action=AuditAction.BUSINESS_EXPORTED,
        target=job,
        division=actor.division if getattr(actor, "division_id", None) else None,
        data={"filters": params, "rows": rows, "job": job.pk if job else None},
    )


def business_export_write(*, actor, filters: dict, target, progress=None) -> int:
    """Write the filtered list the actor sees into `target` (a binary file); returns the rows.

    The caller has checked accounts.access.is_office_or_admin and records the export
    (business_export_record) once the file is complete."""
    businesses = (
        export_businesses(viewer=actor, **filters)
        .values_list(*EXPORT_FIELDS)
        .iterator(chunk_size=2000)
    )
    language = translation.get_language() or settings.LANGUAGE_CODE
    return write_export(target, businesses=businesses, language=language, progress=progress)


@transaction.atomic
def business_export_start(*, actor, filters: dict) -> Job:
    """Queue the export of a filtered list (the caller checked accounts.access.is_office_or_admin)."""
    return job_create(actor=actor, kind=kinds.BUSINESS_EXPORT, params=export_params(filters))


def business_export_store(*, actor, job: Job, progress=None) -> dict:
    """The work of an export job: write the file, keep it as a stored file (kind export), record
    the export. The file is written outside any transaction."""
    if not is_office_or_admin(actor):
        raise Forbidden(
            code="export_forbidden",
            message=_("Only food safety office staff export the business registry."),
        )
    filters = _filters_from(viewer=actor, params=job.params)
    total = export_businesses(viewer=actor, **filters).count()
    report = progress or (lambda done, total: None)
    with tempfile.TemporaryFile() as target:
        rows = business_export_write(
            actor=actor,
            filters=filters,
            target=target,
            progress=lambda done: report(done, max(total, done)),
        )
        target.seek(0)
        stored: StoredFile = stored_file_save(
            actor=actor,
            division=_file_division(actor),
            kind=FileKind.EXPORT,
            upload=File(target, name=export_file_name()),
        )
    business_export_record(actor=actor, params=job.params, rows=rows, job=job)
    return {"rows": rows, "file": str(stored.public_id)}


def export_file_name() -> str:
    return f"businesses-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
