"""Forms of the officials pages: raw input only; the services validate and their refusals come
back as field errors (add_domain_error)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from liangze.accounts.access import OFFICIAL_LEVELS, is_municipality
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


class CoveringRuleForm(NamedRequiredMixin, forms.Form):
    """A province's covering level per grade and its load warning (docs/domain.md §1.2,
    §1.12); the service checks the order of the levels and the range."""

    grade_a_level = forms.ChoiceField(label=_("Grade A (large) covered at"))
    grade_b_level = forms.ChoiceField(label=_("Grade B (medium) covered at"))
    grade_c_level = forms.ChoiceField(label=_("Grade C (small) covered at"))
    grade_d_level = forms.ChoiceField(label=_("Grade D (micro) covered at"))
    load_warning = forms.IntegerField(
        label=_("Load warning (businesses per official)"),
        help_text=_("An official covering more is listed as over the load warning; never refused."),
        widget=forms.NumberInput(attrs={"min": 1, "max": 1000, "inputmode": "numeric"}),
    )

    def __init__(self, *args, province: Division, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(level.value, level.label) for level in Level if level in OFFICIAL_LEVELS]
        for name in ("grade_a_level", "grade_b_level", "grade_c_level", "grade_d_level"):
            self.fields[name].choices = choices
        if is_municipality(province):
            self.fields["grade_a_level"].choices = [
                (Level.PROVINCE.value, Level.PROVINCE.label),
                *choices,
            ]

    def levels(self) -> dict[str, str]:
        return {g: self.cleaned_data[f"grade_{g.lower()}_level"] for g in ("A", "B", "C", "D")}
