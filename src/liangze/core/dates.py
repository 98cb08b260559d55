"""The bounds of a date a person enters (docs/domain.md §3.6): one validator for forms, the API
(through the services) and imports.

A date before 1949-01-01 or more than a year after today (Shanghai's today) is a typing error,
except for a future deadline, which may lie up to five years ahead.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.core.errors import Invalid

EARLIEST = date(1949, 1, 1)
YEARS_AHEAD = 1
DEADLINE_YEARS_AHEAD = 5


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def latest_date(*, deadline: bool = False, today: date | None = None) -> date:
    """The last date accepted today: a year ahead, five for a deadline."""
    today = today or timezone.localdate()
    return _years_after(today, DEADLINE_YEARS_AHEAD if deadline else YEARS_AHEAD)


def date_bounds_message(value: date, *, deadline: bool = False) -> str | None:
    """Why `value` is out of bounds, in the active language; None when it is within them."""
    if value < EARLIEST:
        return _("Give a date on or after %(earliest)s.") % {"earliest": EARLIEST.isoformat()}
    latest = latest_date(deadline=deadline)
    if value > latest:
        if deadline:
            return _("Give a date on or before %(latest)s (five years from today).") % {
                "latest": latest.isoformat()
            }
        return _("Give a date on or before %(latest)s (one year from today).") % {
            "latest": latest.isoformat()
        }
    return None


def validate_user_date(value: date | None) -> None:
    """A form field's validator (`validators=[validate_user_date]`); None passes."""
    if value is not None and (message := date_bounds_message(value)):
        raise ValidationError(message, code="date_out_of_range")


def validate_deadline_date(value: date | None) -> None:
    """A form field's validator for a future deadline; None passes."""
    if value is not None and (message := date_bounds_message(value, deadline=True)):
        raise ValidationError(message, code="date_out_of_range")


def date_bounds_errors(**dates: date | None) -> dict[str, str]:
    """{field: message} for each named date out of bounds (None is left to the caller)."""
    return {
        name: message
        for name, value in dates.items()
        if value is not None and (message := date_bounds_message(value))
    }


def check_user_dates(**dates: date | None) -> None:
    """Raise Invalid (422) naming every date out of bounds; services call it on their date inputs."""
    errors = date_bounds_errors(**dates)
    if errors:
        raise Invalid(code="date_out_of_range", message=next(iter(errors.values())), fields=errors)
