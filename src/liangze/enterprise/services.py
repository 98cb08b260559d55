"""Writes of the enterprise duties (docs/domain.md §1.8). Each service is one transaction with
its audit event; access is checked by the caller (views, API) with enterprise.access, except
where the service is the only gate (enrolment).

Records are append-only: nothing here updates or deletes a submitted record. A correction is a
new record that names the one it corrects.
"""

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.accounts.models import Role, RoleGrant, User
from liangze.accounts.services import user_create
from liangze.accounts.validation import validate_username
from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record
from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.services import business_update
from liangze.businesses.types import TYPE_GROUP, BusinessType
from liangze.core.errors import Conflict, Invalid, NotFound, Throttled
from liangze.core.phones import normalise_phone
from liangze.core.ratelimit import Rate, ip_scope, ratelimit_take
from liangze.core.tree import SEGMENT_WIDTH
from liangze.enterprise import periods
from liangze.enterprise.figures import mark_business
from liangze.enterprise.models import (
    ClosedDay,
    DailyCheck,
    DailyCheckFailure,
    EnrolmentCode,
    EnterpriseProfile,
    Frequency,
    MonthlyMeeting,
    RiskControlList,
    RiskPoint,
    RiskTemplatePoint,
    SafetyDirector,
    SafetyOfficer,
    SelfCheckNotice,
    TrainingRecord,
    WeeklyReview,
    WeekRating,
)
from liangze.enterprise.starter import FIELDS, starter_rows
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.regions.models import Division

ENROLMENT_DAYS = 7
ENROLMENT_ROLES = (Role.BUSINESS_DIRECTOR, Role.BUSINESS_OFFICER)
# Enrolment attempts per client and per credit code (as the login lockout limits guesses).
ENROLMENT_PER_CLIENT = Rate(count=10, period=timedelta(hours=1))
ENROLMENT_PER_CODE = Rate(count=5, period=timedelta(hours=1))
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CODE_LENGTH = 10


def _invalid(fields: Mapping[str, str]):
    return Invalid(
        code="enterprise_invalid", message=_("Please correct the marked fields."), fields=fields
    )


def _text(value, *, limit: int) -> str:
    return str(value or "").strip()[:limit]


# --- profile and people --------------------------------------------------------------------


def profile_of(business: Business) -> EnterpriseProfile:
    """The business's profile, or an unsaved default one (every weekday operating)."""
    found = EnterpriseProfile.objects.filter(business=business).first()
    return found or EnterpriseProfile(business=business)


@transaction.atomic
def enterprise_profile_update(
    *,
    actor,
    business: Business,
    principal_name: str | None = None,
    principal_phone: str | None = None,
    people_served: int | None = None,
    operating_weekdays: str | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    address: str | None = None,
) -> EnterpriseProfile:
    """The principal, people served, operating days and the business's contact details. Its
    identity, grade and status stay with the office (businesses.services)."""
    errors = {}
    profile = profile_of(business)
    before = {
        "principal_name": profile.principal_name,
        "principal_phone": profile.principal_phone,
        "people_served": profile.people_served,
        "operating_weekdays": profile.operating_weekdays,
    }
    if principal_name is not None:
        profile.principal_name = _text(principal_name, limit=50)
    if principal_phone is not None:
        try:
            profile.principal_phone = normalise_phone(principal_phone)
        except ValidationError as exc:
            errors["principal_phone"] = exc.messages[0]
    if people_served is not None:
        if people_served < 0 or people_served > 10_000_000:
            errors["people_served"] = _("Give a number between 0 and 10,000,000.")
        profile.people_served = people_served
    if operating_weekdays is not None:
        days = "".join(sorted(set(str(operating_weekdays)) & set("1234567")))
        if not days or len(days) != len(set(str(operating_weekdays))):
            errors["operating_weekdays"] = _("Choose at least one weekday.")
        profile.operating_weekdays = days
    if errors:
        raise _invalid(errors)
    contact = {
        name: value
        for name, value in (
            ("contact_name", contact_name),
            ("contact_phone", contact_phone),
            ("address", address),
        )
        if value is not None
    }
    if contact:
        business_update(actor=actor, business=business, fields=contact)
    after = {name: getattr(profile, name) for name in before}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes or profile.pk is None:
        profile.save()
        mark_business(business)
        audit_event_record(
            actor=actor,
            action=AuditAction.ENTERPRISE_PROFILE_UPDATED,
            target=business,
            changes=changes,
        )
    return profile


