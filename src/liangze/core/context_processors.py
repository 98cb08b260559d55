from liangze.core.navigation import nav_items_for


def navigation(request):
    """The menu a user sees (core/navigation.py)."""
    return {"nav_items": nav_items_for(getattr(request, "user", None))}
