"""Reads of the import engine: the import a job belongs to, the files a job's result names, and
helpers for a spec's look-ups of many values. Tenant data is read by the entities' selectors."""

import json
from collections.abc import Iterable, Iterator

from django.db import connection
from django.db.models.expressions import RawSQL

from liangze.files.models import StoredFile
from liangze.imports.models import TableImport
from liangze.jobs.models import Job

# SQLite allows 999 parameters per statement in old builds; stay below.
IN_CHUNK = 900


def chunks(values: Iterable, size: int = IN_CHUNK) -> Iterator[list]:
    batch = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# Values per look-up of the import's identity check, sent as one parameter (listed).
LOOKUP_CHUNK = 20_000


def listed(values: list, sql_type: str) -> RawSQL:
    """A one-column table of `values` (all of `sql_type`: "text" or "bigint") for an `__in`
    filter, sent as one parameter: the ORM's own IN prepares every value and wants a query per
    few hundred of them, which cost a 100,000-row check half a second."""
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])
    return RawSQL(f"SELECT unnest(%s::{sql_type}[])", [values])  # noqa: S611 (a fixed type name)


def table_import_of(job: Job) -> TableImport | None:
    """The import a check or write job belongs to (the caller holds access to the job)."""
    record = TableImport.objects.filter(check_job=job).select_related("write_job").first()
    if record is None:
        record = TableImport.objects.filter(write_job=job).select_related("check_job").first()
    return record


def job_stored_file(job: Job, *, key: str) -> StoredFile | None:
    """The stored file a job's result names under `key` (the caller holds access to the job:
    the file is the job's, whatever division it is filed under)."""
    public_id = job.result.get(key) if job.status == Job.Status.SUCCEEDED else None
    if not public_id:
        return None
    return StoredFile.objects.filter(public_id=public_id).first()
