"""Phone numbers (docs/domain.md §3.5): stored as E.164, shown masked to the public."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# re.ASCII: without it \d also matches full-width and other Unicode digits, which E.164 is not.
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_LANDLINE = re.compile(r"^0(10|2\d|[3-9]\d{2})(\d{7,8})$", re.ASCII)
_SERVICE = {"12345", "12315"}


def normalise_phone(raw: str) -> str:
    """'138 0000 0000', '+86 13800000000', '0979-8412345' → E.164; '' stays ''."""
    text = str(raw or "")
    if not text.lstrip("+").isdigit():  # the usual digits-only number needs no clean-up
        text = re.sub(r"[\s\-()（）]", "", text)
    if not text:
        return ""
    if text in _SERVICE:
        return text
    if text.startswith("+86"):
        text = text[3:]
        if not _MOBILE.match(text):  # Beijing's +86 10… is a landline, not a mobile
            text = "0" + text
    if _MOBILE.match(text):
        return "+86" + text
    if _LANDLINE.match(text):
        return "+86" + text[1:]
    raise ValidationError(
        _("Enter an 11-digit mobile number or a landline with its area code."),
        code="phone_format",
    )


def mask_phone(e164: str) -> str:
    """+8613812345678 → 138****5678, for pages the public sees."""
    if not e164:
        return ""
    local = e164.removeprefix("+86")
    if len(local) < 7:
        return local
    return local[:3] + "*" * (len(local) - 7) + local[-4:]
