"""Objects in a county the viewer does not cover, for the cross-county walk.

Each path or body parameter name the walk may meet maps to a factory that makes (or finds) an
object of that kind inside `ForeignWorld.county` and returns the value to put in the URL. A new
endpoint with a new parameter name fails the walk until a factory is registered here: that is the
point, so no endpoint escapes the check.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from liangze.accounts.models import Role, RoleGrant, User
from liangze.accounts.services import user_create
from liangze.core.tree import SEGMENT_WIDTH
from liangze.regions.models import Division, Level

LEAK_MARK = "LEAKMARK"


@dataclass
class ForeignWorld:
    """A county outside the viewer's jurisdiction, with a marked village, office staff and a user."""

    county: Division
    village: Division
    staff: User
    cache: dict = field(default_factory=dict)

    def value(self, name: str):
        if name not in self.cache:
            factory = PARAM_FACTORIES.get(name)
            if factory is None:
                raise LookupError(f"no factory for parameter {name!r}: register one in {__name__}")
            self.cache[name] = factory(self)
        return self.cache[name]


def build_foreign_world(*, county: Division, township: Division) -> ForeignWorld:
    """Create a marked village, an office clerk and an account (and so audit events) in `county`."""
    village = Division.objects.create(
        code=township.code[:9] + "399",
        name=f"{LEAK_MARK}村",
        level=Level.VILLAGE,
        parent=township,
        path=f"pending-{uuid.uuid4().hex}",
        vintage=township.vintage,
    )
    village.path = township.path + str(village.pk).zfill(10)
    village.save(update_fields=["path"])
    staff = User.objects.create(
        username=f"foreign-staff-{county.pk}", display_name=f"{LEAK_MARK}办", division=county
    )
    RoleGrant.objects.create(user=staff, role=Role.OFFICE_STAFF, division=county)
    return ForeignWorld(county=county, village=village, staff=staff)


def _foreign_user(world: ForeignWorld) -> int:
    issued = user_create(
        actor=world.staff,
        username=f"foreign-user-{world.county.pk}",
        display_name=f"{LEAK_MARK}用户",
        division=world.village,
        role=Role.OFFICIAL,
    )
    return issued.user.pk


def _foreign_grant(world: ForeignWorld) -> int:
    user = User.objects.get(pk=world.value("user_id"))
    return user.grants.get().pk


def _foreign_api_token(world: ForeignWorld) -> int:
    from liangze.accounts.services import api_token_create

    return api_token_create(actor=world.staff, name=f"{LEAK_MARK} token", days=30).token.pk


def _foreign_job(world: ForeignWorld) -> int:
    """A job the foreign office started. Made directly, not by job_create: no file on disk."""
    from liangze.jobs.models import Job

    job = Job.objects.create(
        kind="division_import",
        input_name=f"{LEAK_MARK}.csv",
        params={"vintage": 2023},
        created_by=world.staff,
        division=world.county,
    )
    return job.pk


def _foreign_file(world: ForeignWorld) -> str:
    from django.core.files.base import ContentFile

    from liangze.files.services import stored_file_save

    upload = ContentFile(b"%PDF-1.4\n% " + LEAK_MARK.encode() + b"\n", name=f"{LEAK_MARK}.pdf")
    return str(
        stored_file_save(
            actor=world.staff, division=world.village, kind="scan", upload=upload
        ).public_id
    )


def _foreign_business(world: ForeignWorld) -> int:
    from liangze.businesses.testing import make_business

    business = make_business(
        actor=world.staff,
        division=world.village,
        serial=900_000 + world.county.pk,
        name=f"{LEAK_MARK}餐馆",
    )
    return business.pk


def _foreign_public_report(world: ForeignWorld) -> int:
    """A report a member of the public sent about the foreign business."""
    from liangze.businesses.models import PublicReport

    return PublicReport.objects.create(
        business_id=world.value("business_id"),
        description=f"{LEAK_MARK}异味",
        contact_phone="+8613800000000",
    ).pk


def _foreign_problem(world: ForeignWorld) -> int:
    """A problem found at the foreign business, pushed to no one."""
    from django.utils import timezone

    from liangze.businesses.models import Business
    from liangze.rectification.models import Problem

    business = Business.objects.get(pk=world.value("business_id"))
    now = timezone.now()
    return Problem.objects.create(
        business=business,
        division=business.division,
        source="public_report",
        description=f"{LEAK_MARK}问题",
        found_at=now,
        status_changed_at=now,
    ).pk


def _foreign_notification(world: ForeignWorld) -> int:
    """A notification addressed to the foreign office clerk."""
    from liangze.notifications.models import Notification

    return Notification.objects.create(
        user=world.staff, kind="problem_pushed", title=f"{LEAK_MARK}通知"
    ).pk


def _foreign_official(world: ForeignWorld) -> int:
    from liangze.officials.services import official_create

    issued = official_create(
        actor=world.staff,
        display_name=f"{LEAK_MARK}干部",
        phone=f"1370{world.county.pk:07d}",
        division=world.village,
        position=LEAK_MARK,
    )
    return issued.official.pk


def _foreign_successor(world: ForeignWorld) -> int:
    from liangze.officials.services import official_create

    issued = official_create(
        actor=world.staff,
        display_name=f"{LEAK_MARK}接任",
        phone=f"1371{world.county.pk:07d}",
        division=world.village,
    )
    return issued.official.pk


