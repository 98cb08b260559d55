"""Writes of officials and assignments (docs/domain.md §1.1, §1.2).

Each service is one transaction with its audit events. Officials are written by one set-based
writer, `official_import_rows`, which the form (`official_create`), the spreadsheet import and the
demo all go through; assignments by `assignment_bulk_create`, for one business or ten thousand.
"""

import contextlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from liangze.accounts.access import (
    OFFICIAL_LEVELS,
    can_manage_division,
    is_municipality,
    official_post_allowed,
)
from liangze.accounts.models import Role, RoleGrant, User
from liangze.accounts.passwords import one_time_password
from liangze.audit.models import AuditAction, AuditEvent
from liangze.audit.services import audit_event_record, build_audit_event, changes_between
from liangze.businesses.hooks import BusinessChange, BusinessChanged
from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.services import business_move, business_regrade
from liangze.core.errors import Conflict, Forbidden, Invalid
from liangze.core.phones import normalise_phone
from liangze.core.tree import is_within
from liangze.imports.bulk import Inserter, db_value, json_adapter
from liangze.officials import figures
from liangze.officials.access import can_assign, can_edit_official, can_set_province_rules
from liangze.officials.hooks import run_assignments_changed
from liangze.officials.models import Assignment, CoveringRule, Official
from liangze.officials.rules import DEFAULT_LEVELS, RuleBook, province_covering, rule_book
from liangze.regions.codes import normalise_division_code
from liangze.regions.models import LEVEL_RANK, Division, Level

_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")
# The columns an officials sheet carries, by canonical name; the import engine maps headers.
OFFICIAL_COLUMNS = {
    "display_name": ("姓名", "name", "full name"),
    "phone": ("手机号", "手机", "mobile", "phone"),
    "division_code": ("岗位区划代码", "区划代码", "division_code"),
    "position": ("职务", "position"),
    "active_from": ("起始日期", "active_from"),
}
ASSIGNMENT_COLUMNS = {
    "official_phone": ("包保干部手机号", "手机号", "official_phone"),
    "business_code": ("主体代码", "统一社会信用代码", "business_code"),
    "starts_on": ("包保起始日期", "起始日期", "starts_on"),
}


@dataclass
class RowError:
    line: int
    column: str
    message: str


@dataclass(frozen=True)
class IssuedOfficial:
    """A new official and the one-time password to show once ("" when none was issued)."""

    official: Official
    one_time_password: str


@dataclass
class OfficialImportResult:
    created: list[IssuedOfficial] = field(default_factory=list)
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class AssignmentImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


class ImportRejected(Invalid):
    def __init__(self, errors: list[RowError]):
        super().__init__(
            code="import_rejected",
            message=_("The sheet has %(count)d error(s); nothing was imported.")
            % {"count": len(errors)},
        )
        self.errors = errors


def grouped_password(password: str) -> str:
    """'abcdefgh23' → 'abcd efgh 23': easier to read out and to copy by hand."""
    return " ".join(password[i : i + 4] for i in range(0, len(password), 4))


# --- officials ------------------------------------------------------------------------------


def _clean_mobile(raw: object) -> str:
    try:
        phone = normalise_phone(str(raw or ""))
    except ValidationError as exc:
        raise ValidationError(exc.messages[0]) from None
    if not _MOBILE.match(phone):
        raise ValidationError(_("Enter the official's 11-digit mobile number."))
    return phone


def _clean_date(raw: object, *, default: date) -> date:
    if isinstance(raw, date):
        return raw
    text = str(raw or "").strip()
    if not text:
        return default
    try:
        parsed = parse_date(text[:10])
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(_("Enter a date as YYYY-MM-DD."))
    return parsed


@dataclass
class _OfficialRow:
    line: int
    display_name: str
    phone: str
    division: Division
    position: str
    active_from: date
    username: str = ""  # an existing account that already holds the official role there


def _clean_official_rows(actor, rows: Sequence) -> tuple[list[_OfficialRow], list[RowError]]:
    errors: list[RowError] = []
    cleaned: list[_OfficialRow] = []
    codes = set()
    for row in rows:
        with contextlib.suppress(ValidationError):
            codes.add(normalise_division_code(row.values.get("division_code", "")))
    divisions = {d.code: d for d in Division.objects.filter(code__in=codes).order_by("vintage")}
    seen: dict[str, int] = {}
    today = timezone.localdate()
    for row in rows:
        values, line = row.values, row.line
        row_errors = []
        name = str(values.get("display_name", "") or "").strip()
        if not name:
            row_errors.append(RowError(line, "display_name", _("Enter the person's full name.")))
        elif len(name) > 50:
            row_errors.append(RowError(line, "display_name", _("At most 50 characters.")))
        phone = ""
        try:
            phone = _clean_mobile(values.get("phone"))
        except ValidationError as exc:
            row_errors.append(RowError(line, "phone", exc.messages[0]))
        if phone and phone in seen:
            row_errors.append(
                RowError(
                    line,
                    "phone",
                    _("The same mobile number is on line %(line)d.") % {"line": seen[phone]},
                )
            )
        elif phone:
            seen[phone] = line
        division = None
        try:
            division = divisions.get(normalise_division_code(values.get("division_code", "")))
            if division is None:
                row_errors.append(RowError(line, "division_code", _("No such division.")))
            elif not official_post_allowed(division):
                row_errors.append(
                    RowError(
                        line,
                        "division_code",
                        _(
                            "An official's post is a city, county, township or village, or a "
                            "municipality directly under the central government."
                        ),
                    )
                )
            elif not can_manage_division(actor, division):
                row_errors.append(
                    RowError(
                        line,
                        "division_code",
                        _("This division is outside the regions your office keeps."),
                    )
                )
        except ValidationError as exc:
            row_errors.append(RowError(line, "division_code", exc.messages[0]))
        position = str(values.get("position", "") or "").strip()
        if len(position) > 100:
            row_errors.append(RowError(line, "position", _("At most 100 characters.")))
        active_from = today
        try:
            active_from = _clean_date(values.get("active_from"), default=today)
        except ValidationError as exc:
            row_errors.append(RowError(line, "active_from", exc.messages[0]))
        if row_errors:
            errors.extend(row_errors)
            continue
        username = str(values.get("username", "") or "").strip()
        cleaned.append(_OfficialRow(line, name, phone, division, position, active_from, username))
    return cleaned, errors


