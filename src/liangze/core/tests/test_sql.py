"""core.sql's helpers: values as the database gives them, made what the ORM would give."""

from datetime import UTC, date, datetime

import pytest

from liangze.core.sql import as_date, as_datetime, fetch, placeholders


def test_dates_from_text_or_as_they_are():
    assert as_date("2026-12-04") == date(2026, 12, 4)
    assert as_date(date(2026, 12, 4)) == date(2026, 12, 4)
    assert as_date(None) is None


def test_timestamps_are_made_aware_in_utc():
    aware = datetime(2026, 12, 4, 8, 30, tzinfo=UTC)
    assert as_datetime(datetime(2026, 12, 4, 8, 30)) == aware
    assert as_datetime("2026-12-04 08:30:00") == aware
    assert as_datetime(aware) is aware
    assert as_datetime(None) is None


def test_one_placeholder_per_value_and_none_for_nothing():
    assert placeholders([1, 2, 3]) == "%s, %s, %s"
    with pytest.raises(ValueError, match="at least one"):
        placeholders([])


@pytest.mark.django_db
def test_fetch_binds_its_parameters():
    assert fetch("SELECT %s, %s", [1, "两责"]) == [(1, "两责")]
