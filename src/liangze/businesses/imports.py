"""The business registry's table import, a client of the import engine (liangze.imports): its
columns, its template, its plan and its writer. See docs/architecture.md, "The import engine".

The columns are shared by the template, the bad-rows report and the export, so an exported list
re-imports as unchanged. Each has a Chinese header and an English key; an upload may use either.
The check is import_check.check_business_rows; the write goes through services.py
(business_register_many, business_change_many), as every registration does.
"""

from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangze.accounts.access import is_office_or_admin
from liangze.audit.models import AuditAction
from liangze.businesses.fields import BUSINESS_FIELDS, FIELD_COLUMN, import_columns
from liangze.businesses.import_access import path_writable, registry_paths
from liangze.businesses.import_selectors import (
    business_updated_stamps,
    divisions_by_id,
    template_divisions,
)
from liangze.businesses.models import Grade, RiskLevel
from liangze.businesses.services import (
    Change,
    Registration,
    business_change_many,
    business_register_many,
)
from liangze.businesses.types import BusinessType, Scale
from liangze.businesses.validation import CLEANED_FIELDS
from liangze.core.errors import Conflict
from liangze.imports.checking import Action, CheckOutcome
from liangze.imports.columns import bool_words, choice_spellings
from liangze.imports.specs import Dropdown, ImportSpec, TemplateParts, import_spec_register

# The job kinds of the registry's import and export, registered in apps.py.
BUSINESS_IMPORT_CHECK = "business_import_check"
BUSINESS_IMPORT_WRITE = "business_import_write"
BUSINESS_EXPORT = "business_export"

COLUMNS = import_columns()
BY_KEY = {column.key: column for column in COLUMNS}
KEYS = tuple(column.key for column in COLUMNS)
# read_table's mapping: canonical key → the other spellings accepted in the header row.
TABLE_COLUMNS = {column.key: column.spellings() for column in COLUMNS}

BOOL_COLUMNS = tuple(f.key for f in BUSINESS_FIELDS if f.kind == "bool" and f.in_import)
CHOICE_COLUMNS = {
    "business_type": BusinessType,
    "scale": Scale,
    "grade": Grade,
    "risk_level": RiskLevel,
}
DIVISION_LIST_CAP = 5_000
# The fields an import sets, in the plan's order: clean_business_fields' output.
FIELDS = CLEANED_FIELDS
__all__ = ["BY_KEY", "COLUMNS", "FIELD_COLUMN", "KEYS", "TABLE_COLUMNS"]


@lru_cache(maxsize=1)
def choice_values() -> dict[str, dict[str, str]]:
    """For each choice column, every accepted spelling → the value: the value itself and its
    label in each of the site's languages. Built once per process."""
    return choice_spellings(CHOICE_COLUMNS)


# --- The template -------------------------------------------------------------------------------


def business_template(viewer, language: str) -> TemplateParts:
    """Drop-downs for every column with allowed values (the jurisdiction's townships and
    villages among them) and the instructions."""
    types = [str(member.label) for member in BusinessType]
    scales = [str(member.label) for member in Scale]
    entries, capped = template_divisions(viewer=viewer, cap=DIVISION_LIST_CAP)
    divisions = [f"{code} {name}" for code, name in entries]
    yes, no = bool_words(language)
    dropdowns = {
        "business_type": Dropdown(types),
        "scale": Dropdown(scales),
        # A warning only: a code of the jurisdiction left out of a capped list is still accepted.
        "division_code": Dropdown(divisions, warning=True),
        "grade": Dropdown(Grade.values, inline=True),
        "risk_level": Dropdown(RiskLevel.values, inline=True),
        **{key: Dropdown([yes, no], inline=True) for key in BOOL_COLUMNS},
    }
    guide = [
        (_("How to fill in"), ""),
        ("", _("One business per row, from the second row on. Keep the first row as it is.")),
        (
            "",
            _(
                "A row is matched to a business on the platform by its credit code, else its "
                "registration number, else its platform id: a matched business is updated, any "
                "other row registers a new business."
            ),
        ),
        (
            "",
            _(
                "Leave the platform id blank for a new business. An exported list has it filled "
                "in, and imports again without changes."
            ),
        ),
        (
            "",
            _(
                "Required: name, business type, grade and division code; for a new business, or "
                "a new grade, also the reason for the grade. Scale may stay blank when staff and "
                "annual revenue are given."
            ),
        ),
        (
            "",
            _(
                "Business type, yes/no columns, scale, grade, risk level and division come from "
                "the drop-downs. The division is a township or village of your jurisdiction."
            ),
        ),
        (
            "",
            _(
                "Latitude and longitude in decimal degrees (WGS-84, what a phone shows). Phone: "
                "an 11-digit mobile number or a landline with its area code."
            ),
        ),
        (
            "",
            _(
                "Every row is checked before anything is written. You then see the bad rows, "
                "each with its reason, and choose to import the valid rows, or nothing unless "
                "all rows are valid."
            ),
        ),
    ]
    if capped:
        guide.append(
            (
                "",
                _(
                    "Your jurisdiction has more than %(cap)d townships and villages: the "
                    "drop-down lists the first %(cap)d. Any other code of your jurisdiction is "
                    "accepted too."
                )
                % {"cap": DIVISION_LIST_CAP},
            )
        )
    allowed = {
        "platform_id": _("The platform's id of the business; blank for a new one."),
        "uscc": _("18 characters (GB 32100-2015), with a valid check digit."),
        "license_number": _("SC or JY followed by 14 digits."),
        "business_type": "、".join(types) if language.startswith("zh") else ", ".join(types),
        "scale": ", ".join(scales),
        "grade": ", ".join(Grade.values),
        "risk_level": ", ".join(RiskLevel.values),
        "division_code": _("9 or 12 digits."),
        **{key: f"{yes} / {no}" for key in BOOL_COLUMNS},
    }
    return TemplateParts(
        sheet_title=_("Businesses"), dropdowns=dropdowns, guide=guide, allowed=allowed
    )


