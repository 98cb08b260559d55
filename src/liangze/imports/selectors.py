"""Reads for imports and exports. Every query of tenant data starts from the owning app's
selector (division_list, business_list); identity look-ups across the whole registry return only
what the check needs to refuse a row (a taken credit code), never another county's data."""

import json
from collections.abc import Iterable, Iterator

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.selectors import business_list, registry_divisions
from liangze.businesses.validation import CLEANED_FIELDS
from liangze.files.models import StoredFile
from liangze.imports import kinds
from liangze.imports.models import BusinessImport
from liangze.jobs.models import Job
from liangze.regions.models import Division

# SQLite allows 999 parameters per statement in old builds; stay below.
IN_CHUNK = 900
# What the check compares and the write needs of a business already on the platform.
MATCH_FIELDS = ("id", *CLEANED_FIELDS, "status", "division_id", "updated_at")


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


def registry_divisions_by_code(*, viewer, codes: Iterable[str]) -> dict[str, dict]:
    """{code: {"id", "code", "path", "vintage"}} of the viewer's registry divisions with these
    codes; where several vintages hold a code, the latest."""
    found: dict[str, dict] = {}
    for batch in chunks(sorted(set(codes))):
        rows = (
            registry_divisions(viewer=viewer)
            .filter(code__in=batch)
            .order_by("vintage")
            .values("id", "code", "path", "vintage")
        )
        for row in rows:
            found[row["code"]] = row  # ordered by vintage: the latest wins
    return found


def division_levels_by_code(*, codes: Iterable[str]) -> dict[str, str]:
    """{code: level} of codes on the platform at all, whoever's: division codes are public
    national data, so telling "no such code" from "not yours" reveals nothing."""
    levels: dict[str, str] = {}
    for batch in chunks(sorted(set(codes))):
        levels.update(Division.objects.filter(code__in=batch).values_list("code", "level"))
    return levels


def template_divisions(*, viewer, cap: int) -> tuple[list[tuple[str, str]], bool]:
    """(code, name) of the viewer's registry divisions in tree order, latest vintage per code, at
    most `cap`; and whether the list was cut."""
    seen: dict[str, tuple[int, str]] = {}
    rows = registry_divisions(viewer=viewer).values_list("code", "name", "vintage")
    for code, name, vintage in rows[: cap * 4 + 1].iterator(chunk_size=2000):
        if code not in seen or seen[code][0] < vintage:
            seen[code] = (vintage, name)
        if len(seen) > cap:
            break
    entries = [(code, name) for code, (_vintage, name) in seen.items()]
    return entries[:cap], len(entries) > cap


def businesses_matching(
    *, usccs: Iterable[str], registration_numbers: Iterable[str], ids: Iterable[int]
) -> tuple[dict[str, dict], dict[str, dict], dict[int, dict]]:
    """Businesses an import's rows may name, found in a few IN-queries over the whole registry
    (a credit code is unique among live businesses everywhere, so the check must see it taken):
    live ones by credit code; live ones without a code by registration number; any by id. Each
    as MATCH_FIELDS plus "division_path"; the caller refuses rows naming one it may not change.
    The code and number queries repeat the conditions of the unique indexes on live businesses
    (models.Business.Meta.constraints), so that SQLite uses them too."""
    fields = (*MATCH_FIELDS, "division__path")
    live = Business.objects.exclude(status=BusinessStatus.CLOSED)

    def rows(queryset) -> Iterator[dict]:
        for row in queryset.order_by().values(*fields):
            row["division_path"] = row.pop("division__path")
            yield row

    # A value holding NUL names nothing (no database column holds one; PostgreSQL refuses it
    # even in a query): such a row gets its error from the validator.
    usccs = {code for code in usccs if "\x00" not in code}
    registration_numbers = {text for text in registration_numbers if "\x00" not in text}
    by_uscc: dict[str, dict] = {}
    for batch in chunks(sorted(usccs), LOOKUP_CHUNK):
        by_uscc.update(
            (row["uscc"], row)
            for row in rows(live.filter(uscc__gt="", uscc__in=listed(batch, "text")))
        )
    by_registration: dict[str, dict] = {}
    for batch in chunks(sorted(registration_numbers), LOOKUP_CHUNK):
        by_registration.update(
            (row["registration_number"], row)
            for row in rows(
                live.filter(
                    uscc="",
                    registration_number__gt="",
                    registration_number__in=listed(batch, "text"),
                )
            )
        )
    by_id: dict[int, dict] = {}
    for batch in chunks(sorted(set(ids)), LOOKUP_CHUNK):
        by_id.update(
            (row["id"], row)
            for row in rows(Business.objects.filter(pk__in=listed(batch, "bigint")))
        )
    return by_uscc, by_registration, by_id


def business_import_of(job: Job) -> BusinessImport | None:
    """The import a check or write job belongs to (the caller holds access to the job)."""
    if job.kind == kinds.BUSINESS_IMPORT_CHECK:
        return BusinessImport.objects.filter(check_job=job).select_related("write_job").first()
    if job.kind == kinds.BUSINESS_IMPORT_WRITE:
        return BusinessImport.objects.filter(write_job=job).select_related("check_job").first()
    return None


def job_stored_file(job: Job, *, key: str) -> StoredFile | None:
    """The stored file a job's result names under `key` (the caller holds access to the job:
    the file is the job's, whatever division it is filed under)."""
    public_id = job.result.get(key) if job.status == Job.Status.SUCCEEDED else None
    if not public_id:
        return None
    return StoredFile.objects.filter(public_id=public_id).first()


def export_businesses(*, viewer, **filters) -> QuerySet[Business]:
    """The list an export writes: exactly the registry list with the same filters."""
    return business_list(viewer=viewer, **filters)
