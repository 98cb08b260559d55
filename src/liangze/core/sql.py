"""Hand-written SQL for the few reads where building the ORM's statement costs far more than
running it: the public page a QR code opens, which a crowd may open thousands of times a minute
(docs/architecture.md, "The public page"). Building one of its statements took 0.2–1.3 ms of
Python; running it takes 0.02 ms. Everything else uses the ORM.

A statement here names tables and columns as the migrations made them, and a test in its app
holds its answer equal to the ORM query it replaces, on data made to tell them apart.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

from django.db import connection


def fetch(sql: str, params: Sequence = ()) -> list[tuple]:
    """The rows of one statement on the default database (`%s` placeholders)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def placeholders(values: Sequence) -> str:
    """`%s, %s, …`, one per value, for `IN (…)`."""
    if not values:
        raise ValueError("IN () needs at least one value.")
    return ", ".join(["%s"] * len(values))


def as_date(value) -> date | None:
    """A date as the database gave it: SQLite gives a computed date (a subquery's) as text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def as_datetime(value) -> datetime | None:
    """A timestamp as the database gave it, made aware: SQLite keeps UTC without its zone."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
