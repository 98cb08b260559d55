from datetime import UTC, datetime, timedelta

import pytest

from liangze.core.models import RateLimitBucket
from liangze.core.ratelimit import RETENTION, UNIT, Rate, ip_scope, ratelimit_take

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
THREE_AN_HOUR = Rate(3, timedelta(hours=1))


def take(key="k", rate=THREE_AN_HOUR, *, at=T0):
    return ratelimit_take([(key, rate)], now=at)


@pytest.mark.django_db
class TestRatelimitTake:
    def test_it_allows_a_full_bucket_then_refuses(self):
        assert [take() for _ in range(4)] == [True, True, True, False]

    def test_it_refills_with_time(self):
        for _ in range(3):
            take()
        assert not take(at=T0 + timedelta(minutes=19))
        assert take(at=T0 + timedelta(minutes=20))  # one token per 20 minutes
        assert not take(at=T0 + timedelta(minutes=21))

    def test_it_never_holds_more_than_its_capacity(self):
        take()
        later = T0 + timedelta(days=2)
        assert [take(at=later) for _ in range(4)] == [True, True, True, False]
        assert RateLimitBucket.objects.get().tokens == 0

    def test_a_refusal_takes_from_no_bucket(self):
        one = Rate(1, timedelta(hours=1))
        assert ratelimit_take([("a", THREE_AN_HOUR), ("b", one)], now=T0)
        assert not ratelimit_take([("a", THREE_AN_HOUR), ("b", one)], now=T0)
        assert RateLimitBucket.objects.get(key="a").tokens == 2 * UNIT

    def test_keys_are_separate(self):
        for _ in range(3):
            take("a")
        assert take("b")

    def test_a_clock_that_goes_back_adds_nothing(self):
        for _ in range(3):
            take()
        assert not take(at=T0 - timedelta(hours=5))

    def test_idle_buckets_are_purged(self):
        take("old")
        take("new", at=T0 + RETENTION + timedelta(seconds=1))
        assert list(RateLimitBucket.objects.values_list("key", flat=True)) == ["new"]


class TestRate:
    @pytest.mark.parametrize(
        ("count", "period"),
        [(0, timedelta(hours=1)), (1, timedelta(0)), (1, RETENTION + timedelta(seconds=1))],
    )
    def test_it_refuses_what_it_cannot_keep(self, count, period):
        with pytest.raises(ValueError):
            Rate(count, period)

    def test_refill_is_an_integer(self):
        assert THREE_AN_HOUR.refill(timedelta(minutes=10)) == UNIT // 2
        assert THREE_AN_HOUR.refill(timedelta(seconds=-1)) == 0


@pytest.mark.parametrize(
    ("ip", "scope"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        (None, "unknown"),
        ("", "unknown"),
        ("not an address", "unknown"),
    ],
)
def test_ip_scope(ip, scope):
    assert ip_scope(ip) == scope
