from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liangze.officials.documents.models import DutyDocumentKind


def _years():
    this_year = timezone.localdate().year
    return [(y, str(y)) for y in (this_year, this_year + 1, this_year - 1)]


class GenerateForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Documents"),
        choices=DutyDocumentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=DutyDocumentKind.values,
    )
    year = forms.TypedChoiceField(label=_("Year"), choices=_years, coerce=int)


class SignForm(forms.Form):
    """Either the signed scan or the signatures drawn on screen (signature.js fills the hidden
    inputs); the service decides which combination is enough."""

    scan = forms.FileField(
        label=_("Signed scan"),
        required=False,
        help_text=_("PDF, JPG or PNG of the signed paper."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    official_signature = forms.CharField(required=False, widget=forms.HiddenInput)
    countersigner_signature = forms.CharField(required=False, widget=forms.HiddenInput)
    countersigner_name = forms.CharField(label=_("Countersigned by"), max_length=50, required=False)
    signed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        help_text=_("Empty: today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DutyDocumentKind.choices)
    file = forms.FileField(
        label=_("Word template (.docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )
