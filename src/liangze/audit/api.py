from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from liangze.audit.access import can_read_audit
from liangze.audit.models import AuditAction
from liangze.audit.selectors import audit_event_list
from liangze.core.errors import Forbidden
from liangze.core.pagination import Pagination
from liangze.core.schemas import choice_field, choice_type

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    occurred_at: datetime
    actor_name: str
    action: str = choice_field(AuditAction)
    target_type: str
    target_id: str
    target_repr: str
    changes: dict
    data: dict
    ip: str | None
    request_id: str


@router.get("/events", response=list[AuditEventOut])
@paginate(Pagination, page_size=50)
def event_list(
    request,
    action: choice_type(AuditAction, blank=True) = "",
    actor: str = "",
    target: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
):
    if not can_read_audit(request.user):
        raise Forbidden(
            code="audit_forbidden", message=_("Only food safety office staff read the audit trail.")
        )
    return audit_event_list(
        viewer=request.user,
        action=action,
        actor=actor,
        target=target,
        date_from=date_from,
        date_to=date_to,
    )
