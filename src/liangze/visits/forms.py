"""Forms of the visits app's pages; the services check the rules (docs/architecture.md)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from liangze.businesses.types import BusinessType
from liangze.core.forms import NamedRequiredMixin


def business_type_choices() -> list[tuple[str, str]]:
    return [("", _("Every type")), *BusinessType.choices]


class ChecklistItemAddForm(NamedRequiredMixin, forms.Form):
    """A new item at the end of one set of a province's checklist (docs/domain.md §1.5)."""

    business_type = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=business_type_choices,
        help_text=_("A business type's own items are checked besides the items for every type."),
    )
    label = forms.CharField(label=_("Item"), max_length=200)


class ChecklistItemChangeForm(NamedRequiredMixin, forms.Form):
    """One item's wording, place and whether it is in use."""

    label = forms.CharField(label=_("Item"), max_length=200)
    order = forms.IntegerField(
        label=_("Order number"),
        min_value=0,
        max_value=32767,
        help_text=_("Items are checked from the smallest number up."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    active = forms.BooleanField(label=_("In use"), required=False)
