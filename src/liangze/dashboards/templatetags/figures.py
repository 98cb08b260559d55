from django import template

from liangze.accounts.models import Role
from liangze.dashboards.access import can_read_figures

register = template.Library()


@register.inclusion_tag("dashboards/_tile.html", takes_context=True)
def figures_tile(context):
    """The home page's way to the figures; a leader's summary comes first, as it reads on a
    phone (docs/domain.md §1.13)."""
    user = context["request"].user
    reads = can_read_figures(user)
    return {"reads": reads, "leader": reads and user.has_role(Role.LEADER)}


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (a rate by measure code); None when absent."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
