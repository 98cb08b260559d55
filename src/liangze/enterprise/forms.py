from django import forms
from django.utils.translation import gettext_lazy as _

from liangze.accounts.models import Role
from liangze.core.forms import NamedRequiredMixin
from liangze.enterprise.models import Frequency, WeekRating

WEEKDAYS = [
    ("1", _("Mon")),
    ("2", _("Tue")),
    ("3", _("Wed")),
    ("4", _("Thu")),
    ("5", _("Fri")),
    ("6", _("Sat")),
    ("7", _("Sun")),
]
STAFF_ROLES = [
    (Role.BUSINESS_OFFICER.value, Role.BUSINESS_OFFICER.label),
    (Role.BUSINESS_DIRECTOR.value, Role.BUSINESS_DIRECTOR.label),
]


class WeeklyReviewForm(NamedRequiredMixin, forms.Form):
    late = forms.BooleanField(label=_("For last week (late)"), required=False)
    rating = forms.TypedChoiceField(
        label=_("Week rating"), choices=WeekRating.choices, coerce=int, widget=forms.RadioSelect
    )
    problems = forms.CharField(
        label=_("Problems found (risk points)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rectification = forms.CharField(
        label=_("Rectification (owner, deadline, status)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MonthlyMeetingForm(NamedRequiredMixin, forms.Form):
    late = forms.BooleanField(label=_("For last month (late)"), required=False)
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    chair = forms.CharField(label=_("Chair (the principal)"), max_length=50)
    attendees = forms.CharField(label=_("Attendees"), max_length=2000)
    summary = forms.CharField(
        label=_("The month in summary (daily checks, hazards handled)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    priorities = forms.CharField(
        label=_("Next month's priorities"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scan = forms.FileField(label=_("Or upload the signed minutes (scan)"), required=False)


class PersonForm(NamedRequiredMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    appointed_on = forms.DateField(
        label=_("Appointed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    duties = forms.CharField(
        label=_("Duties (shown on the duty card)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TrainingForm(NamedRequiredMixin, forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1)
    topic = forms.CharField(label=_("Topic"), max_length=200)


class ProfileForm(NamedRequiredMixin, forms.Form):
    principal_name = forms.CharField(label=_("Principal"), max_length=50, required=False)
    principal_phone = forms.CharField(label=_("Principal's phone"), max_length=20, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    people_served = forms.IntegerField(
        label=_("People served per meal (central kitchens, meal delivery)"),
        required=False,
        min_value=0,
    )
    operating_weekdays = forms.MultipleChoiceField(
        label=_("Operating days"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )


class EnrolmentIssueForm(NamedRequiredMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLES)


class StaffAccountForm(NamedRequiredMixin, forms.Form):
    display_name = forms.CharField(label=_("Full name"), max_length=50)
    username = forms.CharField(label=_("Username"), max_length=150)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLES)


class EnrolForm(NamedRequiredMixin, forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18)
    code = forms.CharField(label=_("Enrolment code"), max_length=20)
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class RiskPointForm(NamedRequiredMixin, forms.Form):
    stage = forms.CharField(label=_("Control stage"), max_length=100, required=False)
    point = forms.CharField(label=_("Risk point"), max_length=200, required=False)
    description = forms.CharField(label=_("Risk description"), max_length=1000, required=False)
    measure = forms.CharField(label=_("Control measure"), max_length=1000, required=False)
    target = forms.CharField(label=_("Control target"), max_length=200, required=False)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    responsible = forms.CharField(label=_("Responsible"), max_length=100, required=False)


RiskPointFormSet = forms.formset_factory(RiskPointForm, extra=2, max_num=200)
StarterPointFormSet = forms.formset_factory(RiskPointForm, extra=3, max_num=200)
