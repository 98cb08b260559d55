"""Writing an entity's spreadsheets with xlsxwriter: the import template, the bad-rows report
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
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from liangze.imports.columns import FORMULA_START, looks_like_formula
from liangze.imports.specs import Column, ImportSpec, TemplateParts, header

# The data validations of the template reach this row (xlsx's last).
LAST_ROW = 1_048_575
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


def write_template(target, *, spec: ImportSpec, parts: TemplateParts, language: str) -> None:
    """An entity's import template: a header row, the drop-downs of `parts` down to the last
    row, an instructions sheet (the guide, then each column's allowed values) and a hidden sheet
    holding the long lists."""
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    text_format = workbook.add_format({"num_format": "@"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    data = workbook.add_worksheet(str(parts.sheet_title)[:31])
    guide = workbook.add_worksheet(_("Instructions")[:31])
    lists_name = "lists"
    lists = workbook.add_worksheet(lists_name)
    lists.hide()

    for index, column in enumerate(spec.columns):
        data.set_column(index, index, column.width, text_format if column.text else None)
        data.write_string(0, index, header(column, language), bold)
    data.freeze_panes(1, 0)

    listed = [(key, dropdown) for key, dropdown in parts.dropdowns.items() if not dropdown.inline]
    longest = max((len(dropdown.values) for _key, dropdown in listed), default=0)
    for row in range(longest):  # row by row: a constant_memory sheet is written in row order
        for col, (_key, dropdown) in enumerate(listed):
            if row < len(dropdown.values):
                lists.write_string(row, col, safe_text(dropdown.values[row]))
    list_column = {key: xl_col_to_name(col) for col, (key, _d) in enumerate(listed)}

    choose = _("Choose a value from the list.")
    positions = {column.key: index for index, column in enumerate(spec.columns)}
    for key, dropdown in parts.dropdowns.items():
        if dropdown.inline:
            source = [str(value) for value in dropdown.values]
        elif dropdown.values:
            source = _sheet_ref(lists_name, list_column[key], len(dropdown.values))
        else:
            continue  # an empty list: no drop-down
        col = positions[key]
        data.data_validation(
            1,
            col,
            LAST_ROW,
            col,
            {
                "validate": "list",
                "error_type": "warning" if dropdown.warning else "stop",
                "error_title": header(spec.columns[col], language)[:32],
                "error_message": choose,
                "source": source,
            },
        )

    guide.set_column(0, 0, 22)
    guide.set_column(1, 1, 90)
    lines = [*parts.guide, ("", ""), (_("Column"), _("Allowed values"))]
    for column in spec.columns:
        lines.append((header(column, language), str(parts.allowed.get(column.key, ""))))
    for row, (left, right) in enumerate(lines):
        guide.write_string(row, 0, safe_text(left), bold if left else None)
        guide.write_string(row, 1, safe_text(right), wrap)
    workbook.close()


@dataclass(frozen=True)
class BadRow:
    line: int
    cells: dict[str, str]  # key → the text read from the upload
    errors: dict[str, str]  # key → reason


def write_bad_rows(
    target, *, columns: Sequence[Column], rows: Iterable[BadRow], language: str
) -> None:
    """The rows that failed the check, as uploaded, each bad cell highlighted, with a column
    naming every problem and one with the row's line in the upload. Fixed, the sheet can be
    uploaded again as it is (the extra columns are ignored)."""
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    bad = workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    wrap = workbook.add_format({"text_wrap": True, "font_color": "#9C0006"})
    sheet = workbook.add_worksheet(_("Bad rows")[:31])
    by_key = {column.key: column for column in columns}
    problems_col, line_col = len(columns), len(columns) + 1
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, header(column, language), bold)
    sheet.set_column(problems_col, problems_col, 60)
    sheet.write_string(0, problems_col, _("Problems"), bold)
    sheet.write_string(0, line_col, _("Line in the upload"), bold)
    sheet.freeze_panes(1, 0)
    for row_index, row in enumerate(rows, start=1):
        for index, column in enumerate(columns):
            text = safe_text(row.cells.get(column.key, ""))
            fmt = bad if column.key in row.errors else None
            if text or fmt:
                sheet.write_string(row_index, index, text, fmt)
        reasons = [
            _("Column %(column)s: %(message)s")
            % {
                "column": header(by_key[key], language) if key in by_key else key,
                "message": message,
            }
            for key, message in row.errors.items()
        ]
        sheet.write_string(row_index, problems_col, safe_text("\n".join(reasons)), wrap)
        sheet.write_number(row_index, line_col, row.line)
    workbook.close()


# The first character of any text looks_like_formula accepts: a cheap test that spares the
# full one for almost every cell of a large export, and never answers no where it would say yes.
_FORMULA_FIRST = frozenset("'" + "".join(start[0] for start in FORMULA_START))


def guarded(text: str) -> str:
    """safe_text for a str, faster where the first character already rules a formula out."""
    if text[:1] in _FORMULA_FIRST and looks_like_formula(text):
        return "'" + text
    return text


def write_export(
    target,
    *,
    columns: Sequence[Column],
    extra_headers: Sequence[str],
    sheet_title: str,
    rows: Iterable[Sequence],
    language: str,
    progress=None,
) -> int:
    """Rows of cells (the columns' cells, then one per extra header, which an import ignores)
    under the columns' headers. Text cells must come formula-guarded (guarded or safe_text),
    numbers as numbers, a blank cell as "" or None. Returns the number of rows written;
    `progress(done)` every 1,000 rows.

    Blank cells are skipped; every other cell is one write_string or write_number call without
    a format, which is where nearly all the time of a large export goes (inside xlsxwriter)."""
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    sheet = workbook.add_worksheet(str(sheet_title)[:31])
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, header(column, language), bold)
    for offset, title in enumerate(extra_headers):
        sheet.write_string(0, len(columns) + offset, str(title), bold)
    sheet.freeze_panes(1, 0)
    write_string, write_number = sheet.write_string, sheet.write_number
    count = 0
    for count, cells in enumerate(rows, start=1):
        for col, value in enumerate(cells):
            if value.__class__ is str:
                if value:
                    write_string(count, col, value)
            elif value is not None:
                write_number(count, col, value)
        if progress is not None and count % 1000 == 0:
            progress(count)
    workbook.close()
    return count
