"""Reading uploaded tables (CSV, XLSX, XLS) into rows of strings, one reader for every importer."""

import csv
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

from django.utils.translation import gettext as _

from liangze.core.errors import Invalid

SPREADSHEET_SUFFIXES = {".xlsx", ".xls", ".xlsm", ".ods"}

logger = logging.getLogger(__name__)


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
            # The library's own words ("Cannot detect file format") are English and technical:
            # they go to the log, the user gets a message in their language.
            logger.info("spreadsheet %r unreadable: %s", name, exc)
            raise Invalid(
                code="table_unreadable",
                message=_("The file is damaged or not a spreadsheet, and cannot be read."),
            ) from None
        return [[_cell_text(cell) for cell in row] for row in rows]
    raise Invalid(
        code="table_type",
        message=_("Upload a .csv, .xlsx or .xls file."),
    )


@dataclass(frozen=True)
class Table:
    """An uploaded table held column by column: `lines[i]` is the line of row i in the file, and
    `columns[name][i]` its cell, as text. An importer of many rows works on whole columns."""

    lines: list[int]
    columns: dict[str, list[str]]

    def __len__(self) -> int:
        return len(self.lines)

    def rows(self) -> list[TableRow]:
        names = list(self.columns)
        if not names:
            return [TableRow(line=line, values={}) for line in self.lines]
        cells = zip(*(self.columns[name] for name in names), strict=True)
        return [
            TableRow(line=line, values=dict(zip(names, values, strict=True)))
            for line, values in zip(self.lines, cells, strict=True)
        ]

    @classmethod
    def from_rows(cls, rows: Sequence[TableRow], names: Sequence[str]) -> "Table":
        return cls(
            lines=[row.line for row in rows],
            columns={name: [row.values.get(name, "") for row in rows] for name in names},
        )


def read_table(
    *, name: str, data: bytes, columns: dict[str, tuple[str, ...]], max_rows: int = 1_000_000
) -> list[TableRow]:
    """Rows keyed by canonical column name. `columns` maps each name to the header spellings
    accepted for it (English and Chinese). Raises Invalid for a missing column or too many rows."""
    return read_table_columns(name=name, data=data, columns=columns, max_rows=max_rows).rows()


def read_table_columns(
    *,
    name: str,
    data: bytes,
    columns: dict[str, tuple[str, ...]],
    max_rows: int = 1_000_000,
    sheet_columns: list[list[str]] | None = None,
) -> Table:
    """As read_table, column by column. `sheet_columns`: the file's first sheet already read as
    text, column by column from A1 (by files.validation's reader in a child process), so the
    spreadsheet is not parsed twice."""
    if sheet_columns is None:
        # CSV rows may stop short: the missing cells are blank.
        raw_rows = _raw_rows(name, data, max_rows)
        sheet_columns = [list(cells) for cells in zip_longest(*raw_rows, fillvalue="")]
    height = len(sheet_columns[0]) if sheet_columns else 0
    filled = [any(cells) for cells in zip(*sheet_columns, strict=True)] if sheet_columns else []
    try:
        first = filled.index(True)
    except ValueError:
        raise Invalid(code="table_empty", message=_("The file is empty.")) from None
    header = [column[first].strip().lower() for column in sheet_columns]
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
    if height - first - 1 > max_rows:
        raise Invalid(
            code="table_too_long",
            message=_("The file has more than %(max)d rows.") % {"max": max_rows},
        )
    # Lines as the user sees them: row i (from 0) is line i + 1; blank rows are skipped.
    kept = [index for index in range(first + 1, height) if filled[index]]
    lines = [index + 1 for index in kept]
    if len(kept) == height - first - 1:
        table = {column: sheet_columns[pos][first + 1 :] for column, pos in positions.items()}
    else:
        table = {
            column: [sheet_columns[pos][index] for index in kept]
            for column, pos in positions.items()
        }
    return Table(lines=lines, columns=table)
