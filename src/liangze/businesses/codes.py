"""Identifier formats of a business (docs/domain.md §3.1, §3.2): one validator each, shared by
forms, API schemas and the importer."""

import re
from dataclasses import dataclass
from operator import mul

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_VALUES = {char: index for index, char in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_USCC_BODY = re.compile(r"\A[0-9A-HJ-NPQRTUWXY]{17}\Z")
_USCC_TO_VALUES = bytes.maketrans(USCC_ALPHABET.encode(), bytes(range(len(USCC_ALPHABET))))
_ORG_CODE_BODY = re.compile(r"\A[0-9A-Z]{8}\Z")
_ORG_CODE_TO_VALUES = bytes.maketrans(
    ORG_CODE_ALPHABET.encode(), bytes(range(len(ORG_CODE_ALPHABET)))
)
LICENSE_PATTERNS = {"SC": re.compile(r"^SC[12]\d{13}$"), "JY": re.compile(r"^JY[1-3]\d{13}$")}


@dataclass(frozen=True)
class UsccCheck:
    """A code whose format is right. `check_digit_ok` False marks an early pilot code
    (docs/domain.md §3.1), accepted only on an office override; `org_code_ok` False is a warning
    only."""

    code: str
    check_digit_ok: bool
    org_code_ok: bool


def uscc_check_digit(first17: str) -> str:
    if not _USCC_BODY.match(first17):
        raise ValueError("a credit code's check digit is computed from its first 17 characters")
    # translate() and map() keep the loop in C: an import checks 100,000 codes.
    values = first17.encode("ascii").translate(_USCC_TO_VALUES)
    return USCC_ALPHABET[(31 - sum(map(mul, values, USCC_WEIGHTS)) % 31) % 31]


def uscc_is_valid(code: str) -> bool:
    """Whether a normalised code passes validate_uscc without an override: its verdict for the
    usual case at a fraction of the cost (no result object, no exception), for an import that
    checks 100,000 distinct codes."""
    if len(code) != 18 or not USCC_PATTERN.match(code):
        return False
    values = code.encode("ascii").translate(_USCC_TO_VALUES)  # map() stops at the 17 weights
    return USCC_ALPHABET[(31 - sum(map(mul, values, USCC_WEIGHTS)) % 31) % 31] == code[17]


def _org_code_ok(code: str) -> bool:
    body, check = code[8:16], code[16]
    if not _ORG_CODE_BODY.match(body):
        return False
    values = body.encode("ascii").translate(_ORG_CODE_TO_VALUES)
    remainder = 11 - sum(map(mul, values, ORG_CODE_WEIGHTS)) % 11
    expected = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return check == expected


def normalise_uscc(raw: object) -> str:
    """Trimmed, upper-cased, inner spaces removed; '' for empty."""
    text = str(raw or "")
    if text.isascii() and text.isalnum():  # the usual case, without a regular expression
        return text.upper()
    return re.sub(r"\s+", "", text).upper()


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
        # Never name the check character the code "should" end with: the typo is as likely in
        # any of the other 17 places, and changing the last one would store a wrong code.
        raise ValidationError(
            _(
                "This code fails its check, so a character is probably mistyped: any of the 18, "
                "not only the last. Compare it with the business licence. An early pilot code that "
                "really reads so needs the food safety office's override."
            ),
            code="uscc_check_digit",
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
