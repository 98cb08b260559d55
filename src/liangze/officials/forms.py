"""Forms of the officials pages: raw input only; the services validate and their refusals come
back as field errors (add_domain_error)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from liangze.accounts.forms import DivisionChoiceField
from liangze.core.forms import NamedRequiredMixin
from liangze.regions.models import Division, Level

# Province included: a municipality's grade A businesses are covered at province level.
LEVEL_CHOICES = [("", _("All levels"))] + [(level.value, level.label) for level in Level]
VIEW_CHOICES = [
    ("", _("All officials")),
    ("idle", _("Officials with no business")),
    ("overloaded", _("Officials over the load warning")),
]


class OfficialFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=LEVEL_CHOICES)
    view = forms.ChoiceField(label=_("Show"), required=False, choices=VIEW_CHOICES)


class OfficialForm(NamedRequiredMixin, forms.Form):
    display_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(
        label=_("Mobile"), max_length=20, help_text=_("Also the official's login.")
    )
    division = DivisionChoiceField(
        label=_("Post (division)"),
        queryset=Division.objects.none(),
        help_text=_("Its level is the official's covering level."),
    )
    position = forms.CharField(label=_("Position"), max_length=100, required=False)

    def __init__(self, *args, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions


class BulkAssignForm(NamedRequiredMixin, forms.Form):
    division = DivisionChoiceField(
        label=_("Area"),
        queryset=Division.objects.none(),
        help_text=_("Every live business here of the grade this official covers."),
    )
    only_uncovered = forms.BooleanField(
        label=_("Only businesses nobody covers"), required=False, initial=True
    )
    replace = forms.BooleanField(
        label=_("Take businesses over from their current official"), required=False
    )

    def __init__(self, *args, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions


class HandOverForm(NamedRequiredMixin, forms.Form):
    successor = forms.ModelChoiceField(
        label=_("Successor"),
        queryset=None,
        help_text=_("An official of the same level whose post holds every business."),
    )

    def __init__(self, *args, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = successors
        self.fields["successor"].label_from_instance = lambda o: (
            f"{o.user.display_name}（{o.grant.division.name}）"
        )
