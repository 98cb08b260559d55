"""Writes of the closed loop (docs/domain.md §1.6).

`problem_record_many` is the one way a problem comes into being, whatever found it: a visit's
problem items, later a public report, a self-check or a complaint. A problem fixed on the spot is
recorded `closed` at once with its after photo; every other one starts `open` and is handed to
`problems_route`, which pushes it to the regulator.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangze.accounts.models import BUSINESS_ROLES, Role, User
from liangze.audit.models import AuditAction
from liangze.audit.services import access_refuse, audit_event_record, changes_between
from liangze.businesses.models import Business
from liangze.core.errors import Conflict, Forbidden, Invalid
from liangze.core.tree import SEGMENT_WIDTH
from liangze.notifications.services import Message, notifications_send
from liangze.officials.access import can_set_province_rules
from liangze.rectification.access import acting_as
from liangze.rectification.figures import mark_problems
from liangze.rectification.models import (
    CloseReason,
    LoopRule,
    Problem,
    ProblemPhoto,
    ProblemSource,
    ProblemStatus,
    Recheck,
    Rectification,
    Severity,
    VoidKind,
)
from liangze.rectification.rules import (
    LOOP_DAYS_RANGE,
    LOOP_FIELDS,
    UNCLOSED,
    Action,
    Actor,
    move_for,
    province_loop,
    recheck_records_fix,
    rule_for,
)


@dataclass
class ProblemDraft:
    """One problem as its source found it; photos are saved `files.StoredFile` rows."""

    description: str
    severity: str = Severity.GENERAL
    category: str = ""
    fixed_on_spot: bool = False
    photos: Sequence = field(default_factory=tuple)
    after_photos: Sequence = field(default_factory=tuple)


# Sources whose problems come without a photo: the public and hotlines send words only.
_PHOTO_OPTIONAL = frozenset({ProblemSource.PUBLIC_REPORT, ProblemSource.COMPLAINT})


def _check_draft(draft: ProblemDraft, *, photo_required: bool = True) -> None:
    if not draft.description.strip():
        raise Invalid(
            code="problem_description_required",
            message=_("Describe the problem."),
            fields={"description": _("Describe the problem.")},
        )
    if draft.severity not in Severity.values:
        raise Invalid(
            code="problem_severity",
            message=_("Choose the problem's severity."),
            fields={"severity": _("Choose the problem's severity.")},
        )
    # Photos are evidence where they are needed (docs/domain.md §1.10): a problem found needs
    # one, a fix on the spot needs its after photo.
    if photo_required and not draft.photos:
        raise Invalid(
            code="problem_photo_required",
            message=_("A problem needs a photo of what was found."),
            fields={"photos": _("A problem needs a photo of what was found.")},
        )
    if draft.fixed_on_spot and not draft.after_photos:
        raise Invalid(
            code="problem_after_photo_required",
            message=_("A fix on the spot needs a photo after the fix."),
            fields={"after_photos": _("A fix on the spot needs a photo after the fix.")},
        )


@transaction.atomic
def problem_record_many(
    *,
    actor,
    business: Business,
    source: str,
    source_id: int | None,
    found_at: datetime,
    drafts: Sequence[ProblemDraft],
) -> list[Problem]:
    """Record the problems one source found at one business, in the caller's transaction."""
    source = ProblemSource(source)
    for draft in drafts:
        _check_draft(draft, photo_required=source not in _PHOTO_OPTIONAL)
    problems = []
    for draft in drafts:
        closed = draft.fixed_on_spot
        problem = Problem.objects.create(
            business=business,
            division=business.division,
            source=source,
            source_id=source_id,
            category=draft.category,
            description=draft.description.strip(),
            severity=draft.severity,
            status=ProblemStatus.CLOSED if closed else ProblemStatus.OPEN,
            found_at=found_at,
            found_by=actor if getattr(actor, "is_authenticated", False) else None,
            fixed_on_spot=closed,
            closed_at=found_at if closed else None,
            close_reason=CloseReason.FIXED_ON_SPOT if closed else "",
            status_changed_at=found_at,
        )
        ProblemPhoto.objects.bulk_create(
            [
                ProblemPhoto(problem=problem, file=f, stage=ProblemPhoto.Stage.BEFORE)
                for f in draft.photos
            ]
            + [
                ProblemPhoto(problem=problem, file=f, stage=ProblemPhoto.Stage.AFTER)
                for f in draft.after_photos
            ]
        )
        audit_event_record(
            actor=actor,
            action=AuditAction.PROBLEM_RECORDED,
            target=problem,
            division=business.division,
            data={
                "source": source.value,
                "source_id": source_id,
                "severity": draft.severity,
                "fixed_on_spot": closed,
            },
        )
        problems.append(problem)
    mark_problems([business.pk])
    problems_route(actor=actor, problems=[p for p in problems if p.status == ProblemStatus.OPEN])
    return problems


