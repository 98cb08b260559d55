"""Tasks follow the rule of docs/domain.md §2 through generation and mid-quarter changes."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.services import business_move, business_status_change
from liangze.businesses.testing import make_business
from liangze.core.errors import DomainError
from liangze.officials import services as officials
from liangze.officials.models import Assignment, Official
from liangze.officials.testing import make_official
from liangze.visits.models import TaskStatus, Visit, VisitRule, VisitTask
from liangze.visits.periods import Quarter
from liangze.visits.services import (
    _tasks_insert_all,
    tasks_generate,
    tasks_sync,
    visit_submit,
    window_close_early,
    window_reopen,
)
from liangze.visits.tests.conftest import clean_input


def live_tasks():
    return {
        (t.business_id, t.official_id): t.status
        for t in VisitTask.objects.filter(period=Quarter.current().first_day).exclude(
            status=TaskStatus.CANCELLED
        )
    }


def test_generation_is_idempotent_and_follows_hand_over(county_staff, regions, village_officials):
    first, second = village_officials
    shops = [
        make_business(actor=county_staff, division=regions.village, serial=n, grade="D")
        for n in (1, 2)
    ]
    officials.assignment_bulk_create(actor=county_staff, official=first, businesses=shops)
    VisitTask.objects.all().delete()  # as if the hooks had not run
    made = tasks_generate()
    assert made.created == 2
    again = tasks_generate()
    assert (again.created, again.cancelled, again.updated) == (0, 0, 0)
    officials.official_hand_over(actor=county_staff, official=first, successor=second)
    assert live_tasks() == {(s.pk, second.pk): TaskStatus.DUE for s in shops}
    assert VisitTask.objects.filter(official=first, status=TaskStatus.CANCELLED).count() == 2
    assert tasks_generate().created == 0


def test_suspension_cancels_and_resumption_restores(county_staff, covered):
    shop, official = covered
    today = timezone.localdate()
    business_status_change(
        actor=county_staff, business=shop, to_status="suspended", effective_on=today, reason="s"
    )
    assert live_tasks() == {}
    shop.refresh_from_db()
    business_status_change(
        actor=county_staff, business=shop, to_status="operating", effective_on=today, reason="r"
    )
    assert live_tasks() == {(shop.pk, official.pk): TaskStatus.DUE}
    assert VisitTask.objects.count() == 1


def test_late_assignment_is_exempt_and_frequency_is_data(
    county_staff, regions, shop, village_officials
):
    quarter = Quarter.current()
    officials.assignment_create(
        actor=county_staff,
        official=village_officials[0],
        business=shop,
        starts_on=quarter.last_day - timedelta(days=14),
    )
    assert live_tasks() == {(shop.pk, village_officials[0].pk): TaskStatus.EXEMPT}
    VisitRule.objects.create(province=regions.province, per_quarter_d=2)
    tasks_generate()
    assert VisitTask.objects.get().required == 2


def test_a_visit_by_the_predecessor_satisfies_the_successors_task(
    county_staff, covered, village_officials
):
    shop, first = covered
    visit_submit(actor=first.user, data=clean_input(shop, timezone.now() - timedelta(hours=1)))
    officials.official_hand_over(actor=county_staff, official=first, successor=village_officials[1])
    assert live_tasks() == {(shop.pk, village_officials[1].pk): TaskStatus.DONE}


BUSINESSES = 3
OFFICIALS = ("village", "village_b", "other_village", "township", "county")
GRADES = ("B", "C", "D")
PLACES = ("village", "other_village", "township")
operation = st.one_of(
    st.tuples(
        st.just("assign"), st.integers(0, BUSINESSES - 1), st.sampled_from(OFFICIALS), st.booleans()
    ),
    st.tuples(st.just("hand_over"), st.sampled_from(OFFICIALS), st.sampled_from(OFFICIALS)),
    st.tuples(st.just("regrade"), st.integers(0, BUSINESSES - 1), st.sampled_from(GRADES)),
    st.tuples(st.just("move"), st.integers(0, BUSINESSES - 1), st.sampled_from(PLACES)),
    st.tuples(st.just("status"), st.integers(0, BUSINESSES - 1), st.sampled_from(BusinessStatus)),
    st.tuples(st.just("generate")),
)


@pytest.fixture
def world(county_staff, regions):
    people = {
        "village": make_official(actor=county_staff, division=regions.village, serial=1),
        "village_b": make_official(actor=county_staff, division=regions.village, serial=2),
        "other_village": make_official(
            actor=county_staff, division=regions.other_village, serial=3
        ),
        "township": make_official(actor=county_staff, division=regions.township, serial=4),
        "county": make_official(actor=county_staff, division=regions.county, serial=5),
    }
    return county_staff, people, {name: getattr(regions, name) for name in PLACES}


def expected_tasks():
    """The rule, straight from the registry: an operating business's open assignment."""
    last = Quarter.current().last_day
    return {
        (a.business_id, a.official_id): (
            TaskStatus.EXEMPT if a.starts_on > last - timedelta(days=15) else TaskStatus.DUE
        )
        for a in Assignment.objects.filter(
            ends_on__isnull=True, business__status=BusinessStatus.OPERATING
        )
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operation, min_size=1, max_size=10))
def test_random_changes_keep_tasks_equal_to_the_rule(world, steps):
    actor, people, places = world
    today = timezone.localdate()
    with transaction.atomic():
        shops = [
            make_business(actor=actor, division=places["village"], serial=n, grade="D")
            for n in range(1, BUSINESSES + 1)
        ]
        rows = 0
        for step in steps:
            kind = step[0]
            try:
                with transaction.atomic():
                    business = (
                        Business.objects.get(pk=shops[step[1]].pk)
                        if kind in ("assign", "regrade", "move", "status")
                        else None
                    )
                    if kind == "assign":
                        officials.assignment_create(
                            actor=actor,
                            official=Official.objects.get(pk=people[step[2]].pk),
                            business=business,
                            replace=step[3],
                        )
                    elif kind == "hand_over":
                        officials.official_hand_over(
                            actor=actor,
                            official=Official.objects.get(pk=people[step[1]].pk),
                            successor=Official.objects.get(pk=people[step[2]].pk),
                        )
                    elif kind == "regrade":
                        officials.business_regrade_and_assign(
                            actor=actor, business=business, grade=step[2], reason="r"
                        )
                    elif kind == "move":
                        business_move(
                            actor=actor, business=business, division=places[step[2]], reason="m"
                        )
                    elif kind == "status":
                        business_status_change(
                            actor=actor,
                            business=business,
                            to_status=step[2],
                            effective_on=today,
                            reason="s",
                        )
                    else:
                        assert tasks_generate().created == 0
            except DomainError:
                pass
            assert live_tasks() == expected_tasks()
            count = VisitTask.objects.count()
            assert count >= rows, "a task was deleted"
            rows = count
        again = tasks_generate()
        assert (again.created, again.cancelled, again.updated) == (0, 0, 0)
        transaction.set_rollback(True)


