"""Checking an uploaded business table, row by row, without writing anything.

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
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from liangze.businesses.codes import normalise_uscc
from liangze.businesses.services import BUSINESS_LEVELS
from liangze.businesses.validation import CLEANED_FIELDS, clean_business_fields
from liangze.core.tables import TableRow
from liangze.imports.access import path_writable, registry_paths
from liangze.imports.columns import choice_values, division_code_text, unguard
from liangze.imports.selectors import (
    businesses_matching,
    division_levels_by_code,
    registry_divisions_by_code,
)
from liangze.regions.codes import normalise_division_code

# The fields an import sets, in the plan's order: clean_business_fields' output and the division.
FIELDS = CLEANED_FIELDS
# Field → the column its error belongs to, where they differ.
FIELD_COLUMN = {
    "annual_revenue_fen": "annual_revenue_yuan",
    "lat_e6": "latitude",
    "lng_e6": "longitude",
    "uscc_pilot_override": "uscc",
}
REPORT_EVERY = 1000
# Columns whose few values repeat on every row: their cleaning is memoised (see _Cleaner).
REPEATING = ("business_type", "chain_hq", "key", "scale", "grade", "risk_level", "open_kitchen")
# Columns the validator reads for one row, less REPEATING (uscc_pilot_override goes with uscc).
PER_ROW = (
    "name",
    "uscc",
    "registration_number",
    "license_number",
    "staff_count",
    "annual_revenue_yuan",
    "address",
    "latitude",
    "longitude",
    "contact_name",
    "contact_phone",
)
REASON_LIMIT = 200
NUMBER_COLUMNS = ("staff_count", "annual_revenue_yuan")


class Action:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass
class RowCheck:
    line: int
    cells: dict[str, str]  # as read from the file, for the bad-rows report
    errors: dict[str, str] = field(default_factory=dict)  # column key → reason
    action: str = ""
    business_id: int | None = None
    updated_at: str = ""  # the matched business's, to notice a change before the write
    values: dict = field(default_factory=dict)  # cleaned, FIELDS
    division_id: int | None = None
    grade_reason: str = ""
    before: dict = field(default_factory=dict)  # changed fields' old values (division: its id)

    def add_error(self, column: str, message: str) -> None:
        if column in self.errors:
            self.errors[column] = f"{self.errors[column]} {message}"
        else:
            self.errors[column] = str(message)


@dataclass
class CheckOutcome:
    rows: list[RowCheck]

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


@dataclass
class _Prepared:
    row: RowCheck
    raw: dict[str, str]
    uscc: str
    registration: str
    platform_id: int | None
    division_code: str
    match: dict | None = None


def _platform_id(text: str) -> int | None:
    """The id in the cell; None for blank. ValueError for anything but a positive integer."""
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 18 or int(text) < 1:
        raise ValueError(text)
    return int(text)


def _division_code(text: str, cache: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(12-digit code, "") or ("", reason); a file repeats a few codes, so each is read once."""
    known = cache.get(text)
    if known is None:
        try:
            known = (normalise_division_code(division_code_text(text)), "")
        except ValidationError as exc:
            known = ("", exc.messages[0])
        cache[text] = known
    return known


def _prepare(
    table_row: TableRow, spellings: dict[str, dict[str, str]], codes: dict[str, tuple[str, str]]
) -> _Prepared:
    cells = table_row.values  # read_table gives every column, trimmed
    row = RowCheck(line=table_row.line, cells=cells)
    raw = dict(cells)
    for key, text in cells.items():
        if text[:1] == "'":
            raw[key] = unguard(text)
    for key, known in spellings.items():
        raw[key] = known.get(raw[key], raw[key])
    # Decimal reads "1e999999999" and "Infinity" as numbers, and turning those into an int
    # hangs or raises: a count is digits (and separators) only.
    for key in NUMBER_COLUMNS:
        text = raw[key]
        if text and not text.isdigit() and any(char.isalpha() for char in text):
            row.add_error(key, _("Enter a whole number."))
            raw[key] = ""
    platform_id = None
    try:
        platform_id = _platform_id(raw["platform_id"])
    except ValueError:
        row.add_error(
            "platform_id",
            _("The platform id is a whole number; leave it blank for a new business."),
        )
    division_code, reason = _division_code(raw["division_code"], codes)
    if reason:
        row.add_error("division_code", reason)
    uscc = normalise_uscc(raw["uscc"]) if raw["uscc"] else ""
    registration = "" if uscc else raw["registration_number"]
    return _Prepared(row, raw, uscc, registration, platform_id, division_code)


