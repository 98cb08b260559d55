"""The login lockout (django-axes) and what else it guards.

Tiers: each repeat lockout of the same username and IP doubles the cool-off, capped at a day.
Never permanent. A wrong current password on a password change is a wrong password like any
other: it counts towards the same lockout, so the change form is no oracle for a stolen session.

Office staff see which of their accounts are locked out right now and may lift a lockout; a
password reset lifts it too, or the holder could not use the new one-time password."""

from datetime import datetime, timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.audit.services import access_refuse
from liangze.core.errors import Throttled

MAX_COOLOFF = timedelta(hours=24)


def cooloff_for_failures(failures: int | None) -> timedelta:
    """The pause after `failures` failed logins of one username from one address."""
    base = settings.LIANGZE_LOGIN_COOLOFF_BASE
    limit = max(settings.AXES_FAILURE_LIMIT, 1)
    tier = max((failures or 0) // limit - 1, 0)
    # Cap the exponent first: a persistent attacker's count would overflow timedelta.
    tier = min(tier, 16)
    return min(base * (2**tier), MAX_COOLOFF)


def cooloff_time(request) -> timedelta:
    return cooloff_for_failures(getattr(request, "axes_failures_since_start", None))


def locked_usernames(*, now: datetime | None = None) -> set[str]:
    """Usernames (lower case) locked out from at least one address at `now`.

    Rows at the failure limit are few (one per username and address being guessed), so the
    pause of each is worked out here rather than in SQL."""
    now = now or timezone.now()
    rows = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).values_list("username", "failures_since_start", "attempt_time")
    return {
        username.lower()
        for username, failures, attempted_at in rows
        if username and attempted_at + cooloff_for_failures(failures) > now
    }


def lockout_clear(*, username: str) -> int:
    """Forget the failed logins of `username` from every address; returns how many rows went.

    Callers are services, which record the audit event in the same transaction."""
    deleted, _by_model = AccessAttempt.objects.filter(username__iexact=username).delete()
    return deleted


def _credentials(user) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}


def password_checks_locked(request, user) -> bool:
    """True while `user` is locked out from this address (by wrong logins or wrong current
    passwords alike)."""
    return AxesProxyHandler.is_locked(request, _credentials(user))


def password_check_failed(request, user) -> bool:
    """Count a wrong current password as a failed login of `user` from this address; True when
    this failure reached the limit. The API's caller clears `request.axes_locked_out` to answer
    in its own error shape instead of the lockout page."""
    AxesProxyHandler.user_login_failed(
        sender=password_check_failed, credentials=_credentials(user), request=request
    )
    return bool(getattr(request, "axes_locked_out", False))


def password_checks_refused(user) -> Throttled:
    """The refusal of a password check while locked out, recorded like every denial."""
    return access_refuse(
        Throttled(
            code="locked_out",
            message=_(
                "Logins for this account from your address are paused for a while. Try again "
                "later, or ask your food safety office to reset your password."
            ),
        ),
        viewer=user,
        target_type="accounts.user",
        target_id=user.pk,
    )
