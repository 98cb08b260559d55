"""The regulator's register imported by spreadsheet, a client of the import engine
(liangze.imports): its columns, template, check, plan and writer (docs/architecture.md, "The
import engine"; docs/domain.md §2, "The register").

A file replaces the register of every county its rows lie in (register.register_import): so
only office staff who keep the whole county (its office, or one above) import it. Each row
names its place by a division code (the county, or a township or village in it), its business
by a credit code, a licence number or a registration number (at least one), and its name.
Codes are checked for format only: the register is the regulator's, and an early pilot code
that fails its check digit is still the business's code (docs/domain.md §3.1).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangze.accounts.access import can_manage_division, is_office_or_admin
from liangze.audit.models import AuditAction
from liangze.businesses.codes import check_uscc, normalise_license, normalise_uscc
from liangze.businesses.import_selectors import file_division, template_divisions
from liangze.businesses.register import RegisterRow, normalise_number, register_import
from liangze.businesses.register_selectors import (
    REGISTER_LEVELS,
    counties_by_id,
    divisions_for_register,
)
from liangze.core.errors import Conflict
from liangze.core.tables import Table
from liangze.imports.checking import Action, CheckOutcome, RowErrors, mark_duplicates
from liangze.imports.columns import leading_code_text, unguarded
from liangze.imports.specs import Column, Dropdown, ImportSpec, TemplateParts, import_spec_register
from liangze.imports.views import job_page_context as engine_job_page_context
from liangze.regions.codes import normalise_division_code

REGISTER_IMPORT_CHECK = "register_import_check"
REGISTER_IMPORT_WRITE = "register_import_write"
NAMESPACE = "businesses:register_imports"
DIVISION_LIST_CAP = 2_000
NAME_MAX = ADDRESS_MAX = 200
REGISTRATION_MAX = 50

REGISTER_COLUMNS = (
    Column("name", "主体名称", aliases=("名称", "经营者名称", "企业名称"), width=28, required=True),
    Column("uscc", "统一社会信用代码", aliases=("社会信用代码", "信用代码"), width=22, text=True),
    Column(
        "license_number",
        "许可证编号",
        aliases=("许可证号", "食品经营许可证编号", "食品生产许可证编号"),
        width=20,
        text=True,
    ),
    Column(
        "registration_number",
        "登记备案编号",
        aliases=("登记编号", "备案编号", "登记证号"),
        width=20,
        text=True,
    ),
    Column("division_code", "区划代码", aliases=("所在区划",), width=26, text=True, required=True),
    Column("address", "经营地址", aliases=("地址", "住所"), width=30),
)
KEYS = tuple(column.key for column in REGISTER_COLUMNS)
PLAN_FIELDS = (
    "line",
    "division_id",
    "county_id",
    "division_path",
    "name",
    "address",
    "uscc",
    "license_number",
    "registration_number",
)


@dataclass(slots=True)
class CheckedRow:
    line: int
    cells: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    action: str = Action.NEW


def _code_or_error(parse, text: str) -> tuple[str, str]:
    try:
        return parse(text), ""
    except ValidationError as exc:
        return "", exc.messages[0]


def register_check(*, actor, table: Table, report, params=None) -> CheckOutcome:
    """Every row checked, nothing written; the valid rows' values kept for the plan."""
    report(0, len(table), _("Checking the rows"))
    raw = {key: unguarded(table.columns[key]) for key in KEYS}
    errors = RowErrors()
    lines = table.lines
    usccs, licenses, registrations, codes = [], [], [], []
    for index in range(len(table)):
        name = raw["name"][index].strip()
        if not name:
            errors.add(index, "name", _("Enter the business's name."))
        elif len(name) > NAME_MAX:
            errors.add(index, "name", _("At most 200 characters."))
        if len(raw["address"][index].strip()) > ADDRESS_MAX:
            errors.add(index, "address", _("At most 200 characters."))
        uscc = normalise_uscc(raw["uscc"][index])
        if uscc:
            _checked, reason = _code_or_error(check_uscc, uscc)
            if reason:
                errors.add(index, "uscc", reason)
        license_number, reason = _code_or_error(normalise_license, raw["license_number"][index])
        if reason:
            errors.add(index, "license_number", reason)
        registration = normalise_number(raw["registration_number"][index])
        if len(registration) > REGISTRATION_MAX:
            errors.add(index, "registration_number", _("At most 50 characters."))
        if not (uscc or raw["license_number"][index].strip() or registration):
            errors.add(
                index,
                "uscc",
                _(
                    "A register row needs a credit code, a licence number or a registration "
                    "number: the business is matched by them."
                ),
            )
        code, reason = _code_or_error(
            normalise_division_code, leading_code_text(raw["division_code"][index])
        )
        if reason:
            errors.add(index, "division_code", reason)
        usccs.append(uscc)
        licenses.append(license_number)
        registrations.append(registration)
        codes.append(code)
    places = divisions_for_register(c for c in codes if c)
    counties = counties_by_id({p["county_id"] for p in places.values() if p["county_id"]})
    kept = {pk: can_manage_division(actor, county) for pk, county in counties.items()}
    for index, code in enumerate(codes):
        if not code:
            continue
        place = places.get(code)
        if place is None:
            errors.add(index, "division_code", _("No division on the platform has this code."))
        elif place["level"] not in REGISTER_LEVELS or place["county_id"] is None:
            errors.add(
                index,
                "division_code",
                _("A register row lies in a county: enter the county, a township or a village."),
            )
        elif not kept[place["county_id"]]:
            errors.add(
                index,
                "division_code",
                _(
                    "This county's register is kept by its food safety office: your office "
                    "does not cover the whole county."
                ),
            )
    duplicate = _("The same code is on line %(lines)s: a register lists a business once.")
    mark_duplicates(usccs, lines, errors, "uscc", duplicate)
    mark_duplicates(licenses, lines, errors, "license_number", duplicate)
    rows, plan = [], []
    for index, line in enumerate(lines):
        row_errors = errors.by_row.get(index, {})
        rows.append(
            CheckedRow(
                line=line,
                cells={key: table.columns[key][index] for key in KEYS} if row_errors else {},
                errors=row_errors,
            )
        )
        if not row_errors:
            place = places[codes[index]]
            plan.append(
                [
                    line,
                    place["id"],
                    place["county_id"],
                    place["path"],
                    raw["name"][index].strip(),
                    raw["address"][index].strip(),
                    usccs[index],
                    licenses[index],
                    registrations[index],
                ]
            )
    report(len(table), len(table), _("Checking the rows"))
    return CheckOutcome(rows=rows, context={"rows": plan})


