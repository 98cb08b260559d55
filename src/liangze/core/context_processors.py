from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from liangze.accounts.access import can_manage_accounts, can_read_audit, is_admin, office_paths


def _starts_jobs(user) -> bool:
    """Office staff (imports, exports) and administrators (the division table) start background
    jobs; nobody else has one to follow, so the menu does not offer the page to them."""
    return is_admin(user) or bool(office_paths(user))


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
    if can_manage_accounts(user):
        items.append(("accounts", reverse("accounts:list"), _("Accounts")))
    if can_read_audit(user):
        items.append(("audit", reverse("audit:list"), _("Audit trail")))
    if _starts_jobs(user):
        items.append(("jobs", reverse("jobs:list"), _("My jobs")))
    return {"nav_items": items}
