"""Login lockout tiers for django-axes: each repeat lockout of the same username and IP doubles
the cool-off, capped at a day. Never permanent."""

from datetime import timedelta

from django.conf import settings

MAX_COOLOFF = timedelta(hours=24)


def cooloff_time(request) -> timedelta:
    base = settings.LIANGZE_LOGIN_COOLOFF_BASE
    failures = getattr(request, "axes_failures_since_start", None) or 0
    limit = max(settings.AXES_FAILURE_LIMIT, 1)
    tier = max(failures // limit - 1, 0)
    # Cap the exponent first: a persistent attacker's count would overflow timedelta.
    tier = min(tier, 16)
    return min(base * (2**tier), MAX_COOLOFF)