def _mark_duplicates(prepared: list[_Prepared], key_of, column: str, message: str) -> None:
    lines: dict[object, list[int]] = defaultdict(list)
    for item in prepared:
        key = key_of(item)
        if key:
            lines[key].append(item.row.line)
    for item in prepared:
        key = key_of(item)
        if key and len(lines[key]) > 1:
            others = [line for line in lines[key] if line != item.row.line][:5]
            item.row.add_error(column, message % {"lines": ", ".join(map(str, others))})


def check_business_rows(
    *, actor, rows: list[TableRow], report: Callable[[int, int, str], None]
) -> CheckOutcome:
    """Check every row; never raises for the content of a row, each problem is reported on its
    row and column. `report(done, total, message)` about every 1,000 rows. Reads only."""
    total = len(rows)
    message = _("Checking the rows")
    spellings = choice_values()
    codes: dict[str, tuple[str, str]] = {}
    prepared = [_prepare(row, spellings, codes) for row in rows]
    report(0, total, message)

    paths = registry_paths(actor)
    divisions = registry_divisions_by_code(
        viewer=actor, codes=(p.division_code for p in prepared if p.division_code)
    )
    unknown_codes = {p.division_code for p in prepared if p.division_code} - divisions.keys()
    levels = division_levels_by_code(codes=unknown_codes)
    by_uscc, by_registration, by_id = businesses_matching(
        usccs=(p.uscc for p in prepared if p.uscc),
        registration_numbers=(p.raw["registration_number"] for p in prepared),
        ids=(p.platform_id for p in prepared if p.platform_id),
    )

    for item in prepared:
        _match(item, by_uscc, by_registration, by_id, paths)
    _mark_duplicates(
        prepared,
        lambda p: p.uscc,
        "uscc",
        _("The same credit code is also on line(s) %(lines)s."),
    )
    _mark_duplicates(
        prepared,
        lambda p: p.registration,
        "registration_number",
        _("The same registration number is also on line(s) %(lines)s."),
    )
    _mark_duplicates(
        prepared,
        lambda p: p.platform_id,
        "platform_id",
        _("The same platform id is also on line(s) %(lines)s."),
    )
    identity = ("uscc", "registration_number", "platform_id")
    _mark_duplicates(
        [p for p in prepared if not any(column in p.row.errors for column in identity)],
        lambda p: p.row.business_id,
        "platform_id",
        _("Line(s) %(lines)s name the same business on the platform."),
    )

    clean = _Cleaner()
    for index, item in enumerate(prepared, start=1):
        _check_row(item, divisions, levels, clean)
        if index % REPORT_EVERY == 0:
            report(index, total, message)
    report(total, total, message)
    return CheckOutcome(rows=[item.row for item in prepared])