def _person_fields(*, name: str, phone: str, appointed_on: date | None, duties: str):
    errors = {}
    name = _text(name, limit=50)
    if not name:
        errors["name"] = _("Enter the person's full name.")
    try:
        phone = normalise_phone(phone or "")
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    appointed_on = appointed_on or periods.today()
    if appointed_on > periods.today():
        errors["appointed_on"] = _("An appointment cannot start in the future.")
    if errors:
        raise _invalid(errors)
    return {"name": name, "phone": phone, "appointed_on": appointed_on, "duties": duties[:2000]}


@transaction.atomic
def director_appoint(
    *,
    actor,
    business: Business,
    name: str,
    phone: str = "",
    appointed_on: date | None = None,
    duties: str = "",
    user: User | None = None,
) -> SafetyDirector:
    """Appoint the business's 食品安全总监; a current one ends the day before."""
    fields = _person_fields(name=name, phone=phone, appointed_on=appointed_on, duties=duties)
    current = SafetyDirector.objects.select_for_update().filter(
        business=business, ended_on__isnull=True
    )
    for old in current:
        old.ended_on = max(fields["appointed_on"] - timedelta(days=1), old.appointed_on)
        old.save(update_fields=["ended_on", "updated_at"])
    director = SafetyDirector.objects.create(business=business, user=user, **fields)
    mark_business(business)
    audit_event_record(
        actor=actor,
        action=AuditAction.SAFETY_DIRECTOR_APPOINTED,
        target=business,
        data={"director": director.pk, "name": director.name},
    )
    return director


@transaction.atomic
def officer_add(
    *,
    actor,
    business: Business,
    name: str,
    phone: str = "",
    appointed_on: date | None = None,
    duties: str = "",
    user: User | None = None,
) -> SafetyOfficer:
    fields = _person_fields(name=name, phone=phone, appointed_on=appointed_on, duties=duties)
    officer = SafetyOfficer.objects.create(business=business, user=user, **fields)
    mark_business(business)
    audit_event_record(
        actor=actor,
        action=AuditAction.SAFETY_OFFICER_ADDED,
        target=business,
        data={"officer": officer.pk, "name": officer.name},
    )
    return officer


@transaction.atomic
def safety_person_end(*, actor, person, on: date | None = None):
    """End a director's or officer's appointment (compare-and-set: a second end is a Conflict).
    Their login, if any, loses its role on the business."""
    on = on or periods.today()
    if on < person.appointed_on:
        raise _invalid({"on": _("The end cannot come before the appointment.")})
    moved = (
        type(person)
        .objects.filter(pk=person.pk, ended_on__isnull=True)
        .update(ended_on=on, updated_at=timezone.now())
    )
    if not moved:
        raise Conflict(code="appointment_ended", message=_("This appointment has already ended."))
    if person.user_id:
        role = (
            Role.BUSINESS_DIRECTOR if isinstance(person, SafetyDirector) else Role.BUSINESS_OFFICER
        )
        RoleGrant.objects.filter(
            user_id=person.user_id, role=role, business=person.business, revoked_at__isnull=True
        ).update(revoked_at=timezone.now(), updated_at=timezone.now())
    mark_business(person.business)
    audit_event_record(
        actor=actor,
        action=AuditAction.SAFETY_PERSON_ENDED,
        target=person.business,
        data={"kind": type(person).__name__, "person": person.pk, "on": on.isoformat()},
    )
    person.refresh_from_db()
    return person


@transaction.atomic
def training_record(*, actor, person, held_on: date, hours, topic: str) -> TrainingRecord:
    errors = {}
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        hours = Decimal(0)
    if not Decimal(0) < hours <= Decimal(24):
        errors["hours"] = _("Give the hours of one day's training (up to 24).")
    if held_on > periods.today():
        errors["held_on"] = _("Training cannot be recorded ahead of time.")
    topic = _text(topic, limit=200)
    if not topic:
        errors["topic"] = _("Name the training.")
    if errors:
        raise _invalid(errors)
    kind = "director" if isinstance(person, SafetyDirector) else "officer"
    record = TrainingRecord.objects.create(
        held_on=held_on, hours=hours, topic=topic, **{kind: person}
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.SAFETY_TRAINING_RECORDED,
        target=person.business,
        data={kind: person.pk, "hours": str(hours)},
    )
    return record


