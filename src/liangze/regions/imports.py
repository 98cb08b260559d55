"""The division table's import, a client of the import engine (liangze.imports): one job checks
every row and writes the table all or nothing (services.division_table_import). See
docs/architecture.md, "The import engine".

Identity for re-import: the division code within its vintage (a known code is renamed, never
duplicated). Jurisdiction: the tree is the platform's, so only platform administrators import it.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangze.audit.models import AuditAction
from liangze.core.tables import Table, TableRow
from liangze.imports.checking import Action, CheckOutcome, add_error
from liangze.imports.specs import Column, ImportSpec, TemplateParts, import_spec_register
from liangze.regions.access import can_import_divisions
from liangze.regions.models import Division
from liangze.regions.services import DIVISION_IMPORT as DIVISION_IMPORT_KIND
from liangze.regions.services import (
    DivisionImportRejected,
    RowError,
    division_table_import,
    division_table_problems,
)

COLUMNS = (
    Column(
        "code", "区划代码", aliases=("代码", "division_code"), width=16, text=True, required=True
    ),
    Column("name", "名称", aliases=("区划名称",), width=24, required=True),
    Column("parent_code", "上级代码", aliases=("上级区划代码", "parent"), width=16, text=True),
)


@dataclass(slots=True)
class DivisionRow:
    line: int
    cells: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    action: str = ""


def division_check(*, actor, table: Table, report, params=None) -> CheckOutcome:
    """Every row of a division table of one vintage (the job's `vintage`), nothing written."""
    vintage = int((params or {})["vintage"])
    rows = table.rows()
    report(0, len(rows), _("Checking and writing the rows"))
    errors = division_table_problems(rows, vintage)
    by_line: dict[int, dict[str, str]] = {}
    for error in errors:
        add_error(by_line.setdefault(error.line, {}), error.column, error.message)
    names = dict(Division.objects.filter(vintage=vintage).values_list("code", "name"))
    checked = []
    for row in rows:
        row_errors = by_line.get(row.line, {})
        code, name = row.values["code"].strip(), row.values["name"].strip()
        action = Action.NEW if code not in names else Action.UNCHANGED
        if code in names and names[code] != name:
            action = Action.CHANGED
        checked.append(
            DivisionRow(
                line=row.line,
                cells=dict(row.values) if row_errors else {},
                errors=row_errors,
                action=action,
            )
        )
    plan_rows = [
        [row.line, row.values["code"], row.values["name"], row.values["parent_code"]]
        for row in rows
    ]
    return CheckOutcome(rows=checked, context={"vintage": vintage, "rows": plan_rows})


def division_plan(outcome: CheckOutcome) -> dict:
    return {"vintage": outcome.context["vintage"], "rows": outcome.context["rows"]}


def division_write(*, actor, plan: dict, link: dict, progress) -> dict:
    """The table through services.division_table_import (its own audit event)."""
    rows = [
        TableRow(line=line, values={"code": code, "name": name, "parent_code": parent})
        for line, code, name, parent in plan["rows"]
    ]
    imported = division_table_import(
        actor=actor, rows=rows, vintage=plan["vintage"], progress=progress
    )
    return {
        "vintage": plan["vintage"],
        "rows": len(rows),
        "created": imported.created,
        "renamed": imported.renamed,
        "unchanged": imported.unchanged,
    }


def division_rejection(errors: list[dict]) -> DivisionImportRejected:
    return DivisionImportRejected(
        [RowError(error["line"], error["column"], error["message"]) for error in errors]
    )


def division_template(viewer, language: str) -> TemplateParts:
    return TemplateParts(
        sheet_title=_("Divisions"),
        dropdowns={},
        guide=[
            (_("How to fill in"), ""),
            (
                "",
                _(
                    "One division per row with its 12-digit code, its name and its parent's "
                    "code (blank for a province). The whole table is imported, or nothing."
                ),
            ),
        ],
        allowed={"code": _("9 or 12 digits."), "parent_code": _("9 or 12 digits.")},
    )


DIVISION_IMPORT = ImportSpec(
    name="divisions",
    columns=COLUMNS,
    check_kind=DIVISION_IMPORT_KIND,
    write_kind="",
    label=gettext_lazy("Division table"),
    can_import=can_import_divisions,
    refused_code="division_import_forbidden",
    refused_message=gettext_lazy("Only platform administrators import the division table."),
    check=division_check,
    plan=division_plan,
    plan_fields=("line", "code", "name", "parent_code"),
    write=division_write,
    template=division_template,
    file_division=lambda actor: None,
    imported_action=AuditAction.DIVISIONS_IMPORTED,
    rejection=division_rejection,
    template_file_name="division-import-template.xlsx",
)
# read_table's mapping of the division table (the command, the demo and the job read with it).
DIVISION_COLUMNS = DIVISION_IMPORT.table_columns


def register() -> None:
    import_spec_register(DIVISION_IMPORT)
