"""`transaction_lock`: one holder at a time across processes, for as long as its transaction."""

import pytest
from django.db import connection, transaction

from liangze.core.locks import lock_key, transaction_lock


def _advisory_locks_held() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_lock_is_held_until_the_transaction_ends():
    with transaction.atomic():
        transaction_lock("figures.summary")
        assert _advisory_locks_held() == 1
        transaction_lock("figures.summary")  # taken again by its holder: no wait
    assert _advisory_locks_held() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_holder_waits():
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with transaction.atomic():
            transaction_lock("figures.summary")
            with other.cursor() as cursor:
                cursor.execute("SET lock_timeout = '200ms'")
                cursor.execute("BEGIN")
                with pytest.raises(Exception, match="lock timeout"):
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s)", [lock_key("figures.summary")]
                    )
                cursor.execute("ROLLBACK")
    finally:
        other.close()


@pytest.mark.django_db
def test_sqlite_asks_nothing_of_the_database(django_assert_num_queries):
    """SQLite's transactions begin IMMEDIATE and so already run one writer at a time."""
    with transaction.atomic(), django_assert_num_queries(connection.vendor == "postgresql"):
        transaction_lock("figures.summary")
