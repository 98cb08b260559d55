"""Reading uploaded tables (CSV, XLSX, XLS) into rows of strings, one reader for every importer."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from liangze.core.errors import Invalid

SPREADSHEET_SUFFIXES = {".xlsx", ".xls", ".xlsm", ".ods"}


@dataclass(frozen=True)
class TableRow:
    line: int  # 1-based, as the user sees it in Excel (the header is line 1)
    values: dict[str, str]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _raw_rows(name: str, data: bytes, max_rows: int) -> list[list[str]]:
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise Invalid(
                    code="table_encoding", message=_("The CSV file is neither UTF-8 nor GB18030.")
                ) from None
        rows = []
        for row in csv.reader(io.StringIO(text)):
            rows.append([_cell_text(cell) for cell in row])
            if len(rows) > max_rows + 1:
                break
        return rows
    if suffix in SPREADSHEET_SUFFIXES:
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = workbook.get_sheet_by_index(0)
            rows = sheet.to_python(skip_empty_area=False, nrows=max_rows + 2)
        except Exception as exc:  # calamine raises several error types for damaged files
            raise Invalid(
                code="table_unreadable",
                message=_("The spreadsheet could not be read: %(error)s") % {"error": exc},
            ) from None
        return [[_cell_text(cell) for cell in row] for row in rows]
    raise Invalid(
        code="table_type",
        message=_("Upload a .csv, .xlsx or .xls file."),
    )


def read_table(
    *, name: str, data: bytes, columns: dict[str, tuple[str, ...]], max_rows: int = 1_000_000
) -> list[TableRow]:
    """Rows keyed by canonical column name. `columns` maps each name to the header spellings
    accepted for it (English and Chinese). Raises Invalid for a missing column or too many rows."""
    raw = _raw_rows(name, data, max_rows)
    while raw and not any(raw[0]):
        raw.pop(0)
    if not raw:
        raise Invalid(code="table_empty", message=_("The file is empty."))
    header = [cell.strip().lower() for cell in raw[0]]
    positions = {}
    for column, spellings in columns.items():
        for spelling in (column, *spellings):
            if spelling.lower() in header:
                positions[column] = header.index(spelling.lower())
                break
    missing = [column for column in columns if column not in positions]
    if missing:
        raise Invalid(
            code="table_columns",
            message=_("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)},
        )
    if len(raw) - 1 > max_rows:
        raise Invalid(
            code="table_too_long",
            message=_("The file has more than %(max)d rows.") % {"max": max_rows},
        )
    rows = []
    for index, row in enumerate(raw[1:], start=2):
        if not any(row):
            continue
        values = {column: (row[pos] if pos < len(row) else "") for column, pos in positions.items()}
        rows.append(TableRow(line=index, values=values))
    return rows
