"""The enterprise duties' measures (docs/domain.md §1.8, §2) registered with the figures
machinery (docs/architecture.md#figures), and the marks the enterprise services write. All are
business-side (the business's division); the definitions are the selectors' own
(`staffing_by_division`, `completion_by_division`).

- `staffing_rate` (总监安全员配备率) and `officer_staffing_rate` (the officer-only variant): the
  people recorded as current when computed, over the businesses operating then.
- `self_check_daily_rate`, `self_check_weekly_rate`, `self_check_monthly_rate` (windowed):
  the record keepers' days with a daily check / operating days, weeks with a review / whole
  weeks, months with minutes / whole months, from the period's first day to `on`.
"""

from collections.abc import Collection, Iterable
from datetime import date

from liangze.figures.measures import Computed, Measure, Side, measure_register
from liangze.figures.services import figures_mark

STAFFING = "staffing_rate"
OFFICER_STAFFING = "officer_staffing_rate"
SELF_CHECK_DAILY = "self_check_daily_rate"
SELF_CHECK_WEEKLY = "self_check_weekly_rate"
SELF_CHECK_MONTHLY = "self_check_monthly_rate"


def _businesses(division_ids: Collection[int] | None):
    from liangze.businesses.models import Business, BusinessStatus

    businesses = Business.objects.filter(status=BusinessStatus.OPERATING)
    if division_ids is not None:
        businesses = businesses.filter(division_id__in=list(division_ids))
    return businesses


def _staffing(index: int):
    def compute(on: date, division_ids: Collection[int] | None) -> Computed:
        from liangze.enterprise.selectors import staffing_by_division

        return {
            pk: (row[0], row[index].numerator, row[index].denominator)
            for pk, row in staffing_by_division(_businesses(division_ids)).items()
        }

    return compute


def _self_checks(part: str):
    def compute(on: date, division_ids: Collection[int] | None, start: date) -> Computed:
        from liangze.enterprise.selectors import completion_by_division, keepers_among

        out = {}
        for pk, (path, completion) in completion_by_division(
            keepers_among(_businesses(division_ids)), first=start, last=on
        ).items():
            rate = getattr(completion, part)
            out[pk] = (path, rate.numerator, rate.denominator)
        return out

    return compute


def register_measures() -> None:
    from django.utils.translation import gettext_lazy as _

    for code, label, compute, order, windowed in (
        (STAFFING, _("Directors and officers appointed"), _staffing(1), 60, False),
        (OFFICER_STAFFING, _("Food safety officers appointed"), _staffing(2), 61, False),
        (SELF_CHECK_DAILY, _("Daily checks kept"), _self_checks("daily"), 70, True),
        (SELF_CHECK_WEEKLY, _("Weekly reviews kept"), _self_checks("weekly"), 71, True),
        (SELF_CHECK_MONTHLY, _("Monthly meetings held"), _self_checks("monthly"), 72, True),
    ):
        measure_register(
            Measure(
                code=code,
                label=label,
                side=Side.BUSINESS,
                compute=compute,
                order=order,
                windowed=windowed,
            )
        )


def mark_business(business) -> None:
    """The people or records of this business changed: its division."""
    figures_mark(side=Side.BUSINESS, division_ids=[business.division_id])


def mark_businesses(business_ids: Iterable[int]) -> None:
    from liangze.businesses.models import Business

    ids = set(business_ids)
    if ids:
        figures_mark(
            side=Side.BUSINESS,
            division_ids=Business.objects.filter(pk__in=ids)
            .values_list("division_id", flat=True)
            .distinct(),
        )
