from liangze.notifications.selectors import unread_count


def unread(request):
    """The unread count in the header of every page (lazy: only pages that show it ask)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(user)}