def _username_for(phone: str) -> str:
    """The login of a new official: their mobile number, easy to tell on the phone."""
    return phone.removeprefix("+86")


def _change_post(*, actor, official: Official, division: Division) -> None:
    """A new post is a new grant; the old one is revoked but stays the record of the old post."""
    if official.assignments.filter(ends_on__isnull=True).exists():
        raise Conflict(
            code="official_has_businesses",
            message=_("Hand this official's businesses over before changing their post."),
        )
    now = timezone.now()
    RoleGrant.objects.filter(pk=official.grant_id, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    grant = RoleGrant.objects.create(
        user=official.user, role=Role.OFFICIAL, division=division, granted_by=actor
    )
    official.grant = grant
    official.user.division = division
    official.user.save(update_fields=["division"])
    official.user.forget_cached_grants()


def _official_changes(official: Official, row: _OfficialRow) -> dict[str, list]:
    """What a cleaned row would change of an official, as an audit event's `changes`."""
    changes = {}
    if official.user.display_name != row.display_name:
        changes["display_name"] = [official.user.display_name, row.display_name]
    if official.grant.division_id != row.division.pk:
        changes["division"] = [official.grant.division.code, row.division.code]
    if official.position != row.position:
        changes["position"] = [official.position, row.position]
    if official.phone != row.phone:
        changes["phone"] = [official.phone, row.phone]
    return changes


def _apply_official_changes(*, actor, official: Official, row: _OfficialRow, data=None) -> bool:
    """Update one official from a cleaned row; False when nothing differs."""
    changes = _official_changes(official, row)
    if not changes:
        return False
    user = official.user
    if "display_name" in changes:
        user.display_name = row.display_name
        user.save(update_fields=["display_name"])
    if "division" in changes:
        _change_post(actor=actor, official=official, division=row.division)
    official.position = row.position
    official.phone = row.phone
    official.save(update_fields=["grant", "position", "phone", "updated_at"])
    audit_event_record(
        actor=actor,
        action=AuditAction.OFFICIAL_UPDATED,
        target=official,
        changes=changes,
        data=data or None,
    )
    return True


@dataclass
class RowsChecked:
    """A sheet checked and nothing written: the errors, and for each row without one what
    writing it would do ("new", "changed" or "unchanged", the import engine's actions)."""

    errors: list[RowError]
    actions: dict[int, str]


@dataclass
class _OfficialsChecked:
    cleaned: list[_OfficialRow]
    existing: dict[str, Official]
    accounts: dict[str, tuple[User, RoleGrant]]
    errors: list[RowError]


def _official_rows_check(actor, rows: Sequence) -> _OfficialsChecked:
    """Every rule of the officials sheet, nothing written: formats, the actor's reach over the
    post (and over an existing official of that mobile number), logins taken."""
    cleaned, errors = _clean_official_rows(actor, rows)
    existing = {
        o.phone: o
        for o in Official.objects.filter(phone__in=[r.phone for r in cleaned]).select_related(
            "user", "grant__division"
        )
    }
    new_rows = [r for r in cleaned if r.phone not in existing]
    taken = set(
        User.objects.filter(
            username__in=[_username_for(r.phone) for r in new_rows if not r.username]
        ).values_list("username", flat=True)
    )
    accounts = _accounts_to_adopt([r for r in new_rows if r.username], errors)
    for row in cleaned:
        official = existing.get(row.phone)
        if official is not None and not can_manage_division(actor, official.grant.division):
            errors.append(
                RowError(row.line, "phone", _("This mobile number is another office's official."))
            )
        if official is None and not row.username and _username_for(row.phone) in taken:
            errors.append(
                RowError(
                    row.line, "phone", _("An account with this mobile number as login exists.")
                )
            )
    return _OfficialsChecked(cleaned, existing, accounts, errors)


def official_import_check(*, actor, rows: Sequence) -> RowsChecked:
    """What official_import_rows would say of these rows, writing nothing: the import's check."""
    checked = _official_rows_check(actor, rows)
    bad = {e.line for e in checked.errors}
    actions = {}
    for row in checked.cleaned:
        if row.line in bad:
            continue
        official = checked.existing.get(row.phone)
        if official is None:
            actions[row.line] = "new"
        else:
            actions[row.line] = "changed" if _official_changes(official, row) else "unchanged"
    return RowsChecked(errors=sorted(checked.errors, key=lambda e: e.line), actions=actions)


@transaction.atomic
def official_import_rows(
    *,
    actor,
    rows: Sequence,
    password_hash: str | None = None,
    issue_passwords: bool = True,
    link: Mapping | None = None,
) -> OfficialImportResult:
    """Add or update officials from rows (`.line`, `.values` keyed as OFFICIAL_COLUMNS).

    A row whose mobile number is an existing official's updates that official; any other row adds
    an official with an account (login: the mobile number) and a one-time password returned once.
    Every row is checked first; one error rejects the lot (ImportRejected lists them all).
    `issue_passwords` False (the spreadsheet import, whose write runs as a job) leaves the new
    accounts without a usable password until `official_passwords_issue` shows them to the clerk.
    `link` (the import's jobs) goes into each row's audit event with its line.
    `password_hash`, for the demo only, gives every new account that hash and no one-time password.
    """
    checked = _official_rows_check(actor, rows)
    if checked.errors:
        raise ImportRejected(sorted(checked.errors, key=lambda e: e.line))
    result = OfficialImportResult()
    for row in checked.cleaned:
        official = checked.existing.get(row.phone)
        if official is None:
            continue
        data = {**link, "line": row.line} if link else None
        if _apply_official_changes(actor=actor, official=official, row=row, data=data):
            result.updated += 1
        else:
            result.unchanged += 1
    result.created = _officials_create(
        actor=actor,
        rows=[r for r in checked.cleaned if r.phone not in checked.existing],
        accounts=checked.accounts,
        password_hash=password_hash,
        issue_passwords=issue_passwords,
        link=link,
    )
    return result


def _accounts_to_adopt(
    rows: list[_OfficialRow], errors: list[RowError]
) -> dict[str, tuple[User, RoleGrant]]:
    """Rows naming an existing account: it must hold an active official grant on the row's post
    and be no official yet. {username: (user, grant)}; the errors go to `errors`."""
    found = {}
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[r.username for r in rows]).prefetch_related(
            "grants"
        )
    }
    adopted = set(
        Official.objects.filter(user__in=list(users.values())).values_list("user_id", flat=True)
    )
    for row in rows:
        user = users.get(row.username)
        grant = next(
            (
                g
                for g in (user.grants.all() if user else [])
                if g.role == Role.OFFICIAL
                and g.revoked_at is None
                and g.division_id == row.division.pk
            ),
            None,
        )
        if grant is None or user.pk in adopted:
            errors.append(
                RowError(
                    row.line,
                    "username",
                    _("No account of that name holds the official role on this post."),
                )
            )
            continue
        found[row.username] = (user, grant)
    return found


