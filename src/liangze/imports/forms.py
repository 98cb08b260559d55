from django import forms
from django.utils.translation import gettext_lazy as _

from liangze.core.forms import NamedRequiredMixin, name_required_fields
from liangze.imports.models import TableImport
from liangze.jobs.services import TABLE_SUFFIXES


class ImportUploadForm(NamedRequiredMixin, forms.Form):
    """Presence only; the service checks the file's type and size, the job its rows. `label`
    names the spec's table ("Business table")."""

    file = forms.FileField(
        help_text=_("The template filled in, or an exported list: .xlsx, .xls or .csv."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(TABLE_SUFFIXES))}),
    )

    def __init__(self, *args, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = label
        name_required_fields(self)  # the required message names the label just set


class ImportCommitForm(NamedRequiredMixin, forms.Form):
    mode = forms.ChoiceField(choices=TableImport.Mode.choices)
