"""The periods of the records (docs/domain.md §1.8, §1.3): days, weeks Monday to Sunday and
calendar months, all in Shanghai time. A record is entered for the current period or the one
before (marked late); older periods cannot be back-filled, future ones not entered."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.core.errors import Invalid

DAY, WEEK, MONTH = "day", "week", "month"


def today() -> date:
    return timezone.localdate()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month_start(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def period_start(kind: str, day: date) -> date:
    if kind == DAY:
        return day
    if kind == WEEK:
        return week_start(day)
    return month_start(day)


def previous_period_start(kind: str, day: date) -> date:
    current = period_start(kind, day)
    if kind == DAY:
        return current - timedelta(days=1)
    if kind == WEEK:
        return current - timedelta(days=7)
    return previous_month_start(current)


def entry_lateness(kind: str, start: date, *, on: date | None = None, field: str) -> bool:
    """False for the current period, True for the one before (late); Invalid otherwise.
    `start` must be the first day of a period of `kind`."""
    on = on or today()
    if period_start(kind, start) != start:
        raise Invalid(
            code="period_start_wrong",
            message=_("The period does not start on that date."),
            fields={field: _("The period does not start on that date.")},
        )
    if start == period_start(kind, on):
        return False
    if start == previous_period_start(kind, on):
        return True
    message = (
        _("A record cannot be entered for a future period.")
        if start > on
        else _("Only the current or the previous period can be entered.")
    )
    raise Invalid(code="period_closed", message=message, fields={field: message})


def days_between(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def weekday_count(first: date, last: date, weekdays: str) -> int:
    """Days from `first` to `last` (inclusive) whose ISO weekday digit is in `weekdays`."""
    if last < first:
        return 0
    total = (last - first).days + 1
    full_weeks, rest = divmod(total, 7)
    count = full_weeks * sum(1 for d in "1234567" if d in weekdays)
    for offset in range(rest):
        if str((first + timedelta(days=full_weeks * 7 + offset)).isoweekday()) in weekdays:
            count += 1
    return count