def _grant_on_business(*, actor, user: User, role: str, business: Business) -> RoleGrant:
    return RoleGrant.objects.create(
        user=user, role=role, division=business.division, business=business, granted_by=actor
    )


def staff_account_create(
    *, actor, business: Business, role: str, username: str, display_name: str, phone: str = ""
):
    """An account for a director or officer, made by the office: the usual account with its
    role held on the business (accounts.models.RoleGrant.business). Returns IssuedAccount."""
    if role not in ENROLMENT_ROLES:
        raise _invalid({"role": _("Unknown role.")})
    with transaction.atomic():
        issued = user_create(
            actor=actor,
            username=username,
            display_name=display_name,
            division=business.division,
            role=role,
            phone=phone,
        )
        RoleGrant.objects.filter(user=issued.user, role=role, business__isnull=True).update(
            business=business
        )
        issued.user.forget_cached_grants()
    return issued


# --- enrolment -----------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode("ascii", "ignore")).hexdigest()


@dataclass(frozen=True)
class IssuedEnrolment:
    enrolment: EnrolmentCode
    code: str


@transaction.atomic
def enrolment_code_issue(*, actor, business: Business, role: str) -> IssuedEnrolment:
    """A single-use code valid 7 days, shown once; only its hash is kept."""
    if role not in ENROLMENT_ROLES:
        raise _invalid({"role": _("Unknown role.")})
    if business.status != BusinessStatus.OPERATING:
        raise _invalid({"business": _("Only an operating business can enrol its staff.")})
    code = "".join(secrets.choice(_CODE_ALPHABET) for _i in range(_CODE_LENGTH))
    enrolment = EnrolmentCode.objects.create(
        business=business,
        role=role,
        code_hash=_code_hash(code),
        expires_at=timezone.now() + timedelta(days=ENROLMENT_DAYS),
        created_by=actor,
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.ENROLMENT_CODE_ISSUED,
        target=business,
        data={"enrolment": enrolment.pk, "role": role},
    )
    return IssuedEnrolment(enrolment=enrolment, code=f"{code[:5]}-{code[5:]}")


def enrolment_redeem(
    *,
    uscc: str,
    code: str,
    username: str,
    display_name: str,
    phone: str,
    password: str,
    client_ip: str | None,
) -> User:
    """Self-registration of a director or officer with the business's credit code and the code
    the office handed out. Every attempt spends a token of the client's and of the credit
    code's bucket before anything is checked (taken outside the transaction, so that a refused
    attempt still counts); a wrong code, an expired or used one, and an unknown credit code all
    get the same answer."""
    uscc = str(uscc or "").strip().upper()[:18]
    if not ratelimit_take(
        [
            (f"enrolment:ip:{ip_scope(client_ip)}", ENROLMENT_PER_CLIENT),
            (f"enrolment:uscc:{uscc}", ENROLMENT_PER_CODE),
        ]
    ):
        raise Throttled(
            code="enrolment_rate_limited",
            message=_("Too many attempts. Wait an hour and try again, or ask your office."),
        )
    return _enrolment_redeem(
        uscc=uscc,
        code=code,
        username=username,
        display_name=display_name,
        phone=phone,
        password=password,
    )


