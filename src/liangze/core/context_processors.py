from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from liangze.accounts.access import is_office_or_admin


def navigation(request):
    """The menu a user sees. Hiding an entry is courtesy; every view checks again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("home", reverse("home"), _("Home"))]
    if user.jurisdiction().everything or user.jurisdiction().paths:
        items.append(("regions", reverse("regions:tree"), _("Regions")))
    reach = user.jurisdiction()
    if reach.everything or reach.paths or reach.business_ids:  # business staff: their own
        items.append(("businesses", reverse("businesses:list"), _("Businesses")))
    if is_office_or_admin(user):
        items.append(("accounts", reverse("accounts:list"), _("Accounts")))
        items.append(("audit", reverse("audit:list"), _("Audit trail")))
    items.append(("jobs", reverse("jobs:list"), _("My jobs")))
    return {"nav_items": items}
