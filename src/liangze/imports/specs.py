"""The import engine's contract: what an entity declares to get the whole table-import flow.

An entity (a domain app) builds one ImportSpec and registers it from its AppConfig.ready(); the
engine (this app) then gives it the template with its drop-downs, the safety probe of the upload,
the check job with the report of every bad row and the bad-rows workbook, the choice between
"import the valid rows" and "all or nothing", the write job in one transaction with progress, and
the export's columns. The engine names no entity: everything it knows of one comes through its
spec. See docs/architecture.md, "The import engine".
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.utils import translation


@dataclass(frozen=True)
class Column:
    """One column of an entity's table: the import template, the bad-rows report and the export
    share it, so an exported list re-imports unchanged.

    `key` is the English header and the column's key in the table; `header` the Chinese one; an
    upload may use either or any of `aliases` (headers are data, not messages: a sheet made in one
    language imports in the other). `required` columns must be filled on every row (the spec's
    check says so per row); `text` columns are identifiers, formatted as text in the template."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    width: int = 14
    text: bool = False
    required: bool = False

    def spellings(self) -> tuple[str, ...]:
        """Every header accepted for the column besides its key."""
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class Dropdown:
    """The template's drop-down of a column: `values` shown in a hidden sheet (or `inline`, for a
    few short values); `warning` lets the user type a value off the list (a capped list)."""

    values: Sequence[str]
    inline: bool = False
    warning: bool = False


@dataclass(frozen=True)
class TemplateParts:
    """What the template holds besides the header row: the data sheet's title, drop-downs by
    column key, the instruction lines (left, right) and the "allowed values" of each column."""

    sheet_title: str
    dropdowns: Mapping[str, Dropdown]
    guide: Sequence[tuple[str, str]]
    allowed: Mapping[str, str]


class CheckedRow(Protocol):
    """What the engine reads of a checked row (the spec's check makes them)."""

    line: int
    cells: dict[str, str]  # as uploaded (bad rows only: the report shows them)
    errors: dict[str, str]  # column key → reason; empty for a valid row
    action: str  # Action.NEW, CHANGED or UNCHANGED for a valid row


class Action:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass
class CheckOutcome:
    """Every row of a checked table, in the table's order; `context` what the check found out
    for the plan (e.g. the params the job was started with)."""

    rows: Sequence[CheckedRow]
    context: Mapping[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counts = {"rows": len(self.rows), "valid": 0, "invalid": 0}
        counts |= {Action.NEW: 0, Action.CHANGED: 0, Action.UNCHANGED: 0}
        for row in self.rows:
            if row.errors:
                counts["invalid"] += 1
            else:
                counts["valid"] += 1
                counts[row.action] += 1
        return counts


Report = Callable[[int, int, str], None]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportSpec:
    """An entity's import: see docs/architecture.md, "The import engine".

    Jobs: `check_kind` checks a file and keeps its plan; `write_kind` writes a plan the starter
    committed. Both are existing job kinds of the jobs app. A spec without `write_kind` is
    imported all or nothing by one job: its check, then (when no row is bad) its write, with
    `rejection(errors)` saying why nothing was imported otherwise. `export_kind`, when set, is the job of
    a large export, run by `export_run(job, report)`.

    Callables, each given the acting user (the job's starter):
    - `can_import(viewer)`: may start an import (refusals are audited with `refused_code`).
    - `check(actor, table, report, params)`: every row checked, nothing written: a CheckOutcome of rows
      with their errors by column (identity for re-import, jurisdiction, formats: the spec's own
      rules, with the validators its forms and API use).
    - `plan(outcome)`: the valid rows to write as plain data (dict/list/str/int/bool/None).
    - `write(actor, plan, link, progress)`: the writer in the entity's services.py, one
      transaction; `link` names the jobs, for the audit; returns counts for the job's result.
      It refuses the whole write (Conflict) when the plan no longer holds; an IntegrityError
      (an identity taken after the check) is reported as `identity_taken_message`.
    - `template(viewer, language)`: the template's drop-downs and instructions.
    - `file_division(actor)`: where the files made for the actor are filed.
    - `export_run(job, report)`: the work of an export job, when the entity exports.
    """

    name: str
    columns: tuple[Column, ...]
    check_kind: str
    write_kind: str  # "" for one job that checks and writes all or nothing
    label: Any  # the upload field's label (lazy text)
    can_import: Callable[[Any], bool]
    refused_code: str
    refused_message: Any  # lazy text
    check: Callable[..., CheckOutcome]
    plan: Callable[[CheckOutcome], dict]
    plan_fields: tuple[str, ...]  # names the plan's layout: a plan of another layout is outdated
    write: Callable[..., dict]
    template: Callable[[Any, str], TemplateParts]
    file_division: Callable[[Any], Any]
    imported_action: str  # the audit action recording a whole import (an AuditAction value)
    identity_taken_message: Any = ""
    template_file_name: str = "import-template.xlsx"
    start_template: str = ""  # the upload page's template (the engine's pages need it)
    result_template: str = ""  # what the job page shows of the spec's jobs
    error_prefix: str = "import"  # error codes: <prefix>_file, <prefix>_empty
    export_kind: str = ""
    export_run: Callable[..., dict] | None = None
    start_context: Callable[[Any], dict] | None = None  # more for the upload page, by viewer
    rejection: Callable[[list], Any] | None = None  # errors → the Invalid of a refused table

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns)

    @property
    def table_columns(self) -> dict[str, tuple[str, ...]]:
        """read_table's mapping: each key → the other headers accepted for it."""
        return {column.key: column.spellings() for column in self.columns}

    def column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)


_SPECS: dict[str, ImportSpec] = {}


def import_spec_register(spec: ImportSpec) -> ImportSpec:
    """Register an entity's spec (from its AppConfig.ready()). Registering the same name twice
    with another spec is a programming error; the same spec again (a reloaded app) is not."""
    known = _SPECS.get(spec.name)
    if known is not None and known != spec:
        raise ValueError(f"an import spec named {spec.name!r} is already registered")
    for other in _SPECS.values():
        if other.name != spec.name and (
            {other.check_kind, other.write_kind} & {spec.check_kind, spec.write_kind}
        ) - {""}:
            raise ValueError(f"import specs {other.name!r} and {spec.name!r} share a job kind")
    _SPECS[spec.name] = spec
    return spec


def import_spec(name: str) -> ImportSpec:
    """The registered spec of that name (KeyError for an unknown one: a programming error)."""
    return _SPECS[name]


def import_spec_of_kind(kind: str) -> ImportSpec | None:
    """The spec whose check, write or export jobs are of this kind; None for any other kind."""
    if not kind:
        return None
    for spec in _SPECS.values():
        if kind in (spec.check_kind, spec.write_kind, spec.export_kind):
            return spec
    return None


def import_specs() -> tuple[ImportSpec, ...]:
    return tuple(_SPECS.values())


def header(column: Column, language: str | None = None) -> str:
    """The header in a language: the Chinese header for Chinese, the English key otherwise."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return column.header if language.startswith("zh") else column.key
