"""The rates against an independent query over the raw rows."""

from datetime import date, datetime, timedelta
from fractions import Fraction

from django.db import connection
from django.utils import timezone

from liangze.businesses.testing import make_business
from liangze.rectification.models import Problem
from liangze.rectification.rates import rectification_counts_by_division, rectification_rollup


def _aware(day, hour=10):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _raw(township_path, start, end):
    lo, hi = _aware(start, 0), _aware(end, 0)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.status, p.close_reason, p.fixed_on_spot, p.deadline, p.closed_at, p.found_at
            FROM rectification_problem p
            JOIN businesses_business b ON b.id = p.business_id
            JOIN regions_division d ON d.id = b.division_id
            WHERE d.path LIKE %s AND p.found_at >= %s AND p.found_at < %s
            """,
            [township_path + "%", lo, hi],
        )
        rows = cursor.fetchall()
    kept = [r for r in rows if r[0] != "void" and r[1] != "business_closed"]
    closed = [r for r in kept if r[0] == "closed"]
    return len(kept), len(closed)


def test_rates_match_the_raw_rows(record, regulator, county_staff, regions, shop):
    other = make_business(actor=county_staff, division=regions.other_village, serial=2)
    start, end = date(2026, 4, 1), date(2026, 7, 1)
    rows = [
        # (business, found, status, close_reason, deadline, closed, on_spot)
        (shop, date(2026, 4, 2), "closed", "verified", date(2026, 4, 20), date(2026, 4, 19), False),
        (
            shop,
            date(2026, 4, 3),
            "closed",
            "rechecked",
            date(2026, 4, 10),
            date(2026, 4, 12),
            False,
        ),
        (shop, date(2026, 5, 1), "closed", "fixed_on_spot", None, date(2026, 5, 1), True),
        (shop, date(2026, 5, 2), "accepted", "", date(2026, 5, 20), None, False),
        (shop, date(2026, 5, 3), "void", "", None, None, False),
        (other, date(2026, 5, 4), "closed", "business_closed", None, date(2026, 6, 1), False),
        (
            other,
            date(2026, 6, 5),
            "closed",
            "verified",
            date(2026, 6, 30),
            date(2026, 6, 30),
            False,
        ),
        (other, date(2026, 6, 6), "rectified", "", date(2026, 6, 30), None, False),
        (other, date(2026, 7, 1), "closed", "verified", date(2026, 7, 9), date(2026, 7, 2), False),
    ]
    for business, found, status, reason, deadline, closed, on_spot in rows:
        problem = record(business=business)
        Problem.objects.filter(pk=problem.pk).update(
            found_at=_aware(found),
            status=status,
            close_reason=reason,
            deadline=deadline,
            closed_at=_aware(closed, 16) if closed else None,
            fixed_on_spot=on_spot,
        )
    by_division = rectification_counts_by_division(viewer=county_staff, start=start, end=end)
    village = by_division[regions.village.pk]
    assert (village.found, village.closed, village.closed_on_time) == (4, 3, 2)
    neighbour = by_division[regions.other_village.pk]
    assert (neighbour.found, neighbour.closed, neighbour.closed_on_time) == (2, 1, 1)
    (township,) = rectification_rollup(
        viewer=county_staff, regions=[regions.township], start=start, end=end
    ).values()
    found, closed = _raw(regions.township.path, start, end)
    assert (township.found, township.closed) == (found, closed) == (6, 4)
    assert township.rate == Fraction(4, 6) and township.on_time_rate == Fraction(3, 6)
    # Days: 17.25 + 9.25 + 0.25 + 25.25 over 4 (found at 10:00, closed at 16:00).
    assert township.average_days == (17 + 9 + 0 + 25 + 4 * 0.25) / 4
    # Another county's office sees none of it.
    assert (
        rectification_counts_by_division(viewer=None, start=start, end=end + timedelta(days=1))
        == {}
    )