def _officials_create(
    *,
    actor,
    rows: list[_OfficialRow],
    accounts: Mapping[str, tuple[User, RoleGrant]],
    password_hash: str | None,
    issue_passwords: bool = True,
    link: Mapping | None = None,
) -> list[IssuedOfficial]:
    """New accounts (with one-time passwords, or none yet: see official_import_rows) for the
    rows without one, then the officials."""
    if not rows:
        return []
    fresh = [row for row in rows if not row.username]
    issue = issue_passwords and not password_hash
    passwords = {row.line: one_time_password() if issue else "" for row in fresh}
    granted_by = actor if getattr(actor, "pk", None) else None
    made_users = User.objects.bulk_create(
        [
            User(
                username=_username_for(row.phone),
                display_name=row.display_name,
                phone=row.phone,
                division=row.division,
                password=password_hash or make_password(passwords[row.line] or None),
                must_change_password=not password_hash,
            )
            for row in fresh
        ]
    )
    made_grants = RoleGrant.objects.bulk_create(
        [
            RoleGrant(user=user, role=Role.OFFICIAL, division=row.division, granted_by=granted_by)
            for user, row in zip(made_users, fresh, strict=True)
        ]
    )
    made = {
        row.line: (user, grant)
        for row, user, grant in zip(fresh, made_users, made_grants, strict=True)
    }
    users, grants = [], []
    for row in rows:
        user, grant = accounts[row.username] if row.username else made[row.line]
        users.append(user)
        grants.append(grant)
    try:
        with transaction.atomic():
            officials = Official.objects.bulk_create(
                [
                    Official(
                        user=user,
                        grant=grant,
                        position=row.position,
                        phone=row.phone,
                        active_from=row.active_from,
                    )
                    for user, grant, row in zip(users, grants, rows, strict=True)
                ]
            )
    except IntegrityError:
        raise Conflict(
            code="official_phone_taken",
            message=_("An official with this mobile number was added meanwhile."),
        ) from None
    AuditEvent.objects.bulk_create(
        [
            build_audit_event(
                actor=actor,
                action=AuditAction.OFFICIAL_CREATED,
                target=official,
                changes={
                    "display_name": [None, row.display_name],
                    "division": [None, row.division.code],
                    "position": [None, row.position],
                },
                data={**link, "line": row.line} if link else None,
            )
            for official, row in zip(officials, rows, strict=True)
        ]
    )
    return [
        IssuedOfficial(official=o, one_time_password=passwords.get(row.line, ""))
        for o, row in zip(officials, rows, strict=True)
    ]


@transaction.atomic
def official_passwords_issue(
    *, actor, officials: Iterable[Official], data: Mapping | None = None
) -> list[IssuedOfficial]:
    """One-time passwords for the imported officials whose account has none yet (an import's
    write leaves them without: its result is no place for a secret). Shown once: each account is
    claimed by compare-and-set on its stored password, so a second call, or two at once, issues
    nothing for it again. Only officials the actor's office keeps; each issue is audited."""
    issued = []
    for official in officials:
        user = official.user
        if user.has_usable_password() or not can_edit_official(actor, official):
            continue
        password = one_time_password()
        claimed = User.objects.filter(pk=user.pk, password=user.password).update(
            password=make_password(password), must_change_password=True
        )
        if not claimed:
            continue
        audit_event_record(
            actor=actor,
            action=AuditAction.OFFICIAL_PASSWORD_ISSUED,
            target=user,
            data={"official": official.pk, **(data or {})},
        )
        issued.append(IssuedOfficial(official=official, one_time_password=password))
    return issued


def _row(values: Mapping) -> Sequence:
    @dataclass
    class _Single:
        line: int
        values: Mapping

    return [_Single(line=1, values=values)]


