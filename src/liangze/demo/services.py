"""Loading the demo data set: deterministic, idempotent, and never into a real database."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.accounts.models import Role, RoleGrant, User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.audit.services import audit_event_record
from liangze.businesses.models import Business, BusinessStatus, StatusChange
from liangze.businesses.services import Registration, business_register_many
from liangze.businesses.validation import CLEANED_FIELDS
from liangze.core.errors import Conflict
from liangze.core.statistics import planner_statistics_refresh
from liangze.core.tables import TableRow, read_table
from liangze.demo.businesses import LEDGER_DAY, DemoBusiness, demo_businesses
from liangze.demo.enterprise import demo_enterprise_load
from liangze.demo.officials import DemoOfficial, demo_assignments, demo_officials
from liangze.demo.people import DEMO_PEOPLE, GOLMUD, HAIXI
from liangze.demo.register import demo_register_load
from liangze.figures.periods import Period, recent_quarters
from liangze.figures.services import figures_rebuild
from liangze.officials.documents.demo import demo_documents_load
from liangze.officials.models import Assignment, Official
from liangze.officials.services import (
    PlannedAssignment,
    assignments_write,
    official_import_rows,
)
from liangze.rectification.demo import demo_problems_load
from liangze.regions.imports import DIVISION_COLUMNS
from liangze.regions.models import Division, Level
from liangze.regions.services import division_table_import
from liangze.visits.demo import demo_visits_load

DIVISIONS_FILE = Path(__file__).resolve().parent.parent / "regions" / "data" / "haixi_2023.csv"
DIVISION_VINTAGE = 2023


DEMO_FIGURE_QUARTERS = 4


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role_label: str
    division_name: str
    description: str
    business_name: str = ""


@dataclass(frozen=True)
class DemoSummary:
    """What `demo_load` leaves: the logins to print and the demo businesses by grade."""

    logins: list[DemoLogin]
    businesses_by_grade: dict[str, int] = field(default_factory=dict)
    businesses_created: int = 0
    officials_by_level: dict[str, int] = field(default_factory=dict)
    assignments_created: int = 0
    uncovered: int = 0

    @property
    def businesses(self) -> int:
        return sum(self.businesses_by_grade.values())


def database_holds_demo_only() -> bool:
    """True for an empty database or one this loader filled; False once real data is there."""
    has_data = User.objects.exists() or Division.objects.exists()
    if not has_data:
        return True
    if not AuditEvent.objects.filter(action=AuditAction.DEMO_LOADED).exists():
        return False
    # The demo's officials log in with their demo mobile numbers (demo.officials).
    demo_official_logins = Official.objects.filter(phone__startswith="+861986328").values(
        "user__username"
    )
    return not (
        User.objects.exclude(username__in=[p.username for p in DEMO_PEOPLE])
        .exclude(username__in=demo_official_logins)
        .exists()
    )


def _village_for_demo() -> Division:
    return (
        Division.objects.filter(
            level=Level.VILLAGE, vintage=DIVISION_VINTAGE, code__startswith="632801100"
        )
        .order_by("code")
        .first()
    )


# Why the demo's businesses have their grade (data, like the demo's names and addresses).
DEMO_GRADE_REASON = "演示数据：按业态和规模定级"


def registration_of(row: DemoBusiness, division: Division) -> Registration:
    """A demo business as services.business_register_many registers it."""
    fields = {
        "name": row.name,
        "uscc": row.uscc,
        "uscc_pilot_override": False,
        "registration_number": row.registration_number,
        "license_number": row.license_number,
        "business_type": row.business_type,
        "chain_hq": row.chain_hq,
        "key": row.key,
        "scale": row.scale,
        "staff_count": row.staff_count,
        "annual_revenue_fen": row.annual_revenue_fen,
        "grade": row.grade,
        "risk_level": row.risk_level,
        "address": row.address,
        "lat_e6": row.lat_e6,
        "lng_e6": row.lng_e6,
        "contact_name": row.contact_name,
        "contact_phone": row.contact_phone,
        "open_kitchen": row.open_kitchen,
    }
    return Registration(
        values=tuple(fields[name] for name in CLEANED_FIELDS),
        division_id=division.pk,
        division_path=division.path,
        grade_reason=DEMO_GRADE_REASON,
        status_since=row.registered_on,
    )


def _status_moves(ids: list[int], rows: list[DemoBusiness]) -> None:
    """The demo businesses that no longer operate: their later status and its change (the demo's
    history, as it happened; no audit event, as none was kept then)."""
    moved = [(pk, row) for pk, row in zip(ids, rows, strict=True)]
    moved = [(pk, row) for pk, row in moved if row.status != BusinessStatus.OPERATING]
    for pk, row in moved:
        Business.objects.filter(pk=pk).update(status=row.status, status_since=row.status_since)
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                business_id=pk,
                from_status=BusinessStatus.OPERATING,
                to_status=row.status,
                effective_on=row.status_since,
                reason=row.status_reason,
            )
            for pk, row in moved
        ],
        batch_size=500,
    )


def _golmud_units(table: list[TableRow]) -> list[tuple[str, str]]:
    """Golmud's townships and villages as the shipped table lists them, so that the generated
    businesses never depend on what else the database holds."""
    return sorted(
        {
            (row.values["code"], row.values["name"])
            for row in table
            if row.values["code"].startswith(GOLMUD[:6]) and row.values["code"] != GOLMUD
        }
    )


def _businesses_load(
    units: list[tuple[str, str]], divisions: dict[str, Division]
) -> tuple[list[DemoBusiness], int]:
    """(every demo row, how many were created). A row whose credit code, or lacking one, whose
    registration number is already on the platform is left as it is, changed or closed: a
    rerun creates nothing and never duplicates."""
    rows = demo_businesses(units)
    usccs, registrations = set(), set()
    for uscc, registration in Business.objects.values_list("uscc", "registration_number"):
        usccs.add(uscc)
        registrations.add(registration)
    new = [
        row
        for row in rows
        if not (row.uscc in usccs if row.uscc else row.registration_number in registrations)
    ]
    # Registered as every business is (services.business_register_many), then moved.
    ids = business_register_many(
        actor=None,
        rows=[registration_of(row, divisions[row.division_code]) for row in new],
        set_based=True,
    )
    _status_moves(ids, new)
    return rows, len(new)


def _director_business(rows: list[DemoBusiness]) -> Business:
    row = next(row for row in rows if row.for_director)
    return Business.objects.select_related("division").filter(uscc=row.uscc).order_by("pk").first()


def _grant(user: User, role: str, division: Division | None, business: Business | None) -> None:
    """Leave the user one active grant of `role`: on `division`, for `business`."""
    active = RoleGrant.objects.filter(user=user, role=role, revoked_at__isnull=True)
    grant = active.filter(division=division).first()
    if grant is None:
        grant = RoleGrant.objects.create(user=user, role=role, division=division, business=business)
    elif grant.business_id != getattr(business, "pk", None):
        grant.business = business
        grant.save(update_fields=["business", "updated_at"])
    now = timezone.now()
    active.exclude(pk=grant.pk).update(revoked_at=now, updated_at=now)


def _officials_load(
    rows: list[DemoOfficial], *, offices: dict[str, User], password_hash: str
) -> None:
    """Through the officials' own writer, as the office of each post would import them; a rerun
    finds every official by mobile number and changes nothing."""
    for prefix, office in offices.items():
        mine = [r for r in rows if r.division_code.startswith(prefix)]
        official_import_rows(
            actor=office,
            rows=[TableRow(line=i + 2, values=r.values()) for i, r in enumerate(mine)],
            password_hash=password_hash,
        )


def _assignments_load(
    plan: list[tuple[DemoBusiness, DemoOfficial]], *, offices: dict[str, User]
) -> int:
    """Through the assignments' writer, each business from the day it was registered (or the
    county's first ledger); a business already covered (a rerun, or changed in the demo) is left."""
    officials = {o.phone: o for o in Official.objects.select_related("user", "grant__division")}
    businesses = {
        b.uscc or b.registration_number: b
        for b in Business.objects.select_related("division").exclude(
            status__in=(BusinessStatus.CLOSED, BusinessStatus.MOVED_OUT)
        )
    }
    covered = set(
        Assignment.objects.filter(ends_on__isnull=True).values_list("business_id", flat=True)
    )
    today = timezone.localdate()
    made = 0
    for prefix, office in offices.items():
        rows = []
        for row, official in plan:
            business = businesses.get(row.uscc or row.registration_number)
            if business is None or business.pk in covered:
                continue
            if not official.division_code.startswith(prefix):
                continue
            rows.append(
                PlannedAssignment(
                    official=officials["+86" + official.phone],
                    business=business,
                    starts_on=min(max(row.registered_on, LEDGER_DAY), today),
                )
            )
        made += assignments_write(actor=office, plan=rows)
    return made


