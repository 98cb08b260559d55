"""Identifier formats of a business (DOMAIN.md 3.1, 3.2): one validator each, shared by forms,
API schemas and the importer."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_VALUES = {char: index for index, char in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
LICENSE_PATTERNS = {"SC": re.compile(r"^SC[12]\d{13}$"), "JY": re.compile(r"^JY[1-3]\d{13}$")}


@dataclass(frozen=True)
class UsccCheck:
    """A code whose format is right. `check_digit_ok` False marks an early pilot code (DOMAIN.md
    3.1), accepted only on an office override; `org_code_ok` False is a warning only."""

    code: str
    check_digit_ok: bool
    org_code_ok: bool


def uscc_check_digit(first17: str) -> str:
    total = sum(USCC_VALUES[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _org_code_ok(code: str) -> bool:
    body, check = code[8:16], code[16]
    values = []
    for char in body:
        if char.isdigit():
            values.append(int(char))
        elif "A" <= char <= "Z":
            values.append(ord(char) - ord("A") + 10)
        else:
            return False
    remainder = 11 - sum(v * w for v, w in zip(values, ORG_CODE_WEIGHTS, strict=True)) % 11
    expected = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return check == expected


def normalise_uscc(raw: object) -> str:
    """Trimmed, upper-cased, inner spaces removed; '' for empty."""
    return re.sub(r"\s+", "", str(raw or "")).upper()


def check_uscc(raw: object) -> UsccCheck:
    """Validate a unified social credit code. ValidationError for a wrong length or alphabet."""
    code = normalise_uscc(raw)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="uscc_length",
            params={"count": len(code)},
        )
    if not USCC_PATTERN.match(code):
        raise ValidationError(
            _(
                "The code may use digits and the letters A–Y except I, O, S, V and Z, with digits in places 3–8."
            ),
            code="uscc_alphabet",
        )
    return UsccCheck(
        code=code,
        check_digit_ok=uscc_check_digit(code[:17]) == code[17],
        org_code_ok=_org_code_ok(code),
    )


def validate_uscc(raw: object, *, allow_pilot: bool = False) -> UsccCheck:
    """As check_uscc, and a failing check digit is an error unless `allow_pilot` (office override)."""
    result = check_uscc(raw)
    if not result.check_digit_ok and not allow_pilot:
        raise ValidationError(
            _(
                "The check digit is wrong (expected %(expected)s). Early pilot codes need an office override."
            ),
            code="uscc_check_digit",
            params={"expected": uscc_check_digit(result.code[:17])},
        )
    return result


def normalise_license(raw: object) -> str:
    """A food licence number checked for format only (its check digit is unpublished); '' for empty."""
    number = re.sub(r"\s+", "", str(raw or "")).upper()
    if not number:
        return ""
    pattern = LICENSE_PATTERNS.get(number[:2])
    if pattern is None or not pattern.match(number):
        raise ValidationError(
            _("A licence number is SC or JY followed by 14 digits (SC1…/SC2…, JY1…–JY3…)."),
            code="license_format",
        )
    return number
