"""Statistical division codes (docs/domain.md §3.3): one validator shared by forms, API and
importers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from liangze.regions.models import Level

# ASCII digits only, and \Z: "$" would also match before a trailing newline.
_DIGITS = re.compile(r"\A[0-9]+\Z")
# Significant digits of a code at each level: PP CC DD TTT VVV.
SIGNIFICANT_DIGITS = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}


def normalise_division_code(raw: object) -> str:
    """Trim, accept 2/4/6/9/12-digit forms and return the 12-digit code; ValidationError otherwise."""
    text = str(raw if raw is not None else "").strip()
    if text.endswith(".0"):  # a code typed into a spreadsheet number cell
        text = text[:-2]
    if not _DIGITS.match(text) or len(text) not in (2, 4, 6, 9, 12):
        raise ValidationError(
            _("A division code has 6, 9 or 12 digits; %(value)s is not one."),
            code="division_code_format",
            params={"value": text or "—"},
        )
    code = text.ljust(12, "0")
    if code[:2] == "00":
        raise ValidationError(
            _("Division code %(value)s has no province part."),
            code="division_code_province",
            params={"value": code},
        )
    return code


def level_of_code(code: str) -> str:
    """The level a 12-digit code denotes, read from which parts are zero."""
    if code[2:] == "0" * 10:
        return Level.PROVINCE
    if code[4:] == "0" * 8:
        return Level.CITY
    if code[6:] == "0" * 6:
        return Level.COUNTY
    if code[9:] == "000":
        return Level.TOWNSHIP
    return Level.VILLAGE


def is_parent_code(parent_code: str, child_code: str) -> bool:
    """True when `parent_code` is one level above `child_code` and its prefix matches."""
    parent_level, child_level = level_of_code(parent_code), level_of_code(child_code)
    levels = list(Level)
    if levels.index(child_level) != levels.index(parent_level) + 1:
        return False
    digits = SIGNIFICANT_DIGITS[parent_level]
    return child_code[:digits] == parent_code[:digits]