def _raise_fields(errors: list[RowError]) -> None:
    raise Invalid(
        code="official_invalid",
        message=_("Please correct the marked fields."),
        fields={e.column: e.message for e in errors},
    )


@transaction.atomic
def official_create(
    *,
    actor,
    display_name: str,
    phone: str,
    division: Division,
    position: str = "",
    active_from: date | None = None,
) -> IssuedOfficial:
    """Add one official (through the same writer as the import). Invalid names each bad field."""
    values = {
        "display_name": display_name,
        "phone": phone,
        "division_code": division.code,
        "position": position,
        "active_from": active_from or "",
    }
    cleaned, errors = _clean_official_rows(actor, _row(values))
    if cleaned and Official.objects.filter(phone=cleaned[0].phone).exists():
        errors.append(RowError(1, "phone", _("An official with this mobile number exists.")))
    if errors:
        _raise_fields(errors)
    try:
        result = official_import_rows(actor=actor, rows=_row(values))
    except ImportRejected as exc:
        _raise_fields(exc.errors)
    return result.created[0]


@transaction.atomic
def official_update(
    *,
    actor,
    official: Official,
    display_name: str,
    phone: str,
    division: Division,
    position: str = "",
) -> Official:
    """Change an official's name, mobile, post or position. A new post needs the official's
    businesses handed over first (Conflict)."""
    values = {
        "display_name": display_name,
        "phone": phone,
        "division_code": division.code,
        "position": position,
        "active_from": official.active_from,
    }
    cleaned, errors = _clean_official_rows(actor, _row(values))
    if cleaned and Official.objects.filter(phone=cleaned[0].phone).exclude(pk=official.pk).exists():
        errors.append(RowError(1, "phone", _("An official with this mobile number exists.")))
    if errors:
        _raise_fields(errors)
    try:
        with transaction.atomic():
            _apply_official_changes(actor=actor, official=official, row=cleaned[0])
    except IntegrityError:
        raise Conflict(
            code="official_phone_taken",
            message=_("An official with this mobile number was added meanwhile."),
        ) from None
    return official


