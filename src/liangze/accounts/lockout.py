"""Login lockout tiers for django-axes: each repeat lockout of the same username and IP doubles
the cool-off, capped at a day. Never permanent.

Office staff see which of their accounts are locked out right now and may lift a lockout; a
password reset lifts it too, or the holder could not use the new one-time password."""

from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

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
    deleted, _ = AccessAttempt.objects.filter(username__iexact=username).delete()
    return deleted