# --- The plan and the write ----------------------------------------------------------------------


def business_plan(outcome: CheckOutcome) -> dict:
    """The rows to write: new rows as value lists in FIELDS order; changed rows with only what
    changes, and the old values, for the audit."""
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
    return {"new": new, "changed": changed}


def _guard(changed: list) -> None:
    """Refuse the whole write (Conflict) when a business to change was changed after the check.

    A credit code or registration number taken after the check needs no look-up: the unique
    constraints refuse the row, which rolls the whole write back (the engine reports it)."""
    current = business_updated_stamps(row[1] for row in changed)
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


def _division_paths(*, actor, plan: dict) -> dict[int, str]:
    """The paths of the divisions the plan writes into or out of, each still the writer's."""
    ids = {row[1] for row in plan["new"]}
    ids |= {row[5] for row in plan["changed"]}
    ids |= {row[7]["division"] for row in plan["changed"] if "division" in row[7]}
    paths = divisions_by_id(ids)
    writable = registry_paths(actor)
    if len(paths) != len(ids) or not all(path_writable(p, writable) for p in paths.values()):
        raise Conflict(
            code="import_jurisdiction_changed",
            message=_(
                "Your jurisdiction changed after the check. Nothing was imported: upload the "
                "file again to check it anew."
            ),
        )
    return paths


def business_import_write(*, actor, plan: dict, link: dict, progress) -> dict:
    """Write a checked plan (the engine holds the transaction): new businesses registered by
    services.business_register_many, changed ones by business_change_many, each audit event
    naming the import (`link`: the write and check jobs) and its line. Raises Conflict, writing
    nothing, when a business changed since the check or the writer's jurisdiction shrank."""
    new_rows, changed_rows = plan["new"], plan["changed"]
    _guard(changed_rows)
    paths = _division_paths(actor=actor, plan=plan)
    total = len(new_rows) + len(changed_rows)
    progress(0, total)
    business_register_many(
        actor=actor,
        rows=[
            Registration(
                values=tuple(values),
                division_id=division_id,
                division_path=paths[division_id],
                grade_reason=reason,
                data={"line": line},
            )
            for line, division_id, reason, values in new_rows
        ],
        data=link,
        progress=lambda done: progress(done, total),
        set_based=True,
    )
    business_change_many(
        actor=actor,
        rows=[
            Change(
                business_id=pk,
                name=name,
                division_path=paths[division_id],
                after=after,
                before=before,
                data={"line": line, "grade_reason": reason}
                if reason and "grade" in after
                else {"line": line},
            )
            for line, pk, _stamp, reason, name, division_id, after, before in changed_rows
        ],
        data=link,
        progress=lambda done: progress(len(new_rows) + done, total),
    )
    return {"created": len(new_rows), "updated": len(changed_rows)}


def _file_division(actor):
    from liangze.businesses.import_selectors import file_division

    return file_division(actor)


def _check(*, actor, table, report, params=None):
    from liangze.businesses.import_check import check_business_rows

    return check_business_rows(actor=actor, table=table, report=report)


def _export_run(job, report):
    from liangze.businesses.exports import business_export_job

    return business_export_job(job, report)


BUSINESS_IMPORT = ImportSpec(
    name="businesses",
    columns=COLUMNS,
    check_kind=BUSINESS_IMPORT_CHECK,
    write_kind=BUSINESS_IMPORT_WRITE,
    export_kind=BUSINESS_EXPORT,
    label=gettext_lazy("Business table"),
    can_import=is_office_or_admin,
    refused_code="business_import_forbidden",
    refused_message=gettext_lazy("Only food safety office staff import businesses."),
    check=_check,
    plan=business_plan,
    plan_fields=FIELDS,
    write=business_import_write,
    template=business_template,
    file_division=_file_division,
    imported_action=AuditAction.BUSINESSES_IMPORTED,
    identity_taken_message=gettext_lazy(
        "A credit code or registration number of the file was registered after the "
        "check. Nothing was imported: upload the file again to check it anew."
    ),
    template_file_name="business-import-template.xlsx",
    start_template="imports/import_start.html",
    result_template="imports/job_result.html",
    error_prefix="business_import",
    export_run=_export_run,
    start_context=lambda viewer: {"import_ns": "imports", "can_export": is_office_or_admin(viewer)},
)


def register() -> None:
    import_spec_register(BUSINESS_IMPORT)
