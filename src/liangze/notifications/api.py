"""The caller's notifications under /api/v1/notifications."""

from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from liangze.core.pagination import Pagination
from liangze.core.schemas import ErrorOut
from liangze.notifications import selectors, services

router = Router(tags=["notifications"])
codes_4xx = frozenset({401, 403, 404, 409, 422})


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class UnreadOut(Schema):
    unread: int


@router.get("", response=list[NotificationOut])
@paginate(Pagination, page_size=50)
def notification_list(request, unread: bool = False):
    rows = selectors.notifications_of(request.user)
    return rows.filter(read_at__isnull=True) if unread else rows


@router.get("/unread", response=UnreadOut)
def unread_count(request):
    return {"unread": selectors.unread_count(request.user)}


@router.post("/{notification_id}/read", response={200: NotificationOut, codes_4xx: ErrorOut})
def notification_read(request, notification_id: int):
    return services.notification_mark_read(actor=request.user, notification_id=notification_id)
