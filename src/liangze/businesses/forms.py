"""Forms of the registry pages. They carry raw input only: the services validate it with the
shared validator (validation.py), and a DomainError's `fields` come back as field errors."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liangze.accounts.forms import DivisionChoiceField
from liangze.businesses.hooks import uncovered_filter_available
from liangze.businesses.models import Business, BusinessStatus, Grade, RiskLevel
from liangze.businesses.types import TYPE_GROUP, BusinessType, Scale
from liangze.core.dates import validate_user_date
from liangze.core.errors import DomainError
from liangze.core.forms import NamedRequiredMixin
from liangze.regions.models import Division

MAX_BULK = 500
# One entry per selectors.SORTS key, in the same order (a test holds them together).
SORT_CHOICES = [
    ("name", _("Name, A to Z")),
    ("-name", _("Name, Z to A")),
    ("pinyin", _("Name by pinyin, A to Z")),
    ("-pinyin", _("Name by pinyin, Z to A")),
    ("grade", _("Grade, A to D")),
    ("-grade", _("Grade, D to A")),
    ("updated", _("Recently changed")),
    ("division", _("Division")),
]


def business_type_choices(blank_label) -> list:
    """Business types grouped by their group (docs/domain.md §1.2a), after a blank choice."""
    groups: dict = {}
    for member in BusinessType:
        groups.setdefault(TYPE_GROUP[member], []).append((member.value, member.label))
    return [("", blank_label), *((group.label, items) for group, items in groups.items())]


def e6_to_degrees(value: int | None) -> str:
    """Micro-degrees as decimal degrees, without trailing zeros: 36416300 → '36.4163'."""
    if value is None:
        return ""
    return f"{Decimal(value).scaleb(-6).normalize():f}"


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal on the form: each named field inline, the rest on top."""
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, exc.message)


def _text(label, *, help_text="", **attrs) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.TextInput(attrs=attrs)
    )


def _date(label, *, required=False, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_user_date],  # docs/domain.md §3.6
    )


class BusinessFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, pinyin, part of a credit code or address"),
            }
        ),
    )
    grade = forms.ChoiceField(
        label=_("Grade"), required=False, choices=[("", _("All grades")), *Grade.choices]
    )
    business_type = forms.ChoiceField(
        label=_("Business type"), required=False, choices=business_type_choices(_("All types"))
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *BusinessStatus.choices],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
    within = DivisionChoiceField(
        label=_("Division"), required=False, queryset=Division.objects.none()
    )
    coverage = forms.ChoiceField(
        label=pgettext_lazy("business list filter", "Coverage"),
        required=False,
        choices=[("", _("Covered or not")), ("uncovered", _("Uncovered only (应包尽包)"))],
    )

    def __init__(self, *args, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].queryset = divisions
        if not uncovered_filter_available():
            del self.fields["coverage"]

    def filters(self) -> dict:
        """Keyword arguments for selectors.business_list."""
        data = self.cleaned_data
        return {
            "search": data["q"],
            "grade": data["grade"],
            "business_type": data["business_type"],
            "status": data["status"],
            "within": data["within"],
            "sort": data["sort"] or "name",
            "uncovered": data.get("coverage") == "uncovered",
        }

    NARROWING = ("grade", "business_type", "status", "within", "coverage")

    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in ("q", *self.NARROWING))

    def narrowing_count(self) -> int:
        """How many filters besides the search box are set: the number on a phone's filter
        button, which folds them away."""
        return sum(1 for name in self.NARROWING if self.data.get(name))


