"""The closed loop's tile on the home page: the regulator's queue and the public reports to
handle (regulator and office staff), the business's unfinished problems (business staff)."""

from django import template

from liangze.rectification.access import is_business_staff, is_regulator
from liangze.rectification.reports import may_handle_reports, report_inbox
from liangze.rectification.selectors import RUNNING, business_problems, regulator_queue

register = template.Library()


@register.inclusion_tag("rectification/_tile.html", takes_context=True)
def problems_tile(context):
    user = context["request"].user
    result = {"queue": None, "reports": None, "ours": None}
    if not user.is_authenticated:
        return result
    if is_regulator(user):
        queue = regulator_queue(viewer=user)
        result["queue"] = sum(queue[key].count() for key in ("new", "overdue", "verify"))
    if may_handle_reports(user):
        result["reports"] = report_inbox(viewer=user).count()
    if is_business_staff(user):
        result["ours"] = business_problems(viewer=user).filter(status__in=RUNNING).count()
    return result
