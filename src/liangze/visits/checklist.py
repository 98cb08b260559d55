"""The visit checklist (docs/domain.md §1.5): a province's `ChecklistItem` rows for the
business type (or for every type), else these defaults."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
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


def province_checklist_rows(province_pk: int, business_types=None) -> list:
    """The province's `ChecklistItem` rows, in use or not, of every type or (given) of the
    types named (`""` is the set for every type), in order."""
    from liangze.visits.models import ChecklistItem

    rows = ChecklistItem.objects.filter(province_id=province_pk)
    if business_types is not None:
        rows = rows.filter(business_type__in=list(business_types))
    return list(rows.order_by("business_type", "order", "pk"))


ORDER_STEP = 10  # the order numbers of a set: 10, 20, 30…, room to put one between two


def province_checklist_items(province) -> tuple[list, bool]:
    """Every set of the province's checklist for its office to edit: the rows, in use or not,
    the set for every type first, each in order; or, while the province has none, the
    defaults as unsaved rows of the set for every type, in the platform's language (True:
    these are the defaults)."""
    rows = province_checklist_rows(province.pk)
    if rows:
        return rows, False
    return default_rows(province), True


def default_rows(province) -> list:
    """The defaults as unsaved rows of the province's set for every type, in the platform's
    language whoever reads or writes: the words the first change copies (a change form must
    not save another language's words as the province's)."""
    from liangze.visits.models import ChecklistItem

    with translation.override(settings.LANGUAGE_CODE):
        return [
            ChecklistItem(
                province=province,
                business_type="",
                key=item.key,
                label=str(item.label),
                order=n * ORDER_STEP,
            )
            for n, item in enumerate(DEFAULT_ITEMS, start=1)
        ]


def province_checklist(province_pk: int, business_type: str = "") -> list[Item]:
    """The items a visit to a business of `business_type` in the province checks, in order
    (`""`: a type with no items of its own). A province with no rows uses the defaults; one
    with rows never falls back to them, so an item taken out of use stays out."""
    rows = province_checklist_rows(province_pk, {"", business_type})
    if not rows:
        return [Item(i.key, str(i.label)) for i in DEFAULT_ITEMS]
    rows = [r for r in rows if r.active]
    # A type's own item overrides the one for every type under the same key.
    chosen: dict[str, Item] = {}
    for row in sorted(rows, key=lambda r: r.business_type != ""):
        chosen[row.key] = Item(row.key, row.label)
    order = {r.key: (r.order, r.pk) for r in rows}
    return sorted(chosen.values(), key=lambda i: order[i.key])


def checklist_for(business) -> list[Item]:
    """The items a visit to `business` checks, in order: its province's task list for its
    type (docs/domain.md §1.5), the same list the official's task-list document prints."""
    return province_checklist(province_pk_of(business.division.path), business.business_type)
