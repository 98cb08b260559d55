"""The demo loader: deterministic, idempotent, and never into a database with real data."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from liangze.accounts.models import Role, RoleGrant, User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.errors import Conflict
from liangze.demo.people import DELINGHA, DEMO_PEOPLE, GOLMUD
from liangze.demo.services import demo_load
from liangze.regions.models import Division, Level
from liangze.regions.selectors import division_list

DIVISIONS = 99
PEOPLE = 14
OFFICIAL_ACCOUNTS = 431 - 4  # the demo's officials, less the four demo people among them
ACCOUNTS = PEOPLE + OFFICIAL_ACCOUNTS


def counts() -> tuple[int, int, int]:
    active_grants = RoleGrant.objects.filter(revoked_at__isnull=True).count()
    return Division.objects.count(), User.objects.count(), active_grants


pytestmark = pytest.mark.django_db


def test_it_loads_the_divisions_and_people_into_an_empty_database():
    logins = demo_load().logins
    assert counts() == (DIVISIONS, ACCOUNTS, ACCOUNTS)
    assert [login.username for login in logins] == [p.username for p in DEMO_PEOPLE]
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


def test_it_is_idempotent():
    demo_load()
    first = counts()
    paths = dict(Division.objects.values_list("code", "path"))
    demo_load()
    assert counts() == first == (DIVISIONS, ACCOUNTS, ACCOUNTS)
    assert dict(Division.objects.values_list("code", "path")) == paths


def test_it_restores_a_demo_account_that_was_changed():
    demo_load()
    User.objects.filter(username="golmud_office").update(is_active=False)
    demo_load()
    user = User.objects.get(username="golmud_office")
    assert user.is_active is True
    assert user.check_password(settings.LIANGZE_DEMO_PASSWORD)


def test_it_refuses_a_database_with_a_real_user():
    User.objects.create(username="real_person", display_name="真实用户")
    with pytest.raises(Conflict) as info:
        demo_load()
    assert info.value.code == "demo_refused"
    assert counts() == (0, 1, 0)
    assert not AuditEvent.objects.filter(action=AuditAction.DEMO_LOADED).exists()


def test_it_refuses_once_a_real_user_joined_the_demo():
    demo_load()
    User.objects.create(username="real_person", display_name="真实用户")
    with pytest.raises(Conflict):
        demo_load()
    assert AuditEvent.objects.filter(action=AuditAction.DEMO_LOADED).count() == 1


def test_it_refuses_a_database_with_divisions_it_did_not_load(regions):
    before = counts()
    with pytest.raises(Conflict):
        demo_load()
    assert counts() == before


def test_the_neighbour_county_office_sees_no_golmud_division():
    demo_load()
    delingha = User.objects.get(username="delingha_office")
    seen = list(division_list(viewer=delingha))
    assert seen
    assert {d.code for d in seen if d.level == Level.COUNTY} == {DELINGHA}
    assert not [d for d in seen if d.code.startswith(GOLMUD[:6])]
    golmud = User.objects.get(username="golmud_office")
    golmud_seen = {d.code[:6] for d in division_list(viewer=golmud)}
    assert golmud_seen == {GOLMUD[:6]}
    assert len(list(division_list(viewer=golmud))) == 1 + 11 + 79


def test_the_golmud_leader_reads_golmud_only():
    demo_load()
    leader = User.objects.get(username="golmud_leader")
    assert leader.has_role(Role.LEADER)
    assert {d.code[:6] for d in division_list(viewer=leader)} == {GOLMUD[:6]}


def test_the_command_prints_the_logins():
    stdout = io.StringIO()
    call_command("demo_load", stdout=stdout)
    printed = stdout.getvalue()
    assert settings.LIANGZE_DEMO_PASSWORD in printed
    for person in DEMO_PEOPLE:
        assert person.username in printed


def test_the_command_fails_on_a_real_database():
    User.objects.create(username="real_person", display_name="真实用户")
    with pytest.raises(CommandError):
        call_command("demo_load", stdout=io.StringIO())
    assert Division.objects.count() == 0
