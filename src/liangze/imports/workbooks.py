"""Writing the business spreadsheets with xlsxwriter: the import template, the bad-rows report
and the export. Every workbook streams (constant_memory), so a large one costs little memory.

Formula injection: a text cell is always written with `write_string`, never `write` (which turns
"=..." into a formula) nor `write_formula`. A text starting with = + - @ or a tab or carriage
return is also prefixed with an apostrophe ("'=1+1"): Excel never evaluates a string cell, but a
sheet saved as CSV, or opened by a program that re-parses text, might. The apostrophe shows, which
is the point: the reader sees that the value was not a formula. The importer removes it again
(columns.unguard), so an export re-imports unchanged.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _

from liangze.businesses.models import BusinessStatus, Grade, RiskLevel
from liangze.businesses.types import BusinessType, Scale
from liangze.imports.columns import (
    BOOL_COLUMNS,
    BY_KEY,
    COLUMNS,
    FORMULA_START,
    bool_words,
    header,
    looks_like_formula,
)

# The data validations of the template reach this row (xlsx's last).
LAST_ROW = 1_048_575
DIVISION_LIST_CAP = 5_000
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def safe_text(value: object) -> str:
    """The text to write for a cell: prefixed with an apostrophe when it could read as a
    formula."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def _sheet_ref(sheet: str, column: str, count: int) -> str:
    return f"='{sheet}'!${column}$1:${column}${max(count, 1)}"


@dataclass(frozen=True)
class DivisionEntry:
    code: str
    name: str


