"""Every measure the workflow apps register equals, for the demo, in every region and every
period the demo fills, an independent count from the raw rows, day by day and row by row
(docs/domain.md §2). The officials' own four are also checked against the dashboards' count
for the open periods (dashboards/tests/test_demo_figures.py); here every code registered must
be covered by one of the two."""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.utils import timezone

from liangze.businesses.models import Business, BusinessStatus, RegisterEntry, StatusChange
from liangze.demo.services import DEMO_FIGURE_QUARTERS
from liangze.enterprise.models import (
    ALL_WEEKDAYS,
    ClosedDay,
    DailyCheck,
    EnterpriseProfile,
    MonthlyMeeting,
    SafetyDirector,
    SafetyOfficer,
    WeeklyReview,
)
from liangze.enterprise.rules import director_required, is_enterprise, officer_required
from liangze.figures.measures import measures
from liangze.figures.periods import Period, recent_quarters, today
from liangze.figures.rates import Rate
from liangze.figures.selectors import region_figures
from liangze.officials.models import Assignment, Official
from liangze.rectification.models import Problem
from liangze.regions.models import Division
from liangze.visits.models import Visit, VisitTask

pytestmark = pytest.mark.django_db

OFFICIALS_OWN = {"coverage_rate", "commitment_rate", "list_filing_rate", "task_list_filing_rate"}


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def independent(start: date, on: date) -> dict[str, dict[int, list[int]]]:
    """{measure: {smallest division id: [numerator, denominator]}} for the period [start, on]."""
    out: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))

    def count(code, division_id, hit):
        row = out[code][division_id]
        row[0] += int(bool(hit))
        row[1] += 1

    post = dict(Official.objects.values_list("pk", "grant__division_id"))
    place = dict(Business.objects.values_list("pk", "division_id"))

    # Visits: the valid visits, and the days each business was visited per quarter.
    visited_days = defaultdict(set)
    for official_id, business_id, quarter, visited_on, late, replaced in Visit.objects.values_list(
        "official_id", "business_id", "period", "visited_on", "late", "replaced_by"
    ):
        if replaced is not None:
            continue
        visited_days[(business_id, quarter)].add(visited_on)
        if start <= quarter <= on and visited_on <= on:
            count("timely_entry_rate", post[official_id], not late)
    for (
        business_id,
        official_id,
        quarter,
        status,
        required,
        exempt,
    ) in VisitTask.objects.values_list(
        "business_id", "official_id", "period", "status", "required", "exempt"
    ):
        if not start <= quarter <= on or status == "cancelled":
            continue
        done = len(visited_days[(business_id, quarter)]) >= required
        if exempt and not done:
            continue
        count("visit_completion_rate", post[official_id], done)

    # Problems found in the period, less void and business_closed, by the business's place.
    for (
        business_id,
        status,
        reason,
        found_at,
        closed_at,
        deadline,
        on_spot,
    ) in Problem.objects.values_list(
        "business_id",
        "status",
        "close_reason",
        "found_at",
        "closed_at",
        "deadline",
        "fixed_on_spot",
    ):
        found_on = timezone.localdate(found_at)
        if not start <= found_on <= on or status == "void" or reason == "business_closed":
            continue
        closed = status == "closed" and timezone.localdate(closed_at) <= on
        in_time = closed and (on_spot or (deadline and timezone.localdate(closed_at) <= deadline))
        count("rectification_rate", place[business_id], closed)
        count("rectification_on_time_rate", place[business_id], in_time)

    # Enterprise duties, of the businesses operating now.
    directors = set(
        SafetyDirector.objects.filter(ended_on=None).values_list("business_id", flat=True)
    )
    officers = set(
        SafetyOfficer.objects.filter(ended_on=None).values_list("business_id", flat=True)
    )
    served = dict(EnterpriseProfile.objects.values_list("business_id", "people_served"))
    weekdays = dict(EnterpriseProfile.objects.values_list("business_id", "operating_weekdays"))
    closed_days = set(ClosedDay.objects.values_list("business_id", "on"))
    checks = set(DailyCheck.objects.values_list("business_id", "on"))
    reviews = set(WeeklyReview.objects.values_list("business_id", "week_start"))
    meetings = set(MonthlyMeeting.objects.values_list("business_id", "month"))
    whole_weeks = [d for d in _days(start, on) if d.weekday() == 0 and d + timedelta(days=6) <= on]
    whole_months = [d for d in _days(start, on) if d.day == 1 and _month_end(d) <= on]
    for pk, division_id, uscc, kind, scale, chain_hq, since in Business.objects.filter(
        status=BusinessStatus.OPERATING
    ).values_list(
        "pk", "division_id", "uscc", "business_type", "scale", "chain_hq", "status_since"
    ):
        if uscc.startswith("91"):
            if officer_required(uscc=uscc, business_type=kind):
                count("officer_staffing_rate", division_id, pk in officers)
            if is_enterprise(uscc) and director_required(
                business_type=kind, scale=scale, chain_hq=chain_hq, people_served=served.get(pk)
            ):
                count("staffing_rate", division_id, pk in directors and pk in officers)
        if not (uscc.startswith("91") or pk in officers):
            continue
        pattern = weekdays.get(pk, ALL_WEEKDAYS)
        # Due only from the day the business started operating, and a week or month only when
        # it operated for the whole of it (docs/domain.md §1.7: new → in scope from its start).
        for day in _days(max(start, since), on):
            if str(day.isoweekday()) in pattern and (pk, day) not in closed_days:
                count("self_check_daily_rate", division_id, (pk, day) in checks)
        for week in whole_weeks:
            if week >= since:
                count("self_check_weekly_rate", division_id, (pk, week) in reviews)
        for month in whole_months:
            if month >= since:
                count("self_check_monthly_rate", division_id, (pk, month) in meetings)
    # The regulator's register in force on `on`, against the businesses as they were then:
    # operating, with a code or name, a licence or registration number, a grade and an
    # official; suspended or closed ones leave the count.
    changes = defaultdict(list)
    for business_id, effective_on, pk, to_status in StatusChange.objects.values_list(
        "business_id", "effective_on", "pk", "to_status"
    ):
        changes[business_id].append((effective_on, pk, to_status))
    covered = {
        business_id
        for business_id, starts_on, ends_on in Assignment.objects.values_list(
            "business_id", "starts_on", "ends_on"
        )
        if starts_on <= on and (ends_on is None or ends_on > on)
    }
    fields = {
        pk: (uscc or name) and (licence or registration) and grade
        for pk, uscc, name, licence, registration, grade in Business.objects.values_list(
            "pk", "uscc", "name", "license_number", "registration_number", "grade"
        )
    }
    for division_id, business_id, valid_from, valid_to in RegisterEntry.objects.values_list(
        "division_id", "business_id", "valid_from", "valid_to"
    ):
        if not (valid_from <= on and (valid_to is None or valid_to > on)):
            continue
        if business_id is None:
            count("data_collection_rate", division_id, False)
            continue
        then = [c for c in sorted(changes[business_id]) if c[0] <= on]
        status = then[-1][2] if then else ""
        if status and status != BusinessStatus.OPERATING:
            continue
        count(
            "data_collection_rate",
            place[business_id],
            status == BusinessStatus.OPERATING and fields[business_id] and business_id in covered,
        )
    return out


