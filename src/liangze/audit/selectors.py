from django.db.models import QuerySet

from liangze.audit.access import can_read_audit
from liangze.audit.models import AuditEvent
from liangze.core.scoping import in_jurisdiction


def audit_event_list(
    *, viewer, action: str = "", actor: str = "", date_from=None, date_to=None, target: str = ""
) -> QuerySet[AuditEvent]:
    """Events filed in the viewer's subtree; only office staff and administrators read them."""
    events = in_jurisdiction(AuditEvent.objects.all(), viewer, via="path:division_path")
    if not can_read_audit(viewer):
        return events.none()
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_name__icontains=actor)
    if target:
        events = events.filter(target_repr__icontains=target)
    if date_from:
        events = events.filter(occurred_at__date__gte=date_from)
    if date_to:
        events = events.filter(occurred_at__date__lte=date_to)
    return events.select_related("actor").order_by("-occurred_at", "-pk")
