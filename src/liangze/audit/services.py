"""Writing the audit trail. Call `audit_event_record` inside the transaction of the change it
describes: the event and the change commit together or not at all."""

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from django.db.models import Model

from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.context import current_request_context
from liangze.core.errors import DomainError

security_log = logging.getLogger("liangze.security")
DomainErrorT = TypeVar("DomainErrorT", bound=DomainError)


def _json_value(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_json_value(v) for v in value]
    return value


def _division_path_of(target) -> str:
    if target is None:
        return ""
    path = getattr(target, "path", None)  # a Division
    if isinstance(path, str) and hasattr(target, "level"):
        return path
    division = getattr(target, "division", None)
    return getattr(division, "path", "") or ""


def changes_between(before: Mapping, after: Mapping) -> dict:
    """{field: [before, after]} for fields whose value differs."""
    return {
        name: [_json_value(before.get(name)), _json_value(after.get(name))]
        for name in after
        if before.get(name) != after.get(name)
    }


def snapshot(instance: Model, fields: Iterable[str]) -> dict:
    return {name: _json_value(getattr(instance, name)) for name in fields}


def build_audit_event(
    *,
    actor,
    action: AuditAction,
    target=None,
    division=None,
    changes: Mapping | None = None,
    data: Mapping | None = None,
) -> AuditEvent:
    """An unsaved event, for callers that write many at once with bulk_create."""
    action = AuditAction(action)  # ValueError for an unknown action: a programming error
    context = current_request_context()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=actor_obj,
        actor_name=(actor_obj.get_username() if actor_obj else ""),
        action=action,
        target_type=target._meta.label_lower if isinstance(target, Model) else "",
        target_id=str(target.pk) if isinstance(target, Model) else "",
        target_repr=str(target)[:200] if target is not None else "",
        division_path=division.path if division is not None else _division_path_of(target),
        changes={k: _json_value(v) for k, v in (changes or {}).items()},
        data={k: _json_value(v) for k, v in (data or {}).items()},
        ip=context.ip,
        request_id=context.request_id,
    )


def audit_event_record(
    *,
    actor,
    action: AuditAction,
    target=None,
    division=None,
    changes: Mapping | None = None,
    data: Mapping | None = None,
) -> AuditEvent:
    """Record one event in the caller's transaction. `division` overrides where it is filed."""
    event = build_audit_event(
        actor=actor, action=action, target=target, division=division, changes=changes, data=data
    )
    event.save()
    return event


def access_refuse(
    error: DomainErrorT, *, viewer, target_type: str = "", target_id=""
) -> DomainErrorT:
    """The one way a view, endpoint or `access_*` selector refuses: records the denial as an audit
    event (ASVS 16.3.2: every denial is kept), logs it to liangze.security, and hands `error` back
    for the caller to raise (`raise access_refuse(NotFound(...), viewer=...)`).

    Call it outside any transaction that the refusal rolls back: an event written inside one
    would vanish with it (services refuse before they open theirs)."""
    context = current_request_context()
    viewer_id = getattr(viewer, "pk", None)
    security_log.warning(
        "access denied code=%s viewer=%s target=%s:%s ip=%s request=%s",
        error.code,
        viewer_id,
        target_type,
        target_id,
        context.ip,
        context.request_id,
    )
    audit_event_record(
        actor=viewer,
        action=AuditAction.ACCESS_DENIED,
        division=getattr(viewer, "division", None) if viewer_id else None,
        data={"code": error.code, "target_type": target_type, "target_id": str(target_id)},
    )
    return error
