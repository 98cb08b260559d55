"""Writing the division tree."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record
from liangze.core.errors import Invalid
from liangze.core.tables import TableRow
from liangze.core.tree import child_path, path_segment
from liangze.jobs.models import Job
from liangze.jobs.services import TABLE_SUFFIXES, job_create
from liangze.regions.codes import is_parent_code, level_of_code, normalise_division_code
from liangze.regions.models import Division, Level

DIVISION_IMPORT = "division_import"  # the job kind, registered in apps.py
FIRST_VINTAGE = 1980  # the statistical division codes began in the 1980s


@dataclass
class RowError:
    line: int
    column: str
    message: str


@dataclass
class DivisionImportResult:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Parsed:
    line: int
    code: str
    name: str
    parent_code: str
    level: str


# Rows created per bulk_create, and so between two progress reports.
WRITE_CHUNK = 1000


class DivisionImportRejected(Invalid):
    def __init__(self, errors: list[RowError]):
        super().__init__(
            code="division_import_rejected",
            message=_("The division table has %(count)d error(s); nothing was imported.")
            % {"count": len(errors)},
        )
        self.errors = errors


def division_table_problems(rows: list[TableRow], vintage: int) -> list[RowError]:
    """Every problem of a division table of one vintage, by line and column; reads only."""
    return _validate(rows, vintage)[1]


def _validate(rows: list[TableRow], vintage: int) -> tuple[list[_Parsed], list[RowError]]:
    errors: list[RowError] = []
    parsed: list[_Parsed] = []
    seen: dict[str, int] = {}
    for row in rows:
        try:
            code = normalise_division_code(row.values["code"])
        except ValidationError as exc:
            errors.append(RowError(row.line, "code", exc.messages[0]))
            continue
        name = row.values["name"].strip()
        if not name:
            errors.append(RowError(row.line, "name", _("Enter the division's name.")))
        elif len(name) > 100:
            errors.append(RowError(row.line, "name", _("A name has at most 100 characters.")))
        if code in seen:
            errors.append(
                RowError(
                    row.line,
                    "code",
                    _("Code %(code)s already appears on line %(line)d.")
                    % {"code": code, "line": seen[code]},
                )
            )
            continue
        seen[code] = row.line
        parent_raw = row.values["parent_code"].strip()
        parent_code = ""
        if parent_raw:
            try:
                parent_code = normalise_division_code(parent_raw)
            except ValidationError as exc:
                errors.append(RowError(row.line, "parent_code", exc.messages[0]))
                continue
        parsed.append(_Parsed(row.line, code, name, parent_code, level_of_code(code)))

    in_file = {p.code for p in parsed}
    in_db = set(Division.objects.filter(vintage=vintage).values_list("code", flat=True))
    for p in parsed:
        if p.level == Level.PROVINCE:
            if p.parent_code:
                errors.append(
                    RowError(
                        p.line, "parent_code", _("A province has no parent; leave this empty.")
                    )
                )
            continue
        if not p.parent_code:
            errors.append(RowError(p.line, "parent_code", _("Enter the parent's division code.")))
        elif not is_parent_code(p.parent_code, p.code):
            errors.append(
                RowError(
                    p.line,
                    "parent_code",
                    _(
                        "%(parent)s cannot be the parent of %(code)s: it must be one level up with a matching prefix."
                    )
                    % {"parent": p.parent_code, "code": p.code},
                )
            )
        elif p.parent_code not in in_file and p.parent_code not in in_db:
            errors.append(
                RowError(
                    p.line,
                    "parent_code",
                    _("Parent %(parent)s is neither in this file nor on the platform.")
                    % {"parent": p.parent_code},
                )
            )
    errors.sort(key=lambda e: (e.line, e.column))
    return parsed, errors


@transaction.atomic
def division_table_import(
    *,
    actor,
    rows: list[TableRow],
    vintage: int,
    progress: Callable[[int, int], None] | None = None,
) -> DivisionImportResult:
    """Import a whole division table of one vintage: all rows or none.

    New codes are created, known codes renamed where the name changed. Raises
    DivisionImportRejected (with every bad row) before writing anything.

    `progress(done, total)`, when given, is called as rows are written, ending with done == total
    (the rows of the table). It runs inside this transaction: to be seen before the commit it must
    publish outside the database (see liangze.jobs.progress).
    """
    parsed, errors = _validate(rows, vintage)
    if errors:
        raise DivisionImportRejected(errors)
    existing = {d.code: d for d in Division.objects.filter(vintage=vintage)}
    result = DivisionImportResult()
    renamed = []
    for p in parsed:
        known = existing.get(p.code)
        if known is None:
            continue
        if (
            known.parent_id
            and existing.get(p.parent_code)
            and known.parent_id != existing[p.parent_code].pk
        ):
            raise DivisionImportRejected(
                [
                    RowError(
                        p.line,
                        "parent_code",
                        _("Moving a division to another parent is not supported by import."),
                    )
                ]
            )
        if known.name != p.name:
            known.name = p.name
            known.updated_at = timezone.now()  # bulk_update() skips auto_now
            renamed.append(known)
        else:
            result.unchanged += 1
    if renamed:
        Division.objects.bulk_update(renamed, ["name", "updated_at"])
    result.renamed = len(renamed)
    report = progress or (lambda done, total: None)
    report(result.renamed + result.unchanged, len(parsed))

    # Create level by level, so every parent has its primary key (and path) before its children;
    # in chunks, so a long import reports progress as it writes.
    for level in Level.values:
        new = [p for p in parsed if p.level == level and p.code not in existing]
        for start in range(0, len(new), WRITE_CHUNK):
            objects = [
                Division(
                    code=p.code,
                    name=p.name,
                    level=p.level,
                    parent=existing.get(p.parent_code),
                    path=f"pending-{vintage}-{p.code}",
                    vintage=vintage,
                )
                for p in new[start : start + WRITE_CHUNK]
            ]
            Division.objects.bulk_create(objects, batch_size=WRITE_CHUNK)
            for division in objects:
                division.path = (
                    child_path(division.parent.path, division.pk)
                    if division.parent
                    else path_segment(division.pk)
                )
                existing[division.code] = division
            Division.objects.bulk_update(objects, ["path"], batch_size=WRITE_CHUNK)
            result.created += len(objects)
            report(result.renamed + result.unchanged + result.created, len(parsed))

    audit_event_record(
        actor=actor,
        action=AuditAction.DIVISIONS_IMPORTED,
        data={
            "vintage": vintage,
            "created": result.created,
            "renamed": result.renamed,
            "rows": len(parsed),
        },
    )
    return result


@transaction.atomic
def division_import_start(*, actor, upload: File, vintage: int) -> Job:
    """Queue the import of a division table (CSV or spreadsheet) of one vintage.

    The caller has checked access.can_import_divisions. Raises Invalid, naming the field, for a
    file of the wrong type or size or an impossible vintage; the rows are checked by the job
    (the import engine's imports.tasks.table_import_run, by the spec in imports.py).
    """
    errors = {}
    if Path(upload.name or "").suffix.lower() not in TABLE_SUFFIXES:
        errors["file"] = _("Upload a .csv, .xlsx or .xls file.")
    elif not upload.size:
        errors["file"] = _("The file is empty.")
    elif upload.size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        errors["file"] = _("The file is larger than %(size)d MB.") % {
            "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        }
    last_vintage = timezone.localdate().year + 1
    if not FIRST_VINTAGE <= vintage <= last_vintage:
        errors["vintage"] = _("Enter a year from %(first)d to %(last)d.") % {
            "first": FIRST_VINTAGE,
            "last": last_vintage,
        }
    if errors:
        raise Invalid(
            code="division_import_invalid",
            message=_("Check the file and the vintage year."),
            fields=errors,
        )
    return job_create(actor=actor, kind=DIVISION_IMPORT, upload=upload, params={"vintage": vintage})
