"""Reads of the business import and export. Every query of tenant data starts from the owning
app's selector (division_list, business_list); identity look-ups across the whole registry return
only what the check needs to refuse a row (a taken credit code), never another county's data."""

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from liangze.accounts.access import office_subtrees
from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.selectors import business_list, registry_divisions
from liangze.businesses.validation import CLEANED_FIELDS
from liangze.imports.selectors import LOOKUP_CHUNK, chunks, listed
from liangze.regions.codes import SIGNIFICANT_DIGITS
from liangze.regions.models import Division

# What the check compares and the write needs of a business already on the platform.
MATCH_FIELDS = ("id", *CLEANED_FIELDS, "status", "division_id", "updated_at")


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


def export_businesses(*, viewer, **filters) -> QuerySet[Business]:
    """The list an export writes: exactly the registry list with the same filters."""
    return business_list(viewer=viewer, **filters)


def business_updated_stamps(ids: Iterable[int]) -> dict[int, str]:
    """{id: updated_at as ISO text} of these businesses (whoever's: the caller checked them)."""
    current: dict[int, str] = {}
    for batch in chunks(ids):
        current.update(
            (pk, stamp.isoformat())
            for pk, stamp in Business.objects.filter(pk__in=batch).values_list("pk", "updated_at")
        )
    return current


def divisions_by_id(ids: Iterable[int]) -> dict[int, str]:
    """{id: path} of the divisions with these ids (the caller checks them against a
    jurisdiction)."""
    paths: dict[int, str] = {}
    for batch in chunks(ids):
        paths.update(Division.objects.filter(pk__in=batch).values_list("pk", "path"))
    return paths


def file_division(actor) -> Division:
    """Where a generated file is filed: the starter's home division; for an administrator
    without one, the top of the tree (administrators see every file anyway)."""
    if actor.division_id:
        return actor.division
    return Division.objects.filter(parent__isnull=True).order_by("path").first()


def office_code_prefixes(*, viewer) -> tuple[str, ...] | None:
    """The leading digits every division code of the viewer's office subtrees starts with (a
    county's six, a township's nine); None for everywhere (administrators)."""
    paths = office_subtrees(viewer)
    if paths is None:
        return None
    offices = Division.objects.filter(path__in=paths).values_list("code", "level")
    return tuple(code[: SIGNIFICANT_DIGITS[level]] for code, level in offices)
