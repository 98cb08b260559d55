"""The visit checklist (docs/domain.md §1.5): a province's `ChecklistItem` rows for the
business type (or for every type), else these defaults."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from liangze.officials.rules import province_pk_of


@dataclass(frozen=True)
class Item:
    key: str
    label: str


DEFAULT_ITEMS = (
    Item("officers", _("Food-safety director and officers appointed, duties posted")),
    Item("risk_list", _("Risk control list in place")),
    Item("records", _("Daily, weekly and monthly records current")),
    Item("licence", _("Licence valid and displayed")),
    Item("health", _("Staff health certificates")),
    Item("purchase", _("Purchase checks (certificates and invoices)")),
    Item("storage", _("Storage and temperature")),
    Item("cleaning", _("Cleaning and disinfection")),
    Item("samples", _("Samples kept (canteens)")),
    Item("open_kitchen", _("Open kitchen (明厨亮灶) working")),
    Item("complaints", _("Complaints handled")),
    Item("emergency", _("Emergency plan")),
    Item("training", _("Training")),
)


def checklist_for(business) -> list[Item]:
    """The items a visit to `business` checks, in order."""
    from liangze.visits.models import ChecklistItem

    rows = list(
        ChecklistItem.objects.filter(
            province_id=province_pk_of(business.division.path),
            business_type__in=["", business.business_type],
            active=True,
        ).order_by("order", "pk")
    )
    if not rows:
        return [Item(i.key, str(i.label)) for i in DEFAULT_ITEMS]
    # A type's own item overrides the one for every type under the same key.
    chosen: dict[str, Item] = {}
    for row in sorted(rows, key=lambda r: r.business_type != ""):
        chosen[row.key] = Item(row.key, row.label)
    order = {r.key: (r.order, r.pk) for r in rows}
    return sorted(chosen.values(), key=lambda i: order[i.key])
