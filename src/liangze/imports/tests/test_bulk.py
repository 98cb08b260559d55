"""The import's bulk statements: keys come back in row order and are never reused."""

import json

import pytest
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from liangze.audit.models import AuditEvent
from liangze.imports.bulk import Inserter, db_value, json_adapter
from liangze.jobs.models import ScheduledRun

pytestmark = pytest.mark.django_db(transaction=True)
FIELDS = ("action", "target_type", "target_id", "changes", "data")


def _rows(count: int, *, start: int = 0) -> list[tuple]:
    to_json = json_adapter()
    return [
        ("bulk.test", "t", str(start + n), to_json({"n": [None, start + n]}), to_json({}))
        for n in range(count)
    ]


def test_keys_come_back_in_the_order_of_the_rows():
    with transaction.atomic():
        ids = Inserter(AuditEvent, FIELDS).insert_returning_ids(_rows(2500))
    assert len(set(ids)) == 2500
    stored = dict(AuditEvent.objects.filter(pk__in=ids).values_list("pk", "target_id"))
    assert [stored[pk] for pk in ids] == [str(n) for n in range(2500)]
    assert AuditEvent.objects.get(pk=ids[7]).changes == {"n": [None, 7]}


def test_a_key_once_handed_out_is_not_handed_out_again():
    """A deleted row's key stays spent (as AUTOINCREMENT and PostgreSQL's sequences keep it)."""
    slot = db_value(ScheduledRun, "slot", timezone.now())
    runs = Inserter(ScheduledRun, ("name", "slot"))
    with transaction.atomic():
        first = runs.insert_returning_ids([(f"bulk-{n}", slot) for n in range(3)])
    ScheduledRun.objects.filter(pk=first[-1]).delete()
    with transaction.atomic():
        second = runs.insert_returning_ids([(f"bulk-{n}", slot) for n in range(3, 5)])
    assert min(second) > max(first)
    assert ScheduledRun.objects.get(pk=second[0]).name == "bulk-3"


def test_a_refused_row_leaves_nothing_of_the_statement():
    before = AuditEvent.objects.count()
    rows = _rows(3)
    rows[2] = (None, *rows[2][1:])  # action is NOT NULL
    with pytest.raises(IntegrityError), transaction.atomic():
        Inserter(AuditEvent, FIELDS).insert_returning_ids(rows)
    assert AuditEvent.objects.count() == before


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(_JSON_VALUES)
def test_the_prepared_encoder_writes_what_json_dumps_writes(value):
    from liangze.imports.bulk import json_text

    assert json_text(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_an_event_written_with_the_prepared_encoder_reads_back_equal():
    changes = {"name": [None, '格尔木 "店"\n'], "division": [None, 61], "ok": [False, True]}
    with transaction.atomic():
        Inserter(AuditEvent, FIELDS).insert(
            [("bulk.test", "t", "1", json_adapter()(changes), json_adapter()({"line": 2}))]
        )
    event = AuditEvent.objects.get(action="bulk.test")
    assert (event.changes, event.data) == (changes, {"line": 2})


def test_insert_selected_copies_rows_and_fills_the_columns_left_out():
    """The database makes the rows from a query: its columns in order, the others at their
    defaults (parameters placed before the query's), and a NULL given through a Cast."""
    with transaction.atomic():
        Inserter(AuditEvent, FIELDS).insert(_rows(3, start=40))
        Inserter(
            AuditEvent, ("action", "target_type", "target_id", "actor_id", "changes", "data")
        ).insert_selected(
            AuditEvent.objects.filter(action="bulk.test", target_id__in=["40", "42"])
            .order_by()
            .values_list(
                Value("bulk.copy"),
                "target_type",
                "target_id",
                Cast(Value(None), BigIntegerField()),
                "changes",
                "data",
            )
        )
    copies = AuditEvent.objects.filter(action="bulk.copy").order_by("target_id")
    assert [(e.target_id, e.changes, e.actor_id, e.ip, e.request_id) for e in copies] == [
        ("40", {"n": [None, 40]}, None, None, ""),
        ("42", {"n": [None, 42]}, None, None, ""),
    ]
    assert all(event.occurred_at is not None for event in copies)
