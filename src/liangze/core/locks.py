"""One writer at a time for work that must not interleave with itself across processes."""

import hashlib

from django.db import connection


def lock_key(name: str) -> int:
    """The advisory lock's 64-bit key for `name`."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def transaction_lock(name: str) -> None:
    """Wait until no other transaction holds the lock `name`, then hold it until this one ends.
    Call inside `transaction.atomic()`. PostgreSQL: a transaction-level advisory lock; SQLite
    needs none, its transactions begin IMMEDIATE and so already run one writer at a time."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(name)])