def _match(item: _Prepared, by_uscc, by_registration, by_id, paths) -> None:
    """Find the business the row names; refuse one the uploader may not change."""
    row = item.row
    match, column = None, ""
    if item.uscc and item.uscc in by_uscc:
        match, column = by_uscc[item.uscc], "uscc"
    registration = item.raw["registration_number"]
    if match is None and registration and registration in by_registration:
        match, column = by_registration[registration], "registration_number"
    if match is not None:
        if not path_writable(match["division_path"], paths):
            row.add_error(
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
            return
        if item.platform_id and item.platform_id != match["id"]:
            row.add_error(
                "platform_id",
                _(
                    "This platform id names another business than the credit code or "
                    "registration number of the row."
                ),
            )
            return
    elif item.platform_id:
        match = by_id.get(item.platform_id)
        if match is None or not path_writable(match["division_path"], paths):
            row.add_error(
                "platform_id",
                _("No business with this platform id is in your jurisdiction."),
            )
            return
    if match is not None:
        row.business_id = match["id"]
        row.updated_at = match["updated_at"].isoformat()
        item.match = match


class _Cleaner:
    """clean_business_fields over a row, in two calls: the row's own fields, and the repeating
    columns, whose result is memoised by their values (a file of 100,000 rows holds a few dozen
    combinations, and the choice fields are most of the validator's time). Each call validates
    every field it is given exactly as a full call does (`partial` only skips absent fields); a
    test holds the two ways equal on random rows. A blank scale is suggested from the type, staff
    and revenue, which differ on every row: then type and scale go with the row's own fields."""

    def __init__(self):
        self.memo: dict[tuple, tuple[dict, dict]] = {}

    def __call__(self, raw: dict, *, allow_pilot: bool) -> tuple[dict, dict[str, str]]:
        own = {name: raw[name] for name in PER_ROW}
        if allow_pilot:
            own["uscc_pilot_override"] = raw.get("uscc_pilot_override", "")
        repeating = {name: raw[name] for name in REPEATING}
        if not raw["scale"].strip():
            own["business_type"] = raw["business_type"]
            own["scale"] = repeating.pop("scale")
        cleaned, errors = clean_business_fields(own, partial=True, allow_pilot=allow_pilot)
        key = tuple(repeating.items())
        memo = self.memo.get(key)
        if memo is None:
            memo = self.memo[key] = clean_business_fields(repeating, partial=True)
        more_cleaned, more_errors = memo
        return {**more_cleaned, **cleaned}, {**more_errors, **errors}


def _check_row(item: _Prepared, divisions: dict, levels: dict, clean) -> None:
    row, raw, match = item.row, item.raw, item.match
    # An early pilot code the office accepted once (DOMAIN.md 3.1) stays accepted for its
    # business; a new one needs the office override of the registration form.
    allow_pilot = bool(match and match["uscc_pilot_override"] and match["uscc"] == item.uscc)
    if allow_pilot:
        raw = {**raw, "uscc_pilot_override": "1"}
    try:
        cleaned, errors = clean(raw, allow_pilot=allow_pilot)
    except (ArithmeticError, ValueError, TypeError):
        # The validator should report every bad value; should a value get past it, this row is
        # refused, not the file.
        cleaned, errors = {}, {"name": _("This row holds a value that cannot be read.")}
    for name, text in errors.items():
        row.add_error(FIELD_COLUMN.get(name, name), text)

    row.grade_reason = raw["grade_reason"]
    if len(row.grade_reason) > REASON_LIMIT:
        row.add_error("grade_reason", _("At most %(limit)d characters.") % {"limit": REASON_LIMIT})
    elif not row.grade_reason and match is None:
        row.add_error("grade_reason", _("Say why the business has this grade."))
    elif not row.grade_reason and cleaned.get("grade", match["grade"]) != match["grade"]:
        row.add_error("grade_reason", _("Say why the grade changes."))

    if item.division_code:
        division = divisions.get(item.division_code)
        if division is not None:
            row.division_id = division["id"]
        elif item.division_code not in levels:
            row.add_error(
                "division_code",
                _("Division code %(code)s is not on the platform.") % {"code": item.division_code},
            )
        elif levels[item.division_code] not in BUSINESS_LEVELS:
            row.add_error(
                "division_code",
                _("A business belongs to a township or a village; %(code)s is neither.")
                % {"code": item.division_code},
            )
        else:
            row.add_error(
                "division_code",
                _("Division %(code)s is outside your jurisdiction.") % {"code": item.division_code},
            )
    elif "division_code" not in row.errors:
        row.add_error("division_code", _("Enter the division code."))

    if row.errors:
        return
    row.values = {name: cleaned[name] for name in FIELDS}
    if match is None:
        row.action = Action.NEW
        return
    before = {name: match[name] for name in FIELDS if match[name] != row.values[name]}
    if match["division_id"] != row.division_id:
        before["division"] = match["division_id"]
    row.before = before
    row.action = Action.CHANGED if before else Action.UNCHANGED