def _plan(outcome: CheckOutcome) -> dict:
    return {"rows": outcome.context["rows"]}


def register_write(*, actor, plan: dict, link: dict, progress) -> dict:
    """The plan's rows as the register of their counties (register.register_import), after
    checking again that the actor keeps each county."""
    rows = [RegisterRow(**dict(zip(PLAN_FIELDS[1:], row[1:], strict=True))) for row in plan["rows"]]
    progress(0, len(rows))
    for county in counties_by_id({row.county_id for row in rows}).values():
        if not can_manage_division(actor, county):
            raise Conflict(
                code="register_county_not_kept",
                message=_(
                    "Your office no longer keeps %(county)s. Nothing was imported: upload the "
                    "file again to check it anew."
                )
                % {"county": county.name},
            )
    result = register_import(actor=actor, rows=rows, link=link)
    progress(len(rows), len(rows))
    return {
        "counties": result.counties,
        "entries": result.entries,
        "matched": result.matched,
        "missing": result.entries - result.matched,
        "ended": result.ended,
    }


def register_template(viewer, language: str) -> TemplateParts:
    entries, capped = template_divisions(viewer=viewer, cap=DIVISION_LIST_CAP)
    guide = [
        (_("How to fill in"), ""),
        ("", _("One business of the regulator's register per row, from the second row on.")),
        (
            "",
            _(
                "The file replaces the whole register of every county its rows lie in: include "
                "every business of those counties, not only the new ones."
            ),
        ),
        (
            "",
            _(
                "Each row is matched to a business on the platform by its credit code, else "
                "its licence number, else its registration number; rows that match none are "
                "listed as missing from the platform."
            ),
        ),
    ]
    if capped:
        guide.append(
            ("", _("The drop-down lists the first divisions only; any other is accepted."))
        )
    return TemplateParts(
        sheet_title=_("Licence register"),
        dropdowns={
            "division_code": Dropdown([f"{code} {name}" for code, name in entries], warning=True)
        },
        guide=guide,
        allowed={
            "uscc": _("18 characters."),
            "license_number": _("SC or JY followed by 14 digits."),
            "division_code": _("The county, or a township or village in it: 6, 9 or 12 digits."),
        },
    )


REGISTER_IMPORT = ImportSpec(
    name="register",
    columns=REGISTER_COLUMNS,
    check_kind=REGISTER_IMPORT_CHECK,
    write_kind=REGISTER_IMPORT_WRITE,
    label=gettext_lazy("Register table"),
    can_import=is_office_or_admin,
    refused_code="register_import_forbidden",
    refused_message=gettext_lazy("Only food safety office staff import the regulator's register."),
    check=register_check,
    plan=_plan,
    plan_fields=PLAN_FIELDS,
    write=register_write,
    template=register_template,
    file_division=file_division,
    imported_action=AuditAction.REGISTER_IMPORTED,
    template_file_name="register-import-template.xlsx",
    start_template="businesses/register_import_start.html",
    result_template="businesses/register_import_job_result.html",
    error_prefix="register_import",
    start_context=lambda viewer: {"import_ns": NAMESPACE},
)


def job_page_context(request, job) -> dict:
    """The engine's job page context with the register's URL namespace."""
    context = engine_job_page_context(request, job)
    if context.get("spec") is not None:
        context["import_ns"] = NAMESPACE
    return context


def register() -> None:
    import_spec_register(REGISTER_IMPORT)
