"""Reads of the regulator's register (docs/domain.md §2, "The register"): the rows in force,
those missing from the platform, and what the import needs to place a row."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from liangze.businesses.models import RegisterEntry
from liangze.core.scoping import in_jurisdiction, within_subtrees
from liangze.core.tree import SEGMENT_WIDTH
from liangze.imports.selectors import chunks
from liangze.regions.models import Division, Level

# The levels a register row may name: a county's register holds its businesses, placed at the
# county itself or a township or village in it.
REGISTER_LEVELS = (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)


def in_force(entries: QuerySet[RegisterEntry], on: date) -> QuerySet[RegisterEntry]:
    return entries.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def register_entry_list(
    *, viewer, within: Division | None = None, on: date | None = None
) -> QuerySet[RegisterEntry]:
    """The register rows in force on `on` (today) at the viewer's divisions."""
    entries = in_jurisdiction(RegisterEntry.objects.all(), viewer)
    if within is not None:
        entries = within_subtrees(entries, [within.path])
    return in_force(entries, on or timezone.localdate()).select_related("division", "business")


def register_missing(
    *, viewer, within: Division | None = None, search: str = ""
) -> QuerySet[RegisterEntry]:
    """Register rows in force today that no business on the platform matches: the businesses
    the office has still to register, by division then name."""
    entries = register_entry_list(viewer=viewer, within=within).filter(business__isnull=True)
    if search:
        entries = entries.filter(
            Q(name__icontains=search)
            | Q(uscc__startswith=search.upper())
            | Q(license_number__startswith=search.upper())
            | Q(registration_number__startswith=search)
        )
    return entries.order_by("division__path", "name", "pk")


def divisions_for_register(codes: Iterable[str]) -> dict[str, dict]:
    """{code: {"id", "path", "level", "county_id"}} of the divisions with these codes (the
    latest vintage of each), with the county each lies in (itself at county level; None above).
    Division codes are public national data: the caller checks the jurisdiction."""
    found: dict[str, dict] = {}
    for batch in chunks(sorted(set(codes))):
        for row in (
            Division.objects.filter(code__in=batch)
            .order_by("vintage")
            .values("id", "code", "path", "level")
        ):
            found[row["code"]] = row
    ancestors = {
        row["path"][:end]
        for row in found.values()
        for end in range(SEGMENT_WIDTH, len(row["path"]) + 1, SEGMENT_WIDTH)
    }
    counties = {}
    for batch in chunks(sorted(ancestors)):
        counties.update(
            Division.objects.filter(path__in=batch, level=Level.COUNTY).values_list("path", "pk")
        )
    for row in found.values():
        row["county_id"] = next(
            (
                counties[row["path"][:end]]
                for end in range(SEGMENT_WIDTH, len(row["path"]) + 1, SEGMENT_WIDTH)
                if row["path"][:end] in counties
            ),
            None,
        )
    return found


def counties_by_id(ids: Iterable[int]) -> dict[int, Division]:
    return {d.pk: d for d in Division.objects.filter(pk__in=list(ids))}
