from django import forms
from django.utils.translation import gettext_lazy as _

from liangze.core.forms import NamedRequiredMixin
from liangze.jobs.services import TABLE_SUFFIXES


class DivisionImportForm(NamedRequiredMixin, forms.Form):
    """Presence and types only; the service checks the rules (file type and size, the year)."""

    file = forms.FileField(
        label=_("Division table"),
        help_text=_(
            "CSV or Excel, first row naming the columns code, name and parent_code "
            "(the Chinese headers of the statistics bureau's table are accepted too)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(TABLE_SUFFIXES))}),
    )
    vintage = forms.IntegerField(
        label=_("Vintage year"),
        help_text=_("The year of the code table, for example 2023."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
