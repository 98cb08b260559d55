from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from liangze.accounts.access import can_manage_accounts, can_read_audit

# Apps above core add their entries (in AppConfig.ready): each callable takes the user and the
# list of (key, url, label) built so far and returns the list to show.
NAV_EXTENSIONS: list = []


def register_nav_extension(extension) -> None:
    if extension not in NAV_EXTENSIONS:
        NAV_EXTENSIONS.append(extension)


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
    items.append(("jobs", reverse("jobs:list"), _("My jobs")))
    for extension in NAV_EXTENSIONS:
        items = extension(user, items)
    return {"nav_items": items}
