"""A generated province on PostgreSQL, built once by set-based SQL and kept.

BENCH_BUSINESSES businesses (registry.py's generator, spread over every village of the loaded
division table, with villages added under its townships so that none holds more than
BENCH_PROVINCE_PER_VILLAGE, 250 by default), one official for every ten businesses (BENCH_OFFICIALS), each with a user and a
grant on a village, one open assignment per operating or suspended business to an official of
its village, and for each of BENCH_PROVINCE_QUARTERS quarters up to the current one the visits
(about 87 in 100 business-quarters) and, for the quarters before the current one, their tasks,
done or missed. At 1,000,000 businesses and 12 quarters that is about 10,000,000 visits. Nothing
goes through the ORM or the services: `INSERT … SELECT` over `generate_series`, with the indexes of
the two large tables dropped during the load and built after.

The database (BENCH_DATABASE_URL, e.g. …/liangze_bench_province) keeps it, marked in
`bench_province` with the counts and the schema, so a second run starts measuring at once.
"""

import os
import time

from django.db import connection
from django.utils import timezone

from benchmarks import registry
from liangze.core.tree import SEGMENT_WIDTH

OFFICIALS_PER = 10  # businesses per official
# Businesses a village holds at most: a real province of 1,000,000 has some 25,000 villages (about
# 40 each); the loaded division table has Haixi's 79, so villages are added under its townships
# (a village's summary refresh reads its own rows: 12,700 a village would make it 50 times a
# real one's).
PER_VILLAGE = int(os.environ.get("BENCH_PROVINCE_PER_VILLAGE", "250"))
QUARTERS = int(os.environ.get("BENCH_PROVINCE_QUARTERS", "12"))
VISITED_IN_100 = 87  # business-quarters with a visit