@transaction.atomic
def demo_load() -> DemoSummary:
    """Load (or refresh) the demo. Raises Conflict when the database holds non-demo data."""
    if not database_holds_demo_only():
        raise Conflict(
            code="demo_refused",
            message=_("This database holds data that is not the demo's; the demo was not loaded."),
        )
    table = read_table(
        name=DIVISIONS_FILE.name, data=DIVISIONS_FILE.read_bytes(), columns=DIVISION_COLUMNS
    )
    division_table_import(actor=None, rows=table, vintage=DIVISION_VINTAGE)
    divisions = {d.code: d for d in Division.objects.filter(vintage=DIVISION_VINTAGE)}
    village = _village_for_demo()
    business_rows, created = _businesses_load(_golmud_units(table), divisions)
    director_business = _director_business(business_rows)

    # One hash for every account: the demo password is printed for all to read, and hashing it
    # thirteen times was most of the load's time.
    password = make_password(settings.LIANGZE_DEMO_PASSWORD)
    logins = []
    for person in DEMO_PEOPLE:
        division = divisions.get(person.division_code) if person.division_code else None
        business = None
        if person.username == "village_official":
            division = village
        if person.role in (Role.BUSINESS_DIRECTOR, Role.BUSINESS_OFFICER):
            business = director_business
            division = business.division
        user, _created = User.objects.get_or_create(username=person.username)
        user.display_name = person.display_name
        user.division = division
        user.is_active = True
        user.must_change_password = False
        user.password = password
        user.save()
        _grant(user, person.role, division, business)
        logins.append(
            DemoLogin(
                username=person.username,
                display_name=person.display_name,
                role_label=str(dict(RoleGrant._meta.get_field("role").choices)[person.role]),
                division_name=division.name if division else "—",
                description=str(person.description),
                business_name=business.name if business else "",
            )
        )
    official_rows = demo_officials(_golmud_units(table), business_rows, demo_village=village.code)
    # Golmud's office keeps Golmud's officials; the prefecture's keeps its own (the A grade).
    users = {
        u.username: u for u in User.objects.filter(username__in=["haixi_office", "golmud_office"])
    }
    offices = {GOLMUD[:6]: users["golmud_office"], HAIXI: users["haixi_office"]}
    _officials_load(official_rows, offices=offices, password_hash=password)
    plan = demo_assignments(business_rows, official_rows)
    assignments_created = _assignments_load(plan, offices=offices)
    planner_statistics_refresh()  # docs/architecture.md#bulk-loads
    # The officials' letters and lists, about 95% signed; the demo village's in Word, to sign.
    documents = demo_documents_load(
        region=divisions.get("630000000000", village), rendered_posts=[village]
    )
    # A year of supervision visits with their problems and photos.
    visits = demo_visits_load()
    planner_statistics_refresh()
    # Problems across every state of the closed loop (after the visits, which make most of them).
    problems = demo_problems_load()
    # Directors, officers, risk lists and a quarter of self-checks for Golmud's businesses.
    staff = User.objects.filter(username__in=["business_director", "business_officer"])
    enterprise = demo_enterprise_load(
        region=divisions[GOLMUD],
        staff_users={director_business.pk: [(u.username, u) for u in staff]},
    )
    planner_statistics_refresh()
    # The dashboards' summary tables, from scratch: the last quarters and their years.
    quarters = recent_quarters(DEMO_FIGURE_QUARTERS)
    # The regulator's register of Golmud, in force over those quarters.
    register = demo_register_load(county=divisions[GOLMUD], valid_from=quarters[0].start)
    figures_rebuild(periods=sorted({*quarters, *(Period(q.year) for q in quarters)}))
    by_grade = dict(sorted(Counter(row.grade for row in business_rows).items()))
    by_level = dict(
        sorted(Counter(Official.objects.values_list("grant__division__level", flat=True)).items())
    )
    uncovered = (
        Business.objects.filter(status=BusinessStatus.OPERATING)
        .exclude(pk__in=Assignment.objects.filter(ends_on__isnull=True).values("business_id"))
        .count()
    )
    audit_event_record(
        actor=None,
        action=AuditAction.DEMO_LOADED,
        data={
            "people": len(DEMO_PEOPLE),
            "businesses": len(business_rows),
            "businesses_created": created,
            "businesses_by_grade": by_grade,
            "officials_by_level": by_level,
            "assignments_created": assignments_created,
            "documents": documents.documents,
            "documents_signed": documents.signed,
            "visits": visits.visits,
            "visit_problems": visits.problems,
            "problems": problems["problems"],
            "safety_directors": enterprise.directors,
            "safety_officers": enterprise.officers,
            "daily_checks": enterprise.daily_checks,
            "register_entries": register.entries,
            "register_matched": register.matched,
        },
    )
    return DemoSummary(
        logins=logins,
        businesses_by_grade=by_grade,
        businesses_created=created,
        officials_by_level=by_level,
        assignments_created=assignments_created,
        uncovered=uncovered,
    )
