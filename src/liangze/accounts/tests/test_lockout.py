from datetime import timedelta

import pytest
from django.test import RequestFactory

from liangze.accounts.lockout import MAX_COOLOFF, cooloff_time


@pytest.mark.parametrize(
    ("failures", "minutes"),
    [(None, 15), (0, 15), (5, 15), (9, 15), (10, 30), (15, 60), (20, 120)],
)
def test_each_repeat_lockout_doubles_the_cool_off(settings, failures, minutes):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LIANGZE_LOGIN_COOLOFF_BASE = timedelta(minutes=15)
    request = RequestFactory().post("/accounts/login/")
    request.axes_failures_since_start = failures
    assert cooloff_time(request) == timedelta(minutes=minutes)


def test_the_cool_off_is_capped_at_a_day_and_never_permanent(settings):
    settings.AXES_FAILURE_LIMIT = 5
    request = RequestFactory().post("/accounts/login/")
    request.axes_failures_since_start = 10_000
    assert cooloff_time(request) == MAX_COOLOFF == timedelta(hours=24)
    assert settings.AXES_COOLOFF_TIME is not None
