"""Loading the demo data set: deterministic, idempotent, and never into a real database."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from liangze.accounts.models import RoleGrant, User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.audit.services import audit_event_record
from liangze.core.errors import Conflict
from liangze.core.tables import read_table
from liangze.demo.people import DEMO_PEOPLE
from liangze.regions.models import Division, Level
from liangze.regions.services import DIVISION_COLUMNS, division_table_import

DIVISIONS_FILE = Path(__file__).resolve().parent.parent / "regions" / "data" / "haixi_2023.csv"
DIVISION_VINTAGE = 2023


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role_label: str
    division_name: str
    description: str


def database_holds_demo_only() -> bool:
    """True for an empty database or one this loader filled; False once real data is there."""
    has_data = User.objects.exists() or Division.objects.exists()
    if not has_data:
        return True
    return AuditEvent.objects.filter(action=AuditAction.DEMO_LOADED).exists() and not (
        User.objects.exclude(username__in=[p.username for p in DEMO_PEOPLE]).exists()
    )


def _village_for_demo() -> Division:
    return (
        Division.objects.filter(
            level=Level.VILLAGE, vintage=DIVISION_VINTAGE, code__startswith="632801100"
        )
        .order_by("code")
        .first()
    )


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Load (or refresh) the demo. Raises Conflict when the database holds non-demo data."""
    if not database_holds_demo_only():
        raise Conflict(
            code="demo_refused",
            message=_("This database holds data that is not the demo's; the demo was not loaded."),
        )
    rows = read_table(
        name=DIVISIONS_FILE.name, data=DIVISIONS_FILE.read_bytes(), columns=DIVISION_COLUMNS
    )
    division_table_import(actor=None, rows=rows, vintage=DIVISION_VINTAGE)
    divisions = {d.code: d for d in Division.objects.filter(vintage=DIVISION_VINTAGE)}
    village = _village_for_demo()

    logins = []
    for person in DEMO_PEOPLE:
        division = divisions.get(person.division_code) if person.division_code else None
        if person.username in ("village_official", "business_director"):
            division = village
        user, _created = User.objects.get_or_create(username=person.username)
        user.display_name = person.display_name
        user.division = division
        user.is_active = True
        user.must_change_password = False
        user.set_password(settings.LIANGZE_DEMO_PASSWORD)
        user.save()
        if not RoleGrant.objects.filter(
            user=user, role=person.role, division=division, revoked_at__isnull=True
        ).exists():
            RoleGrant.objects.create(user=user, role=person.role, division=division)
        logins.append(
            DemoLogin(
                username=person.username,
                display_name=person.display_name,
                role_label=str(dict(RoleGrant._meta.get_field("role").choices)[person.role]),
                division_name=division.name if division else "—",
                description=str(person.description),
            )
        )
    audit_event_record(
        actor=None, action=AuditAction.DEMO_LOADED, data={"people": len(DEMO_PEOPLE)}
    )
    return logins
