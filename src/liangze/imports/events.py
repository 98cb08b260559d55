"""Audit events of a set-based write, as rows for bulk.Inserter.

An import writes one event per registered or changed row: 100,000 of them for a large file.
Building each event's JSON from a dict took a tenth of such an import, so the JSON of the
registration events is put together column by column instead (json_object_texts): each distinct
value of a column is encoded once and each row joins its members. Tests hold its text equal, to
the byte, to the prepared encoder's text of the same dict.
"""

from collections.abc import Sequence
from json.encoder import encode_basestring

from liangze.audit.models import AuditEvent
from liangze.audit.services import build_audit_event
from liangze.imports.bulk import db_value, json_text

EVENT_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_name",
    "action",
    "ip",
    "request_id",
    "target_type",
    "target_id",
    "target_repr",
    "division_path",
    "changes",
    "data",
)


def event_common(*, actor, action) -> tuple:
    """What every event of a batch shares, in the database's form: made by build_audit_event
    (actor, action, the request's context), so the bulk rows say what a saved event would."""
    event = build_audit_event(actor=actor, action=action)
    return (
        db_value(AuditEvent, "occurred_at", event.occurred_at),
        event.actor_id,
        event.actor_name,
        event.action,
        event.ip,
        event.request_id,
    )


def event_row(
    common: tuple, *, target_type: str, target_id: int, name: str, path: str, changes, data
) -> tuple:
    """One audit event on a row of `target_type` (the model's label_lower, as
    audit_event_record names a target), as a row of EVENT_FIELDS; `changes` and `data` in the
    database's form (bulk.json_adapter() or bulk.json_text_adapter())."""
    return (*common, target_type, str(target_id), name[:200], path, changes, data)


def _members(key: str, column: Sequence, *, registration: bool) -> list[str]:
    """Each value of `column` as the member `"key":value` of a JSON object (`"key":[null,value]`
    in a registration, where a blank value gives "": left out), each distinct value encoded once.
    """
    head = encode_basestring(key) + (":[null," if registration else ":")
    tail = "]" if registration else ""

    def member(value) -> str:
        if registration and (value is None or value is False or value == ""):
            return ""
        text = encode_basestring(value) if type(value) is str else json_text(value)
        return head + text + tail

    types = set(map(type, column))
    types.discard(type(None))
    if float in types:  # -0.0 == 0.0, and their JSON differs: no memo
        return list(map(member, column))
    if len(types) > 1:
        # 1 == True (and 0 == False) are one key of a dict, and their JSON differs.
        keys = list(zip(map(type, column), column, strict=True))
        known = {key: member(key[1]) for key in set(keys)}
        return list(map(known.__getitem__, keys))
    distinct = set(column)
    if len(distinct) == len(column):  # a name, a code: no value repeats
        return list(map(member, column))
    known = dict(zip(distinct, map(member, distinct), strict=True))
    return list(map(known.__getitem__, column))


def json_object_texts(
    keys: Sequence[str], rows: Sequence[Sequence], *, registration: bool = False
) -> list[str]:
    """For each row (scalar values in the order of `keys`), the prepared encoder's JSON of
    dict(zip(keys, row)), or with `registration` of a registration's changes (the
    entity's services): its blank values left out, the others as [null, value]."""
    if not rows:
        return []
    columns = list(zip(*rows, strict=True))
    if len(columns) != len(keys):
        raise ValueError(f"rows of {len(columns)} values for {len(keys)} keys")
    members = zip(
        *(
            _members(key, column, registration=registration)
            for key, column in zip(keys, columns, strict=True)
        ),
        strict=True,
    )
    if registration:
        return ["{" + ",".join(filter(None, row)) + "}" for row in members]
    return ["{" + ",".join(row) + "}" for row in members]
