"""Turning raw input (form, API or spreadsheet cell text) into a business's typed fields.

One function for every entry point, so a value accepted by the form is accepted by the importer
and the API, with the same message when it is not.
"""

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from liangze.businesses.codes import normalise_license, validate_uscc
from liangze.businesses.models import Grade, RiskLevel
from liangze.businesses.types import BusinessType, Scale, suggest_scale
from liangze.core.phones import normalise_phone

_PLAIN_NUMBER = re.compile(r"\A-?[0-9]{1,20}(\.[0-9]{1,6})?\Z")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "有", "√", "on"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否", "无", "×", "off"}
TEXT_LIMITS = {"name": 200, "registration_number": 50, "address": 200, "contact_name": 50}
# Fields a caller may give; `division` and `status` have services of their own.
INPUT_FIELDS = (
    "name",
    "uscc",
    "uscc_pilot_override",
    "registration_number",
    "license_number",
    "business_type",
    "chain_hq",
    "key",
    "scale",
    "staff_count",
    "annual_revenue_yuan",
    "grade",
    "risk_level",
    "address",
    "latitude",
    "longitude",
    "contact_name",
    "contact_phone",
    "open_kitchen",
)


# The model fields clean_business_fields produces: every descriptive field of a business.
CLEANED_FIELDS = (
    "name",
    "uscc",
    "uscc_pilot_override",
    "registration_number",
    "license_number",
    "business_type",
    "chain_hq",
    "key",
    "scale",
    "staff_count",
    "annual_revenue_fen",
    "grade",
    "risk_level",
    "address",
    "lat_e6",
    "lng_e6",
    "contact_name",
    "contact_phone",
    "open_kitchen",
)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    word = _text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(_("Answer yes or no (是/否)."), code="bool")


@lru_cache(maxsize=64)
def _choice_lookup(choices, language: str) -> dict[str, str]:
    """Value → value and label → value, for one language (labels are translated)."""
    lookup = {str(member.label): member.value for member in choices}
    lookup.update({value: value for value in choices.values})
    return lookup


def _choice(value, choices, message) -> str:
    text = _text(value)  # the value, or its label, e.g. "餐馆" for restaurant
    found = _choice_lookup(choices, get_language() or "")
    if text and text in found:
        return found[text]
    raise ValidationError(message, code="choice")


def _non_negative_int(value, *, limit: int) -> int | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    # Digits only (a spreadsheet may add ".0"): Decimal("1e999999999") would take minutes to
    # turn into an int, and "Infinity" cannot.
    if not _PLAIN_NUMBER.match(text):
        raise ValidationError(_("Enter a whole number."), code="int")
    number = int(Decimal(text))
    if number < 0 or number > limit:
        raise ValidationError(
            _("Enter a number from 0 to %(limit)d.") % {"limit": limit}, code="int_range"
        )
    return number


def _degrees_e6(value, *, limit: int) -> int | None:
    text = _text(value)
    if not text:
        return None
    try:
        degrees = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("Enter decimal degrees, e.g. 36.4163."), code="coordinate"
        ) from None
    if not degrees.is_finite() or abs(degrees) > limit:
        raise ValidationError(
            _("Enter decimal degrees between -%(limit)d and %(limit)d.") % {"limit": limit},
            code="coordinate",
        )
    return int((degrees * 1_000_000).to_integral_value())


def clean_business_fields(
    raw: Mapping[str, object], *, partial: bool = False, allow_pilot: bool = False
) -> tuple[dict, dict[str, str]]:
    """(cleaned values, errors by field). With `partial`, absent fields are left out.

    `allow_pilot` lets an office override accept an early pilot credit code that fails the check
    digit; the business is then flagged. Cross-row rules (duplicates, jurisdiction) are the
    caller's.
    """
    cleaned: dict = {}
    errors: dict[str, str] = {}

    def field(name, parse):
        if partial and name not in raw:
            return
        try:
            cleaned[name] = parse(raw.get(name))
        except ValidationError as exc:
            errors[name] = exc.messages[0]

    def name_value(value):
        text = _text(value)
        if not text:
            raise ValidationError(_("Enter the business's name."), code="required")
        if len(text) > TEXT_LIMITS["name"]:
            raise ValidationError(
                _("At most %(limit)d characters.") % {"limit": TEXT_LIMITS["name"]}, code="length"
            )
        return text

    def limited(name):
        def parse(value):
            text = _text(value)
            if len(text) > TEXT_LIMITS[name]:
                raise ValidationError(
                    _("At most %(limit)d characters.") % {"limit": TEXT_LIMITS[name]}, code="length"
                )
            return text

        return parse

    field("name", name_value)
    if not partial or "uscc" in raw:
        override = False
        try:
            override = parse_bool(raw.get("uscc_pilot_override", False)) if allow_pilot else False
        except ValidationError as exc:
            errors["uscc_pilot_override"] = exc.messages[0]
        text = _text(raw.get("uscc"))
        if text:
            try:
                result = validate_uscc(text, allow_pilot=override)
                cleaned["uscc"] = result.code
                cleaned["uscc_pilot_override"] = not result.check_digit_ok
            except ValidationError as exc:
                errors["uscc"] = exc.messages[0]
        else:
            cleaned["uscc"] = ""
            cleaned["uscc_pilot_override"] = False
    field("registration_number", limited("registration_number"))
    field("license_number", normalise_license)
    field(
        "business_type",
        lambda v: _choice(v, BusinessType, _("Choose a business type from the list.")),
    )
    field("chain_hq", parse_bool)
    field("key", parse_bool)
    field("open_kitchen", parse_bool)
    field("staff_count", lambda v: _non_negative_int(v, limit=10_000_000))
    if not partial or "annual_revenue_yuan" in raw:
        try:
            yuan = _non_negative_int(raw.get("annual_revenue_yuan"), limit=10**13)
            cleaned["annual_revenue_fen"] = None if yuan is None else yuan * 100
        except ValidationError as exc:
            errors["annual_revenue_yuan"] = exc.messages[0]
    field("grade", lambda v: _choice(v, Grade, _("The grade is A, B, C or D.")))
    field(
        "risk_level",
        lambda v: (
            "" if not _text(v) else _choice(v, RiskLevel, _("The risk level is A, B, C or D."))
        ),
    )
    field("address", limited("address"))
    field("latitude", lambda v: _degrees_e6(v, limit=90))
    field("longitude", lambda v: _degrees_e6(v, limit=180))
    if "latitude" in cleaned:
        cleaned["lat_e6"] = cleaned.pop("latitude")
    if "longitude" in cleaned:
        cleaned["lng_e6"] = cleaned.pop("longitude")
    field("contact_name", limited("contact_name"))
    field("contact_phone", normalise_phone)

    if not partial or "scale" in raw:
        text = _text(raw.get("scale"))
        if text:
            try:
                cleaned["scale"] = _choice(
                    text, Scale, _("The scale is large, medium, small or micro.")
                )
            except ValidationError as exc:
                errors["scale"] = exc.messages[0]
        elif "business_type" in cleaned:
            suggested = suggest_scale(
                business_type=cleaned["business_type"],
                staff_count=cleaned.get("staff_count"),
                annual_revenue_fen=cleaned.get("annual_revenue_fen"),
            )
            if suggested is None:
                errors["scale"] = _(
                    "Choose the scale, or give staff and annual revenue to have it suggested."
                )
            else:
                cleaned["scale"] = suggested
    return cleaned, errors