@transaction.atomic
def official_deactivate(*, actor, official: Official, on: date | None = None) -> Official:
    """End an official's service from `on` (today): their official role is revoked and, with no
    other role left, their account closed. Refused while they still cover businesses."""
    on = on or timezone.localdate()
    if official.assignments.filter(ends_on__isnull=True).exists():
        raise Conflict(
            code="official_has_businesses",
            message=_("This official still covers businesses: hand them over first."),
        )
    if on < official.active_from:
        raise Invalid(
            code="official_dates",
            message=_("An official cannot leave before they started."),
            fields={"on": _("An official cannot leave before they started.")},
        )
    now = timezone.now()
    moved = Official.objects.filter(pk=official.pk, active_to__isnull=True).update(
        active_to=on, updated_at=now
    )
    if not moved:
        raise Conflict(
            code="official_already_inactive", message=_("This official is already deactivated.")
        )
    RoleGrant.objects.filter(pk=official.grant_id, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    user = official.user
    if not user.grants.filter(revoked_at__isnull=True).exists():
        User.objects.filter(pk=user.pk).update(is_active=False)
    user.forget_cached_grants()
    audit_event_record(
        actor=actor,
        action=AuditAction.OFFICIAL_DEACTIVATED,
        target=official,
        changes={"active_to": [None, on]},
    )
    official.refresh_from_db()
    return official


# --- assignments ----------------------------------------------------------------------------


def assignment_refusal(
    *, rules: RuleBook, official: Official, business: Business
) -> tuple[str, str] | None:
    """(code, message) when `official` may not cover `business` under the rules, else None."""
    if not official.is_active:
        return "official_inactive", _("This official is no longer active.")
    if business.status in (BusinessStatus.CLOSED, BusinessStatus.MOVED_OUT):
        return "business_not_live", _("A closed or moved-out business is not covered.")
    required = rules.required_level(grade=business.grade, path=business.division.path)
    if official.grant.division.level != required:
        return "assignment_level", _(
            "A grade %(grade)s business is covered by a %(level)s-level official."
        ) % {"grade": business.grade, "level": Level(required).label}
    if not is_within(business.division.path, official.grant.division.path):
        return "assignment_outside_post", _(
            "The business lies outside the official's post (%(post)s)."
        ) % {"post": official.grant.division.name}
    return None


def _assignment_events(*, actor, action, assignments, official: Official, data=None):
    return [
        build_audit_event(
            actor=actor,
            action=action,
            target=a.business,
            changes={"official": [None, official.pk]}
            if action == AuditAction.ASSIGNMENT_CREATED
            else {"official": [official.pk, None]},
            data={
                "assignment": a.pk,
                "official_name": str(official),
                **(data or {}),
            },
        )
        for a in assignments
    ]


def _end_open(
    *, actor, assignments: list[Assignment], on: date | Mapping[int, date], reason: str
) -> None:
    """End open assignments on `on` (or on[assignment pk]), never before each one began, with
    their events."""
    if not assignments:
        return
    by_day = defaultdict(list)
    for a in assignments:
        a.ends_on = max(on[a.pk] if isinstance(on, Mapping) else on, a.starts_on)
        a.end_reason = reason
        by_day[a.ends_on].append(a.pk)
    now = timezone.now()
    for day, pks in by_day.items():
        moved = Assignment.objects.filter(pk__in=pks, ends_on__isnull=True).update(
            ends_on=day, end_reason=reason, updated_at=now
        )
        if moved != len(pks):
            raise Conflict(
                code="assignment_changed",
                message=_("An assignment was changed meanwhile; reload and try again."),
            )
    figures.mark_assignments((a.business_id, a.official_id) for a in assignments)
    run_assignments_changed(a.business_id for a in assignments)
    AuditEvent.objects.bulk_create(
        [
            build_audit_event(
                actor=actor,
                action=AuditAction.ASSIGNMENT_ENDED,
                target=a.business,
                changes={"official": [a.official_id, None]},
                data={"assignment": a.pk, "reason": reason, "ends_on": a.ends_on},
            )
            for a in assignments
        ]
    )


def _open_assignments(business_ids: Iterable[int]) -> list[Assignment]:
    return list(
        Assignment.objects.filter(business_id__in=list(business_ids), ends_on__isnull=True)
        .select_related("business__division", "official__grant__division")
        .order_by("pk")
    )


@dataclass(frozen=True)
class PlannedAssignment:
    """One row of a set-based write: `official` covers `business` from `starts_on`."""

    official: Official
    business: Business
    starts_on: date
    data: Mapping | None = None  # more for its audit event (an import's line)


@transaction.atomic
def assignments_write(
    *, actor, plan: Sequence[PlannedAssignment], replace: bool = False, check_reach: bool = True
) -> int:
    """The one writer of new assignments (a form's single one, a whole village, an import, the
    demo): returns how many were made. A business its planned official already covers is left
    as it is. One covered by someone else is refused unless `replace`, which ends that assignment
    (reassigned) the day the new one starts. Any refusal refuses the lot: Invalid, with each
    business's reason in `fields`. Forbidden when the actor's office does not hold both a
    business and the official's post (`check_reach` False: the caller checked row by row)."""
    rules = rule_book()
    refusals: dict[str, str] = {}
    seen: set[int] = set()
    for row in plan:
        business, official = row.business, row.official
        if business.pk in seen:
            refusals[str(business.pk)] = _("%(business)s is planned twice.") % {
                "business": business.name
            }
            continue
        seen.add(business.pk)
        if check_reach and not can_assign(actor, business=business, official=official):
            raise Forbidden(
                code="assignment_out_of_reach",
                message=_(
                    "Your office can assign only where it holds both the business and the "
                    "official's post."
                ),
            )
        refusal = assignment_refusal(rules=rules, official=official, business=business)
        if refusal is not None:
            refusals[str(business.pk)] = f"{business.name}: {refusal[1]}"
    if refusals:
        first = next(iter(refusals))
        raise Invalid(
            code="assignment_refused",
            message=(
                refusals[first]
                if len(refusals) == 1
                else _("%(count)d businesses cannot be assigned to this official.")
                % {"count": len(refusals)}
            ),
            fields=refusals,
        )
    current = {a.business_id: a for a in _open_assignments(row.business.pk for row in plan)}
    new: list[PlannedAssignment] = []
    to_end: list[Assignment] = []
    ends: dict[int, date] = {}
    for row in plan:
        a = current.get(row.business.pk)
        if a is not None and a.official_id == row.official.pk:
            continue
        if a is not None and not replace:
            refusals[str(a.business_id)] = _("%(business)s is covered by %(official)s.") % {
                "business": a.business.name,
                "official": a.official,
            }
        elif a is not None and row.starts_on < a.starts_on:
            refusals[str(a.business_id)] = _(
                "%(business)s is covered from %(date)s; start the new assignment on or after it."
            ) % {"business": a.business.name, "date": a.starts_on.isoformat()}
        else:
            if a is not None:
                to_end.append(a)
                ends[a.pk] = row.starts_on
            new.append(row)
    if refusals:
        raise Invalid(
            code="assignment_taken",
            message=_(
                "%(count)d of these businesses are covered by another official: hand them over "
                "or choose to replace."
            )
            % {"count": len(refusals)},
            fields=refusals,
        )
    _end_open(actor=actor, assignments=to_end, on=ends, reason=Assignment.EndReason.REASSIGNED)
    try:
        with transaction.atomic():
            _insert_assignments(actor=actor, plan=new)
    except IntegrityError:
        raise Conflict(
            code="assignment_changed",
            message=_("A business was assigned meanwhile; reload and try again."),
        ) from None
    return len(new)


ASSIGNMENT_FIELDS = (
    "created_at",
    "updated_at",
    "business_id",
    "official_id",
    "starts_on",
    "end_reason",
    "created_by_id",
)


def assignment_created_event(*, actor, business: Business, official: Official, pk: int):
    """The event of one new assignment, as audit_event_record would write it."""
    return build_audit_event(
        actor=actor,
        action=AuditAction.ASSIGNMENT_CREATED,
        target=business,
        changes={"official": [None, official.pk]},
        data={"assignment": pk, "official_name": str(official)},
    )


def _insert_assignments(*, actor, plan: Sequence[PlannedAssignment]) -> list[int]:
    """The rows and their events without the ORM's per-row cost (a village of 10,000 businesses
    took 20 s through bulk_create, docs/architecture.md#benchmarks): values put in the database's
    form once where shared, then the engine's bulk inserter. Each event's columns are those
    assignment_created_event gives (a test holds them equal)."""
    if not plan:
        return []
    figures.mark_assignments((row.business.pk, row.official.pk) for row in plan)
    now = db_value(Assignment, "created_at", timezone.now())
    created_by = actor.pk if getattr(actor, "pk", None) else None
    days = {}
    ids = Inserter(Assignment, ASSIGNMENT_FIELDS).insert_returning_ids(
        [
            (
                now,
                now,
                row.business.pk,
                row.official.pk,
                days.setdefault(row.starts_on, db_value(Assignment, "starts_on", row.starts_on)),
                "",
                created_by,
            )
            for row in plan
        ]
    )
    run_assignments_changed(row.business.pk for row in plan)
    common = build_audit_event(actor=actor, action=AuditAction.ASSIGNMENT_CREATED)
    occurred = db_value(AuditEvent, "occurred_at", common.occurred_at)
    as_json = json_adapter()
    target_type = Business._meta.label_lower
    names: dict[int, str] = {}
    Inserter(AuditEvent, EVENT_COLUMNS).insert(
        [
            (
                occurred,
                common.actor_id,
                common.actor_name,
                common.action,
                common.ip,
                common.request_id,
                target_type,
                str(row.business.pk),
                str(row.business)[:200],
                row.business.division.path,
                as_json({"official": [None, row.official.pk]}),
                as_json(
                    {
                        "assignment": pk,
                        "official_name": names.setdefault(row.official.pk, str(row.official)),
                        **(row.data or {}),
                    }
                ),
            )
            for row, pk in zip(plan, ids, strict=True)
        ]
    )
    return ids


EVENT_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_name",
    "action",
    "ip",
    "request_id",
    "target_type",
    "target_id",
    "target_repr",
    "division_path",
    "changes",
    "data",
)


