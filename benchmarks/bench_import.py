"""Importing 100,000 businesses from .xlsx end to end (upload → check job → write job), beside
a baseline of the same file parsed with python-calamine and inserted with a raw executemany.

On SQLite the import of new rows runs IMPORT_RUNS times, each from the same database (a backup
taken before the first, restored before each other: core.backups), interleaved with the baseline's runs so
both meet the same noise; the medians are compared. On PostgreSQL it runs once.
"""

import os
import time
from pathlib import Path

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from python_calamine import CalamineWorkbook

from benchmarks.harness import Sample
from liangze.core import backups

IMPORT_RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", "5"))

HEADER = [
    "name",
    "uscc",
    "business_type",
    "scale",
    "grade",
    "grade_reason",
    "division_code",
    "address",
    "contact_name",
    "contact_phone",
]


def write_xlsx(path: Path, rows: list[dict]) -> None:
    """Every template column (the importer requires them all); the ones the rows lack are blank."""
    from liangze.businesses.imports import KEYS

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, KEYS)
    filled = {**dict.fromkeys(KEYS, ""), "grade_reason": "基准测试"}
    for index, row in enumerate(rows, start=1):
        values = {**filled, **row}
        sheet.write_row(index, 0, [values[key] for key in KEYS])
    workbook.close()


def baseline(path: Path) -> None:
    """Parse with calamine and insert the same cells with one executemany: the floor."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    positions = [sheet[0].index(column) for column in HEADER]
    values = [[row[p] for p in positions] for row in sheet[1:]]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")
        cursor.execute("CREATE TABLE bench_raw (" + ", ".join(f"{c} TEXT" for c in HEADER) + ")")
        placeholders = ", ".join(["%s"] * len(HEADER))
        cursor.executemany(
            f"INSERT INTO bench_raw VALUES ({placeholders})",
            [[str(v) for v in row] for row in values],
        )
        cursor.execute("DROP TABLE bench_raw")


def run(*, viewer, rows: list[dict], workdir: Path) -> list[Sample]:
    path = workdir / "businesses.xlsx"
    write_xlsx(path, rows)
    data = path.read_bytes()

    floor = Sample(name="baseline: calamine parse + raw executemany of the same rows")

    def baseline_once() -> None:
        start = time.perf_counter()
        baseline(path)
        floor.seconds.append(time.perf_counter() - start)

    total, check, write = (Sample(name=f"import {len(rows):,} new rows: {p}") for p in PARTS)
    runs = IMPORT_RUNS if connection.vendor == "sqlite" else 1
    database = Path(connection.settings_dict["NAME"])
    before = workdir / "before-import.sqlite3"
    if runs > 1:
        backups.sqlite_backup(source=database, target=before)
    for number in range(runs):
        baseline_once()
        if number:
            backups.sqlite_restore(source=before, target=database)
        result = import_once(viewer, data, total=total, check=check, write=write)
    while len(floor.seconds) < 3:
        baseline_once()
    total.note = f"result {result}; target under 10 s"
    again = [Sample(name=f"re-import of the same file: {p}") for p in PARTS]
    result = import_once(viewer, data, total=again[0], check=again[1], write=again[2])
    again[0].note = f"result {result} (nothing changes)"
    return [floor, total, check, write, *again]


PARTS = ("end to end", "check job", "write job")


def import_once(viewer, data: bytes, *, total: Sample, check: Sample, write: Sample) -> dict:
    """Upload, check and write all-or-nothing; each phase's time added to its sample."""
    from liangze.imports import services, tasks
    from liangze.imports.specs import import_spec
    from liangze.jobs.models import Job

    start = time.perf_counter()
    check_job = services.table_import_start(
        actor=viewer,
        spec=import_spec("businesses"),
        upload=SimpleUploadedFile("businesses.xlsx", data),
    )
    tasks.table_import_check_run.call(check_job.pk)
    check_job.refresh_from_db()
    checked = time.perf_counter()
    if check_job.status != Job.Status.SUCCEEDED:
        raise RuntimeError(f"check failed: {check_job.error_code} {check_job.error_message}")
    write_job = services.table_import_commit(
        actor=viewer, check_job=check_job, mode="all_or_nothing"
    )
    tasks.table_import_write_run.call(write_job.pk)
    write_job.refresh_from_db()
    end = time.perf_counter()
    if write_job.status != Job.Status.SUCCEEDED:
        raise RuntimeError(f"write failed: {write_job.error_code} {write_job.error_message}")
    total.seconds.append(end - start)
    check.seconds.append(checked - start)
    write.seconds.append(end - checked)
    return write_job.result