# ---------------------------------------------------------------------------------------------
# Who is told (docs/architecture.md, "Notifications")


def _users_with(role: str, division) -> list:
    if division is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            grants__role=role,
            grants__division=division,
            grants__revoked_at__isnull=True,
        ).distinct()
    )


def _ancestor_ids(path: str) -> list[int]:
    return [int(path[i : i + SEGMENT_WIDTH]) for i in range(0, len(path), SEGMENT_WIDTH)]


def _nearest_with(role: str, division, *, levels=None):
    """The nearest division at or above `division` (of `levels`, if given) where someone holds
    `role`; None when nobody does."""
    from liangze.accounts.models import RoleGrant

    grants = RoleGrant.objects.filter(
        role=role, revoked_at__isnull=True, division_id__in=_ancestor_ids(division.path)
    ).select_related("division")
    if levels:
        grants = grants.filter(division__level__in=levels)
    held = [g.division for g in grants]
    return max(held, key=lambda d: len(d.path)) if held else None


def business_staff(business) -> list:
    return list(
        User.objects.filter(
            is_active=True,
            grants__role__in=BUSINESS_ROLES,
            grants__business=business,
            grants__revoked_at__isnull=True,
        ).distinct()
    )


def covering_official_users(problem) -> list:
    from liangze.officials.selectors import covering_officials

    official = covering_officials([problem.business_id]).get(problem.business_id)
    return [official.user] if official is not None else []


def regulators_of(problem) -> list:
    return _users_with(Role.REGULATOR, problem.regulator_division)


def problem_url(problem) -> str:
    return reverse("rectification:detail", args=[problem.pk])


_NEXT_ACTOR_TITLES = {
    ProblemStatus.PUSHED: gettext_lazy("A problem was pushed to you: %(business)s"),
    ProblemStatus.ACCEPTED: gettext_lazy("Rectify by %(deadline)s: %(business)s"),
    ProblemStatus.ESCALATED: gettext_lazy("A case was filed: %(business)s"),
    ProblemStatus.RECTIFIED: gettext_lazy("A fix awaits verification: %(business)s"),
    ProblemStatus.CLOSED: gettext_lazy("Problem closed: %(business)s"),
    ProblemStatus.VOID: gettext_lazy("Problem voided: %(business)s"),
}


def _next_actors(problem, *, action: Action) -> list:
    status = problem.status
    if action == Action.BUSINESS_CLOSED:
        return []
    if status == ProblemStatus.PUSHED:
        return regulators_of(problem)
    if status in (ProblemStatus.ACCEPTED, ProblemStatus.ESCALATED):
        return business_staff(problem.business)
    if status == ProblemStatus.RECTIFIED:
        return regulators_of(problem) + covering_official_users(problem)
    # Closed or void: the business and whoever found it.
    return business_staff(problem.business) + ([problem.found_by] if problem.found_by else [])


def _notify_next(*, actor, problem, action: Action) -> None:
    users = [u for u in _next_actors(problem, action=action) if u.pk != getattr(actor, "pk", None)]
    if not users:
        return
    title = str(_NEXT_ACTOR_TITLES[problem.status]) % {
        "business": problem.business.name,
        "deadline": problem.deadline.isoformat() if problem.deadline else "",
    }
    notifications_send(
        users=users,
        message=Message(
            kind=f"problem_{problem.status}",
            title=title,
            body=problem.description[:200],
            url=problem_url(problem),
        ),
    )


# ---------------------------------------------------------------------------------------------
# The one transition service