@transaction.atomic
def assignment_bulk_create(
    *,
    actor,
    official: Official,
    businesses: Iterable[Business],
    starts_on: date | None = None,
    replace: bool = False,
) -> int:
    """`official` covers every business given from `starts_on` (today), in one action (整街/
    分片包保); the rules and refusals of assignments_write."""
    starts_on = starts_on or timezone.localdate()
    plan = [PlannedAssignment(official, business, starts_on) for business in businesses]
    return assignments_write(actor=actor, plan=plan, replace=replace)


@transaction.atomic
def assignment_create(
    *,
    actor,
    official: Official,
    business: Business,
    starts_on: date | None = None,
    replace: bool = False,
) -> Assignment:
    """One business to one official (see assignment_bulk_create for the rules)."""
    assignment_bulk_create(
        actor=actor,
        official=official,
        businesses=[business],
        starts_on=starts_on,
        replace=replace,
    )
    return Assignment.objects.select_related("official__user", "business").get(
        business=business, ends_on__isnull=True
    )


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, on: date | None = None) -> Assignment:
    """The office ends an assignment (the business is uncovered until assigned again)."""
    if assignment.ends_on is not None:
        raise Conflict(code="assignment_ended", message=_("This assignment has already ended."))
    on = on or timezone.localdate()
    if on < assignment.starts_on:
        raise Invalid(
            code="assignment_dates",
            message=_("An assignment cannot end before it starts."),
            fields={"on": _("An assignment cannot end before it starts.")},
        )
    _end_open(actor=actor, assignments=[assignment], on=on, reason=Assignment.EndReason.UNASSIGNED)
    assignment.refresh_from_db()
    return assignment


@transaction.atomic
def official_hand_over(
    *, actor, official: Official, successor: Official, on: date | None = None
) -> int:
    """Move every business `official` covers to `successor` on `on` (today), in one action: the
    old assignments end (handed over) and new ones begin, so the history stays. The successor
    must be active, of the same level, and hold every business in their post."""
    on = on or timezone.localdate()
    if successor.pk == official.pk:
        raise Invalid(
            code="hand_over_self",
            message=_("Choose another official as successor."),
            fields={"successor": _("Choose another official as successor.")},
        )
    if not can_manage_division(actor, official.grant.division) or not (
        can_manage_division(actor, successor.grant.division)
    ):
        raise Forbidden(
            code="hand_over_out_of_reach",
            message=_("Your office can hand over only between officials of its regions."),
        )
    if successor.grant.division.level != official.grant.division.level:
        raise Invalid(
            code="hand_over_level",
            message=_("The successor must be an official of the same level."),
            fields={"successor": _("The successor must be an official of the same level.")},
        )
    current = list(
        Assignment.objects.filter(official=official, ends_on__isnull=True)
        .select_related("business__division")
        .order_by("pk")
    )
    if not current:
        raise Conflict(code="hand_over_nothing", message=_("This official covers no business."))
    if any(on < a.starts_on for a in current):
        raise Invalid(
            code="hand_over_dates",
            message=_("Hand over on or after the day the latest assignment began."),
            fields={"on": _("Hand over on or after the day the latest assignment began.")},
        )
    rules = rule_book()
    refusals = {
        str(a.business_id): f"{a.business.name}: {refusal[1]}"
        for a in current
        if (refusal := assignment_refusal(rules=rules, official=successor, business=a.business))
    }
    if refusals:
        raise Invalid(
            code="hand_over_refused",
            message=_("%(count)d businesses lie outside the successor's post or grade.")
            % {"count": len(refusals)},
            fields=refusals,
        )
    _end_open(actor=actor, assignments=current, on=on, reason=Assignment.EndReason.HANDED_OVER)
    created_by = actor if getattr(actor, "pk", None) else None
    made = Assignment.objects.bulk_create(
        [
            Assignment(business=a.business, official=successor, starts_on=on, created_by=created_by)
            for a in current
        ],
        batch_size=2000,
    )
    figures.mark_assignments((a.business_id, successor.pk) for a in made)
    run_assignments_changed(a.business_id for a in current)
    AuditEvent.objects.bulk_create(
        _assignment_events(
            actor=actor,
            action=AuditAction.ASSIGNMENT_CREATED,
            assignments=made,
            official=successor,
            data={"handed_over_from": official.pk},
        )
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.OFFICIAL_HANDED_OVER,
        target=official,
        data={"successor": successor.pk, "businesses": len(made), "on": on},
    )
    return len(made)


# --- the registry's changes -----------------------------------------------------------------

