"""The documents' panel on the home page: an official's documents to sign and reminders; a link
to the board for those who read a region's documents."""

from django import template

from liangze.officials.access import reads_own_only
from liangze.officials.documents.selectors import (
    documents_to_sign,
    my_reminders,
    unread_reminder_count,
)

register = template.Library()


@register.inclusion_tag("officials/documents/_panel.html", takes_context=True)
def documents_panel(context, always=False):
    """`always`: show the sections even when empty (an official's home)."""
    user = context["request"].user
    return {
        "always": always,
        "to_sign": list(documents_to_sign(viewer=user)[:10]),
        "reminders": my_reminders(viewer=user),
        "unread": unread_reminder_count(viewer=user),
    }


@register.inclusion_tag("officials/documents/_tile.html", takes_context=True)
def documents_tile(context):
    user = context["request"].user
    reach = user.jurisdiction()
    return {"board_link": not reads_own_only(user) and bool(reach.paths or reach.everything)}
