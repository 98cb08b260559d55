"""The demo loader refuses a database with real data; what it loads is in test_demo_loaded."""

import io

import pytest
from django.core.management import CommandError, call_command

from liangze.accounts.models import RoleGrant, User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.errors import Conflict
from liangze.demo.services import demo_load
from liangze.regions.models import Division

DIVISIONS = 99
PEOPLE = 14
OFFICIAL_ACCOUNTS = 431 - 4  # the demo's officials, less the four demo people among them
ACCOUNTS = PEOPLE + OFFICIAL_ACCOUNTS


def counts() -> tuple[int, int, int]:
    active_grants = RoleGrant.objects.filter(revoked_at__isnull=True).count()
    return Division.objects.count(), User.objects.count(), active_grants


pytestmark = pytest.mark.django_db


def test_it_refuses_a_database_with_a_real_user():
    User.objects.create(username="real_person", display_name="真实用户")
    with pytest.raises(Conflict) as info:
        demo_load()
    assert info.value.code == "demo_refused"
    assert counts() == (0, 1, 0)
    assert not AuditEvent.objects.filter(action=AuditAction.DEMO_LOADED).exists()


def test_it_refuses_a_database_with_divisions_it_did_not_load(regions):
    before = counts()
    with pytest.raises(Conflict):
        demo_load()
    assert counts() == before


def test_the_command_fails_on_a_real_database():
    User.objects.create(username="real_person", display_name="真实用户")
    with pytest.raises(CommandError):
        call_command("demo_load", stdout=io.StringIO())
    assert Division.objects.count() == 0