_END_REASON = {
    BusinessChange.REGRADED: Assignment.EndReason.REGRADED,
    BusinessChange.MOVED: Assignment.EndReason.MOVED,
}


def assignments_follow_business_change(event: BusinessChanged) -> None:
    """Registered with the registry's hooks (coverage.py), run inside its transaction
    (docs/domain.md §1.7).

    Closing or moving out ends the assignment from the status date; suspension keeps it (dormant)
    and resumption finds it again. A regrade or a move ends an assignment that no longer fits the
    rules (level for the grade, post holding the business), leaving the business uncovered until
    the office assigns it, or hands it at once to the successor the change names (refused, and
    the whole change with it, when the successor does not fit)."""
    businesses = {b.pk: b for b in event.businesses}
    current = _open_assignments(businesses)
    if event.change == BusinessChange.STATUS_CHANGED:
        for reason, status in (
            (Assignment.EndReason.CLOSED, BusinessStatus.CLOSED),
            (Assignment.EndReason.MOVED_OUT, BusinessStatus.MOVED_OUT),
        ):
            ending = [a for a in current if businesses[a.business_id].status == status]
            _end_open(actor=event.actor, assignments=ending, on=event.effective_on, reason=reason)
        return
    rules = rule_book()
    ending = []
    for a in current:
        a.business = businesses[a.business_id]  # the new grade or division, as written
        if assignment_refusal(rules=rules, official=a.official, business=a.business):
            ending.append(a)
    _end_open(
        actor=event.actor,
        assignments=ending,
        on=event.effective_on,
        reason=_END_REASON[event.change],
    )
    if event.successor is not None:
        successor = (
            Official.objects.select_related("grant__division", "user")
            .filter(pk=event.successor)
            .first()
        )
        if successor is None:
            message = _("There is no such official.")
            raise Invalid(code="official_unknown", message=message, fields={"successor": message})
        try:
            assignment_bulk_create(
                actor=event.actor, official=successor, businesses=event.businesses, replace=True
            )
        except Invalid as exc:  # named for the form's and the API's field
            fields = {"successor": exc.message}
            raise Invalid(code=exc.code, message=exc.message, fields=fields) from exc


def business_regrade_and_assign(
    *, actor, business: Business, grade: str, reason: str, official: Official | None = None
) -> Business:
    """Regrade and, in the same action, hand the business to `official` of the new level (the
    registry's regrade naming a successor)."""
    return business_regrade(
        actor=actor,
        business=business,
        grade=grade,
        reason=reason,
        successor=official.pk if official else None,
    )


def business_move_and_assign(
    *,
    actor,
    business: Business,
    division: Division,
    reason: str,
    official: Official | None = None,
) -> Business:
    """Move and, in the same action, hand the business to `official` of its new place."""
    return business_move(
        actor=actor,
        business=business,
        division=division,
        reason=reason,
        successor=official.pk if official else None,
    )


# --- the import's writer for assignments ----------------------------------------------------


def _business_by_code(codes: set[str]) -> dict[str, Business]:
    """Live businesses by credit code, else local registration number."""
    live = Business.objects.exclude(
        status__in=(BusinessStatus.CLOSED, BusinessStatus.MOVED_OUT)
    ).select_related("division")
    found = {}
    for b in live.filter(Q(uscc__in=codes) | Q(uscc="", registration_number__in=codes)):
        found[b.uscc or b.registration_number] = b
    return found


@dataclass
class _AssignmentsChecked:
    plan: list[PlannedAssignment]
    unchanged: int
    errors: list[RowError]
    actions: dict[int, str]


def _assignment_rows_check(actor, rows: Sequence) -> _AssignmentsChecked:
    """Every rule of the assignments sheet, nothing written: formats, the official and the
    business found, the actor's reach over both, the grade and post rules, the dates."""
    errors: list[RowError] = []
    parsed = []
    phones, codes = set(), set()
    today = timezone.localdate()
    for row in rows:
        values = row.values
        try:
            phone = _clean_mobile(values.get("official_phone"))
            phones.add(phone)
        except ValidationError as exc:
            errors.append(RowError(row.line, "official_phone", exc.messages[0]))
            phone = None
        code = str(values.get("business_code", "") or "").strip().upper()
        if not code:
            errors.append(RowError(row.line, "business_code", _("Enter the business's code.")))
        codes.add(code)
        try:
            starts_on = _clean_date(values.get("starts_on"), default=today)
        except ValidationError as exc:
            errors.append(RowError(row.line, "starts_on", exc.messages[0]))
            starts_on = None
        parsed.append((row.line, phone, code, starts_on))
    officials = {
        o.phone: o
        for o in Official.objects.filter(phone__in=phones).select_related("user", "grant__division")
    }
    businesses = _business_by_code(codes)
    current = {a.business_id: a for a in _open_assignments(b.pk for b in businesses.values())}
    rules = rule_book()
    seen: dict[int, int] = {}
    checked = _AssignmentsChecked(plan=[], unchanged=0, errors=errors, actions={})
    for line, phone, code, starts_on in parsed:
        if phone is None or starts_on is None or not code:
            continue
        official = officials.get(phone)
        business = businesses.get(code)
        if official is None:
            errors.append(
                RowError(line, "official_phone", _("No official has this mobile number."))
            )
        if business is None:
            errors.append(RowError(line, "business_code", _("No live business has this code.")))
        if official is None or business is None:
            continue
        if business.pk in seen:
            errors.append(
                RowError(
                    line,
                    "business_code",
                    _("The same business is on line %(line)d.") % {"line": seen[business.pk]},
                )
            )
            continue
        seen[business.pk] = line
        if not can_assign(actor, business=business, official=official):
            errors.append(
                RowError(
                    line,
                    "business_code",
                    _("Your office does not hold both this business and the official's post."),
                )
            )
            continue
        refusal = assignment_refusal(rules=rules, official=official, business=business)
        if refusal is not None:
            errors.append(RowError(line, "official_phone", refusal[1]))
            continue
        now_covering = current.get(business.pk)
        if now_covering is not None and now_covering.official_id == official.pk:
            checked.unchanged += 1
            checked.actions[line] = "unchanged"
            continue
        if now_covering is not None and starts_on < now_covering.starts_on:
            errors.append(
                RowError(line, "starts_on", _("The current assignment began later than this date."))
            )
            continue
        checked.actions[line] = "new" if now_covering is None else "changed"
        checked.plan.append(PlannedAssignment(official, business, starts_on, {"line": line}))
    checked.errors.sort(key=lambda e: e.line)
    return checked


