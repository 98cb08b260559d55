"""Helpers for tests and the benchmark: officials made through the service."""

from liangze.officials.services import official_create


def make_official(*, actor, division, serial: int = 1, **fields):
    """An official (through official_create) with the mobile 1390000xxxx for `serial`."""
    values = {"display_name": f"干部{serial}", "phone": f"1390000{serial:04d}", **fields}
    return official_create(actor=actor, division=division, **values).official


def import_workbook(spec_name: str, rows: list[dict]) -> bytes:
    """An .xlsx of the import spec's columns (Chinese headers) holding `rows` by column key."""
    import io

    import xlsxwriter

    from liangze.imports.specs import header, import_spec

    columns = import_spec(spec_name).columns
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for col, column in enumerate(columns):
        sheet.write_string(0, col, header(column, "zh-hans"))
    for line, values in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            if values.get(column.key):
                sheet.write_string(line, col, str(values[column.key]))
    book.close()
    return buffer.getvalue()
