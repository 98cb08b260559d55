from django import forms
from django.utils.translation import gettext_lazy as _

from liangze.businesses.public_services import DESCRIPTION_MAX_LENGTH
from liangze.core.forms import NamedRequiredMixin

HONEYPOT_FIELD = "website"


class PublicReportForm(NamedRequiredMixin, forms.Form):
    """Presence and types only; public_services.clean_public_report checks the rules.

    `website` is a honeypot: hidden from people by CSS and from screen readers, so only a robot
    fills it in.
    """

    description = forms.CharField(
        label=_("What happened?"),
        help_text=_("For example what you saw, where and when. Do not write other people's names."),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": DESCRIPTION_MAX_LENGTH}),
        strip=True,
        error_messages={"required": _("Describe the problem.")},
    )
    contact_phone = forms.CharField(
        label=_("Your phone (optional)"),
        help_text=_("Only if you want to be called back. It is never shown on this page."),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get(HONEYPOT_FIELD))
