"""Account writes. Each service is one transaction with its audit event.

One-time passwords are returned to the caller to be shown once, and are never stored in clear
or written to the audit trail.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.accounts.access import can_grant_role, official_post_allowed
from liangze.accounts.lockout import locked_usernames, lockout_clear
from liangze.accounts.models import ApiToken, Role, RoleGrant, User
from liangze.accounts.passwords import one_time_password
from liangze.accounts.tokens import new_token_parts, token_hash
from liangze.accounts.validation import validate_username
from liangze.audit.models import AuditAction
from liangze.audit.services import access_refuse, audit_event_record
from liangze.core.errors import Conflict, Forbidden, Invalid
from liangze.core.phones import normalise_phone
from liangze.regions.models import Division


def _credentials_revoke(user: User) -> int:
    """End every API token and every session of `user` (a new session stamp changes the session
    hash; the caller's own session is kept by update_session_auth_hash where it should be).
    Returns how many tokens were revoked. Runs in the caller's transaction."""
    now = timezone.now()
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    user.session_stamp = secrets.token_hex(16)
    User.objects.filter(pk=user.pk).update(session_stamp=user.session_stamp)
    return revoked


def _username_valid(username: str, errors: dict) -> bool:
    try:
        validate_username(username)
    except ValidationError as exc:
        errors["username"] = exc.messages[0]
        return False
    return True


@dataclass(frozen=True)
class IssuedAccount:
    user: User
    one_time_password: str


def _check_grant_allowed(actor, role: str, division: Division | None) -> None:
    if role not in Role.values:
        raise Invalid(
            code="role_unknown", message=_("Unknown role."), fields={"role": _("Unknown role.")}
        )
    if role == Role.OFFICIAL and division is not None and not official_post_allowed(division):
        raise Invalid(
            code="official_level",
            message=_(
                "A responsible official's post is a city, county, township or village, or a "
                "municipality directly under the central government."
            ),
            fields={
                "division": _("Choose a city, county, township or village, or a municipality.")
            },
        )
    if not can_grant_role(actor, role=role, division=division):
        raise access_refuse(
            Forbidden(
                code="grant_out_of_reach",
                message=_(
                    "You can only grant roles inside your own region and at or below your level."
                ),
            ),
            viewer=actor,
            target_type="regions.division",
            target_id=getattr(division, "pk", ""),
        )


def user_create(
    *,
    actor: User,
    username: str,
    display_name: str,
    division: Division,
    role: str,
    phone: str = "",
) -> IssuedAccount:
    """Create an account homed in `division` with its first role and a one-time password.

    Raises Forbidden outside the actor's reach (recorded before the transaction opens, so the
    record stays), Invalid for a taken username or bad phone.
    """
    _check_grant_allowed(actor, role, division)
    return _user_create(
        actor=actor,
        username=username,
        display_name=display_name,
        division=division,
        role=role,
        phone=phone,
    )


@transaction.atomic
def _user_create(
    *, actor: User, username: str, display_name: str, division: Division, role: str, phone: str
) -> IssuedAccount:
    username = username.strip()
    display_name = display_name.strip()
    errors = {}
    if not username:
        errors["username"] = _("Enter a username.")
    elif not _username_valid(username, errors):
        pass
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This username is taken.")
    if not display_name:
        errors["display_name"] = _("Enter the person's full name.")
    try:
        phone = normalise_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    if errors:
        raise Invalid(
            code="user_invalid", message=_("Please correct the marked fields."), fields=errors
        )
    password = one_time_password()
    user = User(
        username=username,
        display_name=display_name,
        phone=phone,
        division=division,
        must_change_password=True,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict(code="username_taken", message=_("This username is taken.")) from None
    RoleGrant.objects.create(user=user, role=role, division=division, granted_by=actor)
    audit_event_record(
        actor=actor,
        action=AuditAction.USER_CREATED,
        target=user,
        changes={
            "username": [None, username],
            "display_name": [None, display_name],
            "role": [None, role],
        },
    )
    return IssuedAccount(user=user, one_time_password=password)


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    if user.pk == actor.pk:
        raise Conflict(code="deactivate_self", message=_("You cannot deactivate your own account."))
    moved = User.objects.filter(pk=user.pk, is_active=True).update(is_active=False)
    if not moved:
        raise Conflict(
            code="user_already_inactive", message=_("This account is already deactivated.")
        )
    revoked = _credentials_revoke(user)
    audit_event_record(
        actor=actor,
        action=AuditAction.USER_DEACTIVATED,
        target=user,
        changes={"is_active": [True, False]},
        data={"tokens_revoked": revoked},
    )
    user.refresh_from_db()
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    moved = User.objects.filter(pk=user.pk, is_active=False).update(is_active=True)
    if not moved:
        raise Conflict(code="user_already_active", message=_("This account is already active."))
    audit_event_record(
        actor=actor,
        action=AuditAction.USER_REACTIVATED,
        target=user,
        changes={"is_active": [False, True]},
    )
    user.refresh_from_db()
    return user


@transaction.atomic
def user_password_reset(*, actor: User, user: User) -> IssuedAccount:
    """A new one-time password; the holder must change it at next login. Every API token and
    session of the account ends: whoever held them may be who the reset locks out. A login
    lockout of the account is lifted with it, or the new password could not be used until the
    pause ended."""
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    revoked = _credentials_revoke(user)
    was_locked = user.username.lower() in locked_usernames()
    lockout_clear(username=user.username)
    audit_event_record(
        actor=actor,
        action=AuditAction.USER_PASSWORD_RESET,
        target=user,
        data={"tokens_revoked": revoked, "lockout_lifted": True}
        if was_locked
        else {"tokens_revoked": revoked},
    )
    return IssuedAccount(user=user, one_time_password=password)


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> User:
    """Lift the login lockout of `user` from every address, keeping the password.

    Raises Conflict when the account is not locked out, so a double press records one event."""
    if user.username.lower() not in locked_usernames():
        raise Conflict(code="user_not_locked", message=_("This account is not locked out."))
    lockout_clear(username=user.username)
    audit_event_record(actor=actor, action=AuditAction.USER_UNLOCKED, target=user)
    return user


def user_password_change(*, actor: User, old_password: str, new_password: str) -> User:
    """The holder changes their own password; clears the must-change flag.

    A wrong current password writes its own event, outside the change's transaction so that it
    stays, and raises Invalid `old_password_wrong`; the caller counts it against the login
    lockout (accounts.lockout), which only it can, holding the request."""
    if not actor.check_password(old_password):
        with transaction.atomic():
            audit_event_record(actor=actor, action=AuditAction.PASSWORD_CHANGE_FAILED, target=actor)
        raise Invalid(
            code="old_password_wrong",
            message=_("Your current password is not correct."),
            fields={"old_password": _("Your current password is not correct.")},
        )
    return _user_password_change(actor=actor, old_password=old_password, new_password=new_password)


@transaction.atomic
def _user_password_change(*, actor: User, old_password: str, new_password: str) -> User:
    if new_password == old_password:
        raise Invalid(
            code="password_unchanged",
            message=_("Choose a password different from the current one."),
            fields={"new_password1": _("Choose a password different from the current one.")},
        )
    try:
        validate_password(new_password, user=actor)
    except ValidationError as exc:
        raise Invalid(
            code="password_weak",
            message=" ".join(exc.messages),
            fields={"new_password1": " ".join(exc.messages)},
        ) from None
    forced = actor.must_change_password
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    # A new password already ends the other sessions (the session hash covers it); a forced
    # change, the first after a reset, ends every token too.
    revoked = _credentials_revoke(actor) if forced else 0
    audit_event_record(
        actor=actor,
        action=AuditAction.PASSWORD_CHANGED,
        target=actor,
        data={"forced": forced, "tokens_revoked": revoked},
    )
    return actor


def role_grant(*, actor: User, user: User, role: str, division: Division | None) -> RoleGrant:
    """Refuses (Forbidden, recorded) before the transaction opens, so the record stays."""
    _check_grant_allowed(actor, role, division)
    return _role_grant(actor=actor, user=user, role=role, division=division)


@transaction.atomic
def _role_grant(*, actor: User, user: User, role: str, division: Division | None) -> RoleGrant:
    if RoleGrant.objects.filter(
        user=user, role=role, division=division, revoked_at__isnull=True
    ).exists():
        raise Conflict(code="grant_exists", message=_("This person already holds that role there."))
    grant = RoleGrant.objects.create(user=user, role=role, division=division, granted_by=actor)
    audit_event_record(
        actor=actor,
        action=AuditAction.ROLE_GRANTED,
        target=user,
        data={"grant": grant.pk, "role": role, "division": getattr(division, "code", None)},
    )
    user.forget_cached_grants()
    return grant


def role_revoke(*, actor: User, grant: RoleGrant) -> RoleGrant:
    """Refuses (Forbidden, recorded) before the transaction opens, so the record stays."""
    _check_grant_allowed(actor, grant.role, grant.division)
    return _role_revoke(actor=actor, grant=grant)


@transaction.atomic
def _role_revoke(*, actor: User, grant: RoleGrant) -> RoleGrant:
    now = timezone.now()
    moved = RoleGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    if not moved:
        raise Conflict(code="grant_already_revoked", message=_("This role was already revoked."))
    # An account left with no role keeps no way in: its tokens and sessions end.
    last_role = not RoleGrant.objects.filter(user=grant.user, revoked_at__isnull=True).exists()
    revoked = _credentials_revoke(grant.user) if last_role else 0
    audit_event_record(
        actor=actor,
        action=AuditAction.ROLE_REVOKED,
        target=grant.user,
        data={
            "grant": grant.pk,
            "role": grant.role,
            "division": getattr(grant.division, "code", None),
            "tokens_revoked": revoked,
        },
    )
    grant.refresh_from_db()
    return grant


MAX_TOKEN_DAYS = 366


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    text: str


@transaction.atomic
def api_token_create(*, actor: User, name: str, days: int) -> IssuedToken:
    """A token for the actor's own use; the text is returned once and never stored."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = _("Name the token, e.g. after the program that uses it.")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = _("A token lives from 1 to %(max)d days.") % {"max": MAX_TOKEN_DAYS}
    if errors:
        raise Invalid(
            code="token_invalid", message=_("Please correct the marked fields."), fields=errors
        )
    prefix, secret, text = new_token_parts()
    token = ApiToken.objects.create(
        user=actor,
        name=name[:60],
        prefix=prefix,
        token_hash=token_hash(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.API_TOKEN_CREATED,
        target=actor,
        data={"token": token.pk, "prefix": prefix, "days": days},
    )
    return IssuedToken(token=token, text=text)


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    now = timezone.now()
    moved = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    if not moved:
        raise Conflict(code="token_already_revoked", message=_("This token was already revoked."))
    audit_event_record(
        actor=actor,
        action=AuditAction.API_TOKEN_REVOKED,
        target=token.user,
        data={"token": token.pk},
    )
    token.refresh_from_db()
    return token