def write_template(
    target, *, divisions: Sequence[DivisionEntry], divisions_capped: bool, language: str
) -> None:
    """The import template: a header row, drop-downs for every column with allowed values, an
    instructions sheet and a hidden sheet holding the long lists (business types, scales, the
    jurisdiction's townships and villages)."""
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    text_format = workbook.add_format({"num_format": "@"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    data = workbook.add_worksheet(_("Businesses")[:31])
    guide = workbook.add_worksheet(_("Instructions")[:31])
    lists_name = "lists"
    lists = workbook.add_worksheet(lists_name)
    lists.hide()

    for index, column in enumerate(COLUMNS):
        data.set_column(index, index, column.width, text_format if column.text else None)
        data.write_string(0, index, header(column, language), bold)
    data.freeze_panes(1, 0)

    types = [str(member.label) for member in BusinessType]
    scales = [str(member.label) for member in Scale]
    entries = [f"{entry.code} {entry.name}" for entry in divisions]
    longest = max(len(types), len(scales), len(entries))
    for row in range(longest):
        for col, values in enumerate((types, scales, entries)):
            if row < len(values):
                lists.write_string(row, col, safe_text(values[row]))

    yes, no = bool_words(language)
    choose = _("Choose a value from the list.")
    validations = {
        "business_type": {"source": _sheet_ref(lists_name, "A", len(types))},
        "scale": {"source": _sheet_ref(lists_name, "B", len(scales))},
        "grade": {"source": Grade.values},
        "risk_level": {"source": RiskLevel.values},
        **{key: {"source": [yes, no]} for key in BOOL_COLUMNS},
    }
    if entries:
        # A warning only: a code of the jurisdiction left out of a capped list is still accepted.
        validations["division_code"] = {
            "source": _sheet_ref(lists_name, "C", len(entries)),
            "error_type": "warning",
        }
    for key, options in validations.items():
        col = next(i for i, c in enumerate(COLUMNS) if c.key == key)
        data.data_validation(
            1,
            col,
            LAST_ROW,
            col,
            {
                "validate": "list",
                "error_type": "stop",
                "error_title": header(BY_KEY[key], language)[:32],
                "error_message": choose,
                **options,
            },
        )

    guide.set_column(0, 0, 22)
    guide.set_column(1, 1, 90)
    lines = [
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
    if divisions_capped:
        lines.append(
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
    lines.append(("", ""))
    lines.append((_("Column"), _("Allowed values")))
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
    for column in COLUMNS:
        lines.append((header(column, language), allowed.get(column.key, "")))
    for row, (left, right) in enumerate(lines):
        guide.write_string(row, 0, safe_text(left), bold if left else None)
        guide.write_string(row, 1, safe_text(right), wrap)
    workbook.close()


@dataclass(frozen=True)
class BadRow:
    line: int
    cells: dict[str, str]  # key → the text read from the upload
    errors: dict[str, str]  # key → reason


def write_bad_rows(target, *, rows: Iterable[BadRow], language: str) -> None:
    """The rows that failed the check, as uploaded, each bad cell highlighted, with a column
    naming every problem and one with the row's line in the upload. Fixed, the sheet can be
    uploaded again as it is (the extra columns are ignored)."""
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    bad = workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    wrap = workbook.add_format({"text_wrap": True, "font_color": "#9C0006"})
    sheet = workbook.add_worksheet(_("Bad rows")[:31])
    problems_col, line_col = len(COLUMNS), len(COLUMNS) + 1
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, header(column, language), bold)
    sheet.set_column(problems_col, problems_col, 60)
    sheet.write_string(0, problems_col, _("Problems"), bold)
    sheet.write_string(0, line_col, _("Line in the upload"), bold)
    sheet.freeze_panes(1, 0)
    for row_index, row in enumerate(rows, start=1):
        for index, column in enumerate(COLUMNS):
            text = safe_text(row.cells.get(column.key, ""))
            fmt = bad if column.key in row.errors else None
            if text or fmt:
                sheet.write_string(row_index, index, text, fmt)
        reasons = [
            _("Column %(column)s: %(message)s")
            % {"column": header(BY_KEY[key], language), "message": message}
            for key, message in row.errors.items()
        ]
        sheet.write_string(row_index, problems_col, safe_text("\n".join(reasons)), wrap)
        sheet.write_number(row_index, line_col, row.line)
    workbook.close()


def phone_for_sheet(e164: str) -> str:
    """+8613800000000 → 13800000000, +86979… → 0979…: how people write them, and what the
    importer turns back into the same E.164 number."""
    if not e164.startswith("+86"):
        return e164
    local = e164[3:]
    if len(local) == 11 and local.startswith("1"):
        return local
    return "0" + local


# The first character of any text looks_like_formula accepts: a cheap test that spares the
# full one for almost every cell of a large export, and never answers no where it would say yes.
_FORMULA_FIRST = frozenset("'" + "".join(start[0] for start in FORMULA_START))


def _guarded(text: str) -> str:
    """safe_text for a str, faster where the first character already rules a formula out."""
    if text[:1] in _FORMULA_FIRST and looks_like_formula(text):
        return "'" + text
    return text


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
        _guarded(name),
        _guarded(uscc),
        _guarded(registration_number),
        _guarded(license_number),
        words.types.get(business_type) or _guarded(business_type),
        yes if chain_hq else no,
        yes if key else no,
        words.scales.get(scale) or _guarded(scale),
        staff_count,
        None if revenue_fen is None else revenue_fen // 100,
        _guarded(grade),
        "",
        _guarded(risk_level),
        _guarded(division_code),
        _guarded(address),
        _degrees(lat_e6),
        _degrees(lng_e6),
        _guarded(contact_name),
        _guarded(phone_for_sheet(contact_phone)),
        yes if open_kitchen else no,
        words.statuses.get(status) or _guarded(status),
        _guarded(division_name),
    ]


def write_export(target, *, businesses: Iterable[Sequence], language: str, progress=None) -> int:
    """The businesses (rows of EXPORT_FIELDS) in the template's columns, then status and
    division name, which an import ignores. Returns the number of rows written;
    `progress(done)` every 1,000 rows.

    Blank cells are skipped; every other cell is one write_string or write_number call without
    a format, which is where nearly all the time of a large export goes (inside xlsxwriter)."""
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    sheet = workbook.add_worksheet(_("Businesses")[:31])
    extra = [_("Status (not imported)"), _("Division name (not imported)")]
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, header(column, language), bold)
    for offset, title in enumerate(extra):
        sheet.write_string(0, len(COLUMNS) + offset, title, bold)
    sheet.freeze_panes(1, 0)
    words = export_words(language)
    write_string, write_number = sheet.write_string, sheet.write_number
    count = 0
    for count, business in enumerate(businesses, start=1):
        for col, value in enumerate(export_cells(business, words=words)):
            if value.__class__ is str:
                if value:
                    write_string(count, col, value)
            elif value is not None:
                write_number(count, col, value)
        if progress is not None and count % 1000 == 0:
            progress(count)
    workbook.close()
    return count
