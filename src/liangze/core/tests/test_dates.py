"""core.dates: the bounds of a date a person enters (docs/domain.md §3.6)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from liangze.core import dates
from liangze.core.errors import Invalid

TODAY = date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(dates.timezone, "localdate", lambda: TODAY)


class TestBounds:
    def test_it_accepts_the_first_day_of_1949_and_a_year_from_today(self):
        assert dates.date_bounds_message(date(1949, 1, 1)) is None
        assert dates.date_bounds_message(date(2027, 12, 3)) is None

    def test_it_refuses_the_day_before_1949(self):
        assert "1949-01-01" in dates.date_bounds_message(date(1948, 12, 31))

    def test_it_refuses_a_year_and_a_day_from_today(self):
        assert "2027-12-03" in dates.date_bounds_message(date(2027, 12, 4))

    def test_a_deadline_may_lie_five_years_ahead(self):
        assert dates.date_bounds_message(date(2031, 12, 3), deadline=True) is None
        assert "2031-12-03" in dates.date_bounds_message(date(2031, 12, 4), deadline=True)
        assert dates.date_bounds_message(date(1948, 12, 31), deadline=True)

    def test_the_29th_of_february_moves_to_the_28th(self):
        assert dates.latest_date(today=date(2028, 2, 29)) == date(2029, 2, 28)

    def test_the_message_is_translated(self):
        with translation.override("zh-hans"):
            assert "1949-01-01" in dates.date_bounds_message(date(1900, 1, 1))
            assert "日期" in dates.date_bounds_message(date(1900, 1, 1))


class TestValidators:
    def test_the_form_validator_raises_a_validation_error(self):
        with pytest.raises(ValidationError) as caught:
            dates.validate_user_date(date(1900, 1, 1))
        assert caught.value.code == "date_out_of_range"
        dates.validate_user_date(None)
        dates.validate_user_date(TODAY)

    def test_the_deadline_validator_allows_five_years(self):
        dates.validate_deadline_date(TODAY + timedelta(days=4 * 365))
        with pytest.raises(ValidationError):
            dates.validate_deadline_date(TODAY + timedelta(days=6 * 365))

    def test_services_get_invalid_naming_every_field(self):
        with pytest.raises(Invalid) as caught:
            dates.check_user_dates(a=date(1900, 1, 1), b=TODAY, c=date(2100, 1, 1), d=None)
        assert caught.value.status == 422
        assert caught.value.code == "date_out_of_range"
        assert set(caught.value.fields) == {"a", "c"}


@given(st.dates())
def test_any_date_is_accepted_exactly_within_the_bounds(value):
    inside = date(1949, 1, 1) <= value <= date(2027, 12, 3)
    assert (dates.date_bounds_message(value) is None) is inside
