"""The demo's officials and who covers what (demo.officials), loaded through the services."""

from collections import Counter

import pytest
from django.conf import settings

from liangze.businesses.models import Business, BusinessStatus
from liangze.core.tree import is_within
from liangze.officials.models import Assignment, Official
from liangze.officials.rules import rule_book

pytestmark = pytest.mark.django_db


@pytest.fixture
def summary(demo_loaded):
    return demo_loaded


def test_it_loads_golmuds_officials_and_the_prefectures(summary):
    levels = Counter(Official.objects.values_list("grant__division__level", flat=True))
    assert levels == {"city": 2, "county": 16, "township": 36, "village": 377}
    assert summary.officials_by_level == dict(sorted(levels.items()))
    people = Official.objects.filter(
        user__username__in=[
            "haixi_official",
            "golmud_official",
            "guolemude_official",
            "village_official",
        ]
    )
    assert people.count() == 4
    newcomer = Official.objects.exclude(pk__in=people).select_related("user").first()
    assert newcomer.user.check_password(settings.LIANGZE_DEMO_PASSWORD)
    assert newcomer.user.username == newcomer.phone.removeprefix("+86")


def test_every_live_business_but_a_handful_is_covered_by_the_rule(summary):
    rules = rule_book()
    open_ones = list(
        Assignment.objects.filter(ends_on__isnull=True).select_related(
            "business__division", "official__grant__division"
        )
    )
    for a in open_ones:
        post = a.official.grant.division
        assert post.level == rules.required_level(
            grade=a.business.grade, path=a.business.division.path
        )
        assert is_within(a.business.division.path, post.path)
    live = Business.objects.exclude(status=BusinessStatus.CLOSED).count()
    assert len(open_ones) == live - summary.uncovered
    assert 0 < summary.uncovered <= 10
    a_grade = [a for a in open_ones if a.business.grade == "A"]
    assert len(a_grade) == 4
    assert {a.official.grant.division.code for a in a_grade} == {"632800000000"}
    assert Official.objects.filter(user__username="village_official").get().assignments.exists()
