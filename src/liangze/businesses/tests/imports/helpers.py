"""Building uploads and running the import's jobs in tests."""

import csv
import io
import zipfile

import xlsxwriter
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from liangze.businesses.imports import COLUMNS
from liangze.businesses.testing import make_uscc
from liangze.files.models import StoredFile
from liangze.imports import services, tasks
from liangze.imports.specs import header, import_spec
from liangze.jobs.models import Job

VILLAGE = "632801100200"
OTHER_VILLAGE = "632801100201"
TOWNSHIP = "632801100000"
NEIGHBOUR_VILLAGE = "632802100200"
COUNTY = "632801000000"


def row(serial: int, **values) -> dict:
    """A valid row for a new business in our village (keys are the template's English keys)."""
    return {
        "platform_id": "",
        "name": f"导入餐馆{serial}",
        "uscc": make_uscc(500_000 + serial),
        "registration_number": "",
        "license_number": f"JY2632801{serial:07d}",
        "business_type": "restaurant",
        "chain_hq": "否",
        "key": "否",
        "scale": "small",
        "staff_count": "12",
        "annual_revenue_yuan": "1500000",
        "grade": "D",
        "grade_reason": "小餐饮",
        "risk_level": "B",
        "division_code": VILLAGE,
        "address": f"格尔木市昆仑路{serial}号",
        "latitude": "36.4163",
        "longitude": "94.9033",
        "contact_name": "张三",
        "contact_phone": f"1380000{serial:04d}",
        "open_kitchen": "是",
        **values,
    }


def xlsx(rows: list[dict], *, language: str = "zh-hans") -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet()
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, header(column, language))
    for line, values in enumerate(rows, start=1):
        for col, column in enumerate(COLUMNS):
            value = values.get(column.key, "")
            if value != "":
                sheet.write_string(line, col, str(value))
    workbook.close()
    return buffer.getvalue()


def csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.key for column in COLUMNS])
    for values in rows:
        writer.writerow([values.get(column.key, "") for column in COLUMNS])
    return out.getvalue().encode("utf-8")


def check(actor, data: bytes, *, name: str = "businesses.xlsx") -> Job:
    job = services.table_import_start(
        actor=actor, spec=import_spec("businesses"), upload=SimpleUploadedFile(name, data)
    )
    tasks.table_import_check_run.call(job.pk)
    job.refresh_from_db()
    return job


def commit(actor, check_job: Job, mode: str = "valid_rows") -> Job:
    write_job = services.table_import_commit(actor=actor, check_job=check_job, mode=mode)
    tasks.table_import_write_run.call(write_job.pk)
    write_job.refresh_from_db()
    return write_job


def errors_of(job: Job) -> set[tuple[int, str]]:
    return {(error["line"], error["column"]) for error in job.result["errors"]}


def stored_bytes(public_id: str) -> bytes:
    stored = StoredFile.objects.get(public_id=public_id)
    with default_storage.open(stored.storage_name, "rb") as handle:
        return handle.read()


def sheet_rows(data: bytes, index: int = 0) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)


def sheet_xml(data: bytes, number: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode()


def exported_row(business) -> dict:
    """The row an export writes for `business`, as the text a spreadsheet gives back."""
    from liangze.businesses.exports import EXPORT_FIELDS, export_cells, export_words
    from liangze.businesses.models import Business

    values = Business.objects.filter(pk=business.pk).values_list(*EXPORT_FIELDS).get()
    cells = export_cells(values, words=export_words("zh-hans"))[: len(COLUMNS)]
    return {
        column.key: "" if value is None else str(value)
        for column, value in zip(COLUMNS, cells, strict=True)
    }
