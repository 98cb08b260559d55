"""Writes to the business registry. Each service is one transaction with its audit event(s)."""

from collections.abc import Iterable, Mapping
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.audit.models import AuditAction, AuditEvent
from liangze.audit.services import audit_event_record, build_audit_event, changes_between, snapshot
from liangze.businesses.hooks import BusinessChange, run_business_changed
from liangze.businesses.models import Business, BusinessStatus, StatusChange, new_public_token
from liangze.businesses.search import name_search_fields
from liangze.businesses.validation import CLEANED_FIELDS, clean_business_fields
from liangze.core.dates import check_user_dates, date_bounds_errors
from liangze.core.errors import Conflict, Invalid
from liangze.regions.models import Division, Level

BUSINESS_LEVELS = (Level.TOWNSHIP, Level.VILLAGE)
# Status moves allowed (docs/domain.md §1.7). Closed is final: a reopened business is a new record.
TRANSITIONS = {
    BusinessStatus.OPERATING: {
        BusinessStatus.SUSPENDED,
        BusinessStatus.CLOSED,
        BusinessStatus.MOVED_OUT,
    },
    BusinessStatus.SUSPENDED: {
        BusinessStatus.OPERATING,
        BusinessStatus.CLOSED,
        BusinessStatus.MOVED_OUT,
    },
    BusinessStatus.MOVED_OUT: {BusinessStatus.OPERATING},
    BusinessStatus.CLOSED: set(),
}
TRACKED = (*CLEANED_FIELDS, "status", "status_since", "division")


def registration_changes(values: Iterable[tuple[str, object]]) -> dict:
    """A registration's audit changes: [None, value] for each field registered with a value.
    Blank fields (None, "", False) are left out: they say nothing, and an import writes one of
    these for each of 100,000 businesses."""
    return {
        name: (None, value)
        for name, value in values
        if value is not None and value is not False and value != ""
    }


def _check_division(division: Division) -> None:
    if division.level not in BUSINESS_LEVELS:
        raise Invalid(
            code="business_division_level",
            message=_("A business belongs to a township or a village."),
            fields={"division": _("Choose a township or a village.")},
        )


def _check_identity_free(
    *, uscc: str, registration_number: str, exclude_pk: int | None = None
) -> None:
    # The filters repeat the conditions of the unique indexes on live businesses (SQLite uses a
    # partial index only for a query that states its condition).
    live = Business.objects.exclude(status=BusinessStatus.CLOSED).exclude(pk=exclude_pk)
    if uscc and live.filter(uscc__gt="", uscc=uscc).exists():
        raise Invalid(
            code="uscc_taken",
            message=_("A live business with this credit code is already on the platform."),
            fields={"uscc": _("A live business with this credit code is already on the platform.")},
        )
    if (
        not uscc
        and registration_number
        and live.filter(
            uscc="", registration_number__gt="", registration_number=registration_number
        ).exists()
    ):
        raise Invalid(
            code="registration_taken",
            message=_("A live business with this registration number is already on the platform."),
            fields={
                "registration_number": _(
                    "A live business with this registration number is already on the platform."
                )
            },
        )


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise Invalid(
            code="reason_required",
            message=_("Give a reason."),
            fields={"reason": _("Give a reason.")},
        )
    return text[:200]


