"""The demo's problems: every state of the closed loop, some overdue, some with a case, some
void, some closed with their business; a few reports left in the inbox (a rerun adds nothing: test_demo_loaded)."""

import pytest
from django.db.models import Count

from liangze.accounts.models import User
from liangze.rectification.models import Problem
from liangze.rectification.reports import report_inbox
from liangze.rectification.selectors import overdue_q

pytestmark = pytest.mark.django_db


def test_the_demo_spreads_problems_over_the_loop(demo_loaded):
    states = dict(Problem.objects.values_list("status").annotate(n=Count("pk")))
    # Visit problems where no regulator's grant holds the business stay open (docs/domain.md
    # §1.6: the office is told); every other state of the loop is there.
    assert set(states) - {"open"} == {
        "pushed",
        "accepted",
        "escalated",
        "rectified",
        "closed",
        "void",
    }
    assert not Problem.objects.filter(status="open", regulator_division__isnull=False).exists()
    reasons = set(Problem.objects.values_list("close_reason", flat=True))
    assert {"verified", "rechecked", "business_closed"} <= reasons
    assert Problem.objects.filter(overdue_q()).count() >= 2
    assert Problem.objects.exclude(case_number="").exists()
    director = User.objects.get(username="business_director")
    mine = Problem.objects.filter(business_id__in=director.jurisdiction().business_ids)
    assert mine.filter(status__in=["accepted", "escalated"]).exists()
    regulator = User.objects.get(username="guolemude_regulator")
    assert report_inbox(viewer=regulator).count() >= 2


def test_the_village_official_has_a_fix_to_recheck_on_the_next_visit(demo_loaded):
    from liangze.officials.models import Assignment
    from liangze.rectification.selectors import problems_awaiting_recheck

    official = User.objects.get(username="village_official")
    awaiting = [
        problem
        for assignment in Assignment.objects.filter(
            official__user=official, ends_on__isnull=True
        ).select_related("business")
        for problem in problems_awaiting_recheck(viewer=official, business=assignment.business)
    ]
    assert [p.status for p in awaiting] == ["rectified"]
