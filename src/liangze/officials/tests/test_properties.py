"""Random sequences of assign / hand over / regrade / move / suspend / close: after every step the
rules hold (docs/domain.md §1.2, §1.7)."""

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.services import business_move, business_status_change
from liangze.businesses.testing import make_business
from liangze.core.errors import DomainError
from liangze.core.tree import is_within
from liangze.officials import services
from liangze.officials.models import Assignment, Official
from liangze.officials.rules import rule_book
from liangze.officials.testing import make_official

BUSINESSES = 3
OFFICIALS = ("village", "village_b", "other_village", "township", "township_b", "county")
GRADES = ("B", "C", "D")
PLACES = ("village", "other_village", "township")

operation = st.one_of(
    st.tuples(
        st.just("assign"),
        st.integers(0, BUSINESSES - 1),
        st.sampled_from(OFFICIALS),
        st.booleans(),
    ),
    st.tuples(st.just("hand_over"), st.sampled_from(OFFICIALS), st.sampled_from(OFFICIALS)),
    st.tuples(st.just("regrade"), st.integers(0, BUSINESSES - 1), st.sampled_from(GRADES)),
    st.tuples(st.just("regrade_to"), st.integers(0, BUSINESSES - 1), st.sampled_from(OFFICIALS)),
    st.tuples(st.just("move"), st.integers(0, BUSINESSES - 1), st.sampled_from(PLACES)),
    st.tuples(st.just("status"), st.integers(0, BUSINESSES - 1), st.sampled_from(BusinessStatus)),
)


@pytest.fixture
def world(county_staff, regions):
    officials = {
        "village": make_official(actor=county_staff, division=regions.village, serial=1),
        "village_b": make_official(actor=county_staff, division=regions.village, serial=2),
        "other_village": make_official(
            actor=county_staff, division=regions.other_village, serial=3
        ),
        "township": make_official(actor=county_staff, division=regions.township, serial=4),
        "township_b": make_official(actor=county_staff, division=regions.township, serial=5),
        "county": make_official(actor=county_staff, division=regions.county, serial=6),
    }
    places = {name: getattr(regions, name) for name in PLACES}
    return county_staff, officials, places


LEVEL_OF = {"D": "village", "C": "township", "B": "county"}


def check_rules():
    rules = rule_book()
    open_by_business = {}
    for a in Assignment.objects.select_related("business__division", "official__grant__division"):
        assert a.ends_on is None or a.starts_on <= a.ends_on
        if a.ends_on is not None:
            assert a.end_reason
            continue
        assert a.business_id not in open_by_business, "two open assignments"
        open_by_business[a.business_id] = a
        business, post = a.business, a.official.grant.division
        assert business.status not in (BusinessStatus.CLOSED, BusinessStatus.MOVED_OUT)
        assert post.level == rules.required_level(grade=business.grade, path=business.division.path)
        assert is_within(business.division.path, post.path)
        assert a.official.active_to is None


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operation, min_size=1, max_size=12))
def test_random_sequences_keep_the_rules(world, steps):
    actor, officials, places = world
    today = timezone.localdate()
    with transaction.atomic():
        shops = [
            make_business(actor=actor, division=places["village"], serial=n, grade="D")
            for n in range(1, BUSINESSES + 1)
        ]
        history = 0
        for step in steps:
            kind = step[0]
            try:
                with transaction.atomic():
                    if kind == "assign":
                        business = Business.objects.get(pk=shops[step[1]].pk)
                        services.assignment_create(
                            actor=actor,
                            official=Official.objects.get(pk=officials[step[2]].pk),
                            business=business,
                            replace=step[3],
                        )
                    elif kind == "hand_over":
                        services.official_hand_over(
                            actor=actor,
                            official=Official.objects.get(pk=officials[step[1]].pk),
                            successor=Official.objects.get(pk=officials[step[2]].pk),
                        )
                    elif kind == "regrade":
                        business = Business.objects.get(pk=shops[step[1]].pk)
                        services.business_regrade_and_assign(
                            actor=actor, business=business, grade=step[2], reason="r"
                        )
                    elif kind == "regrade_to":
                        official = Official.objects.get(pk=officials[step[2]].pk)
                        grade = {v: k for k, v in LEVEL_OF.items()}[official.level]
                        services.business_regrade_and_assign(
                            actor=actor,
                            business=Business.objects.get(pk=shops[step[1]].pk),
                            grade=grade,
                            reason="r",
                            official=official,
                        )
                    elif kind == "move":
                        business_move(
                            actor=actor,
                            business=Business.objects.get(pk=shops[step[1]].pk),
                            division=places[step[2]],
                            reason="m",
                        )
                    else:
                        business_status_change(
                            actor=actor,
                            business=Business.objects.get(pk=shops[step[1]].pk),
                            to_status=step[2],
                            effective_on=today,
                            reason="s",
                        )
            except DomainError:
                pass
            check_rules()
            count = Assignment.objects.count()
            assert count >= history, "history was lost"
            history = count
        transaction.set_rollback(True)
