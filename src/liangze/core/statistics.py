"""Planner statistics after a bulk load (docs/architecture.md#bulk-loads).

PostgreSQL plans from statistics its autovacuum gathers after a commit. A load that writes
thousands of rows and then reads them in the same transaction (the demo, a test that loads it)
would be planned as if the tables were empty: nested loops over every row, minutes instead of
milliseconds. ANALYZE inside the transaction counts the transaction's own rows.
"""

from django.db import connection


def planner_statistics_refresh() -> None:
    """Refresh the planner's statistics for every table (PostgreSQL; SQLite needs none)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
