"""Exporting the business registry: any filtered list as a spreadsheet in the import's
columns (imports.workbooks.write_export), at once when small and by a job when large."""

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liangze.accounts.access import is_office_or_admin
from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record
from liangze.businesses.import_selectors import export_businesses, file_division
from liangze.businesses.imports import BUSINESS_EXPORT, COLUMNS
from liangze.businesses.models import BusinessStatus
from liangze.businesses.types import BusinessType, Scale
from liangze.core.errors import Conflict, Forbidden
from liangze.files.models import FileKind, StoredFile
from liangze.files.services import stored_file_save
from liangze.imports.columns import bool_words
from liangze.imports.workbooks import guarded, safe_text, write_export
from liangze.jobs.models import Job
from liangze.jobs.runner import Report
from liangze.jobs.services import job_create

# A page export up to this many rows is written at once; a larger one runs as a job.
EXPORT_DIRECT_LIMIT = 2000
FILTER_KEYS = ("search", "grade", "business_type", "status", "within", "sort")


def phone_for_sheet(e164: str) -> str:
    """+8613800000000 → 13800000000, +86979… → 0979…: how people write them, and what the
    importer turns back into the same E.164 number."""
    if not e164.startswith("+86"):
        return e164
    local = e164[3:]
    if len(local) == 11 and local.startswith("1"):
        return local
    return "0" + local


def _degrees(e6: int | None) -> float | None:
    # Integer true division is correctly rounded: the same float as via Decimal, and faster.
    return None if e6 is None else e6 / 1_000_000


# What an export reads of each business, in this order, as plain tuples (values_list): no
# model instances (a large export spent a third of its time building them), and no dicts.
EXPORT_FIELDS = (
    "pk",
    "name",
    "uscc",
    "registration_number",
    "license_number",
    "business_type",
    "chain_hq",
    "key",
    "scale",
    "staff_count",
    "annual_revenue_fen",
    "grade",
    "risk_level",
    "division__code",
    "address",
    "lat_e6",
    "lng_e6",
    "contact_name",
    "contact_phone",
    "open_kitchen",
    "status",
    "division__name",
)


@dataclass(frozen=True)
class ExportWords:
    """The words an export writes for codes, in one language, each already formula-guarded."""

    yes: str
    no: str
    types: dict[str, str]
    scales: dict[str, str]
    statuses: dict[str, str]


def export_words(language: str) -> ExportWords:
    """Yes/no and the choice labels in `language`, whatever language is active."""
    yes, no = bool_words(language)
    with translation.override(language):
        return ExportWords(
            yes=safe_text(yes),
            no=safe_text(no),
            types={member.value: safe_text(member.label) for member in BusinessType},
            scales={member.value: safe_text(member.label) for member in Scale},
            statuses={member.value: safe_text(member.label) for member in BusinessStatus},
        )


def export_cells(business: Sequence, *, words: ExportWords) -> list:
    """One business (a row of EXPORT_FIELDS) as the cells written: the template's COLUMNS, then
    status and division name. Text comes formula-guarded (safe_text), numbers as numbers, a
    blank cell as "" or None."""
    (
        pk,
        name,
        uscc,
        registration_number,
        license_number,
        business_type,
        chain_hq,
        key,
        scale,
        staff_count,
        revenue_fen,
        grade,
        risk_level,
        division_code,
        address,
        lat_e6,
        lng_e6,
        contact_name,
        contact_phone,
        open_kitchen,
        status,
        division_name,
    ) = business
    yes, no = words.yes, words.no
    return [
        pk,
        guarded(name),
        guarded(uscc),
        guarded(registration_number),
        guarded(license_number),
        words.types.get(business_type) or guarded(business_type),
        yes if chain_hq else no,
        yes if key else no,
        words.scales.get(scale) or guarded(scale),
        staff_count,
        None if revenue_fen is None else revenue_fen // 100,
        guarded(grade),
        "",
        guarded(risk_level),
        guarded(division_code),
        guarded(address),
        _degrees(lat_e6),
        _degrees(lng_e6),
        guarded(contact_name),
        guarded(phone_for_sheet(contact_phone)),
        yes if open_kitchen else no,
        words.statuses.get(status) or guarded(status),
        guarded(division_name),
    ]


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
    words = export_words(language)
    with translation.override(language):
        extra = [_("Status (not imported)"), _("Division name (not imported)")]
        title = _("Businesses")
    return write_export(
        target,
        columns=COLUMNS,
        extra_headers=extra,
        sheet_title=title,
        rows=(export_cells(business, words=words) for business in businesses),
        language=language,
        progress=progress,
    )


@transaction.atomic
def business_export_start(*, actor, filters: dict) -> Job:
    """Queue the export of a filtered list (the caller checked accounts.access.is_office_or_admin)."""
    return job_create(actor=actor, kind=BUSINESS_EXPORT, params=export_params(filters))


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
            division=file_division(actor),
            kind=FileKind.EXPORT,
            upload=File(target, name=export_file_name()),
        )
    business_export_record(actor=actor, params=job.params, rows=rows, job=job)
    return {"rows": rows, "file": str(stored.public_id)}


def export_file_name() -> str:
    return f"businesses-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def business_export_job(job: Job, report: Report) -> dict:
    """The work of an export job (the engine's tasks.table_export_run runs it)."""
    message = _("Writing the rows")
    report(0, 0, message)
    return business_export_store(
        actor=job.created_by, job=job, progress=lambda done, total: report(done, total, message)
    )