@transaction.atomic
def business_create(
    *,
    actor,
    division: Division,
    fields: Mapping[str, object],
    grade_reason: str,
    status_since: date | None = None,
    allow_pilot: bool = False,
) -> Business:
    """Register a business (operating from `status_since`, today by default).

    `fields` is raw input (see validation.INPUT_FIELDS); Invalid lists every bad field."""
    cleaned, errors = clean_business_fields(fields, allow_pilot=allow_pilot)
    if not (grade_reason or "").strip():
        errors["grade_reason"] = _("Say why the business has this grade.")
    errors.update(date_bounds_errors(status_since=status_since))
    if errors:
        raise Invalid(
            code="business_invalid", message=_("Please correct the marked fields."), fields=errors
        )
    _check_division(division)
    _check_identity_free(uscc=cleaned["uscc"], registration_number=cleaned["registration_number"])
    business = Business(
        **cleaned,
        **name_search_fields(cleaned["name"]),
        division=division,
        status=BusinessStatus.OPERATING,
        status_since=status_since or timezone.localdate(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            business.save()
    except IntegrityError:
        raise Conflict(
            code="business_identity_taken",
            message=_("A live business with this identity was registered meanwhile."),
        ) from None
    StatusChange.objects.create(
        business=business,
        from_status="",
        to_status=BusinessStatus.OPERATING,
        effective_on=business.status_since,
        reason=_("Registered"),
        actor=actor if getattr(actor, "pk", None) else None,
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.BUSINESS_CREATED,
        target=business,
        changes=registration_changes(snapshot(business, TRACKED).items()),
        data={"grade_reason": grade_reason.strip()},
    )
    return business


@transaction.atomic
def business_update(
    *, actor, business: Business, fields: Mapping[str, object], allow_pilot: bool = False
) -> Business:
    """Change descriptive fields. Grade, status and division have services of their own."""
    allowed = {k: v for k, v in fields.items() if k not in ("grade", "status", "division")}
    cleaned, errors = clean_business_fields(allowed, partial=True, allow_pilot=allow_pilot)
    if errors:
        raise Invalid(
            code="business_invalid", message=_("Please correct the marked fields."), fields=errors
        )
    before = snapshot(business, TRACKED)
    for name, value in cleaned.items():
        setattr(business, name, value)
    after = snapshot(business, TRACKED)
    changes = changes_between(before, after)
    if not changes:
        return business
    _check_identity_free(
        uscc=business.uscc, registration_number=business.registration_number, exclude_pk=business.pk
    )
    keys = name_search_fields(business.name) if "name" in changes else {}
    for name, value in keys.items():
        setattr(business, name, value)
    business.save(update_fields=[*changes, *keys, "updated_at"])
    audit_event_record(
        actor=actor, action=AuditAction.BUSINESS_UPDATED, target=business, changes=changes
    )
    return business


def _regrade_one(*, actor, business: Business, grade: str, reason: str) -> AuditEvent | None:
    if business.grade == grade:
        return None
    now = timezone.now()
    moved = Business.objects.filter(pk=business.pk, grade=business.grade).update(
        grade=grade, updated_at=now
    )
    if not moved:
        raise Conflict(
            code="business_changed",
            message=_("The business was changed meanwhile; reload and try again."),
        )
    event = build_audit_event(
        actor=actor,
        action=AuditAction.BUSINESS_REGRADED,
        target=business,
        changes={"grade": [business.grade, grade]},
        data={"reason": reason},
    )
    business.grade = grade
    return event


@transaction.atomic
def business_regrade(*, actor, business: Business, grade: str, reason: str) -> Business:
    """Set the covering grade (the office decides, with a reason; docs/domain.md §1.2)."""
    from liangze.businesses.models import Grade

    if grade not in Grade.values:
        raise Invalid(
            code="grade_invalid",
            message=_("The grade is A, B, C or D."),
            fields={"grade": _("The grade is A, B, C or D.")},
        )
    event = _regrade_one(actor=actor, business=business, grade=grade, reason=_reason(reason))
    if event is not None:
        event.save()
        run_business_changed(
            actor=actor,
            change=BusinessChange.REGRADED,
            businesses=[business],
            effective_on=timezone.localdate(),
        )
    return business


def _status_one(
    *, actor, business: Business, to_status: str, effective_on: date, reason: str
) -> AuditEvent:
    if to_status not in TRANSITIONS.get(business.status, set()):
        raise Conflict(
            code="status_transition",
            message=_("A business that is %(current)s cannot become %(target)s.")
            % {"current": business.get_status_display(), "target": BusinessStatus(to_status).label},
        )
    now = timezone.now()
    moved = Business.objects.filter(pk=business.pk, status=business.status).update(
        status=to_status, status_since=effective_on, updated_at=now
    )
    if not moved:
        raise Conflict(
            code="business_changed",
            message=_("The business was changed meanwhile; reload and try again."),
        )
    StatusChange.objects.create(
        business=business,
        from_status=business.status,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    event = build_audit_event(
        actor=actor,
        action=AuditAction.BUSINESS_STATUS_CHANGED,
        target=business,
        changes={
            "status": [business.status, to_status],
            "status_since": [business.status_since.isoformat(), effective_on.isoformat()],
        },
        data={"reason": reason},
    )
    business.status, business.status_since = to_status, effective_on
    return event


@transaction.atomic
def business_status_change(
    *, actor, business: Business, to_status: str, effective_on: date, reason: str
) -> Business:
    """Move the status (compare-and-set). A closed business leaves the figures from `effective_on`."""
    if to_status not in BusinessStatus.values:
        raise Invalid(
            code="status_invalid",
            message=_("Unknown status."),
            fields={"to_status": _("Unknown status.")},
        )
    check_user_dates(effective_on=effective_on)
    _status_one(
        actor=actor,
        business=business,
        to_status=to_status,
        effective_on=effective_on,
        reason=_reason(reason),
    ).save()
    run_business_changed(
        actor=actor,
        change=BusinessChange.STATUS_CHANGED,
        businesses=[business],
        effective_on=effective_on,
    )
    return business


@transaction.atomic
def business_move(*, actor, business: Business, division: Division, reason: str) -> Business:
    """Move the business to another township or village of the actor's reach."""
    _check_division(division)
    reason = _reason(reason)
    if division.pk == business.division_id:
        return business
    previous = business.division
    moved = Business.objects.filter(pk=business.pk, division=previous).update(
        division=division, updated_at=timezone.now()
    )
    if not moved:
        raise Conflict(
            code="business_changed",
            message=_("The business was changed meanwhile; reload and try again."),
        )
    business.division = division
    audit_event_record(
        actor=actor,
        action=AuditAction.BUSINESS_MOVED,
        target=business,
        changes={"division": [previous.code, division.code]},
        data={"reason": reason, "from_path": previous.path},
    )
    run_business_changed(
        actor=actor,
        change=BusinessChange.MOVED,
        businesses=[business],
        effective_on=timezone.localdate(),
    )
    return business


@transaction.atomic
def business_public_token_reissue(*, actor, business: Business) -> Business:
    """Revoke the QR code's token and issue a new one: old stickers stop working."""
    business.public_token = new_public_token()
    business.save(update_fields=["public_token", "updated_at"])
    audit_event_record(actor=actor, action=AuditAction.BUSINESS_QR_REISSUED, target=business)
    return business


@transaction.atomic
def business_bulk_regrade(*, actor, businesses: Iterable[Business], grade: str, reason: str) -> int:
    """Regrade a selection: all or nothing, one audit event per changed business."""
    from liangze.businesses.models import Grade

    if grade not in Grade.values:
        raise Invalid(
            code="grade_invalid",
            message=_("The grade is A, B, C or D."),
            fields={"grade": _("The grade is A, B, C or D.")},
        )
    reason = _reason(reason)
    changed = []
    events = []
    for business in businesses:
        event = _regrade_one(actor=actor, business=business, grade=grade, reason=reason)
        if event is not None:
            changed.append(business)
            events.append(event)
    AuditEvent.objects.bulk_create(events)
    run_business_changed(
        actor=actor,
        change=BusinessChange.REGRADED,
        businesses=changed,
        effective_on=timezone.localdate(),
    )
    return len(events)


@transaction.atomic
def business_bulk_status_change(
    *, actor, businesses: Iterable[Business], to_status: str, effective_on: date, reason: str
) -> int:
    """Change the status of a selection: all or nothing (one refused move refuses the batch)."""
    if to_status not in BusinessStatus.values:
        raise Invalid(
            code="status_invalid",
            message=_("Unknown status."),
            fields={"to_status": _("Unknown status.")},
        )
    check_user_dates(effective_on=effective_on)
    reason = _reason(reason)
    changed = [b for b in businesses if b.status != to_status]
    events = [
        _status_one(
            actor=actor, business=b, to_status=to_status, effective_on=effective_on, reason=reason
        )
        for b in changed
    ]
    AuditEvent.objects.bulk_create(events)
    run_business_changed(
        actor=actor,
        change=BusinessChange.STATUS_CHANGED,
        businesses=changed,
        effective_on=effective_on,
    )
    return len(events)
