from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks import task
from django_tasks_db.models import DBTaskResult

import liangze.regions
from liangze.jobs.runner import job_run
from liangze.regions import services

HAIXI_CSV = Path(liangze.regions.__file__).parent / "data" / "haixi_2023.csv"
HAIXI_ROWS = len(HAIXI_CSV.read_text(encoding="utf-8").strip().splitlines()) - 1
# The region fixture holds vintage 2023; imports here use another year, so every row is new.
VINTAGE = 2024


def start_import(actor, data: bytes | None = None, *, name="divisions.csv", vintage=VINTAGE):
    data = HAIXI_CSV.read_bytes() if data is None else data
    return services.division_import_start(
        actor=actor, upload=SimpleUploadedFile(name, data), vintage=vintage
    )


def bad_table() -> bytes:
    """Three bad rows among good ones: a malformed code, an empty name, a parent that is nowhere."""
    return (
        "code,name,parent_code\n"
        "630000000000,青海省,\n"
        "63280000000X,海西州,630000000000\n"
        "632800000000,,630000000000\n"
        "632801000000,格尔木市,639900000000\n"
    ).encode()


def enqueued(task_name: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path__endswith=f".{task_name}"))


@task()
def open_job_run(job_id: int) -> dict | None:
    """The task of the test kind OPEN_KIND (conftest.open_kind): succeeds with no result."""
    return job_run(job_id, lambda job, report: {})
