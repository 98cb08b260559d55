"""What a member of the public sees after scanning a business's QR code (docs/domain.md §1.14;
§1.1: who covers the shop, when they came, what they did). Only published fields leave this
module: never the credit code, contact names, unmasked phones, ids or anything else internal.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from liangze.businesses.hooks import (
    covering_level,
    covering_officials,
    last_visits,
    self_check_summaries,
)
from liangze.businesses.models import Business, BusinessStatus, Grade
from liangze.core.phones import mask_phone
from liangze.core.sql import as_datetime, fetch
from liangze.regions.models import Division, Level

# Tokens are secrets.token_urlsafe(18): 24 characters. Anything far longer is not worth a query.
TOKEN_MAX_LENGTH = 64

# The national defaults (docs/domain.md §1.2), said when no rule of the province answers.
GRADE_MEANINGS = {
    Grade.A: _("covered by a city-level official"),
    Grade.B: _("covered by a county-level official"),
    Grade.C: _("covered by a township-level official"),
    Grade.D: _("covered by a village-level official"),
}

# What the grade means where the business lies: the level its province sets for it.
LEVEL_MEANINGS = {
    Level.PROVINCE: _("covered by a province-level official"),
    Level.CITY: _("covered by a city-level official"),
    Level.COUNTY: _("covered by a county-level official"),
    Level.TOWNSHIP: _("covered by a township-level official"),
    Level.VILLAGE: _("covered by a village-level official"),
}


@dataclass(frozen=True)
class PublicOfficial:
    """The official covering the business, as the public may see them: the phone masked."""

    name: str
    phone_masked: str
    post: str = ""


@dataclass(frozen=True)
class PublicEvent:
    """The date and the outcome of a visit or a self-check, in words for the public."""

    on: date
    outcome: str


@dataclass(frozen=True)
class PublicBusinessCard:
    """The published fields of one business, read at `read_at`.

    A closed business shows its name and status only: every other field is empty.
    """

    name: str
    closed: bool
    status: str
    grade: str
    grade_meaning: str
    places: tuple[str, ...]
    official: PublicOfficial | None
    last_visit: PublicEvent | None
    last_self_check: PublicEvent | None
    read_at: datetime


def public_official(*, name: str, phone: str, post: str = "") -> PublicOfficial:
    """`phone` is E.164 as stored; the public sees it masked."""
    return PublicOfficial(name=name, phone_masked=mask_phone(phone), post=post)


def _public_official_of(business: Business) -> PublicOfficial | None:
    covering = covering_officials([business.pk]).get(business.pk)
    if covering is None:
        return None
    post = covering.post + (f" {covering.position}" if covering.position else "")
    return public_official(name=covering.name, phone=covering.phone, post=post)


def _grade_meaning(business: Business) -> str:
    meaning = LEVEL_MEANINGS.get(covering_level(business))
    return str(meaning or GRADE_MEANINGS[Grade(business.grade)])


def _public_visit(business: Business) -> PublicEvent | None:
    """The day of the last visit and what it found, in counts only (docs/domain.md §1.14)."""
    visit = last_visits([business.pk]).get(business.pk)
    if visit is None:
        return None
    if not visit.problems_found:
        outcome = _("no problems found")
    elif visit.problems_open:
        outcome = ngettext(
            "%(found)d problem found, %(open)d being fixed",
            "%(found)d problems found, %(open)d being fixed",
            visit.problems_found,
        ) % {"found": visit.problems_found, "open": visit.problems_open}
    else:
        outcome = ngettext(
            "%(found)d problem found and fixed",
            "%(found)d problems found, all fixed",
            visit.problems_found,
        ) % {"found": visit.problems_found}
    return PublicEvent(on=visit.visited_on, outcome=str(outcome))


def _public_self_check(business: Business) -> PublicEvent | None:
    summary = self_check_summaries([business.pk]).get(business.pk)
    if summary is None or summary.last_daily_check is None:
        return None
    outcome = (
        _("daily check; this week's review done")
        if summary.week_review_done
        else _("daily check; this week's review not yet done")
    )
    return PublicEvent(on=summary.last_daily_check, outcome=str(outcome))


def _places(business: Business) -> tuple[str, ...]:
    division = business.division
    if division.level == Level.VILLAGE and division.parent is not None:
        return (division.parent.name, division.name)
    return (division.name,)


def public_business_stamp(*, token: str) -> datetime | None:
    """When the business behind a QR token last changed, or None for an unknown or revoked
    token: one read of the token's index, which is what the public page's kept copy is checked
    by (public_views). Hand-written SQL (core.sql): every request of a crowd reads it."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    rows = fetch("SELECT updated_at FROM businesses_business WHERE public_token = %s", [token])
    return as_datetime(rows[0][0]) if rows else None


def _public_business(token: str) -> Business | None:
    """The business behind a QR token with the fields the card shows, its division and the
    division's parent (names only): in one hand-written statement (core.sql), the first of a
    page the server has not kept."""
    rows = fetch(
        "SELECT b.id, b.name, b.grade, b.status, d.id, d.name, d.level, d.path, p.id, p.name"
        " FROM businesses_business b"
        " JOIN regions_division d ON d.id = b.division_id"
        " LEFT JOIN regions_division p ON p.id = d.parent_id"
        " WHERE b.public_token = %s",
        [token],
    )
    if not rows:
        return None
    pk, name, grade, status, division_id, division_name, level, path, parent_id, parent = rows[0]
    division = Division(id=division_id, name=division_name, level=level, path=path)
    division.parent = None if parent_id is None else Division(id=parent_id, name=parent)
    business = Business(id=pk, name=name, grade=grade, status=status, public_token=token)
    business.division = division
    return business


def public_business_card(*, token: str) -> PublicBusinessCard | None:
    """The card behind a QR token, or None for an unknown or revoked token."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    business = _public_business(token)
    if business is None:
        return None
    read_at = timezone.now()
    status = BusinessStatus(business.status)
    if status == BusinessStatus.CLOSED:
        return PublicBusinessCard(
            name=business.name,
            closed=True,
            status=str(status.label),
            grade="",
            grade_meaning="",
            places=(),
            official=None,
            last_visit=None,
            last_self_check=None,
            read_at=read_at,
        )
    return PublicBusinessCard(
        name=business.name,
        closed=False,
        status="" if status == BusinessStatus.OPERATING else str(status.label),
        grade=business.grade,
        grade_meaning=_grade_meaning(business),
        places=_places(business),
        official=_public_official_of(business),
        last_visit=_public_visit(business),
        last_self_check=_public_self_check(business),
        read_at=read_at,
    )
