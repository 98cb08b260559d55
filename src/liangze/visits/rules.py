"""Per-province visit rules, entry windows and distances (docs/domain.md §1.3, §1.12, §3.4).

Read once per request or job (a few rows): frequency per grade, the grace after quarter end,
offices' early closes and reopenings for one official.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from liangze.core.tree import SEGMENT_WIDTH
from liangze.officials.rules import province_pk_of
from liangze.visits.periods import Quarter

DEFAULT_PER_QUARTER = 1
DEFAULT_GRACE_DAYS = 0


def exempt_days() -> int:
    """Assignments begun in the quarter's last N days are exempt (§2)."""
    return settings.LIANGZE_VISIT_EXEMPT_DAYS


def ancestor_paths(path: str) -> list[str]:
    """The path itself and every ancestor's."""
    return [path[:end] for end in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)]


@dataclass
class VisitRules:
    per_quarter: dict[int, dict[str, int]]
    grace: dict[int, int]

    def required(self, *, grade: str, path: str) -> int:
        rule = self.per_quarter.get(province_pk_of(path))
        return rule[grade] if rule else DEFAULT_PER_QUARTER

    def grace_days(self, path: str) -> int:
        return self.grace.get(province_pk_of(path), DEFAULT_GRACE_DAYS)


def visit_rules() -> VisitRules:
    from liangze.visits.models import VisitRule

    rules = VisitRules(per_quarter={}, grace={})
    for row in VisitRule.objects.all():
        rules.per_quarter[row.province_id] = {g: row.per_quarter(g) for g in "ABCD"}
        rules.grace[row.province_id] = row.grace_days
    return rules


def default_close(quarter: Quarter, path: str, *, rules: VisitRules | None = None) -> datetime:
    """Last day 24:00 Shanghai plus the province's grace."""
    rules = rules or visit_rules()
    return quarter.ends_at + timedelta(days=rules.grace_days(path))


def window_close(quarter: Quarter, path: str, *, rules: VisitRules | None = None) -> datetime:
    """When entry for `quarter` closes under the post at `path`: the default, or the earliest
    early close of an office holding the post (an office closes its subtree, never later)."""
    from liangze.visits.models import EntryWindow

    close = default_close(quarter, path, rules=rules)
    early = (
        EntryWindow.objects.filter(
            period=quarter.first_day, division__path__in=ancestor_paths(path)
        )
        .order_by("closes_at")
        .values_list("closes_at", flat=True)
        .first()
    )
    return min(close, early) if early is not None else close


@dataclass(frozen=True)
class EntryState:
    """Whether `official` may enter a visit of `quarter` at `now`; `late` when only a
    reopening lets them; `closes_at` the time the form shows."""

    open: bool
    late: bool
    closes_at: datetime


def entry_state(official, quarter: Quarter, now: datetime) -> EntryState:
    from liangze.visits.models import WindowReopening

    closes_at = window_close(quarter, official.grant.division.path)
    if now < quarter.opens_at:
        return EntryState(open=False, late=False, closes_at=closes_at)
    if now < closes_at:
        return EntryState(open=True, late=False, closes_at=closes_at)
    reopened = (
        WindowReopening.objects.filter(official=official, period=quarter.first_day, ends_at__gt=now)
        .order_by("-ends_at")
        .values_list("ends_at", flat=True)
        .first()
    )
    if reopened is not None:
        return EntryState(open=True, late=True, closes_at=reopened)
    return EntryState(open=False, late=False, closes_at=closes_at)


EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1_e6: int, lng1_e6: int, lat2_e6: int, lng2_e6: int) -> int:
    """Great-circle distance in metres between two WGS-84 points in micro-degrees."""
    p1, p2 = math.radians(lat1_e6 / 1e6), math.radians(lat2_e6 / 1e6)
    dp = p2 - p1
    dl = math.radians((lng2_e6 - lng1_e6) / 1e6)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)))