@transaction.atomic
def _enrolment_redeem(
    *, uscc: str, code: str, username: str, display_name: str, phone: str, password: str
) -> User:
    now = timezone.now()
    enrolment = (
        EnrolmentCode.objects.select_related("business__division")
        .filter(
            code_hash=_code_hash(str(code or "")),
            business__uscc=uscc,
            used_at__isnull=True,
            expires_at__gt=now,
        )
        .exclude(business__status=BusinessStatus.CLOSED)
        .first()
    )
    if enrolment is None or not uscc:
        raise Invalid(
            code="enrolment_refused",
            message=_("The credit code and enrolment code do not match a valid enrolment."),
            fields={"code": _("Check the code, or ask your office for a new one.")},
        )
    errors = {}
    username = str(username or "").strip()
    display_name = _text(display_name, limit=50)
    try:
        validate_username(username)
    except ValidationError as exc:
        errors["username"] = exc.messages[0]
    else:
        if User.objects.filter(username__iexact=username).exists():
            errors["username"] = _("This username is taken.")
    if not display_name:
        errors["display_name"] = _("Enter the person's full name.")
    try:
        phone = normalise_phone(phone or "")
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    user = User(
        username=username,
        display_name=display_name,
        phone=phone,
        division=enrolment.business.division,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if errors:
        raise _invalid(errors)
    used = EnrolmentCode.objects.filter(pk=enrolment.pk, used_at__isnull=True).update(
        used_at=now, updated_at=now
    )
    if not used:
        raise Conflict(code="enrolment_used", message=_("This enrolment code was just used."))
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict(code="username_taken", message=_("This username is taken.")) from None
    EnrolmentCode.objects.filter(pk=enrolment.pk).update(used_by=user)
    _grant_on_business(actor=None, user=user, role=enrolment.role, business=enrolment.business)
    audit_event_record(
        actor=user,
        action=AuditAction.ENROLMENT_REDEEMED,
        target=enrolment.business,
        data={"enrolment": enrolment.pk, "role": enrolment.role, "user": user.pk},
    )
    return user


# --- risk control lists ----------------------------------------------------------------------


def _province_of(division: Division) -> Division:
    """The root of the division's tree (the province)."""
    return Division.objects.get(path=division.path[:SEGMENT_WIDTH])


def template_rows(*, province: Division | None, group: str) -> list[dict]:
    """A province's starter set for a group, or the shipped one when it has none."""
    if province is not None:
        rows = list(
            RiskTemplatePoint.objects.filter(province=province, group=group).values(
                "position", *FIELDS
            )
        )
        if rows:
            return rows
    return starter_rows(group)


def _clean_points(rows: Sequence[Mapping]) -> list[dict]:
    cleaned, errors = [], {}
    for index, row in enumerate(rows, start=1):
        item = {
            "stage": _text(row.get("stage"), limit=100),
            "point": _text(row.get("point"), limit=200),
            "description": _text(row.get("description"), limit=1000),
            "measure": _text(row.get("measure"), limit=1000),
            "target": _text(row.get("target"), limit=200),
            "frequency": str(row.get("frequency") or ""),
            "responsible": _text(row.get("responsible"), limit=100),
        }
        if not item["point"] or not item["stage"] or not item["measure"]:
            errors[f"points.{index}"] = _("Each row needs a stage, a risk point and a measure.")
        if item["frequency"] not in Frequency.values:
            errors[f"points.{index}.frequency"] = _("Choose daily, weekly or monthly.")
        item["position"] = index
        cleaned.append(item)
    if not cleaned:
        errors["points"] = _("A list needs at least one risk point.")
    if len(cleaned) > 200:
        errors["points"] = _("A list holds at most 200 risk points.")
    if errors:
        raise _invalid(errors)
    return cleaned


def current_risk_list(business: Business) -> RiskControlList | None:
    return RiskControlList.objects.filter(business=business).order_by("-version").first()


@transaction.atomic
def risk_list_save(
    *, actor, business: Business, rows: Sequence[Mapping] | None = None, note: str = ""
) -> RiskControlList:
    """A new version of the business's list: `rows` as given, or (first list, no rows) the
    province's starter set for the business's group. Earlier versions stay as they were."""
    Business.objects.select_for_update().filter(pk=business.pk).first()
    if rows is None:
        group = TYPE_GROUP[BusinessType(business.business_type)]
        rows = template_rows(province=_province_of(business.division), group=group)
    points = _clean_points(rows)
    last = RiskControlList.objects.filter(business=business).aggregate(v=Max("version"))["v"]
    risk_list = RiskControlList.objects.create(
        business=business, version=(last or 0) + 1, note=_text(note, limit=200), created_by=actor
    )
    RiskPoint.objects.bulk_create(RiskPoint(risk_list=risk_list, **point) for point in points)
    audit_event_record(
        actor=actor,
        action=AuditAction.RISK_LIST_SAVED,
        target=business,
        data={"version": risk_list.version, "points": len(points)},
    )
    return risk_list


@transaction.atomic
def risk_template_save(*, actor, province: Division, group: str, rows: Sequence[Mapping]) -> int:
    """Replace a province's starter set for a group (lists already made keep their rows)."""
    points = _clean_points(rows)
    RiskTemplatePoint.objects.filter(province=province, group=group).delete()
    RiskTemplatePoint.objects.bulk_create(
        RiskTemplatePoint(province=province, group=group, **point) for point in points
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.RISK_TEMPLATE_SAVED,
        target=province,
        data={"group": group, "points": len(points)},
    )
    return len(points)


# --- records ---------------------------------------------------------------------------------


def _list_for_record(business: Business) -> RiskControlList:
    risk_list = current_risk_list(business)
    if risk_list is None:
        raise Invalid(
            code="risk_list_missing",
            message=_("Set up the risk control list first."),
        )
    return risk_list


def _corrected(model, business: Business, corrects_id: int | None):
    if corrects_id is None:
        return None
    found = model.objects.filter(pk=corrects_id, business=business).first()
    if found is None:
        raise NotFound(code="record_not_found", message=_("Not found."))
    if model.objects.filter(corrects=found).exists():
        raise Conflict(code="record_corrected", message=_("This record was already corrected."))
    return found


@transaction.atomic
def daily_check_submit(
    *,
    actor,
    business: Business,
    on: date | None = None,
    failures: Sequence[Mapping] = (),
    note: str = "",
    corrects_id: int | None = None,
) -> DailyCheck:
    """《每日食品安全检查记录》 for today or (late) yesterday. "All pass" is no failures: one row.
    Each failure names a daily risk point of the current list and what was found."""
    on = on or periods.today()
    late = periods.entry_lateness(periods.DAY, on, field="on")
    risk_list = _list_for_record(business)
    corrects = _corrected(DailyCheck, business, corrects_id)
    points = {p.pk: p for p in risk_list.points.all()}
    cleaned, errors, seen, to_open = [], {}, set(), []
    for index, failure in enumerate(failures, start=1):
        point = points.get(failure.get("risk_point_id"))
        problem = _text(failure.get("problem"), limit=500)
        if point is None or point.pk in seen:
            errors[f"failures.{index}.risk_point_id"] = _("Choose a risk point of the list.")
            continue
        seen.add(point.pk)
        if not problem:
            errors[f"failures.{index}.problem"] = _("Say what was wrong.")
        deadline = failure.get("deadline")
        if deadline is not None and deadline < on:
            errors[f"failures.{index}.deadline"] = _("The deadline cannot be before the check.")
        if failure.get("open_problem"):
            photo = failure.get("photo")
            if photo is None:
                errors[f"failures.{index}.photo"] = _(
                    "A problem opened for the official needs a photo of what was found."
                )
            to_open.append((point, problem, photo))
        cleaned.append(
            DailyCheckFailure(
                risk_point=point,
                problem=problem,
                measure=_text(failure.get("measure"), limit=500),
                owner=_text(failure.get("owner"), limit=50),
                deadline=deadline,
            )
        )
    if errors:
        raise _invalid(errors)
    check = DailyCheck.objects.create(
        business=business,
        risk_list=risk_list,
        author=actor,
        late=late,
        on=on,
        failures=len(cleaned),
        note=_text(note, limit=2000),
        corrects=corrects,
    )
    for item in cleaned:
        item.check_record = check
    DailyCheckFailure.objects.bulk_create(cleaned)
    opened = _open_in_closed_loop(actor=actor, business=business, check=check, items=to_open)
    mark_business(business)
    audit_event_record(
        actor=actor,
        action=AuditAction.DAILY_CHECK_SUBMITTED,
        target=business,
        data={
            "check": check.pk,
            "on": on.isoformat(),
            "failures": len(cleaned),
            "late": late,
            "problems_opened": opened,
        },
    )
    return check


def _open_in_closed_loop(*, actor, business: Business, check: DailyCheck, items) -> int:
    """Failed items the business cannot fix itself become `open` problems of the closed loop
    (source: self-check) for the responsible official to push (docs/domain.md §1.8, §1.6)."""
    if not items:
        return 0
    from liangze.rectification.models import ProblemSource
    from liangze.rectification.services import ProblemDraft, problem_record_many

    problems = problem_record_many(
        actor=actor,
        business=business,
        source=ProblemSource.SELF_CHECK,
        source_id=check.pk,
        found_at=timezone.now(),
        drafts=[
            ProblemDraft(description=f"{point.point}：{problem}", photos=[photo])
            for point, problem, photo in items
        ],
    )
    return len(problems)


@transaction.atomic
def closed_day_mark(*, actor, business: Business, on: date, reason: str = "") -> ClosedDay:
    """Mark today or yesterday closed: no daily check is due that day."""
    periods.entry_lateness(periods.DAY, on, field="on")
    try:
        with transaction.atomic():
            closed = ClosedDay.objects.create(
                business=business, on=on, reason=_text(reason, limit=200), author=actor
            )
    except IntegrityError:
        raise Conflict(code="closed_day_exists", message=_("That day is already closed.")) from None
    mark_business(business)
    audit_event_record(
        actor=actor,
        action=AuditAction.CLOSED_DAY_MARKED,
        target=business,
        data={"on": on.isoformat()},
    )
    return closed


def _notify_officials_of_serious_week(*, business: Business, review: WeeklyReview) -> int:
    """A week rated 3 notifies the official covering the business (docs/domain.md §1.8)."""
    from liangze.officials.selectors import covering_officials

    official = covering_officials([business.pk]).get(business.pk)
    if official is None:
        return 0
    _, created = SelfCheckNotice.objects.get_or_create(
        user=official.user,
        key=f"week3:{review.pk}",
        defaults={
            "business": business,
            "topic": SelfCheckNotice.Topic.WEEK_SERIOUS,
            "due_on": review.week_start,
        },
    )
    return int(created)


@transaction.atomic
def weekly_review_submit(
    *,
    actor,
    business: Business,
    week_start: date | None = None,
    rating: int,
    problems: str = "",
    rectification: str = "",
    corrects_id: int | None = None,
) -> WeeklyReview:
    """《每周食品安全排查治理报告》 for this week or (late) last week."""
    week_start = week_start or periods.week_start(periods.today())
    late = periods.entry_lateness(periods.WEEK, week_start, field="week_start")
    if rating not in WeekRating.values:
        raise _invalid({"rating": _("Rate the week 1, 2 or 3.")})
    if rating > 1 and not str(problems or "").strip():
        raise _invalid({"problems": _("Describe the hazards found.")})
    risk_list = _list_for_record(business)
    corrects = _corrected(WeeklyReview, business, corrects_id)
    review = WeeklyReview.objects.create(
        business=business,
        risk_list=risk_list,
        author=actor,
        late=late,
        week_start=week_start,
        rating=rating,
        problems=_text(problems, limit=4000),
        rectification=_text(rectification, limit=4000),
        corrects=corrects,
    )
    notified = 0
    if rating == WeekRating.SERIOUS:
        notified = _notify_officials_of_serious_week(business=business, review=review)
    mark_business(business)
    audit_event_record(
        actor=actor,
        action=AuditAction.WEEKLY_REVIEW_SUBMITTED,
        target=business,
        data={
            "review": review.pk,
            "week_start": week_start.isoformat(),
            "rating": rating,
            "late": late,
            "notified": notified,
        },
    )
    return review


def monthly_meeting_submit(
    *,
    actor,
    business: Business,
    month: date | None = None,
    held_on: date,
    place: str,
    chair: str,
    attendees: str,
    summary: str,
    priorities: str = "",
    signature_png: bytes | None = None,
    scan=None,
    corrects_id: int | None = None,
) -> MonthlyMeeting:
    """《每月食品安全调度会议纪要》 for this month or (late) last month, signed on screen
    (`signature_png`) or by an uploaded scan. The files are checked and stored first
    (files.services), outside the record's transaction."""
    month = month or periods.month_start(periods.today())
    late = periods.entry_lateness(periods.MONTH, month, field="month")
    errors = {}
    if not (month <= held_on <= periods.today()) or periods.month_start(held_on) != month:
        errors["held_on"] = _("The meeting is held within its month and not in the future.")
    fields = {
        "place": _text(place, limit=200),
        "chair": _text(chair, limit=50),
        "attendees": _text(attendees, limit=2000),
        "summary": _text(summary, limit=4000),
    }
    for name, value in fields.items():
        if not value:
            errors[name] = _("This field is required.")
    if signature_png is None and scan is None:
        errors["signature"] = _("Sign on screen or upload the signed minutes.")
    if errors:
        raise _invalid(errors)
    _list_for_record(business)
    signature = stored = None
    if signature_png is not None:
        signature = stored_file_save(
            actor=actor,
            division=business.division,
            kind=FileKind.SIGNATURE,
            upload=ContentFile(signature_png, name="signature.png"),
        )
    if scan is not None:
        stored = stored_file_save(
            actor=actor, division=business.division, kind=FileKind.SCAN, upload=scan
        )
    return _monthly_meeting_record(
        actor=actor,
        business=business,
        month=month,
        late=late,
        held_on=held_on,
        priorities=_text(priorities, limit=4000),
        signature=signature,
        scan=stored,
        corrects_id=corrects_id,
        **fields,
    )


@transaction.atomic
def _monthly_meeting_record(*, actor, business, corrects_id, **fields) -> MonthlyMeeting:
    corrects = _corrected(MonthlyMeeting, business, corrects_id)
    meeting = MonthlyMeeting.objects.create(
        business=business,
        risk_list=current_risk_list(business),
        author=actor,
        corrects=corrects,
        **fields,
    )
    mark_business(business)
    audit_event_record(
        actor=actor,
        action=AuditAction.MONTHLY_MEETING_SUBMITTED,
        target=business,
        data={"meeting": meeting.pk, "month": fields["month"].isoformat(), "late": fields["late"]},
    )
    return meeting


@transaction.atomic
def self_check_notice_read(*, actor, notice: SelfCheckNotice) -> None:
    SelfCheckNotice.objects.filter(pk=notice.pk, user=actor, read_at__isnull=True).update(
        read_at=timezone.now(), updated_at=timezone.now()
    )


# --- reminders ---------------------------------------------------------------------------------


def _missing_daily_checks(day: date) -> list[int]:
    """Record keepers (anywhere) operating on `day`, not closed, with no daily check that day."""
    from liangze.enterprise.selectors import record_keepers_everywhere

    keepers = record_keepers_everywhere()
    ids = list(keepers.values_list("pk", flat=True))
    weekdays = dict(
        EnterpriseProfile.objects.filter(business_id__in=ids).values_list(
            "business_id", "operating_weekdays"
        )
    )
    done = set(
        DailyCheck.objects.filter(business_id__in=ids, on=day).values_list("business_id", flat=True)
    )
    done |= set(
        ClosedDay.objects.filter(business_id__in=ids, on=day).values_list("business_id", flat=True)
    )
    weekday = str(day.isoweekday())
    return [pk for pk in ids if pk not in done and weekday in weekdays.get(pk, "1234567")]


@transaction.atomic
def self_check_reminders_send(*, evening: bool, today: date | None = None) -> int:
    """docs/domain.md §1.12: at the end of the day a business with no check yet reminds its
    officers; the next morning a day still missing reminds the director (the officers when
    there is no director with a login). Once-only per person and day. Returns how many."""
    today = today or periods.today()
    day = today if evening else today - timedelta(days=1)
    missing = _missing_daily_checks(day)
    topic = SelfCheckNotice.Topic.DAILY_MISSING if evening else SelfCheckNotice.Topic.DAILY_MISSED
    officers = SafetyOfficer.objects.filter(
        business_id__in=missing, ended_on__isnull=True, user__isnull=False
    ).values_list("business_id", "user_id")
    to_notify = defaultdict(set)
    for business_id, user_id in officers:
        to_notify[business_id].add(user_id)
    if not evening:
        directors = dict(
            SafetyDirector.objects.filter(
                business_id__in=missing, ended_on__isnull=True, user__isnull=False
            ).values_list("business_id", "user_id")
        )
        for business_id, user_id in directors.items():
            to_notify[business_id] = {user_id}
    notices = [
        SelfCheckNotice(
            user_id=user_id,
            business_id=business_id,
            topic=topic,
            due_on=day,
            key=f"{topic}:{business_id}:{day.isoformat()}",
        )
        for business_id, users in to_notify.items()
        for user_id in users
    ]
    before = SelfCheckNotice.objects.count()
    SelfCheckNotice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=2000)
    sent = SelfCheckNotice.objects.count() - before
    audit_event_record(
        actor=None,
        action=AuditAction.SELF_CHECK_REMINDERS_SENT,
        data={"day": day.isoformat(), "evening": evening, "sent": sent},
    )
    return sent
