"""Forms of the closed-loop pages: raw input only; the services validate and their refusals
come back as field errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from liangze.core.forms import NamedRequiredMixin


def _days(label, help_text=""):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": 1, "max": 365, "inputmode": "numeric"}),
    )


class LoopRuleForm(NamedRequiredMixin, forms.Form):
    """A province's deadlines and reminders (docs/domain.md §1.6, §1.12)."""

    serious_days = _days(
        _("Deadline for a serious problem (days)"), _("Calendar days from acceptance.")
    )
    general_days = _days(
        _("Deadline for a general problem (days)"), _("Calendar days from acceptance.")
    )
    reminder_days = _days(
        _("Reminder before a deadline (days)"), _("Fewer days than the shortest deadline.")
    )
    accept_reminder_days = _days(
        _("Reminder for a problem pushed and not accepted (days)"),
    )
    overdue_notice_days = _days(
        _("Overdue notice to the office one level up (days past the deadline)"),
    )