_AUDIT = {
    Action.ROUTE: AuditAction.PROBLEM_PUSHED,
    Action.ACCEPT: AuditAction.PROBLEM_ACCEPTED,
    Action.ESCALATE: AuditAction.PROBLEM_ESCALATED,
    Action.RECTIFY: AuditAction.PROBLEM_RECTIFIED,
    Action.VERIFY: AuditAction.PROBLEM_VERIFIED,
    Action.RECHECK: AuditAction.PROBLEM_RECHECKED,
    Action.REJECT: AuditAction.PROBLEM_REJECTED,
    Action.VOID: AuditAction.PROBLEM_VOIDED,
    Action.BUSINESS_CLOSED: AuditAction.PROBLEM_CLOSED_WITH_BUSINESS,
}


def problem_may(viewer, problem: Problem, action: Action) -> bool:
    """Whether the table allows `action` from the problem's state and the viewer acts in one of
    the roles it names (pages show only the buttons this allows)."""
    move = move_for(problem.status, action)
    return move is not None and bool(acting_as(viewer, problem) & move.by)


def problem_authorise(*, actor, problem: Problem, action: Action) -> None:
    """Refuse (audited, outside any transaction) an actor the table does not name for the move;
    a move the table lacks from the current state is a Conflict (the state moved meanwhile)."""
    move = move_for(problem.status, action)
    if move is None:
        raise Conflict(
            code="problem_transition",
            message=_("This problem is now “%(status)s”; it cannot be changed that way.")
            % {"status": problem.get_status_display()},
        )
    if not acting_as(actor, problem) & move.by:
        raise access_refuse(
            Forbidden(
                code="problem_forbidden",
                message=_("You may not do this with this problem."),
            ),
            viewer=actor,
            target_type="rectification.problem",
            target_id=problem.pk,
        )


@transaction.atomic
def problem_transition(
    *,
    actor,
    problem: Problem,
    action: Action,
    fields: dict | None = None,
    data: dict | None = None,
) -> Problem:
    """Move `problem` by `action` along rules.TRANSITIONS with a compare-and-set update: the row
    moves only if it is still in the state the caller saw; otherwise Conflict, nothing written.
    Audits the move and tells whoever acts next. Callers check the actor first
    (`problem_authorise`); routing and a business closing are the platform's own moves."""
    action = Action(action)
    expected = problem.status
    move = move_for(expected, action)
    if move is None:
        raise Conflict(
            code="problem_transition",
            message=_("This problem is now “%(status)s”; it cannot be changed that way.")
            % {"status": problem.get_status_display()},
        )
    now = timezone.now()
    values = {"status": move.to, "status_changed_at": now, "updated_at": now, **(fields or {})}
    moved = Problem.objects.filter(pk=problem.pk, status=expected).update(**values)
    if not moved:
        raise Conflict(
            code="problem_changed",
            message=_("Someone else changed this problem meanwhile; reload it and try again."),
        )
    for name, value in values.items():
        setattr(problem, name, value)
    audit_event_record(
        actor=actor,
        action=_AUDIT[action],
        target=problem,
        division=problem.division,
        changes={"status": [expected, move.to]},
        data=data or {},
    )
    mark_problems([problem.business_id])
    _notify_next(actor=actor, problem=problem, action=action)
    return problem