def _foreign_assignment(world: ForeignWorld) -> int:
    from liangze.businesses.models import Business
    from liangze.officials.models import Official
    from liangze.officials.services import assignment_create

    business = Business.objects.get(pk=world.value("business_id"))
    business.grade = "D"
    business.save(update_fields=["grade"])
    official = Official.objects.get(pk=world.value("official_id"))
    return assignment_create(actor=world.staff, official=official, business=business).pk


def _foreign_document(world: ForeignWorld) -> int:
    """The foreign official's commitment letter, generated by the foreign office."""
    from django.utils import timezone

    from liangze.officials.documents.models import DutyDocument
    from liangze.officials.documents.services import duty_documents_generate

    world.value("assignment_id")
    duty_documents_generate(
        actor=world.staff,
        region=world.county,
        kinds=[DutyDocument.Kind.COMMITMENT],
        year=timezone.localdate().year,
    )
    return DutyDocument.objects.get(official_id=world.value("official_id")).pk


def _foreign_reminder(world: ForeignWorld) -> int:
    """A reminder of the foreign office clerk about the foreign letter."""
    from datetime import date

    from liangze.officials.documents.models import Reminder

    document_id = world.value("document_id")
    return Reminder.objects.create(
        user=world.staff,
        topic=Reminder.Topic.EXPIRES_SOON,
        document_id=document_id,
        due_on=date(2030, 1, 1),
        key=f"{document_id}:{LEAK_MARK}",
    ).pk


def _foreign_visit(world: ForeignWorld) -> int:
    """A clean remote visit by the foreign official to the foreign business."""
    from django.utils import timezone

    from liangze.officials.models import Assignment
    from liangze.visits.checklist import checklist_for
    from liangze.visits.services import ItemAnswer, VisitInput, visit_submit

    assignment = Assignment.objects.select_related("official__user", "business__division").get(
        pk=world.value("assignment_id")
    )
    data = VisitInput(
        business=assignment.business,
        visited_at=timezone.now(),
        mode="remote",
        answers={i.key: ItemAnswer() for i in checklist_for(assignment.business)},
        idempotency_key=uuid.uuid4(),
        representative=LEAK_MARK,
    )
    return visit_submit(actor=assignment.official.user, data=data).pk


def _foreign_officer(world: ForeignWorld) -> int:
    """An officer of the foreign business, with a notice addressed to a foreign user."""
    from liangze.businesses.models import Business
    from liangze.enterprise.services import officer_add

    business = Business.objects.get(pk=world.value("business_id"))
    return officer_add(actor=world.staff, business=business, name=f"{LEAK_MARK}安全员").pk


def _foreign_self_check_notice(world: ForeignWorld) -> int:
    from liangze.enterprise.models import SelfCheckNotice

    notice = SelfCheckNotice.objects.create(
        user=world.staff,
        business_id=world.value("business_id"),
        topic=SelfCheckNotice.Topic.DAILY_MISSING,
        due_on="2026-01-01",
        key=LEAK_MARK,
    )
    return notice.pk


def _foreign_notice(world: ForeignWorld) -> int:
    """A published quarterly notice of the foreign village."""
    from django.utils import timezone

    from liangze.dashboards.models import Notice

    return Notice.objects.create(
        region=world.village,
        period="2025Q4",
        status=Notice.Status.PUBLISHED,
        title=f"{LEAK_MARK}通报",
        summary=LEAK_MARK,
        figures_as_of=timezone.localdate(),
        generated_by=world.staff,
        published_by=world.staff,
        published_at=timezone.now(),
    ).pk


PARAM_FACTORIES: dict[str, Callable[[ForeignWorld], object]] = {
    "division_id": lambda world: world.village.pk,
    # The province above the foreign county: its settings are its own office's.
    "province_id": lambda world: int(world.county.path[:SEGMENT_WIDTH]),
    "within": lambda world: world.village.pk,
    "user_id": _foreign_user,
    "grant_id": _foreign_grant,
    "token_id": _foreign_api_token,
    "file_id": _foreign_file,
    "job_id": _foreign_job,
    "business_id": _foreign_business,
    "report_id": _foreign_public_report,
    "problem_id": _foreign_problem,
    "action": lambda world: "void",
    "notification_id": _foreign_notification,
    "official_id": _foreign_official,
    "successor_id": _foreign_successor,
    "assignment_id": _foreign_assignment,
    "document_id": _foreign_document,
    "reminder_id": _foreign_reminder,
    "visit_id": _foreign_visit,
    "kind": lambda world: "officer",
    # A business group of a province's starter lists (with `province_id`).
    "group": lambda world: "catering",
    # An item of a province's visit checklist (with `province_id`).
    "key": lambda world: "storage",
    "person_id": _foreign_officer,
    "self_check_notice_id": _foreign_self_check_notice,
    "notice_id": _foreign_notice,
    "extension": lambda world: "docx",
}

# Values that name nothing at all, to compare "not yours" with "does not exist".
MISSING_VALUES: dict[str, object] = {
    "uuid": "00000000-0000-4000-8000-000000000000",
    "int": 2_000_000_000,
}
