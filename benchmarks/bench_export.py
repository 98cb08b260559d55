"""Exporting 100,000 businesses to .xlsx (the office's filtered list, all of it), beside a
baseline of xlsxwriter writing the same columns straight from values_list()."""

import tempfile
import time
import tracemalloc
from pathlib import Path

import xlsxwriter

from benchmarks.harness import Sample


def baseline(viewer) -> int:
    from liangze.businesses.models import Business

    rows = Business.objects.order_by("pk").values_list(
        "name", "uscc", "business_type", "grade", "address", "contact_name", "contact_phone"
    )
    with tempfile.TemporaryFile() as target:
        workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
        sheet = workbook.add_worksheet()
        count = 0
        for count, row in enumerate(rows.iterator(chunk_size=2000), start=1):
            sheet.write_row(count, 0, row)
        workbook.close()
    return count


def run(*, viewer, rows: list[dict], workdir: Path) -> list[Sample]:
    from liangze.businesses import exports

    floor = Sample(name="baseline: xlsxwriter from values_list(), 7 columns")
    ours = Sample(name="export of the whole registry (business_export_write)")
    for _ in range(3):
        start = time.perf_counter()
        baseline(viewer)
        floor.seconds.append(time.perf_counter() - start)
        with tempfile.TemporaryFile() as target:
            start = time.perf_counter()
            written = exports.business_export_write(actor=viewer, filters={}, target=target)
            ours.seconds.append(time.perf_counter() - start)
    with tempfile.TemporaryFile() as target:  # one more run, only to measure memory
        tracemalloc.start()
        exports.business_export_write(actor=viewer, filters={}, target=target)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    ours.note = (
        f"{written:,} rows; peak Python memory {peak / 1024 / 1024:.1f} MiB (constant memory)"
    )
    return [floor, ours]