def _reason(text: str, *, code: str, field_name: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise Invalid(
            code=code, message=_("Give a reason."), fields={field_name: _("Give a reason.")}
        )
    return text


# ---------------------------------------------------------------------------------------------
# The moves


def problems_route(*, actor, problems: Sequence[Problem]) -> None:
    """Push open problems to the regulator of the nearest division holding the business — the
    township station, else the county bureau (docs/domain.md §1.6). With no such regulator a
    problem stays `open` and the nearest office holding the business is told."""
    for problem in problems:
        division = _nearest_with(
            Role.REGULATOR, problem.business.division, levels=("township", "county")
        )
        if division is None:
            office = _nearest_with(Role.OFFICE_STAFF, problem.business.division)
            notifications_send(
                users=_users_with(Role.OFFICE_STAFF, office),
                message=Message(
                    kind="problem_unrouted",
                    title=_("No regulator to push a problem to: %(business)s")
                    % {"business": problem.business.name},
                    body=problem.description[:200],
                    url=problem_url(problem),
                ),
            )
            continue
        now = timezone.now()
        problem_transition(
            actor=actor,
            problem=problem,
            action=Action.ROUTE,
            fields={"regulator_division": division, "pushed_at": now},
            data={"regulator_division": division.code},
        )


def default_deadline(problem: Problem, *, on=None):
    on = on or timezone.localdate()
    rule = rule_for(problem.business.division.path)
    return on + rule.deadline_delta(problem.severity)


def _check_deadline(deadline) -> None:
    if deadline is not None and deadline < timezone.localdate():
        raise Invalid(
            code="problem_deadline_past",
            message=_("The deadline cannot be in the past."),
            fields={"deadline": _("The deadline cannot be in the past.")},
        )


def problem_accept(*, actor, problem: Problem, deadline=None) -> Problem:
    """受理: the regulator accepts; the deadline defaults by severity (docs/domain.md §1.12)."""
    problem_authorise(actor=actor, problem=problem, action=Action.ACCEPT)
    _check_deadline(deadline)
    deadline = deadline or default_deadline(problem)
    return problem_transition(
        actor=actor,
        problem=problem,
        action=Action.ACCEPT,
        fields={"accepted_at": timezone.now(), "deadline": deadline},
        data={"deadline": deadline.isoformat()},
    )


def problems_accept_many(*, actor, problems: Sequence[Problem]) -> list[Problem]:
    """Bulk accept with the default deadlines; each one its own compare-and-set (a problem
    someone else moved meanwhile is skipped, the rest go through)."""
    done = []
    for problem in problems:
        try:
            done.append(problem_accept(actor=actor, problem=problem))
        except Conflict:
            continue
    return done


def problem_escalate(*, actor, problem: Problem, case_number: str, deadline=None) -> Problem:
    """立案: the regulator files a case; the problem then runs on like an accepted one."""
    problem_authorise(actor=actor, problem=problem, action=Action.ESCALATE)
    case_number = (case_number or "").strip()
    if not case_number:
        raise Invalid(
            code="problem_case_number",
            message=_("Enter the case number."),
            fields={"case_number": _("Enter the case number.")},
        )
    _check_deadline(deadline)
    fields = {"case_number": case_number[:60]}
    if problem.deadline is None or deadline:
        fields["deadline"] = deadline or default_deadline(problem)
        fields["accepted_at"] = problem.accepted_at or timezone.now()
    return problem_transition(
        actor=actor,
        problem=problem,
        action=Action.ESCALATE,
        fields=fields,
        data={"case_number": case_number},
    )


def _refuse(actor, problem) -> Forbidden:
    return access_refuse(
        Forbidden(code="problem_forbidden", message=_("You may not do this with this problem.")),
        viewer=actor,
        target_type="rectification.problem",
        target_id=problem.pk,
    )


def problem_deadline_set(*, actor, problem: Problem, deadline) -> Problem:
    """Change the deadline of an accepted problem (the regulator, docs/domain.md §1.6)."""
    if Actor.REGULATOR not in acting_as(actor, problem):
        raise _refuse(actor, problem)
    if problem.status not in (
        ProblemStatus.ACCEPTED,
        ProblemStatus.ESCALATED,
        ProblemStatus.RECTIFIED,
    ):
        raise Conflict(
            code="problem_transition",
            message=_("Only an accepted problem has a deadline to change."),
        )
    _check_deadline(deadline)
    before = problem.deadline
    with transaction.atomic():
        moved = Problem.objects.filter(pk=problem.pk, status=problem.status).update(
            deadline=deadline, updated_at=timezone.now()
        )
        if not moved:
            raise Conflict(
                code="problem_changed",
                message=_("Someone else changed this problem meanwhile; reload it and try again."),
            )
        problem.deadline = deadline
        audit_event_record(
            actor=actor,
            action=AuditAction.PROBLEM_DEADLINE_CHANGED,
            target=problem,
            division=problem.division,
            changes={"deadline": [before.isoformat() if before else None, deadline.isoformat()]},
        )
        mark_problems([problem.business_id])
    return problem


def _after_photos(problem, rectification, photos) -> None:
    ProblemPhoto.objects.bulk_create(
        [
            ProblemPhoto(
                problem=problem, file=f, stage=ProblemPhoto.Stage.AFTER, rectification=rectification
            )
            for f in photos
        ]
    )


def _check_fix(note: str, photos) -> str:
    note = (note or "").strip()
    errors = {}
    if not note:
        errors["note"] = _("Say what was done.")
    if not photos:
        errors["photos"] = _("A fix needs a photo after the fix.")
    if errors:
        raise Invalid(
            code="rectification_invalid", message=next(iter(errors.values())), fields=errors
        )
    return note


def problem_rectify(*, actor, problem: Problem, note: str, photos: Sequence) -> Rectification:
    """整改: the business reports its fix with photos and a note (the regulator records it for a
    business without an account)."""
    problem_authorise(actor=actor, problem=problem, action=Action.RECTIFY)
    note = _check_fix(note, photos)
    with transaction.atomic():
        problem_transition(actor=actor, problem=problem, action=Action.RECTIFY)
        rectification = Rectification.objects.create(problem=problem, reported_by=actor, note=note)
        _after_photos(problem, rectification, photos)
    return rectification


def problem_verify(*, actor, problem: Problem, fixed: bool, note: str = "") -> Recheck:
    """核查: the regulator verifies a reported fix: closed (销号), or back to `accepted` with a
    reason."""
    action = Action.VERIFY if fixed else Action.REJECT
    problem_authorise(actor=actor, problem=problem, action=action)
    if not fixed:
        note = _reason(note, code="problem_reject_reason", field_name="note")
    return _recheck(
        actor=actor,
        problem=problem,
        action=action,
        kind=Recheck.Kind.VERIFICATION,
        fixed=fixed,
        note=note,
        close_reason=CloseReason.VERIFIED,
    )


def problem_recheck(
    *, actor, problem: Problem, fixed: bool, note: str = "", photos: Sequence = (), visit=None
) -> Recheck:
    """回头看: the official's re-check, from the problem's page or carried by a visit (`visit`,
    inside the visit's transaction). A fix found done closes the problem, from `rectified`, or
    from `accepted` recording the fix seen (its photos); a fix wanting sends a reported fix back."""
    action = Action.RECHECK if fixed else Action.REJECT
    problem_authorise(actor=actor, problem=problem, action=action)
    recording_fix = fixed and recheck_records_fix(problem.status)
    if recording_fix:
        note = _check_fix(note, photos)
    if not fixed:
        note = _reason(note, code="problem_reject_reason", field_name="note")
    with transaction.atomic():
        recheck = _recheck(
            actor=actor,
            problem=problem,
            action=action,
            kind=Recheck.Kind.REVISIT,
            fixed=fixed,
            note=note,
            close_reason=CloseReason.RECHECKED,
            visit=visit,
        )
        if recording_fix:
            rectification = Rectification.objects.create(
                problem=problem, reported_by=actor, note=note
            )
            _after_photos(problem, rectification, photos)
    return recheck


@transaction.atomic
def _recheck(*, actor, problem, action, kind, fixed, note, close_reason, visit=None) -> Recheck:
    now = timezone.now()
    fields = {"closed_at": now, "close_reason": close_reason} if fixed else {}
    problem_transition(
        actor=actor,
        problem=problem,
        action=action,
        fields=fields,
        data={"note": note} if not fixed else {},
    )
    return Recheck.objects.create(
        problem=problem,
        kind=kind,
        fixed=fixed,
        note=note,
        checked_by=actor,
        checked_at=now,
        visit=visit,
    )


def problem_void(*, actor, problem: Problem, kind: str, reason: str) -> Problem:
    """作废: duplicate, entered in error, or a dispute upheld; by the regulator or office staff,
    from any state before closed."""
    problem_authorise(actor=actor, problem=problem, action=Action.VOID)
    if kind not in VoidKind.values:
        raise Invalid(
            code="problem_void_kind",
            message=_("Choose why the problem is void."),
            fields={"kind": _("Choose why the problem is void.")},
        )
    reason = _reason(reason, code="problem_void_reason")
    return problem_transition(
        actor=actor,
        problem=problem,
        action=Action.VOID,
        fields={"void_kind": kind, "void_reason": reason[:500]},
        data={"kind": kind, "reason": reason},
    )


def problem_dispute(*, actor, problem: Problem, reason: str) -> Problem:
    """The business disputes a finding; the regulator is told and upholds it (void) or not."""
    if Actor.BUSINESS not in acting_as(actor, problem):
        raise _refuse(actor, problem)
    if problem.status not in UNCLOSED:
        raise Conflict(
            code="problem_transition",
            message=_("This problem is now “%(status)s”; it cannot be changed that way.")
            % {"status": problem.get_status_display()},
        )
    reason = _reason(reason, code="problem_dispute_reason")
    with transaction.atomic():
        return _dispute_write(actor=actor, problem=problem, reason=reason)


def _dispute_write(*, actor, problem: Problem, reason: str) -> Problem:
    now = timezone.now()
    Problem.objects.filter(pk=problem.pk).update(
        dispute_reason=reason[:1000], disputed_at=now, updated_at=now
    )
    problem.dispute_reason, problem.disputed_at = reason[:1000], now
    audit_event_record(
        actor=actor,
        action=AuditAction.PROBLEM_DISPUTED,
        target=problem,
        division=problem.division,
        data={"reason": reason},
    )
    notifications_send(
        users=regulators_of(problem),
        message=Message(
            kind="problem_disputed",
            title=_("The business disputes a problem: %(business)s")
            % {"business": problem.business.name},
            body=reason[:200],
            url=problem_url(problem),
        ),
    )
    return problem


def problems_close_with_business(event) -> None:
    """A business hook (businesses/hooks.py): a business that closes (注销/吊销) closes its
    unclosed problems with reason `business_closed` (docs/domain.md §1.7), inside the registry's
    transaction."""
    from liangze.businesses.hooks import BusinessChange
    from liangze.businesses.models import BusinessStatus

    if event.change != BusinessChange.STATUS_CHANGED:
        return
    closed = [b.pk for b in event.businesses if b.status == BusinessStatus.CLOSED]
    if not closed:
        return
    now = timezone.now()
    for problem in Problem.objects.filter(
        business_id__in=closed, status__in=UNCLOSED
    ).select_related("business__division"):
        problem_transition(
            actor=event.actor,
            problem=problem,
            action=Action.BUSINESS_CLOSED,
            fields={"closed_at": now, "close_reason": CloseReason.BUSINESS_CLOSED},
        )


# --- a province's deadlines and reminders (docs/domain.md §1.6, §1.12) --------------------------


@transaction.atomic
def loop_rule_set(
    *,
    actor,
    province,
    serious_days: int,
    general_days: int,
    reminder_days: int,
    accept_reminder_days: int,
    overdue_notice_days: int,
) -> LoopRule:
    """A province office sets its closed-loop deadlines and reminders. A problem already
    accepted keeps the deadline it was given; reminders and notices from now on use the new
    days (docs/domain.md §1.12)."""
    if not can_set_province_rules(actor, province):
        raise Forbidden(
            code="loop_rule_out_of_reach",
            message=_("Only the province's office sets its deadlines and reminders."),
        )
    values = {
        "serious_days": serious_days,
        "general_days": general_days,
        "reminder_days": reminder_days,
        "accept_reminder_days": accept_reminder_days,
        "overdue_notice_days": overdue_notice_days,
    }
    low, high = LOOP_DAYS_RANGE
    errors = {
        name: _("Enter a whole number of days from %(low)d to %(high)d.")
        % {"low": low, "high": high}
        for name, value in values.items()
        if not isinstance(value, int) or not low <= value <= high
    }
    if "reminder_days" not in errors and not {"serious_days", "general_days"} & set(errors):
        shortest = min(serious_days, general_days)
        if reminder_days >= shortest:
            errors["reminder_days"] = _(
                "The reminder comes before the deadline: fewer days than the shortest "
                "deadline (%(days)d)."
            ) % {"days": shortest}
    if errors:
        raise Invalid(
            code="loop_rule_invalid",
            message=_("The deadlines and reminders were not saved; see the marked fields."),
            fields=errors,
        )
    before, was_default = province_loop(province)
    rule, _created = LoopRule.objects.update_or_create(province=province, defaults=values)
    audit_event_record(
        actor=actor,
        action=AuditAction.LOOP_RULE_CHANGED,
        target=rule,
        division=province,
        changes=changes_between({name: getattr(before, name) for name in LOOP_FIELDS}, values),
        data={"was_default": was_default},
    )
    return rule