def test_every_measure_equals_an_independent_count_for_the_demo(demo_loaded):
    codes = {m.code for m in measures()}
    quarters = recent_quarters(DEMO_FIGURE_QUARTERS)
    periods = sorted({*quarters, *(Period(q.year) for q in quarters)})
    paths = dict(Division.objects.values_list("pk", "path"))
    regions = list(Division.objects.values_list("path", "name"))
    checked = defaultdict(int)
    for period in periods:
        expected = independent(period.start, period.as_of(today()))
        assert set(expected) | OFFICIALS_OWN == codes, period
        stored = {
            path: region_figures(path=path, periods=[period.code], codes=list(expected))
            for path, _name in regions
        }
        for code, by_division in expected.items():
            for path, name in regions:
                n = d = 0
                for division_id, (num, den) in by_division.items():
                    if paths[division_id].startswith(path):
                        n, d = n + num, d + den
                got = stored[path].get((period.code, code), Rate(0, 0))
                assert got == Rate(n, d), (name, period.code, code)
                checked[code] += d > 0
    # The demo gives every measure something to count.
    assert set(checked) | OFFICIALS_OWN == codes
    assert all(checked.values()), checked


def test_demo_minutes_carry_a_stored_drawn_signature(demo_loaded):
    from liangze.files.models import FileKind

    meetings = MonthlyMeeting.objects.select_related("signature", "business")
    assert meetings.exists()
    assert not meetings.filter(signature__isnull=True).exists()
    for meeting in meetings[:50]:
        signature = meeting.signature
        # Kept as the files app keeps any checked image (re-encoded).
        assert signature.kind == FileKind.SIGNATURE
        assert signature.content_type.startswith("image/")
        # Filed where the business is, as a signature drawn for it on screen would be.
        assert signature.division_id == meeting.business.division_id
        assert signature.size > 0
        assert signature.storage_name.startswith("signature/")
