"""Entry windows around their boundary times, Shanghai time (docs/domain.md §1.3)."""

from datetime import timedelta

import pytest

from liangze.core.errors import Forbidden, Invalid
from liangze.visits.models import TaskStatus, Visit, VisitRule, VisitTask
from liangze.visits.periods import Quarter
from liangze.visits.rules import entry_state
from liangze.visits.services import (
    tasks_generate,
    visit_submit,
    window_close_early,
    window_reopen,
)
from liangze.visits.tests.conftest import at, clean_input

Q3 = Quarter(2026, 3)


def test_quarter_bounds_are_shanghai_midnights():
    assert Q3.opens_at == at(2026, 7, 1)
    assert Q3.ends_at == at(2026, 10, 1)
    assert Q3.ends_at.utcoffset() == timedelta(hours=8)
    assert Quarter.of(at(2026, 9, 30).date()) == Q3 and Quarter(2026, 4).next() == Quarter(2027, 1)


def test_last_second_of_the_quarter_is_open_the_next_is_not(covered):
    shop, official = covered
    assert entry_state(official, Q3, at(2026, 9, 30, 23, 59, 59)).open
    closed = entry_state(official, Q3, at(2026, 10, 1, 0, 0, 0))
    assert not closed.open and closed.closes_at == at(2026, 10, 1)
    visit = visit_submit(
        actor=official.user,
        data=clean_input(shop, at(2026, 9, 30, 23, 0)),
        now=at(2026, 9, 30, 23, 59, 59),
    )
    assert not visit.late and visit.period == Q3.first_day
    with pytest.raises(Invalid) as refused:
        visit_submit(
            actor=official.user,
            data=clean_input(shop, at(2026, 9, 30, 23, 0)),
            now=at(2026, 10, 1, 0, 0, 0),
        )
    assert refused.value.code == "window_closed"


def test_the_province_grace_extends_the_window(covered, regions):
    _shop, official = covered
    VisitRule.objects.create(province=regions.province, grace_days=2)
    assert entry_state(official, Q3, at(2026, 10, 2, 23, 59, 59)).open
    assert not entry_state(official, Q3, at(2026, 10, 3)).open


def test_an_office_closes_its_subtree_earlier_never_later(covered, county_staff, regions):
    _shop, official = covered
    with pytest.raises(Invalid):
        window_close_early(
            actor=county_staff, division=regions.county, quarter=Q3, closes_at=at(2026, 10, 1, 0, 1)
        )
    window_close_early(
        actor=county_staff, division=regions.county, quarter=Q3, closes_at=at(2026, 9, 15)
    )
    assert entry_state(official, Q3, at(2026, 9, 14, 23, 59, 59)).open
    assert not entry_state(official, Q3, at(2026, 9, 15)).open


def test_an_office_cannot_close_another_subtree(covered, county_staff, regions):
    with pytest.raises(Forbidden):
        window_close_early(
            actor=county_staff,
            division=regions.neighbour_county,
            quarter=Q3,
            closes_at=at(2026, 9, 15),
        )


def test_reopening_for_one_official_marks_entries_late(covered, county_staff, village_officials):
    shop, official = covered
    other = village_officials[1]
    reopened_at = at(2026, 10, 5, 9)
    reopening = window_reopen(
        actor=county_staff, official=official, quarter=Q3, reason="系统故障", now=reopened_at
    )
    assert reopening.ends_at == reopened_at + timedelta(days=7)
    state = entry_state(official, Q3, at(2026, 10, 12, 8, 59, 59))
    assert state.open and state.late
    assert not entry_state(official, Q3, at(2026, 10, 12, 9)).open
    assert not entry_state(other, Q3, at(2026, 10, 6)).open
    visit = visit_submit(
        actor=official.user, data=clean_input(shop, at(2026, 9, 20, 10)), now=at(2026, 10, 6)
    )
    assert visit.late
    with pytest.raises(Invalid):
        window_reopen(actor=county_staff, official=official, quarter=Q3, reason="  ")


def test_missed_then_reopened_then_done(covered, county_staff):
    shop, official = covered
    tasks_generate(now=at(2026, 7, 1, 0, 20))
    task = VisitTask.objects.get(period=Q3.first_day)
    assert task.status == TaskStatus.DUE and task.period == Q3.first_day
    tasks_generate(quarter=Q3, now=at(2026, 9, 30, 23, 59, 59))
    task.refresh_from_db()
    assert task.status == TaskStatus.DUE
    tasks_generate(quarter=Q3, now=at(2026, 10, 1))
    task.refresh_from_db()
    assert task.status == TaskStatus.MISSED
    window_reopen(
        actor=county_staff, official=official, quarter=Q3, reason="补录", now=at(2026, 10, 2)
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DUE
    visit_submit(
        actor=official.user, data=clean_input(shop, at(2026, 9, 10, 10)), now=at(2026, 10, 3)
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.visits_made == 1
    assert Visit.objects.get().late
