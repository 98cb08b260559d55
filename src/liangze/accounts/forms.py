from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from liangze.accounts.models import Role
from liangze.core.forms import NamedRequiredMixin
from liangze.regions.models import Division
from liangze.regions.selectors import division_label
from liangze.regions.widgets import DivisionPicker


class LoginForm(NamedRequiredMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. After several failures the account is locked for a while."
        ),
        "inactive": _("This account is deactivated. Ask your food safety office."),
    }


class PasswordChangeForm(NamedRequiredMixin, forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        help_text=_("At least 10 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class DivisionChoiceField(forms.ModelChoiceField):
    widget = DivisionPicker

    def label_from_instance(self, obj):
        return division_label(obj)


class UserCreateForm(NamedRequiredMixin, forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Used to log in; letters, digits and @ . + - _."),
    )
    display_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    division = DivisionChoiceField(label=_("Division"), queryset=Division.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=[])

    def __init__(self, *args, divisions, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r.value in roles]


class RoleGrantForm(NamedRequiredMixin, forms.Form):
    division = DivisionChoiceField(label=_("Division"), queryset=Division.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=[])

    def __init__(self, *args, divisions, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r.value in roles]


class ApiTokenForm(NamedRequiredMixin, forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=60, help_text=_("E.g. the program that will use it.")
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)
