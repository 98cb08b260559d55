"""The rates against independent queries over the raw rows (docs/domain.md §2)."""

from datetime import date, timedelta

import pytest
from django.db import connection

from liangze.businesses.codes import uscc_check_digit
from liangze.businesses.models import Business
from liangze.businesses.testing import make_business
from liangze.enterprise import selectors, services
from liangze.enterprise.models import ClosedDay, DailyCheck, EnterpriseProfile, WeeklyReview

pytestmark = pytest.mark.django_db

BIG = ("large", "medium")


def _raw_staffing(region_path: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """Both rates in one SQL statement, with the five categories as a CASE."""
    sql = """
        SELECT
          SUM(CASE WHEN five = 1 AND dir = 1 AND off = 1 THEN 1 ELSE 0 END), SUM(five),
          SUM(CASE WHEN canteen = 0 AND off = 1 THEN 1 ELSE 0 END), SUM(1 - canteen)
        FROM (
          SELECT
            CASE WHEN b.business_type LIKE '%%canteen' THEN 1 ELSE 0 END AS canteen,
            CASE
              WHEN b.business_type = 'special_food_producer' THEN 1
              WHEN b.business_type IN ('food_producer', 'additive_producer')
                   AND b.scale IN ('large', 'medium') THEN 1
              WHEN b.business_type IN ('supermarket', 'restaurant', 'central_kitchen',
                   'fast_food') AND (b.scale IN ('large', 'medium') OR b.chain_hq) THEN 1
              WHEN b.business_type = 'central_kitchen' AND p.people_served > 1000 THEN 1
              ELSE 0 END AS five,
            CASE WHEN EXISTS (SELECT 1 FROM enterprise_safetydirector d
              WHERE d.business_id = b.id AND d.ended_on IS NULL) THEN 1 ELSE 0 END AS dir,
            CASE WHEN EXISTS (SELECT 1 FROM enterprise_safetyofficer o
              WHERE o.business_id = b.id AND o.ended_on IS NULL) THEN 1 ELSE 0 END AS off
          FROM businesses_business b
          JOIN regions_division v ON v.id = b.division_id
          LEFT JOIN enterprise_enterpriseprofile p ON p.business_id = b.id
          WHERE b.status = 'operating' AND b.uscc LIKE '91%%' AND v.path LIKE %s
        ) t
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [region_path + "%"])
        a, b, c, d = cursor.fetchone()
    return (int(a or 0), int(b or 0)), (int(c or 0), int(d or 0))


@pytest.fixture
def registry(county_staff, regions):
    """A mix: types used by the raw query's CASE, both scales, chains, canteens, a stall, an
    individual business, a closed one, people served around the threshold."""
    specs = [
        ("restaurant", "large", False, None, True, True),
        ("restaurant", "medium", False, None, True, False),
        ("restaurant", "small", False, None, False, True),
        ("fast_food", "small", True, None, False, True),  # chain HQ
        ("supermarket", "medium", False, None, True, True),
        ("central_kitchen", "small", False, 1001, True, True),
        ("central_kitchen", "small", False, 1000, False, True),
        ("special_food_producer", "micro", False, None, False, False),
        ("food_producer", "large", False, None, True, True),
        ("school_canteen", "large", False, None, False, False),
    ]
    made = []
    for serial, (kind, scale, chain, served, director, officer) in enumerate(specs, start=10):
        division = regions.village if serial % 2 else regions.other_village
        business = make_business(
            actor=county_staff,
            division=division,
            serial=serial,
            business_type=kind,
            scale=scale,
            chain_hq=chain,
        )
        if served is not None:
            EnterpriseProfile.objects.create(business=business, people_served=served)
        if director:
            services.director_appoint(actor=county_staff, business=business, name="总监")
        if officer:
            services.officer_add(actor=county_staff, business=business, name="安全员")
        made.append(business)
    individual = make_business(
        actor=county_staff,
        division=regions.village,
        serial=40,
        uscc="92632801MA0000040" + uscc_check_digit("92632801MA0000040"),
    )
    closed = make_business(actor=county_staff, division=regions.village, serial=41, scale="large")
    from liangze.businesses.services import business_status_change

    business_status_change(
        actor=county_staff,
        business=closed,
        to_status="closed",
        reason="注销",
        effective_on=date.today(),
    )
    return made + [individual, closed]


def test_staffing_rates_match_the_raw_query(registry, regions):
    for region in (regions.county, regions.township, regions.village, regions.other_village):
        staffing, officers = selectors.staffing_rates(region=region)
        raw_staffing, raw_officers = _raw_staffing(region.path)
        assert (staffing.numerator, staffing.denominator) == raw_staffing
        assert (officers.numerator, officers.denominator) == raw_officers
    staffing, officers = selectors.staffing_rates(region=regions.county)
    # Not a test that cannot fail: the fixture fixes the answer too.
    assert (staffing.numerator, staffing.denominator) == (4, 7)
    assert (officers.numerator, officers.denominator) == (7, 9)
    assert staffing.display == "57.14%"


def _raw_daily(region_path: str, first: date, last: date) -> tuple[int, int]:
    """Days with a check on an operating day not closed / such days, over record keepers."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT b.id, COALESCE(p.operating_weekdays, '1234567'), b.status_since
            FROM businesses_business b JOIN regions_division v ON v.id = b.division_id
            LEFT JOIN enterprise_enterpriseprofile p ON p.business_id = b.id
            WHERE b.status = 'operating' AND v.path LIKE %s AND (b.uscc LIKE '91%%' OR EXISTS
              (SELECT 1 FROM enterprise_safetyofficer o WHERE o.business_id = b.id
               AND o.ended_on IS NULL))
            """,
            [region_path + "%"],
        )
        keepers = cursor.fetchall()
        done = due = 0
        for business_id, pattern, since in keepers:
            cursor.execute(
                "SELECT on FROM enterprise_closedday WHERE business_id = %s".replace(
                    " on ", ' "on" '
                ),
                [business_id],
            )
            closed = {str(row[0]) for row in cursor.fetchall()}
            cursor.execute(
                'SELECT DISTINCT "on" FROM enterprise_dailycheck WHERE business_id = %s',
                [business_id],
            )
            checked = {str(row[0]) for row in cursor.fetchall()}
            # Due from the day the business started operating (docs/domain.md §1.7).
            day = max(first, date.fromisoformat(str(since)))
            while day <= last:
                if str(day.isoweekday()) in pattern and day.isoformat() not in closed:
                    due += 1
                    done += day.isoformat() in checked
                day += timedelta(days=1)
    return done, due


def test_daily_completion_matches_the_raw_query(registry, regions, county_staff):
    first, last = date(2026, 3, 2), date(2026, 3, 29)  # four whole weeks, no whole month
    keepers = list(selectors.record_keepers(regions.county))
    # All operating before the range but the last, which started on a Thursday mid-range.
    Business.objects.filter(pk__in=[b.pk for b in keepers]).update(status_since=date(2026, 1, 1))
    late_start = first + timedelta(days=10)
    Business.objects.filter(pk=keepers[-1].pk).update(status_since=late_start)
    rows = []
    for index, business in enumerate(keepers):
        risk_list = services.risk_list_save(actor=county_staff, business=business)
        for offset in range(0, 28, 1 + index % 3):
            rows.append(
                DailyCheck(
                    business=business,
                    risk_list=risk_list,
                    on=first + timedelta(days=offset),
                )
            )
        if index % 2:
            EnterpriseProfile.objects.update_or_create(
                business=business, defaults={"operating_weekdays": "12345"}
            )
        if index % 3 == 0:
            ClosedDay.objects.create(business=business, on=first + timedelta(days=index))
            WeeklyReview.objects.create(
                business=business, risk_list=risk_list, week_start=first, rating=1
            )
    DailyCheck.objects.bulk_create(rows)
    # A duplicate check on one day counts once.
    DailyCheck.objects.create(business=keepers[0], on=first)
    completion = selectors.completion_rates(region=regions.county, first=first, last=last)
    assert (completion.daily.numerator, completion.daily.denominator) == _raw_daily(
        regions.county.path, first, last
    )
    # The reviews were of the first week, before the last business started.
    reviewed = len([b for i, b in enumerate(keepers[:-1]) if i % 3 == 0])
    assert (completion.weekly.numerator, completion.weekly.denominator) == (
        reviewed,
        4 * len(keepers) - 2,
    )
    late = selectors.completion_by_business([keepers[-1].pk], first=first, last=last)
    assert late[keepers[-1].pk].weekly.denominator == 2
    assert late[keepers[-1].pk].daily.denominator <= (last - late_start).days + 1
    assert completion.monthly.denominator == 0
    assert completion.monthly.display == "—"


def test_a_business_registered_mid_month_is_due_from_its_start(shop, officer):
    """docs/domain.md §1.7: new → in scope from its start date. Its earlier days are not due,
    nor the month it started in; the next whole month is."""
    first, last = date(2026, 3, 1), date(2026, 4, 30)
    started = date(2026, 3, 16)  # a Monday
    Business.objects.filter(pk=shop.pk).update(status_since=started)
    risk_list = services.current_risk_list(shop)
    DailyCheck.objects.bulk_create(
        DailyCheck(business=shop, risk_list=risk_list, on=started + timedelta(days=n))
        for n in range(10)
    )
    completion = selectors.completion_by_business([shop.pk], first=first, last=last)[shop.pk]
    assert (completion.daily.numerator, completion.daily.denominator) == (10, 46)
    # Weeks from 16 March: 16, 23, 30 March and 6, 13, 20 April (27 April ends in May).
    assert completion.weekly.denominator == 6
    assert completion.monthly.denominator == 1


def test_completion_reads_one_row_per_business_and_day(registry, regions, county_staff):
    """The records' default ordering (by date, then pk) must not join the DISTINCT: it would
    read every check row, and its table, instead of the (business, date) index alone; the
    counts stay the same."""
    from django.test.utils import CaptureQueriesContext

    first = date(2026, 3, 2)
    business = selectors.record_keepers(regions.county).first()
    # Operating since before March, so March's days are due (docs/domain.md §1.7).
    Business.objects.filter(pk=business.pk).update(status_since=date(2026, 1, 1))
    risk_list = services.risk_list_save(actor=county_staff, business=business)
    DailyCheck.objects.bulk_create(
        [DailyCheck(business=business, risk_list=risk_list, on=first) for _ in range(3)]
    )
    with CaptureQueriesContext(connection) as queries:
        completion = selectors.completion_by_business(
            [business.pk], first=date(2026, 3, 1), last=date(2026, 3, 31)
        )
    assert completion[business.pk].daily.numerator == 1
    record_queries = [
        q["sql"]
        for q in queries.captured_queries
        if any(
            f'FROM "enterprise_{table}"' in q["sql"]
            for table in ("dailycheck", "weeklyreview", "monthlymeeting")
        )
    ]
    assert len(record_queries) == 3
    for sql in record_queries:
        assert "ORDER BY" not in sql
        assert '"id"' not in sql.split(" FROM ")[0], sql
