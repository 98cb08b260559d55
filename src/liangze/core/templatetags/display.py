"""Display filters: numbers written on pages the way people read them aloud and dial them.

`{% load display %}` then `{{ phone|phone }}`, `{{ amount|grouped }}`, `{{ pause|duration }}`."""

from datetime import timedelta

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def phone(value) -> str:
    """+8618602763675 → 186 0276 3675; +869798412345 → 0979 8412345; 12345 stays 12345.

    Groups of 3-4-4 are how mobile numbers are read aloud and copied; a landline keeps its area
    code apart. Anything else is shown as stored."""
    text = str(value or "")
    if not text.startswith("+86"):
        return text
    local = text[3:]
    if len(local) == 11 and local.startswith("1"):
        return f"{local[:3]} {local[3:7]} {local[7:]}"
    landline = "0" + local
    area = 3 if landline[1] in "12" else 4  # 010 and 02x are three digits, the rest four
    return f"{landline[:area]} {landline[area:]}"


@register.filter
def tel(value) -> str:
    """The tel: address of a stored number, for a link a phone can dial."""
    text = str(value or "")
    return f"tel:{text}" if text else ""


@register.filter
def grouped(value) -> str:
    """68719000 → 68,719,000; None and '' stay empty."""
    if value is None or value == "":
        return ""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def duration(value) -> str:
    """timedelta(minutes=15) → '15 minutes' (15 分钟); an hour and more in hours and minutes."""
    if not isinstance(value, timedelta):
        return str(value or "")
    minutes = max(int(value.total_seconds() + 59) // 60, 1)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes:
        parts.append(
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        )
    return " ".join(parts)
