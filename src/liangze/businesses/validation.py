"""Turning raw input (form, API or spreadsheet cell text) into a business's typed fields.

One function for every entry point, so a value accepted by the form is accepted by the importer
and the API, with the same message when it is not.
"""

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from liangze.businesses.codes import normalise_license, uscc_is_valid, validate_uscc
from liangze.businesses.models import Grade, RiskLevel
from liangze.businesses.types import BusinessType, Scale, suggest_scale
from liangze.core.phones import normalise_phone

_PLAIN_NUMBER = re.compile(r"\A-?[0-9]{1,20}(\.[0-9]{1,6})?\Z")
# A spreadsheet's float may come as "94.90330000000001" or "1e-05"; a bounded exponent only.
_PLAIN_DEGREES = re.compile(
    r"\A[-+]?([0-9]{1,20}(\.[0-9]{0,20})?|\.[0-9]{1,20})([eE][-+]?[0-9]{1,2})?\Z"
)
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
    text = str(value).strip()
    if "\x00" in text:  # PostgreSQL cannot store it; forms refuse it earlier (middleware)
        raise ValidationError(nul_message(), code="nul")
    return text


def nul_message() -> str:
    return _("Remove the invisible NUL character from this cell.")


# A reason (for a grade, a status move, a move): what the audit keeps, at most this long.
REASON_LIMIT = 200


def reason_problem(text: str) -> str:
    """Why a reason's text (already stripped) cannot be kept, or "": the one rule of every
    entry point (form, API, import), which refuse a reason that is too long instead of cutting
    it."""
    if "\x00" in text:
        return nul_message()
    if len(text) > REASON_LIMIT:
        return _("At most %(limit)d characters.") % {"limit": REASON_LIMIT}
    return ""


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
    # Decimal also reads "1e999999999", whose abs() overflows, and "NaN": refused here.
    if not _PLAIN_DEGREES.match(text):
        raise ValidationError(_("Enter decimal degrees, e.g. 36.4163."), code="coordinate")
    degrees = Decimal(text)
    if abs(degrees) > limit:
        raise ValidationError(
            _("Enter decimal degrees between -%(limit)d and %(limit)d.") % {"limit": limit},
            code="coordinate",
        )
    return int((degrees * 1_000_000).to_integral_value())


def _name(value) -> str:
    text = _text(value)
    if not text:
        raise ValidationError(_("Enter the business's name."), code="required")
    if len(text) > TEXT_LIMITS["name"]:
        raise ValidationError(
            _("At most %(limit)d characters.") % {"limit": TEXT_LIMITS["name"]}, code="length"
        )
    return text


def _limited(name: str) -> Callable[[object], str]:
    def parse(value) -> str:
        text = _text(value)
        if len(text) > TEXT_LIMITS[name]:
            raise ValidationError(
                _("At most %(limit)d characters.") % {"limit": TEXT_LIMITS[name]}, code="length"
            )
        return text

    return parse


def _business_type(value) -> str:
    return _choice(value, BusinessType, _("Choose a business type from the list."))


def _grade(value) -> str:
    return _choice(value, Grade, _("The grade is A, B, C or D."))


def _risk_level(value) -> str:
    if not _text(value):
        return ""
    return _choice(value, RiskLevel, _("The risk level is A, B, C or D."))


def _scale(value) -> str | None:
    """The scale given; None for a blank one, which _finish_scale suggests."""
    text = _text(value)
    if not text:
        return None
    return _choice(text, Scale, _("The scale is large, medium, small or micro."))


def _staff_count(value) -> int | None:
    return _non_negative_int(value, limit=10_000_000)


def _revenue_fen(value) -> int | None:
    yuan = _non_negative_int(value, limit=10**13)
    return None if yuan is None else yuan * 100


def _latitude_e6(value) -> int | None:
    return _degrees_e6(value, limit=90)


def _longitude_e6(value) -> int | None:
    return _degrees_e6(value, limit=180)


# Each field whose value depends on its own input alone: input name (the key of its error) →
# (cleaned name, parser). The credit code (with its override) and a blank scale (suggested from
# other fields) are finished by clean_business_fields itself.
FIELD_PARSERS: dict[str, tuple[str, Callable[[object], object]]] = {
    "name": ("name", _name),
    "registration_number": ("registration_number", _limited("registration_number")),
    "license_number": ("license_number", normalise_license),
    "business_type": ("business_type", _business_type),
    "chain_hq": ("chain_hq", parse_bool),
    "key": ("key", parse_bool),
    "open_kitchen": ("open_kitchen", parse_bool),
    "staff_count": ("staff_count", _staff_count),
    "annual_revenue_yuan": ("annual_revenue_fen", _revenue_fen),
    "grade": ("grade", _grade),
    "risk_level": ("risk_level", _risk_level),
    "address": ("address", _limited("address")),
    "latitude": ("lat_e6", _latitude_e6),
    "longitude": ("lng_e6", _longitude_e6),
    "contact_name": ("contact_name", _limited("contact_name")),
    "contact_phone": ("contact_phone", normalise_phone),
    "scale": ("scale", _scale),
}


def _clean_uscc(raw_code, raw_override, *, allow_pilot: bool, cleaned: dict, errors: dict) -> None:
    override = False
    try:
        override = parse_bool(raw_override) if allow_pilot else False
    except ValidationError as exc:
        errors["uscc_pilot_override"] = exc.messages[0]
    try:
        text = _text(raw_code)
        if not text:
            cleaned["uscc"] = ""
            cleaned["uscc_pilot_override"] = False
            return
        result = validate_uscc(text, allow_pilot=override)
    except ValidationError as exc:
        errors["uscc"] = exc.messages[0]
    else:
        cleaned["uscc"] = result.code
        cleaned["uscc_pilot_override"] = not result.check_digit_ok


