"""Reads of notifications: each user reads only their own."""

from django.db.models import QuerySet

from liangze.notifications.models import Notification


def notifications_of(viewer) -> QuerySet[Notification]:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=viewer)


def unread_count(viewer) -> int:
    return notifications_of(viewer).filter(read_at__isnull=True).count()
