"""What the demo loads into an empty database, and that a rerun changes nothing but restores
what was changed. The demo is loaded once for this module (demo.testing)."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from liangze.accounts.models import Role, User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses.models import Business, BusinessStatus, StatusChange
from liangze.businesses.services import business_status_change
from liangze.core.errors import Conflict
from liangze.demo.people import DELINGHA, DEMO_PEOPLE, GOLMUD
from liangze.demo.services import demo_load
from liangze.demo.tests.test_demo import ACCOUNTS, DIVISIONS, PEOPLE, counts
from liangze.officials.models import Assignment, Official
from liangze.rectification.models import Problem
from liangze.regions.models import Division, Level
from liangze.regions.selectors import division_list

pytestmark = pytest.mark.django_db


def test_it_loads_the_divisions_and_people_into_an_empty_database(demo_loaded):
    assert counts() == (DIVISIONS, ACCOUNTS, ACCOUNTS)
    assert [login.username for login in demo_loaded.logins] == [p.username for p in DEMO_PEOPLE]
    assert len(DEMO_PEOPLE) == PEOPLE
    levels = {level: Division.objects.filter(level=level).count() for level in Level.values}
    assert levels == {
        Level.PROVINCE: 1,
        Level.CITY: 1,
        Level.COUNTY: 7,
        Level.TOWNSHIP: 11,
        Level.VILLAGE: 79,
    }
    for person in DEMO_PEOPLE:
        user = User.objects.get(username=person.username)
        assert user.check_password(settings.LIANGZE_DEMO_PASSWORD)
        assert user.must_change_password is False
        grant = user.grants.get()
        assert grant.role == person.role
        if person.division_code:
            assert grant.division.code == person.division_code
    assert User.objects.get(username="village_official").division.level == Level.VILLAGE
    assert AuditEvent.objects.filter(action=AuditAction.DEMO_LOADED).count() == 1


def snapshot() -> dict:
    """What a rerun must leave as it was."""
    return {
        "counts": counts(),
        "paths": dict(Division.objects.values_list("code", "path")),
        "businesses": set(Business.objects.values_list("name", "uscc", "registration_number")),
        "status_changes": StatusChange.objects.count(),
        "officials": Official.objects.count(),
        "assignments": Assignment.objects.count(),
        "problems": Problem.objects.count(),
    }


def test_a_rerun_changes_nothing_but_restores_what_was_changed(demo_loaded):
    """The command reruns the load: nothing is created twice (divisions, accounts, businesses,
    officials, assignments, problems), a business closed since stays closed, and a demo account
    that was changed is restored; the logins are printed."""
    closed = Business.objects.filter(status=BusinessStatus.OPERATING, grade="C").first()
    business_status_change(
        actor=None,
        business=closed,
        to_status=BusinessStatus.CLOSED,
        effective_on=timezone.localdate(),
        reason="注销",
    )
    User.objects.filter(username="golmud_office").update(is_active=False)
    before = snapshot()
    stdout = io.StringIO()
    call_command("demo_load", stdout=stdout)
    printed = stdout.getvalue()
    assert settings.LIANGZE_DEMO_PASSWORD in printed
    for person in DEMO_PEOPLE:
        assert person.username in printed
    assert snapshot() == before
    assert before["counts"] == (DIVISIONS, ACCOUNTS, ACCOUNTS)
    rerun = AuditEvent.objects.filter(action=AuditAction.DEMO_LOADED).latest("pk")
    assert (rerun.data["businesses_created"], rerun.data["assignments_created"]) == (0, 0)
    closed.refresh_from_db()
    assert closed.status == BusinessStatus.CLOSED
    director = User.objects.get(username="business_director")
    assert director.grants.filter(revoked_at__isnull=True).count() == 1
    office = User.objects.get(username="golmud_office")
    assert office.is_active is True
    assert office.check_password(settings.LIANGZE_DEMO_PASSWORD)


def test_it_refuses_once_a_real_user_joined_the_demo(demo_loaded):
    User.objects.create(username="real_person", display_name="真实用户")
    with pytest.raises(Conflict):
        demo_load()
    assert AuditEvent.objects.filter(action=AuditAction.DEMO_LOADED).count() == 1


def test_the_neighbour_county_office_sees_no_golmud_division(demo_loaded):
    delingha = User.objects.get(username="delingha_office")
    seen = list(division_list(viewer=delingha))
    assert seen
    assert {d.code for d in seen if d.level == Level.COUNTY} == {DELINGHA}
    assert not [d for d in seen if d.code.startswith(GOLMUD[:6])]
    golmud = User.objects.get(username="golmud_office")
    golmud_seen = {d.code[:6] for d in division_list(viewer=golmud)}
    assert golmud_seen == {GOLMUD[:6]}
    assert len(list(division_list(viewer=golmud))) == 1 + 11 + 79


def test_the_golmud_leader_reads_golmud_only(demo_loaded):
    leader = User.objects.get(username="golmud_leader")
    assert leader.has_role(Role.LEADER)
    assert {d.code[:6] for d in division_list(viewer=leader)} == {GOLMUD[:6]}