def _finish_scale(cleaned: dict, errors: dict) -> None:
    """A blank scale (None from _scale) is suggested from the type, staff and revenue."""
    if "scale" not in cleaned or cleaned["scale"] is not None:
        return
    del cleaned["scale"]
    if "business_type" not in cleaned:
        return  # the type's own error says what to fix
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
    for name, (output, parse) in FIELD_PARSERS.items():
        if partial and name not in raw:
            continue
        try:
            cleaned[output] = parse(raw.get(name))
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    if not partial or "uscc" in raw:
        _clean_uscc(
            raw.get("uscc"),
            raw.get("uscc_pilot_override", False),
            allow_pilot=allow_pilot,
            cleaned=cleaned,
            errors=errors,
        )
    _finish_scale(cleaned, errors)
    return cleaned, errors


class Refused(str):
    """A cell the validator refused: its message. ColumnCleaner's columns hold these where a
    value would be."""

    __slots__ = ()


@dataclass
class CleanedColumns:
    """ColumnCleaner's result: cleaned name → one value per row (Refused where the cell was
    not valid; absent from `errors` only when valid), and the errors of each row that has any,
    by input name as clean_business_fields reports them."""

    values: dict[str, list]
    errors: dict[int, dict[str, str]]

    def row(self, index: int) -> tuple[dict, dict[str, str]]:
        """Row `index` as clean_business_fields returns it."""
        cleaned = {
            name: column[index]
            for name, column in self.values.items()
            if not isinstance(column[index], Refused)
        }
        return cleaned, dict(self.errors.get(index, {}))


def _validated_uscc(text: str) -> tuple[str, bool]:
    """(code, pilot flag) of a credit code without an override; ("", False) for blank."""
    if text.isascii() and text.isalnum() and uscc_is_valid(text.upper()):
        return text.upper(), False  # the usual cell, the shortest way
    if not text.strip():
        return "", False
    result = validate_uscc(_text(text))
    return result.code, not result.check_digit_ok


class ColumnCleaner:
    """clean_business_fields over a table held column by column (an import: 100,000 rows).

    The same parsers and finishing steps in another order: each column is parsed on its own, and
    each distinct text of a column once (a file repeats a few types, grades, yes/no words and
    blanks on every row), which takes most of the per-row cost away. The memo lives as long as
    the cleaner, so a table cleaned in slices shares it. A test holds the two ways equal.
    """

    def __init__(self):
        names = (*FIELD_PARSERS, "uscc")
        self.memo: dict[str, dict[str, object]] = {name: {} for name in names}
        self.refused: dict[str, set[str]] = {name: set() for name in names}

    def _column(self, name: str, parse, texts: Sequence[str]) -> tuple[list, bool]:
        """Each text's value or Refused message; and whether any was refused."""
        memo, refused = self.memo[name], self.refused[name]
        distinct = set(texts)
        for text in distinct.difference(memo):
            try:
                memo[text] = parse(text)
            except ValidationError as exc:
                memo[text] = Refused(exc.messages[0])
                refused.add(text)
        return list(map(memo.__getitem__, texts)), not refused.isdisjoint(distinct)

    def clean(
        self, columns: Mapping[str, Sequence[str]], *, pilot_rows: Collection[int] = ()
    ) -> CleanedColumns:
        """clean_business_fields(row, allow_pilot=row index in `pilot_rows`) for every row of
        `columns` (input name → the texts of every row: the fields of FIELD_PARSERS and "uscc";
        the override is "1" for the rows of `pilot_rows`)."""
        values: dict[str, list] = {}
        errors: dict[int, dict[str, str]] = {}

        def refuse(index: int, name: str, message: str) -> None:
            errors.setdefault(index, {})[name] = message

        for name, (output, parse) in FIELD_PARSERS.items():
            column, refused = self._column(name, parse, columns[name])
            values[output] = column
            if refused:
                for index, value in enumerate(column):
                    if isinstance(value, Refused):
                        refuse(index, name, value)

        codes, refused = self._column("uscc", _validated_uscc, columns["uscc"])
        for index in pilot_rows:  # an accepted pilot code: the override's way, row by row
            one: dict = {}
            problems: dict[str, str] = {}
            _clean_uscc(columns["uscc"][index], "1", allow_pilot=True, cleaned=one, errors=problems)
            codes[index] = (
                (one["uscc"], one["uscc_pilot_override"])
                if "uscc" in one
                else Refused(problems["uscc"])
            )
            refused = refused or "uscc" in problems
        if refused:
            for index, value in enumerate(codes):
                if isinstance(value, Refused):
                    refuse(index, "uscc", value)
        values["uscc"] = [value if isinstance(value, Refused) else value[0] for value in codes]
        values["uscc_pilot_override"] = [
            value if isinstance(value, Refused) else value[1] for value in codes
        ]

        scales = values["scale"]
        if None in scales:  # blank: suggested from the type, staff and revenue of the row
            for index, scale in enumerate(scales):
                if scale is None:
                    cleaned = {
                        name: values[name][index]
                        for name in ("scale", "business_type", "staff_count", "annual_revenue_fen")
                        if not isinstance(values[name][index], Refused)
                    }
                    row_errors = errors.setdefault(index, {})
                    _finish_scale(cleaned, row_errors)
                    scales[index] = cleaned.get("scale", Refused(row_errors.get("scale", "")))
                    if not row_errors:
                        del errors[index]
        return CleanedColumns(values=values, errors=errors)