def test_quarter_start_generation(county_staff, covered):
    shop, official = covered
    nxt = Quarter.current().next()
    from liangze.visits.tests.conftest import at

    first_morning = at(nxt.year, nxt.first_day.month, 1, 0, 20)
    made = tasks_generate(now=first_morning)
    assert made.created == 1
    assert VisitTask.objects.filter(period=nxt.first_day, status=TaskStatus.DUE).count() == 1
    assert tasks_generate(now=first_morning).created == 0
    assert date(2026, 1, 1) <= Quarter.current().first_day


def task_rows(quarter: Quarter) -> set[tuple]:
    return set(
        VisitTask.objects.filter(period=quarter.first_day).values_list(
            "business_id", "official_id", "status", "required", "visits_made", "exempt"
        )
    )


COVERING = {"B": ("county",), "C": ("township",), "D": ("village", "village_b")}
shop_plan = st.tuples(
    st.sampled_from(("B", "C", "D")),  # grade, which decides the official's level
    st.sampled_from([BusinessStatus.OPERATING] * 3 + list(BusinessStatus)),
    st.booleans(),  # which of the two village officials, for grade D
    st.sampled_from((None, 15, 14)),  # begun that many days before quarter end (14: exempt)
    st.integers(0, 2),  # visits on distinct days
    st.booleans(),  # the last visit corrected
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plans=st.lists(shop_plan, min_size=1, max_size=4),
    rule=st.one_of(st.none(), st.tuples(*[st.integers(1, 3)] * 4)),
    close=st.one_of(st.none(), st.sampled_from(PLACES)),
    reopen=st.one_of(st.none(), st.sampled_from(OFFICIALS)),
)
def test_first_generation_by_one_insert_equals_the_row_by_row_sync(
    world, regions, plans, rule, close, reopen
):
    """The set-based first generation writes exactly the rows tasks_sync's loop writes."""
    actor, people, places = world
    quarter = Quarter.current()
    now = timezone.now()
    with transaction.atomic():
        if rule is not None:
            VisitRule.objects.create(
                province=regions.province,
                **{f"per_quarter_{g}": n for g, n in zip("abcd", rule, strict=True)},
            )
        shops = []
        for n, (grade, status, second, late, visits, corrected) in enumerate(plans, start=1):
            shop = make_business(actor=actor, division=places["village"], serial=n, grade=grade)
            shops.append(shop)
            names = COVERING[grade]
            official = Official.objects.get(pk=people[names[second % len(names)]].pk)
            starts_on = quarter.first_day
            if late is not None:
                starts_on = quarter.last_day - timedelta(days=late)
            try:
                with transaction.atomic():
                    officials.assignment_create(
                        actor=actor, official=official, business=shop, starts_on=starts_on
                    )
            except DomainError:
                continue
            made = None
            for day in range(visits):
                visited_at = now - timedelta(days=day, minutes=5)
                if late is not None or not quarter.contains(timezone.localdate(visited_at)):
                    break
                made = visit_submit(actor=official.user, data=clean_input(shop, visited_at))
            if made is not None and corrected:
                visit_submit(
                    actor=official.user,
                    data=clean_input(
                        shop, made.visited_at, replaces=made, correction_reason="typo"
                    ),
                )
            if status != BusinessStatus.OPERATING:
                business_status_change(
                    actor=actor,
                    business=Business.objects.get(pk=shop.pk),
                    to_status=status,
                    effective_on=timezone.localdate(now),
                    reason="s",
                )
        if close is not None:
            window_close_early(
                actor=actor,
                division=places[close],
                quarter=quarter,
                closes_at=now - timedelta(minutes=1),
            )
        if reopen is not None:
            window_reopen(
                actor=actor,
                official=Official.objects.get(pk=people[reopen].pk),
                quarter=quarter,
                reason="r",
                now=now,
            )
        # Visits point at their task (PROTECT): unlink them to generate the quarter afresh.
        Visit.objects.filter(period=quarter.first_day).update(task=None)
        VisitTask.objects.filter(period=quarter.first_day).delete()
        made = _tasks_insert_all(quarter=quarter, now=now)
        by_one_insert = task_rows(quarter)
        assert made.created == len(by_one_insert)
        VisitTask.objects.filter(period=quarter.first_day).delete()
        tasks_sync(business_ids=[s.pk for s in shops], now=now)
        assert task_rows(quarter) == by_one_insert
        transaction.set_rollback(True)


def test_a_visit_queues_only_the_visits_official_side_measures_of_its_post(covered):
    from liangze.figures.measures import Side, measures_of
    from liangze.figures.models import FigureDirty
    from liangze.visits.figures import TIMELY_ENTRY, VISIT_COMPLETION

    shop, official = covered
    FigureDirty.objects.all().delete()
    visit_submit(actor=official.user, data=clean_input(shop, timezone.now() - timedelta(hours=1)))
    official_side = [m.code for m in measures_of(Side.OFFICIAL)]
    assert len(official_side) > 2  # others exist and are left alone
    queued = FigureDirty.objects.filter(measure__in=official_side)
    assert set(queued.values_list("division_id", "measure")) == {
        (official.grant.division_id, VISIT_COMPLETION),
        (official.grant.division_id, TIMELY_ENTRY),
    }
