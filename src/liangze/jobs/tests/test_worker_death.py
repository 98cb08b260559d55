"""kill -9 of a real worker in the middle of a business import's check and of its write: the job
ends failed after the stale sweep, nothing is half-written, and running it again succeeds.

Runs real processes on a site of its own (core/testing/site.py), on SQLite: on PostgreSQL the
same code runs, and running it twice would only double its cost.
"""

import json
import os
import signal
import time

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="runs its own SQLite site; once per suite is enough"
)

ROWS = 3000  # the write reports after its first 2,000 rows, then has more to do

SETUP = """
from liangze.accounts.models import Role
from liangze.core.tables import TableRow
from liangze.core.testing.fixtures import TREE_ROWS, make_user
from liangze.regions.models import Division
from liangze.regions.services import division_table_import

rows = [
    TableRow(line=i + 2, values={"code": c, "name": n, "parent_code": p})
    for i, (c, n, p) in enumerate(TREE_ROWS)
]
division_table_import(actor=None, rows=rows, vintage=2023)
make_user("county_staff", Role.OFFICE_STAFF, Division.objects.get(code="632801000000"))
"""

START_CHECK = f"""
from django.core.files.uploadedfile import SimpleUploadedFile
from liangze.accounts.models import User
from liangze.imports import services
from liangze.businesses.tests.imports.helpers import csv_bytes, row
from liangze.imports.specs import import_spec

data = csv_bytes([row(i, contact_phone=f"138{{i:08d}}") for i in range({ROWS})])
staff = User.objects.get(username="county_staff")
job = services.table_import_start(
    actor=staff, spec=import_spec("businesses"), upload=SimpleUploadedFile("b.csv", data)
)
print(job.pk)
"""

COMMIT = """
from liangze.accounts.models import User
from liangze.imports import services
from liangze.jobs.models import Job

staff = User.objects.get(username="county_staff")
job = services.table_import_commit(
    actor=staff, check_job=Job.objects.get(pk={check}), mode="valid_rows"
)
print(job.pk)
"""


def job_state(site, job_id: int) -> tuple[str, str]:
    [(status, code)] = site.query("SELECT status, error_code FROM jobs_job WHERE id = ?", (job_id,))
    return status, code


def progress(site, job_id: int) -> int | None:
    """Rows done by the job's last report; None before its first."""
    try:
        entry = json.loads((site.files / "jobs" / "progress" / f"{job_id}.json").read_text())
    except (OSError, ValueError):
        return None
    return entry["done"]


def kill_mid_job(site, job_id: int, *, rows_done: int) -> None:
    """Start a worker, wait until the job reports `rows_done` rows or more, kill -9 the worker."""
    worker = site.start("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1")
    try:
        deadline = time.monotonic() + 120
        while (done := progress(site, job_id)) is None or done < rows_done:
            assert worker.poll() is None, "the worker stopped by itself"
            assert time.monotonic() < deadline, "the job never showed progress"
            time.sleep(0.01)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    assert job_state(site, job_id) == ("running", "")


SWEEP = """
from django.core.management import call_command
from liangze.jobs.models import ScheduledRun

# The sweep runs once per five-minute slot: forget the slot a first sweep may have claimed.
ScheduledRun.objects.filter(name="jobs_fail_stale").delete()
call_command("scheduler", once=True)
call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
"""
RUN_QUEUED = """
from django.core.management import call_command

call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
"""


def sweep_then(site, code: str) -> int:
    """What serve's scheduler and the restarted worker do once the job has gone stale; then,
    in the same process (each costs seconds on a busy machine), `code`, which prints a job id.
    Returns that id, and the state the sweep left is checked by the caller."""
    time.sleep(2.5)  # LIANGZE_JOB_STALE_SECONDS is 2 on the test site
    return int(site.python(SWEEP + code).splitlines()[-1])


def businesses(site) -> int:
    return site.query("SELECT count(*) FROM businesses_business")[0][0]


def test_a_killed_worker_fails_its_job_and_the_import_runs_again(site):
    # During the check.
    check = int(site.python(SETUP + START_CHECK))
    kill_mid_job(site, check, rows_done=0)  # it has read the file and is checking the rows
    assert businesses(site) == 0
    lost = check
    check = sweep_then(site, START_CHECK + RUN_QUEUED)  # the file uploaded again
    assert job_state(site, lost) == ("failed", "job_worker_lost")
    assert not (site.files / "jobs" / "progress" / f"{lost}.json").exists()
    assert job_state(site, check) == ("succeeded", "")

    # During the write, which holds SQLite's write lock in one transaction.
    write = int(site.python(COMMIT.format(check=check)))
    kill_mid_job(site, write, rows_done=1)  # rows written, not committed
    assert businesses(site) == 0
    # The same check is committed again: no longer refused as already committed.
    again = sweep_then(site, COMMIT.format(check=check) + RUN_QUEUED)
    assert job_state(site, write) == ("failed", "job_worker_lost")
    assert job_state(site, again) == ("succeeded", "")
    assert businesses(site) == ROWS
    created = "SELECT count(*) FROM audit_auditevent WHERE action = 'business_created'"
    assert site.query(created) == [(ROWS,)]  # once each: the killed write left none
