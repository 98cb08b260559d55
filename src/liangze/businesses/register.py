"""Writes of the regulator's licence/filing register (docs/domain.md §2, "The register").

- `register_import`: the one write path of a register (the import's writer and the demo): each
  county named by the rows gets them as its register from `valid_from`; the county's rows in
  force until then end that day (rows that had not begun yet are dropped), so a past period keeps
  the register it had. Each row is matched to a business.
- `register_match_businesses`: the registry's services call it when businesses are registered
  or their codes change, so a row missing from the platform is matched once the office adds the
  business.

Matching (`match_codes`): a business with the row's credit code, else one with its licence
number, else one with its registration number; among several, a business not closed, then the
latest registered. Codes are compared as the registry normalises them (`codes.normalise_uscc`,
licence and registration numbers without spaces, upper case).
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record
from liangze.businesses.codes import normalise_uscc
from liangze.businesses.models import Business, BusinessStatus, RegisterEntry
from liangze.core.tree import SEGMENT_WIDTH
from liangze.figures.measures import Side
from liangze.figures.services import figures_mark
from liangze.imports.selectors import chunks, listed
from liangze.regions.models import Division

_SPACES = re.compile(r"\s+")


def normalise_number(raw: object) -> str:
    """A licence or registration number as matched: no spaces, upper case; '' for empty."""
    return _SPACES.sub("", str(raw or "")).upper()


@dataclass(frozen=True)
class RegisterRow:
    """One checked row of a register: its division (county level or below) and that division's
    county, both ids; codes already normalised."""

    division_id: int
    county_id: int
    division_path: str
    name: str
    address: str = ""
    uscc: str = ""
    license_number: str = ""
    registration_number: str = ""


@dataclass(frozen=True)
class RegisterImported:
    counties: int
    entries: int
    matched: int
    ended: int


def _lookup(field: str, values: set[str]) -> dict[str, int]:
    """{value: business id} for businesses holding `field` = value: a live one first, then the
    latest registered."""
    found: dict[str, tuple] = {}
    for batch in chunks(sorted(v for v in values if v)):
        for value, pk, status in Business.objects.filter(**{f"{field}__in": batch}).values_list(
            field, "pk", "status"
        ):
            rank = (status != BusinessStatus.CLOSED, pk)
            if value not in found or rank > found[value]:
                found[value] = rank
    return {value: rank[1] for value, rank in found.items()}


def match_codes(codes: Sequence[tuple[str, str, str]]) -> list[int | None]:
    """The business each (credit code, licence number, registration number) names, in order:
    the credit code decides when a business holds it, else the licence, else the registration
    number; None when none does."""
    by_uscc = _lookup("uscc", {normalise_uscc(c[0]) for c in codes})
    by_license = _lookup("license_number", {normalise_number(c[1]) for c in codes})
    by_registration = _lookup("registration_number", {normalise_number(c[2]) for c in codes})
    out: list[int | None] = []
    for uscc, license_number, registration in codes:
        out.append(
            by_uscc.get(normalise_uscc(uscc))
            or by_license.get(normalise_number(license_number))
            or by_registration.get(normalise_number(registration))
        )
    return out


def _counted_at(entries) -> set[int]:
    """The divisions where these entries count (docs/domain.md §2: the matched business's
    division, else the row's own): the divisions whose figures a change of them moves."""
    return {
        business_division or division
        for division, business_division in entries.values_list(
            "division_id", "business__division_id"
        )
    }


@transaction.atomic
def register_import(
    *,
    actor,
    rows: Sequence[RegisterRow],
    valid_from: date | None = None,
    link: Mapping | None = None,
) -> RegisterImported:
    """Make `rows` the register of every county they name, from `valid_from` (today by default).

    Before: the rows are checked (format, division at county level or below, the actor keeps
    the county). After: each of those counties has exactly these rows in force from
    `valid_from`, each matched to a business or to none; its earlier rows end at `valid_from`;
    one REGISTER_REPLACED event per county, in this transaction; the figures of every division
    where an old or new row counts are queued."""
    valid_from = valid_from or timezone.localdate()
    counties = sorted({row.county_id for row in rows})
    old = RegisterEntry.objects.filter(county_id__in=counties, valid_to__isnull=True)
    marks = _counted_at(old)
    # Rows that had not begun by `valid_from` were never in force: they go. The rest end.
    old.filter(valid_from__gte=valid_from).delete()
    ended = old.filter(valid_from__lt=valid_from).update(
        valid_to=valid_from, updated_at=timezone.now()
    )
    matches = match_codes([(r.uscc, r.license_number, r.registration_number) for r in rows])
    writer = actor if getattr(actor, "pk", None) else None
    RegisterEntry.objects.bulk_create(
        [
            RegisterEntry(
                province_id=int(row.division_path[:SEGMENT_WIDTH]),
                county_id=row.county_id,
                division_id=row.division_id,
                name=row.name,
                address=row.address,
                uscc=row.uscc,
                license_number=row.license_number,
                registration_number=row.registration_number,
                business_id=business_id,
                valid_from=valid_from,
                imported_by=writer,
            )
            for row, business_id in zip(rows, matches, strict=True)
        ],
        batch_size=1000,
    )
    marks |= _counted_at(
        RegisterEntry.objects.filter(county_id__in=counties, valid_to__isnull=True)
    )
    figures_mark(side=Side.BUSINESS, division_ids=marks)
    per_county: dict[int, list[int]] = {}
    for row, business_id in zip(rows, matches, strict=True):
        counts = per_county.setdefault(row.county_id, [0, 0])
        counts[0] += 1
        counts[1] += business_id is not None
    for county in Division.objects.filter(pk__in=counties).order_by("path"):
        entries, matched = per_county[county.pk]
        audit_event_record(
            actor=actor,
            action=AuditAction.REGISTER_REPLACED,
            target=county,
            division=county,
            data={
                **dict(link or {}),
                "valid_from": valid_from.isoformat(),
                "entries": entries,
                "matched": matched,
                "missing": entries - matched,
            },
        )
    return RegisterImported(
        counties=len(counties),
        entries=len(rows),
        matched=sum(m is not None for m in matches),
        ended=ended,
    )


def register_match_businesses(businesses: Iterable[Business]) -> int:
    """register_match_codes of these businesses' codes."""
    usccs, licenses, registrations = set(), set(), set()
    for business in businesses:
        usccs.add(business.uscc)
        licenses.add(business.license_number)
        registrations.add(business.registration_number)
    return register_match_codes(usccs=usccs, licenses=licenses, registrations=registrations)


def register_match_codes(
    *, usccs: Iterable[str], licenses: Iterable[str], registrations: Iterable[str]
) -> int:
    """Match the register rows in force and missing from the platform that hold one of these
    codes (of businesses just registered or changed), as register_import would now. Runs in the
    caller's transaction; queues the figures of the divisions the rows leave and join. Returns
    how many rows were matched. One query when no row is missing anywhere."""
    waiting = RegisterEntry.objects.filter(business__isnull=True, valid_to__isnull=True)
    if not waiting.exists():
        return 0
    codes = Q(pk__in=[])
    for field, values, normalise in (
        ("uscc", usccs, normalise_uscc),
        ("license_number", licenses, normalise_number),
        ("registration_number", registrations, normalise_number),
    ):
        values = sorted({normalise(v) for v in values if v})
        if values:
            codes |= Q(**{f"{field}__in": listed(values, "text")})
    entries = list(
        waiting.filter(codes).values_list(
            "pk", "division_id", "uscc", "license_number", "registration_number"
        )
    )
    if not entries:
        return 0
    matches = match_codes([entry[2:] for entry in entries])
    now = timezone.now()
    matched = 0
    marks: set[int] = set()
    for (pk, division_id, *_codes), business_id in zip(entries, matches, strict=True):
        if business_id is None:
            continue
        matched += RegisterEntry.objects.filter(pk=pk, business__isnull=True).update(
            business_id=business_id, updated_at=now
        )
        marks.add(division_id)
    marks |= set(
        Business.objects.filter(pk__in={m for m in matches if m}).values_list(
            "division_id", flat=True
        )
    )
    figures_mark(side=Side.BUSINESS, division_ids=marks)
    return matched
