"""Checking an uploaded business table, row by row, without writing anything: the business
import spec's check (imports.py).

Every rule of a single business comes from businesses.validation.clean_business_fields, the
validator of every entry point; this module adds the rules that need the whole file or the
database: duplicates inside the file, the division (exists, a township or village, in the
uploader's jurisdiction), and which business on the platform a row names.

Matching a row to a business: a live business with the row's credit code; else a live business
without a code and with the row's registration number; else the row's platform id. A matched
business is updated (a row matching a live business is never a "duplicate" error: that is how a
list is corrected); every other row registers a new business. A platform id that contradicts the
match, or names a business the uploader may not change, is an error.

Duplicates inside the file (the same credit code, registration number without a code, platform
id, or two rows reaching the same business) mark every row involved: the check cannot tell which
one is right.

The check works column by column (a file of 100,000 rows is checked in seconds): each column is
read, normalised and validated as a whole, and the rows are put together at the end.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from liangze.businesses.codes import normalise_uscc
from liangze.businesses.fields import FIELD_COLUMN
from liangze.businesses.import_access import path_writable, registry_paths
from liangze.businesses.import_selectors import (
    businesses_matching,
    division_levels_by_code,
    office_code_prefixes,
    registry_divisions_by_code,
)
from liangze.businesses.imports import FIELDS, KEYS, choice_values
from liangze.businesses.services import BUSINESS_LEVELS, grade_reason_problem
from liangze.businesses.validation import FIELD_PARSERS, ColumnCleaner, Refused
from liangze.core.tables import Table
from liangze.imports.checking import (
    Action,
    CheckOutcome,
    RowErrors,
    add_error,
    by_distinct,
    mark_duplicates,
)
from liangze.imports.columns import leading_code_text, unguarded
from liangze.regions.codes import normalise_division_code

GRADE_AT = FIELDS.index("grade")
NO_ERRORS = MappingProxyType({})
# Rows validated between two progress reports.
SLICE = 10_000
NUMBER_COLUMNS = ("staff_count", "annual_revenue_yuan")
# The columns the validator reads.
VALIDATED = (*FIELD_PARSERS, "uscc")


@dataclass(slots=True)
class RowCheck:
    line: int
    cells: dict[str, str]  # as read from the file (bad rows only: the report shows them)
    errors: dict[str, str] = field(default_factory=dict)  # column key → reason
    action: str = ""
    business_id: int | None = None
    updated_at: str = ""  # the matched business's, to notice a change before the write
    values: tuple = ()  # cleaned, in FIELDS order (valid rows)
    division_id: int | None = None
    grade_reason: str = ""
    before: dict = field(default_factory=dict)  # changed fields' old values (division: its id)

    def add_error(self, column: str, message: str) -> None:
        add_error(self.errors, column, message)


def _valid(value, default):
    """A cleaned value, or `default` where the validator refused the cell."""
    return default if isinstance(value, Refused) else value


def _platform_id(text: str) -> int | None:
    """The id in the cell; None for blank. ValueError for anything but a positive integer."""
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 18 or int(text) < 1:
        raise ValueError(text)
    return int(text)


def _division_code(text: str) -> tuple[str, str]:
    """(12-digit code, "") or ("", reason)."""
    try:
        return normalise_division_code(leading_code_text(text)), ""
    except ValidationError as exc:
        return "", exc.messages[0]


@dataclass
class _Columns:
    """The table's columns ready to check, and what the row's identity is made of."""

    raw: dict[str, list[str]]  # unguarded, choice labels turned into values
    uscc: list[str]  # normalised
    registration: list[str]  # "" where the row has a credit code
    platform_id: list[int | None]
    division_code: list[str]  # 12 digits, or "" (with an error) / blank


def _number_problem(text: str) -> bool:
    return bool(text) and not text.isdigit() and any(char.isalpha() for char in text)


def _platform_id_or_error(text: str) -> int | ValueError | None:
    try:
        return _platform_id(text)
    except ValueError as exc:
        return exc


def _prepare(table: Table, errors: RowErrors) -> _Columns:
    raw: dict[str, list[str]] = {}
    for key in KEYS:
        raw[key] = unguarded(table.columns[key])
    for key, known in choice_values().items():
        raw[key] = [known.get(text, text) for text in raw[key]]
    # Decimal reads "1e999999999" and "Infinity" as numbers, and turning those into an int
    # hangs or raises: a count is digits (and separators) only.
    for key in NUMBER_COLUMNS:
        if any(map(_number_problem, set(raw[key]))):
            column = raw[key] = list(raw[key])  # the table's own stays as read, for the report
            for index, text in enumerate(column):
                if _number_problem(text):
                    errors.add(index, key, _("Enter a whole number."))
                    column[index] = ""
    platform_ids = by_distinct(raw["platform_id"], _platform_id_or_error)
    for index, value in enumerate(platform_ids):
        if isinstance(value, ValueError):
            platform_ids[index] = None
            errors.add(
                index,
                "platform_id",
                _("The platform id is a whole number; leave it blank for a new business."),
            )
    division_codes = by_distinct(raw["division_code"], _division_code)
    for index, (_code, reason) in enumerate(division_codes):
        if reason:
            errors.add(index, "division_code", reason)
    usccs = [normalise_uscc(text) if text else "" for text in raw["uscc"]]
    registrations = [
        "" if uscc else text for uscc, text in zip(usccs, raw["registration_number"], strict=True)
    ]
    return _Columns(
        raw, usccs, registrations, platform_ids, [code for code, _reason in division_codes]
    )


def check_business_rows(
    *, actor, table: Table, report: Callable[[int, int, str], None]
) -> CheckOutcome:
    """Check every row; never raises for the content of a row, each problem is reported on its
    row and column. `report(done, total, message)` after each slice of rows. Reads only."""
    total = len(table)
    message = _("Checking the rows")
    report(0, total, message)
    errors = RowErrors()
    columns = _prepare(table, errors)

    paths = registry_paths(actor)
    known_codes = {code for code in columns.division_code if code}
    divisions = registry_divisions_by_code(viewer=actor, codes=known_codes)
    levels = division_levels_by_code(codes=known_codes - divisions.keys())
    prefixes = office_code_prefixes(viewer=actor)

    def in_area(code: str) -> bool:
        return prefixes is None or code.startswith(prefixes)

    by_uscc, by_registration, by_id = businesses_matching(
        usccs=(code for code in columns.uscc if code),
        registration_numbers=(text for text in columns.raw["registration_number"] if text),
        ids=(pk for pk in columns.platform_id if pk),
    )

    matches: dict[int, dict] = {}
    for index in range(total):
        match = _match(index, columns, by_uscc, by_registration, by_id, paths, errors)
        if match is not None:
            matches[index] = match

    lines = table.lines
    mark_duplicates(
        columns.uscc, lines, errors, "uscc", _("The same credit code is also on line(s) %(lines)s.")
    )
    mark_duplicates(
        columns.registration,
        lines,
        errors,
        "registration_number",
        _("The same registration number is also on line(s) %(lines)s."),
    )
    mark_duplicates(
        columns.platform_id,
        lines,
        errors,
        "platform_id",
        _("The same platform id is also on line(s) %(lines)s."),
    )
    identity = ("uscc", "registration_number", "platform_id")
    mark_duplicates(
        [matches[index]["id"] if index in matches else None for index in range(total)],
        lines,
        errors,
        "platform_id",
        _("Line(s) %(lines)s name the same business on the platform."),
        skip=lambda index: any(errors.has(index, column) for column in identity),
    )

    # An early pilot code the office accepted once (docs/domain.md §3.1) stays accepted for its
    # business; a new one needs the office override of the registration form.
    pilots = {
        index
        for index, match in matches.items()
        if match["uscc_pilot_override"] and match["uscc"] == columns.uscc[index]
    }
    clean = ColumnCleaner()
    rows: list[RowCheck] = []
    for start in range(0, total, SLICE):
        stop = min(start + SLICE, total)
        try:
            cleaned = clean.clean(
                {name: columns.raw[name][start:stop] for name in VALIDATED},
                pilot_rows={index - start for index in pilots if start <= index < stop},
            )
            values = list(zip(*(cleaned.values[name] for name in FIELDS), strict=True))
            slice_rows = [
                (row_values, cleaned.errors.get(index, NO_ERRORS))
                for index, row_values in enumerate(values)
            ]
        except (ArithmeticError, ValueError, TypeError):
            # The validator should report every bad value; should one get past it, this
            # slice is checked again row by row, and only the row holding it is refused.
            slice_rows = [
                _clean_one(columns, index, pilot=index in pilots) for index in range(start, stop)
            ]
        for index, (row_values, field_errors) in enumerate(slice_rows, start=start):
            rows.append(
                _finish_row(
                    index,
                    table,
                    columns,
                    row_values,
                    field_errors,
                    matches.get(index),
                    errors,
                    divisions,
                    levels,
                    in_area,
                )
            )
        report(stop, total, message)
    return CheckOutcome(rows=rows)


def _clean_one(columns: _Columns, index: int, *, pilot: bool) -> tuple[tuple, dict[str, str]]:
    """One row through the validator on its own: (values in FIELDS order, errors)."""
    try:
        cleaned = ColumnCleaner().clean(
            {name: columns.raw[name][index : index + 1] for name in VALIDATED},
            pilot_rows={0} if pilot else (),
        )
        return tuple(cleaned.values[name][0] for name in FIELDS), cleaned.errors.get(0, {})
    except (ArithmeticError, ValueError, TypeError):
        unreadable = _("This row holds a value that cannot be read.")
        return tuple(Refused(unreadable) for _name in FIELDS), {"name": unreadable}


def _match(
    index: int, columns: _Columns, by_uscc, by_registration, by_id, paths, errors: RowErrors
) -> dict | None:
    """The business the row names, when the uploader may change it; errors otherwise."""
    uscc, registration = columns.uscc[index], columns.raw["registration_number"][index]
    platform_id = columns.platform_id[index]
    match, column = None, ""
    if uscc and uscc in by_uscc:
        match, column = by_uscc[uscc], "uscc"
    if match is None and registration and registration in by_registration:
        match, column = by_registration[registration], "registration_number"
    if match is not None:
        if not path_writable(match["division_path"], paths):
            errors.add(
                index,
                column,
                _(
                    "A live business with this credit code is already on the platform, outside "
                    "your jurisdiction."
                )
                if column == "uscc"
                else _(
                    "A live business with this registration number is already on the platform, "
                    "outside your jurisdiction."
                ),
            )
            return None
        if platform_id and platform_id != match["id"]:
            errors.add(
                index,
                "platform_id",
                _(
                    "This platform id names another business than the credit code or "
                    "registration number of the row."
                ),
            )
            return None
        return match
    if platform_id:
        match = by_id.get(platform_id)
        if match is None or not path_writable(match["division_path"], paths):
            errors.add(
                index,
                "platform_id",
                _("No business with this platform id is in your jurisdiction."),
            )
            return None
    return match


def _finish_row(
    index: int,
    table: Table,
    columns: _Columns,
    values: tuple,
    field_errors: Mapping[str, str],
    match: dict | None,
    errors: RowErrors,
    divisions: dict,
    levels: dict,
    in_area: Callable[[str], bool],
) -> RowCheck:
    for name, text in field_errors.items():
        errors.add(index, FIELD_COLUMN.get(name, name), text)
    row = RowCheck(line=table.lines[index], cells={})
    if match is not None:
        row.business_id = match["id"]
        row.updated_at = match["updated_at"].isoformat()

    row.grade_reason = reason = columns.raw["grade_reason"][index].strip()
    problem = grade_reason_problem(reason, required=match is None)
    if problem:
        errors.add(index, "grade_reason", problem)
    elif not reason and _valid(values[GRADE_AT], match["grade"]) != match["grade"]:
        errors.add(index, "grade_reason", _("Say why the grade changes."))

    code = columns.division_code[index]
    if code:
        division = divisions.get(code)
        if division is not None:
            row.division_id = division["id"]
        elif code not in levels and not in_area(code):
            # Not on the platform, and not where the importer works either: to them it is a code
            # outside their jurisdiction, whether or not the platform holds that area.
            errors.add(
                index,
                "division_code",
                _("Division %(code)s is outside your jurisdiction.") % {"code": code},
            )
        elif code not in levels:
            errors.add(
                index,
                "division_code",
                _("Division code %(code)s is not on the platform.") % {"code": code},
            )
        elif levels[code] not in BUSINESS_LEVELS:
            errors.add(
                index,
                "division_code",
                _("A business belongs to a township or a village; %(code)s is neither.")
                % {"code": code},
            )
        else:
            errors.add(
                index,
                "division_code",
                _("Division %(code)s is outside your jurisdiction.") % {"code": code},
            )
    elif not errors.has(index, "division_code"):
        errors.add(index, "division_code", _("Enter the division code."))

    row_errors = errors.by_row.get(index)
    if row_errors:
        row.errors = row_errors
        row.cells = {key: table.columns[key][index] for key in table.columns}
        return row
    row.values = values
    if match is None:
        row.action = Action.NEW
        return row
    before = {
        name: match[name]
        for name, value in zip(FIELDS, values, strict=True)
        if match[name] != value
    }
    if match["division_id"] != row.division_id:
        before["division"] = match["division_id"]
    row.before = before
    row.action = Action.CHANGED if before else Action.UNCHANGED
    return row
