from django import forms
from django.utils.translation import gettext_lazy as _

from liangze.core.forms import NamedRequiredMixin
from liangze.imports.models import BusinessImport
from liangze.jobs.services import TABLE_SUFFIXES


class ImportUploadForm(NamedRequiredMixin, forms.Form):
    """Presence only; the service checks the file's type and size, the job its rows."""

    file = forms.FileField(
        label=_("Business table"),
        help_text=_("The template filled in, or an exported list: .xlsx, .xls or .csv."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(TABLE_SUFFIXES))}),
    )


class ImportCommitForm(NamedRequiredMixin, forms.Form):
    mode = forms.ChoiceField(choices=BusinessImport.Mode.choices)
