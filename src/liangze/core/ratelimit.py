"""Throttling without Redis: token buckets kept in the database, as healthchecks does.

A `Rate` allows `count` events per `period`. Its bucket holds at most `count` tokens and refills
continuously, so a burst may spend the whole bucket and the steady pace is count per period.
`ratelimit_take` takes one token from every bucket it names, or none when any of them is empty.
"""

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from liangze.core.errors import DomainError
from liangze.core.models import RateLimitBucket

# Buckets count millionths of a token, so refilling by the elapsed time stays an integer.
UNIT = 1_000_000
# A bucket left alone this long is full under every Rate allowed, so deleting it changes nothing.
RETENTION = timedelta(days=7)
_MICROSECOND = timedelta(microseconds=1)


class RateLimited(DomainError):
    """Too many requests of one kind from one source; the caller may try again later."""

    status = 429


@dataclass(frozen=True)
class Rate:
    """`count` events per `period`; the period is at most RETENTION."""

    count: int
    period: timedelta

    def __post_init__(self):
        if self.count < 1:
            raise ValueError("a rate allows at least one event")
        if not timedelta(0) < self.period <= RETENTION:
            raise ValueError(f"a rate's period lies between 0 and {RETENTION}")

    @property
    def capacity(self) -> int:
        return self.count * UNIT

    def refill(self, elapsed: timedelta) -> int:
        """Millionths of a token that `elapsed` puts back (none for a clock that went back)."""
        return max(elapsed // _MICROSECOND, 0) * self.capacity // (self.period // _MICROSECOND)


def ip_scope(ip: str | None) -> str:
    """What one client is, for limiting: an IPv4 address, or the /64 of an IPv6 one (a single
    household or phone is given a whole /64 and may hop within it)."""
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@transaction.atomic
def ratelimit_take(limits: Sequence[tuple[str, Rate]], *, now: datetime | None = None) -> bool:
    """Take one token from the bucket of each (key, rate), or from none when any is empty.

    True when taken. Runs in the caller's transaction when there is one, so a request that is
    later rolled back gets its tokens back. A refusal takes nothing. The rows are locked while
    read, so two concurrent requests cannot both take the last token.
    """
    now = now or timezone.now()
    # A new bucket starts full; ignore_conflicts makes concurrent first requests safe.
    RateLimitBucket.objects.bulk_create(
        [RateLimitBucket(key=key, tokens=rate.capacity, updated_at=now) for key, rate in limits],
        ignore_conflicts=True,
    )
    buckets = {
        bucket.key: bucket
        for bucket in RateLimitBucket.objects.select_for_update().filter(
            key__in=[key for key, _rate in limits]
        )
    }
    levels = {}
    for key, rate in limits:
        bucket = buckets[key]
        level = min(rate.capacity, bucket.tokens + rate.refill(now - bucket.updated_at))
        if level < UNIT:
            return False
        levels[key] = level
    for key, level in levels.items():
        RateLimitBucket.objects.filter(pk=buckets[key].pk).update(
            tokens=level - UNIT, updated_at=now
        )
    RateLimitBucket.objects.filter(updated_at__lt=now - RETENTION).delete()
    return True