class BusinessForm(NamedRequiredMixin, forms.Form):
    """Register a business (`creating`) or edit its descriptive fields. Grade, status and division
    of an existing business change through their own forms, each with a reason."""

    FIELDSETS = (
        (
            _("Identity"),
            (
                "name",
                "uscc",
                "uscc_pilot_override",
                "registration_number",
                "license_number",
            ),
        ),
        (
            _("Type and size"),
            ("business_type", "scale", "staff_count", "annual_revenue_yuan", "chain_hq", "key"),
        ),
        (_("Grade and risk"), ("grade", "risk_level", "grade_reason")),
        (
            _("Place"),
            ("division", "status_since", "address", "latitude", "longitude", "open_kitchen"),
        ),
        (_("Contact"), ("contact_name", "contact_phone")),
    )
    # Marked with an asterisk; the service says what is missing, all fields at once.
    marked_required = frozenset({"name", "business_type", "grade", "grade_reason", "division"})
    # Inputs that are not business fields for the service.
    NOT_FIELDS = ("division", "grade_reason", "status_since")

    name = _text(_("Name"), maxlength=200)
    uscc = _text(
        _("Unified social credit code"),
        help_text=_("18 characters. Leave blank for a stall or workshop without one."),
        autocapitalize="characters",
        spellcheck="false",
        maxlength=30,
    )
    uscc_pilot_override = forms.BooleanField(
        label=_("Accept an early pilot code (office override)"),
        required=False,
        help_text=_(
            "Early pilot codes fail the check digit yet are legal; the business is flagged."
        ),
    )
    registration_number = _text(
        _("Local registration number"),
        help_text=_(
            "For a business without a credit code: its local registration or filing number."
        ),
        maxlength=50,
    )
    license_number = _text(
        _("Food licence number"),
        help_text=_("SC or JY followed by 14 digits."),
        autocapitalize="characters",
        maxlength=20,
    )
    business_type = forms.ChoiceField(
        label=_("Business type"), required=False, choices=business_type_choices("—")
    )
    chain_hq = forms.BooleanField(label=_("Chain headquarters"), required=False)
    key = forms.BooleanField(label=_("Key business"), required=False)
    scale = forms.ChoiceField(
        label=_("Scale"),
        required=False,
        choices=[("", _("Suggest from staff and revenue")), *Scale.choices],
        help_text=_(
            "Leave blank to have it suggested from staff and annual revenue by the national size "
            "classes; small workshops and street vendors are micro."
        ),
    )
    staff_count = _text(_("Staff"), inputmode="numeric")
    annual_revenue_yuan = _text(_("Annual revenue (yuan)"), inputmode="numeric")
    grade = forms.ChoiceField(
        label=_("Covering grade"),
        required=False,
        choices=[("", "—"), *Grade.choices],
        help_text=_(
            "Decides which level of official covers the business: the level your province sets "
            "for each grade."
        ),
    )
    grade_reason = _text(_("Why this grade"), maxlength=200)
    risk_level = forms.ChoiceField(
        label=_("Regulator's risk level"),
        required=False,
        choices=[("", _("Not given")), *RiskLevel.choices],
        help_text=_(
            "The market regulator's risk level, where A is the lowest risk. It is not the covering "
            "grade."
        ),
    )
    division = DivisionChoiceField(label=_("Township or village"), queryset=Division.objects.none())
    status_since = _date(_("Operating since"), help_text=_("Today if left blank."))
    address = _text(_("Address"), maxlength=200)
    latitude = _text(
        _("Latitude"),
        help_text=_("Decimal degrees (WGS-84, as a phone's location gives them)."),
        inputmode="decimal",
    )
    longitude = _text(_("Longitude"), inputmode="decimal")
    open_kitchen = forms.BooleanField(label=_("Open-kitchen cameras"), required=False)
    contact_name = _text(_("Contact person"), maxlength=50)
    contact_phone = _text(_("Contact phone"), inputmode="tel")

    def __init__(self, *args, creating: bool, allow_pilot: bool, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["division"].queryset = divisions
        else:
            for name in ("division", "grade", "grade_reason", "status_since"):
                del self.fields[name]
        if not allow_pilot:
            del self.fields["uscc_pilot_override"]

    @staticmethod
    def initial_from(business: Business) -> dict:
        revenue = business.annual_revenue_fen
        return {
            "name": business.name,
            "uscc": business.uscc,
            "uscc_pilot_override": business.uscc_pilot_override,
            "registration_number": business.registration_number,
            "license_number": business.license_number,
            "business_type": business.business_type,
            "chain_hq": business.chain_hq,
            "key": business.key,
            "scale": business.scale,
            "staff_count": "" if business.staff_count is None else business.staff_count,
            "annual_revenue_yuan": "" if revenue is None else revenue // 100,
            "risk_level": business.risk_level,
            "address": business.address,
            "latitude": e6_to_degrees(business.lat_e6),
            "longitude": e6_to_degrees(business.lng_e6),
            "open_kitchen": business.open_kitchen,
            "contact_name": business.contact_name,
            "contact_phone": business.contact_phone,
        }

    def fieldsets(self) -> list:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
            if any(name in self.fields for name in names)
        ]

    def service_fields(self) -> dict:
        """The raw business fields for business_create / business_update."""
        return {k: v for k, v in self.cleaned_data.items() if k not in self.NOT_FIELDS}