def _key(count: int) -> str:
    officials = int(os.environ.get("BENCH_OFFICIALS", str(max(1, count // OFFICIALS_PER))))
    return f"province-{count}-{officials}-{QUARTERS}-{PER_VILLAGE}-{registry._schema_key()}"


def ready(count: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_province (key text)")
        cursor.execute("SELECT key FROM bench_province")
        row = cursor.fetchone()
    return bool(row and row[0] == _key(count))


def _quarters(current) -> list:
    quarters = [current]
    while len(quarters) < QUARTERS:
        quarters.append(quarters[-1].previous())
    return list(reversed(quarters))


def _run(cursor, label: str, sql: str, params=()) -> None:
    start = time.perf_counter()
    cursor.execute(sql, params)
    print(f"  {label}: {cursor.rowcount:,} rows in {time.perf_counter() - start:.1f} s", flush=True)


def _add_villages(cursor, count: int) -> int:
    """Add villages under the townships, evenly, until each would hold at most PER_VILLAGE of
    `count` businesses; how many were added. Each takes its id as its path's last segment, as
    the division import does, and a code of its own (the city's first four digits, 00, its id:
    no real code of a county or below starts so)."""
    cursor.execute("SELECT count(*) FROM regions_division WHERE level = 'village'")
    have = cursor.fetchone()[0]
    want = -(-count // PER_VILLAGE)
    if have >= want:
        return 0
    cursor.execute("SELECT count(*) FROM regions_division WHERE level = 'township'")
    townships = cursor.fetchone()[0]
    each = -(-(want - have) // townships)
    _run(
        cursor,
        "villages",
        "INSERT INTO regions_division (id, created_at, updated_at, code, name, level, path, "
        "vintage, valid_from, valid_to, parent_id) "
        "SELECT s.id, now(), now(), left(t.code, 4) || '00' || lpad(s.id::text, 6, '0'), "
        "t.name || '第' || (s.n + 1) || '村', 'village', "
        f"t.path || lpad(s.id::text, {SEGMENT_WIDTH}, '0'), t.vintage, NULL, NULL, t.id "
        "FROM (SELECT t.id AS township, g.n, "
        "nextval(pg_get_serial_sequence('regions_division', 'id')) AS id "
        f"FROM regions_division t CROSS JOIN generate_series(0, {each - 1}) AS g(n) "
        "WHERE t.level = 'township') s JOIN regions_division t ON t.id = s.township",
    )
    return each * townships


def _drop_indexes(cursor, table: str) -> list[str]:
    """Drop the plain indexes (not those behind constraints); their definitions to rebuild."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [table],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def build(count: int) -> float:
    """Fill the migrated database (divisions loaded) with the province; seconds taken."""
    from liangze.visits.periods import Quarter

    start = time.perf_counter()
    officials = int(os.environ.get("BENCH_OFFICIALS", str(max(1, count // OFFICIALS_PER))))
    now = timezone.now()
    with connection.cursor() as cursor:
        # No foreign-key triggers while loading (the rows are made consistent by construction):
        # deleting 100,000 users would otherwise scan every unindexed column naming a user.
        cursor.execute("SET session_replication_role = replica")
        # An interrupted build keeps its businesses (the longest step) when their count is right
        # and no village was added.
        added = _add_villages(cursor, count)
        cursor.execute("SELECT count(*) FROM businesses_business")
        keep = cursor.fetchone()[0] == count and not added
        cursor.execute(
            "TRUNCATE visits_visit, visits_visittask, officials_assignment, officials_official, "
            "figures_figure, figures_figuretotal, figures_figuredirty"
            + ("" if keep else ", businesses_business, businesses_statuschange")
            + " CASCADE"
        )
        cursor.execute(
            "DELETE FROM accounts_rolegrant WHERE user_id IN "
            "(SELECT id FROM accounts_user WHERE username LIKE 'bo%%')"
        )
        cursor.execute("DELETE FROM accounts_user WHERE username LIKE 'bo%%'")
    if not keep:
        seconds = registry.build(count, division_prefix=os.environ.get("BENCH_PROVINCE_PREFIX", ""))
        print(f"  businesses: {count:,} in {seconds:.1f} s", flush=True)
    quarters = _quarters(Quarter.of(timezone.localdate(now)))
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(
            "CREATE TEMP TABLE bench_v AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id "
            "FROM regions_division WHERE level = 'village' AND id IN "
            "(SELECT DISTINCT division_id FROM businesses_business)"
        )
        cursor.execute("SELECT count(*) FROM bench_v")
        villages = cursor.fetchone()[0]
        _run(
            cursor,
            "users",
            "INSERT INTO accounts_user (password, last_login, is_superuser, username, first_name, "
            "last_name, email, is_staff, is_active, date_joined, display_name, phone, division_id, "
            "must_change_password, session_stamp) "
            "SELECT '!', NULL, false, 'bo' || i, '', '', '', false, true, %s, '干部' || i, "
            "'+8614' || lpad(i::text, 9, '0'), v.id, false, '' "
            f"FROM generate_series(0, {officials - 1}) AS s(i) JOIN bench_v v ON v.k = i %% {villages}",
            [now],
        )
        _run(
            cursor,
            "grants",
            "INSERT INTO accounts_rolegrant (created_at, updated_at, user_id, role, division_id, "
            "business_id, granted_by_id, revoked_at) "
            "SELECT %s, %s, u.id, 'official', u.division_id, NULL, NULL, NULL "
            "FROM accounts_user u WHERE u.username LIKE 'bo%%'",
            [now, now],
        )
        _run(
            cursor,
            "officials",
            "INSERT INTO officials_official (created_at, updated_at, user_id, grant_id, position, "
            "phone, active_from, active_to) "
            "SELECT %s, %s, u.id, g.id, '', u.phone, '2024-01-01', NULL "
            "FROM accounts_user u JOIN accounts_rolegrant g ON g.user_id = u.id "
            "WHERE u.username LIKE 'bo%%'",
            [now, now],
        )
        # Each village's businesses dealt round its officials.
        _run(
            cursor,
            "assignments",
            "WITH o AS (SELECT o.id, g.division_id, "
            "row_number() OVER (PARTITION BY g.division_id ORDER BY o.id) AS r, "
            "count(*) OVER (PARTITION BY g.division_id) AS m "
            "FROM officials_official o JOIN accounts_rolegrant g ON g.id = o.grant_id), "
            "m AS (SELECT DISTINCT division_id, m FROM o), "
            "b AS (SELECT id, division_id, "
            "row_number() OVER (PARTITION BY division_id ORDER BY id) AS r "
            "FROM businesses_business WHERE status IN ('operating', 'suspended')) "
            "INSERT INTO officials_assignment (created_at, updated_at, business_id, official_id, "
            "starts_on, ends_on, end_reason, created_by_id) "
            "SELECT %s, %s, b.id, o.id, '2024-01-01', NULL, '', NULL "
            "FROM b JOIN m ON m.division_id = b.division_id "
            # Both keys equal, so the join hashes on them (not on the division alone).
            "JOIN o ON o.division_id = b.division_id AND o.r = (b.r - 1) %% m.m + 1",
            [now, now],
        )
        task_indexes = _drop_indexes(cursor, "visits_visittask")
        visit_indexes = _drop_indexes(cursor, "visits_visit")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'visits_visit'::regclass AND contype = 'f'"
        )
        visit_fks = cursor.fetchall()
        for name, _definition in visit_fks:
            cursor.execute(f'ALTER TABLE visits_visit DROP CONSTRAINT "{name}"')
        current = quarters[-1]
        for n, quarter in enumerate(quarters):
            first = quarter.first_day
            days = (quarter.last_day - first).days + 1
            if quarter != current:
                _run(
                    cursor,
                    f"tasks {quarter}",
                    "INSERT INTO visits_visittask (created_at, updated_at, business_id, "
                    "official_id, period, status, required, visits_made, exempt) "
                    "SELECT %s, %s, a.business_id, a.official_id, %s, "
                    f"CASE WHEN (a.business_id * 7 + {n}) %% 100 < {VISITED_IN_100} "
                    "THEN 'done' ELSE 'missed' END, 1, "
                    f"CASE WHEN (a.business_id * 7 + {n}) %% 100 < {VISITED_IN_100} "
                    "THEN 1 ELSE 0 END, false "
                    "FROM officials_assignment a JOIN businesses_business b ON b.id = a.business_id "
                    "WHERE b.status = 'operating'",
                    [now, now, first],
                )
            # The current quarter: visits so far (its days up to today), tasks left to the bench.
            span = days if quarter != current else max(1, (timezone.localdate(now) - first).days)
            _run(
                cursor,
                f"visits {quarter}",
                "INSERT INTO visits_visit (created_at, updated_at, official_id, business_id, "
                "task_id, period, visited_at, visited_on, received_at, mode, location, lat_e6, "
                "lng_e6, distance_m, representative, signature_id, signature_refused, "
                "refusal_note, checklist, problem_count, idempotency_key, late, replaces_id, "
                "correction_reason) "
                "SELECT s.at, s.at, s.official_id, s.business_id, t.id, %s, s.at, s.on_day, s.at, "
                "CASE WHEN s.business_id %% 5 = 0 THEN 'remote' ELSE 'on_site' END, 'denied', "
                "NULL, NULL, NULL, '', NULL, false, '', '[]'::jsonb, 0, "
                "gen_random_uuid(), s.business_id %% 50 = 0, NULL, '' "
                "FROM (SELECT a.business_id, a.official_id, "
                f"%s::date + ((a.business_id * 13 + {n}) %% {span})::int AS on_day, "
                f"(%s::date + ((a.business_id * 13 + {n}) %% {span})::int "
                "+ time '02:00')::timestamp AT TIME ZONE 'UTC' AS at "
                "FROM officials_assignment a JOIN businesses_business b ON b.id = a.business_id "
                "WHERE b.status = 'operating' "
                f"AND (a.business_id * 7 + {n}) %% 100 < {VISITED_IN_100}) s "
                "LEFT JOIN visits_visittask t ON t.period = %s AND t.business_id = s.business_id "
                "AND t.official_id = s.official_id",
                [first, first, first, first],
            )
        for name, definition in visit_fks:
            cursor.execute(f'ALTER TABLE visits_visit ADD CONSTRAINT "{name}" {definition}')
        for definition in (*task_indexes, *visit_indexes):
            _run(cursor, definition.split(" ON ")[0], definition)
        for table in (
            "accounts_user",
            "accounts_rolegrant",
            "officials_official",
            "officials_assignment",
            "visits_visittask",
            "visits_visit",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("DELETE FROM bench_province")
        cursor.execute("INSERT INTO bench_province VALUES (%s)", [_key(count)])
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_registry (key text)")
        cursor.execute("DELETE FROM bench_registry")  # the list benchmarks' registry is gone
    return time.perf_counter() - start