def assignment_import_check(*, actor, rows: Sequence) -> RowsChecked:
    """What assignment_import_rows would say of these rows, writing nothing: the import's check.
    A row replacing another official is "changed"."""
    checked = _assignment_rows_check(actor, rows)
    return RowsChecked(errors=checked.errors, actions=checked.actions)


@transaction.atomic
def assignment_import_rows(
    *, actor, rows: Sequence, link: Mapping | None = None
) -> AssignmentImportResult:
    """Assignments from rows (`.line`, `.values` keyed as ASSIGNMENT_COLUMNS): the official by
    mobile number, the business by credit code (or registration number without one). A row
    naming a business's current official changes nothing; another official replaces them. Every
    row is checked against the rules first; one error rejects the lot. With `link` (the import
    engine's jobs, which records the whole import) each new assignment's event names it and its
    line; without, one more event records the import."""
    checked = _assignment_rows_check(actor, rows)
    if checked.errors:
        raise ImportRejected(checked.errors)
    plan = checked.plan
    if link:
        plan = [
            PlannedAssignment(p.official, p.business, p.starts_on, {**link, **p.data}) for p in plan
        ]
    result = AssignmentImportResult(unchanged=checked.unchanged)
    result.created = assignments_write(
        actor=actor,
        plan=plan,
        replace=True,
        check_reach=False,  # checked row by row above
    )
    if result.created and not link:
        audit_event_record(
            actor=actor,
            action=AuditAction.ASSIGNMENTS_IMPORTED,
            data={"created": result.created, "unchanged": result.unchanged},
        )
    return result


# --- a province's covering levels and load warning (docs/domain.md §1.2, §1.12) ----------------

LOAD_WARNING_RANGE = (1, 1000)
GRADES = tuple(DEFAULT_LEVELS)


def _covering_levels_check(province: Division, levels: Mapping[str, str]) -> dict[str, str]:
    """Field errors of a proposed grade → level mapping: each level an official's post
    (a 直辖市 may keep grade A at province level), and a lower grade never covered higher
    than a higher grade (docs/domain.md §1.2, §1.12: the larger the business, the higher the
    level)."""
    errors = {}
    allowed = set(OFFICIAL_LEVELS)
    for grade in GRADES:
        level = levels.get(grade, "")
        field = f"grade_{grade.lower()}_level"
        if level in allowed:
            continue
        if grade == "A" and level == Level.PROVINCE and is_municipality(province):
            continue
        if level == Level.PROVINCE and grade == "A":
            errors[field] = _(
                "Only a municipality directly under the central government covers grade A at "
                "province level."
            )
        else:
            errors[field] = _(
                "Grade %(grade)s must be covered at city, county, township or village level."
            ) % {"grade": grade}
    if errors:
        return errors
    for higher, lower in pairwise(GRADES):
        if LEVEL_RANK[levels[lower]] < LEVEL_RANK[levels[higher]]:
            errors[f"grade_{lower.lower()}_level"] = _(
                "Grade %(lower)s cannot be covered at a higher level than grade %(higher)s."
            ) % {"lower": lower, "higher": higher}
    return errors


@transaction.atomic
def covering_rule_set(
    *, actor, province: Division, levels: Mapping[str, str], load_warning: int
) -> CoveringRule:
    """A province office sets which level covers each grade and the officials' load warning.
    Existing assignments are left as they are: one that no longer fits stays until the office
    reassigns the business, and only new assignments must fit (docs/domain.md §1.12)."""
    if not can_set_province_rules(actor, province):
        raise Forbidden(
            code="covering_rule_out_of_reach",
            message=_("Only the province's office sets its covering levels."),
        )
    levels = {grade: str(levels.get(grade, "")) for grade in GRADES}
    errors = _covering_levels_check(province, levels)
    low, high = LOAD_WARNING_RANGE
    if not isinstance(load_warning, int) or not low <= load_warning <= high:
        errors["load_warning"] = _(
            "The load warning is a whole number from %(low)d to %(high)d."
        ) % {
            "low": low,
            "high": high,
        }
    if errors:
        raise Invalid(
            code="covering_rule_invalid",
            message=_("The covering levels were not saved; see the marked fields."),
            fields=errors,
        )
    before = province_covering(province)
    after = {f"grade_{g.lower()}_level": levels[g] for g in GRADES}
    rule, _created = CoveringRule.objects.update_or_create(
        province=province, defaults={**after, "load_warning": load_warning}
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.COVERING_RULE_CHANGED,
        target=rule,
        division=province,
        changes=changes_between(
            {
                **{f"grade_{g.lower()}_level": before.levels[g] for g in GRADES},
                "load_warning": before.load_warning,
            },
            {**after, "load_warning": load_warning},
        ),
        data={"was_default": before.is_default},
    )
    return rule