def _successor_field() -> forms.IntegerField:
    """Who covers the business from now on, named in the same action (docs/domain.md §1.7).
    Any id passes the form; the service refuses an official who does not fit."""
    field = forms.IntegerField(
        label=_("New covering official"),
        required=False,
        help_text=_(
            "Optional. Chosen here, the official takes the business over in this same action; "
            "left empty, an official who no longer fits stops covering it and it waits uncovered."
        ),
        widget=forms.Select,
    )
    return field


def _successor_options(choices) -> list[tuple[str, str]]:
    return [("", _("— keep, or leave uncovered —")), *[(str(pk), label) for pk, label in choices]]


class RegradeForm(NamedRequiredMixin, forms.Form):
    marked_required = frozenset({"grade", "reason"})

    grade = forms.ChoiceField(label=_("New grade"), choices=Grade.choices)
    reason = _text(_("Reason"), maxlength=200)
    successor = _successor_field()

    def __init__(self, *args, successors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].widget.choices = _successor_options(successors)


class StatusChangeForm(NamedRequiredMixin, forms.Form):
    marked_required = frozenset({"to_status", "effective_on", "reason"})

    to_status = forms.ChoiceField(label=_("New status"), choices=BusinessStatus.choices)
    effective_on = _date(_("Effective date"), required=True)
    reason = _text(_("Reason"), maxlength=200)

    def __init__(self, *args, allowed: list[str], **kwargs):
        kwargs.setdefault("initial", {"effective_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        # Validation accepts every status, so a move made stale by someone else reaches the
        # service and is refused there as a conflict; the menu offers only the allowed ones.
        self.fields["to_status"].widget.choices = [
            (value, label) for value, label in BusinessStatus.choices if value in allowed
        ]


class MoveForm(NamedRequiredMixin, forms.Form):
    marked_required = frozenset({"division", "reason"})

    division = DivisionChoiceField(
        label=_("New township or village"), queryset=Division.objects.none()
    )
    reason = _text(_("Reason"), maxlength=200)
    successor = _successor_field()

    def __init__(self, *args, divisions, successors=(), successors_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions
        self.fields["successor"].widget.choices = _successor_options(successors)
        if successors_url:
            # The new place's officials replace the list when the place is chosen.
            self.fields["division"].widget.attrs.update(
                {
                    "hx-get": successors_url,
                    "hx-trigger": "change",
                    "hx-target": f"#id_{self.add_prefix('successor')}",
                    "hx-swap": "innerHTML",
                }
            )


class IdListField(forms.Field):
    """The ids of the ticked rows (checkboxes of one name)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Tick at least one business."),
        "invalid": _("The selection is not valid; reload the page."),
        "too_many": _("Select at most %(max)d businesses at a time."),
    }

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        if len(values) > MAX_BULK:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": MAX_BULK}
            )
        try:
            ids = sorted({int(v) for v in values})
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(not 0 < pk < 2**63 for pk in ids):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


class BulkActionForm(NamedRequiredMixin, forms.Form):
    """Regrade or change the status of the ticked businesses (the button pressed names the
    action). Rendered with prefix "bulk"; the row checkboxes join it by their form attribute."""

    ACTIONS = (("regrade", _("Regrade")), ("status", _("Change status")))

    ids = IdListField()
    action = forms.ChoiceField(choices=ACTIONS)
    grade = forms.ChoiceField(
        label=_("New grade"), required=False, choices=[("", "—"), *Grade.choices]
    )
    to_status = forms.ChoiceField(
        label=_("New status"), required=False, choices=[("", "—"), *BusinessStatus.choices]
    )
    effective_on = _date(_("Effective date"))
    reason = _text(_("Reason"), maxlength=200)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "bulk")
        kwargs.setdefault("initial", {"effective_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("action") == "regrade" and not data.get("grade"):
            self.add_error("grade", _("Choose the new grade."))
        if data.get("action") == "status":
            if not data.get("to_status"):
                self.add_error("to_status", _("Choose the new status."))
            if not data.get("effective_on") and "effective_on" not in self.errors:
                self.add_error("effective_on", _("Give the date the status takes effect."))
        return data

    def back_url(self, request, default: str) -> str:
        """Where to return: the list as it was filtered, never another site or path."""
        target = self.data.get(self.add_prefix("next"), "")
        if target.startswith(default) and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return default
