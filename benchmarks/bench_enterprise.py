"""Enterprise duties at a province's scale (docs/domain.md §1.8, §4): BENCH_DAILY_CHECKS daily
checks (15,000,000 on PostgreSQL, Hunan's 2022–25 total; 150,000 on SQLite), the write rate of
`daily_check_submit` beside a bare INSERT of the same rows, and the office's gaps page.

The data is made by set-based SQL, never the ORM row by row: enterprises (credit codes starting
91, so every one keeps the records) over Golmud's villages, each with a profile, an officer and a
risk control list of three daily points, then one check per business per day up to yesterday
(`generate_series` on PostgreSQL, a recursive counter on SQLite), about one in fifty with a
failed item. PostgreSQL keeps the data in the database named by BENCH_DATABASE_URL, marked in a
small table, until the count or the schema changes; SQLite builds it in each run's database.
"""

import os
import time
from datetime import timedelta

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from benchmarks.harness import Sample, get_timed

# A business's operating days kept (2022–25): 15,000,000 checks are ~13,600 businesses' days; a
# smaller count keeps fewer days, never fewer businesses than WRITES.
DAYS = int(os.environ.get("BENCH_CHECK_DAYS", "1100"))
WRITES = int(os.environ.get("BENCH_CHECK_WRITES", "2000"))
RUNS = int(os.environ.get("BENCH_CHECK_RUNS", "3"))
PAGE_RUNS = int(os.environ.get("BENCH_CHECK_PAGE_RUNS", "10"))
FAILED_EVERY = 50  # one check in fifty has a failed item
USCC_PREFIX = "91632801EB"


def checks_wanted(vendor: str) -> int:
    default = "15000000" if vendor == "postgresql" else "150000"
    return int(os.environ.get("BENCH_DAILY_CHECKS", default))


def _key(checks: int) -> str:
    from benchmarks.registry import _schema_key

    return f"{checks}-{DAYS}-{_schema_key()}"


def _ready(checks: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_enterprise (key text)")
        cursor.execute("SELECT key FROM bench_enterprise")
        row = cursor.fetchone()
    return bool(row and row[0] == _key(checks))


def _clear(cursor) -> None:
    """The enterprise rows of an earlier build (another count or schema)."""
    mine = f"SELECT id FROM businesses_business WHERE uscc LIKE '{USCC_PREFIX}%%'"
    cursor.execute(
        "DELETE FROM enterprise_dailycheckfailure WHERE check_record_id IN "
        f"(SELECT id FROM enterprise_dailycheck WHERE business_id IN ({mine}))"
    )
    cursor.execute(f"DELETE FROM enterprise_dailycheck WHERE business_id IN ({mine})")
    cursor.execute(
        "DELETE FROM enterprise_riskpoint WHERE risk_list_id IN "
        f"(SELECT id FROM enterprise_riskcontrollist WHERE business_id IN ({mine}))"
    )
    for table in ("riskcontrollist", "safetyofficer", "enterpriseprofile"):
        cursor.execute(f"DELETE FROM enterprise_{table} WHERE business_id IN ({mine})")
    cursor.execute(f"DELETE FROM businesses_statuschange WHERE business_id IN ({mine})")
    cursor.execute(f"DELETE FROM businesses_business WHERE uscc LIKE '{USCC_PREFIX}%%'")


def _counter(count: int) -> tuple[str, str]:
    """(WITH prefix, FROM source) giving c.i = 0 … count - 1."""
    if connection.vendor == "sqlite":
        return (
            f"WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c "
            f"WHERE i < {count - 1}) ",
            "c",
        )
    return "", f"generate_series(0, {count - 1}) AS c(i)"


def build(checks: int) -> tuple[int, float]:
    """Businesses, profiles, officers, lists and `checks` daily checks; (businesses, seconds)."""
    start = time.perf_counter()
    # At least one business per measured write (a business records one check a day).
    businesses = max(-(-checks // DAYS), WRITES)
    days = -(-checks // businesses)
    sqlite = connection.vendor == "sqlite"
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')" if sqlite else "now()"
    serial = "printf('%07d', c.i)" if sqlite else "lpad(c.i::text, 7, '0')"
    token = "lower(hex(randomblob(12)))" if sqlite else "substr(md5(c.i::text), 1, 24)"
    last = timezone.localdate() - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    with transaction.atomic(), connection.cursor() as cursor:
        _clear(cursor)
        cursor.execute(
            "SELECT id FROM regions_division WHERE level = 'village' AND code LIKE '632801%%' "
            "ORDER BY code"
        )
        villages = [row[0] for row in cursor.fetchall()]
        cursor.execute("DROP TABLE IF EXISTS bench_villages")
        cursor.execute("CREATE TABLE bench_villages (k integer PRIMARY KEY, division_id bigint)")
        cursor.executemany("INSERT INTO bench_villages VALUES (%s, %s)", list(enumerate(villages)))
        prefix, source = _counter(businesses)
        cursor.execute(
            f"{prefix}INSERT INTO businesses_business (name, name_pinyin, name_initials, "
            "name_grams, uscc, uscc_pilot_override, registration_number, license_number, "
            "business_type, chain_hq, key, scale, staff_count, annual_revenue_fen, grade, "
            "risk_level, status, status_since, division_id, address, lat_e6, lng_e6, "
            "contact_name, contact_phone, open_kitchen, public_token, created_by_id, created_at, "
            f"updated_at) SELECT '格尔木市基准餐饮有限公司' || {serial}, '', '', '', "
            f"'{USCC_PREFIX}' || {serial} || 'X', false, '', '', 'restaurant', false, false, "
            "'small', NULL, NULL, 'C', '', 'operating', '2022-01-01', v.division_id, "
            f"'格尔木市昆仑路1号', NULL, NULL, '张三', '+8613800000000', false, {token}, NULL, "
            f"{now}, {now} FROM {source} JOIN bench_villages v ON v.k = c.i % {len(villages)}"
        )
        cursor.execute("DROP TABLE bench_villages")
        mine = f"FROM businesses_business b WHERE b.uscc LIKE '{USCC_PREFIX}%%'"
        cursor.execute(
            "INSERT INTO businesses_statuschange (business_id, from_status, to_status, "
            "effective_on, reason, actor_id, created_at, updated_at) "
            f"SELECT b.id, '', 'operating', b.status_since, 'bench', NULL, {now}, {now} {mine}"
        )
        cursor.execute(
            "INSERT INTO enterprise_enterpriseprofile (business_id, principal_name, "
            "principal_phone, people_served, operating_weekdays, created_at, updated_at) "
            f"SELECT b.id, '李四', '', NULL, '1234567', {now}, {now} {mine}"
        )
        cursor.execute(
            "INSERT INTO enterprise_safetyofficer (business_id, name, phone, user_id, "
            "appointed_on, ended_on, duties, created_at, updated_at) "
            f"SELECT b.id, '王五', '', NULL, '2022-01-01', NULL, '', {now}, {now} {mine}"
        )
        cursor.execute(
            "INSERT INTO enterprise_riskcontrollist (business_id, version, note, created_by_id, "
            f"created_at, updated_at) SELECT b.id, 1, '', NULL, {now}, {now} {mine}"
        )
        for position, (stage, point) in enumerate(
            (("原料采购", "索证索票"), ("加工制作", "生熟分开"), ("餐用具", "清洗消毒"))
        ):
            cursor.execute(
                "INSERT INTO enterprise_riskpoint (risk_list_id, position, stage, point, "
                "description, measure, target, frequency, responsible) "
                f"SELECT l.id, {position}, %s, %s, '', '按制度执行', '', 'day', '食品安全员' "
                "FROM enterprise_riskcontrollist l JOIN businesses_business b "
                f"ON b.id = l.business_id WHERE b.uscc LIKE '{USCC_PREFIX}%%'",
                [stage, point],
            )
        # One check per business per day: the day counter crossed with the lists. On
        # PostgreSQL the table's secondary indexes are built after, and the rows, made consistent
        # here, skip the per-row foreign-key triggers.
        indexes = []
        if not sqlite:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the clearing's checks, now
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
                "'enterprise_dailycheck' AND indexname NOT IN (SELECT conname FROM pg_constraint)"
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute("SET LOCAL session_replication_role = replica")
        prefix, source = _counter(days)
        day = "date(%s, '+' || c.i || ' days')" if sqlite else "(%s::date + c.i)"
        failed = f"CASE WHEN (l.business_id + c.i) %% {FAILED_EVERY} = 0 THEN 1 ELSE 0 END"
        cursor.execute(
            f"{prefix}INSERT INTO enterprise_dailycheck (business_id, risk_list_id, author_id, "
            'late, "on", failures, note, corrects_id, created_at, updated_at) '
            f"SELECT l.business_id, l.id, NULL, false, {day}, {failed}, '', NULL, {now}, {now} "
            f"FROM enterprise_riskcontrollist l JOIN businesses_business b "
            f"ON b.id = l.business_id CROSS JOIN {source} "
            f"WHERE b.uscc LIKE '{USCC_PREFIX}%%'",
            [first],
        )
        if not sqlite:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
        cursor.execute(
            "INSERT INTO enterprise_dailycheckfailure (check_record_id, risk_point_id, problem, "
            "measure, owner, deadline) "
            "SELECT d.id, (SELECT min(p.id) FROM enterprise_riskpoint p "
            "WHERE p.risk_list_id = d.risk_list_id), '消毒记录未填写', '当日补记', '王五', NULL "
            "FROM enterprise_dailycheck d WHERE d.failures = 1"
        )
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_enterprise (key text)")
        cursor.execute("DELETE FROM bench_enterprise")
        cursor.execute("INSERT INTO bench_enterprise VALUES (%s)", [_key(checks)])
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("ANALYZE")
        else:
            for table in (
                "enterprise_dailycheck",
                "enterprise_dailycheckfailure",
                "businesses_business",
                "enterprise_safetyofficer",
                "enterprise_enterpriseprofile",
                "enterprise_riskcontrollist",
                "enterprise_riskpoint",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
    return businesses, time.perf_counter() - start


def _targets(count: int):
    from liangze.businesses.models import Business

    return list(
        Business.objects.filter(uscc__startswith=USCC_PREFIX).select_related("division")[:count]
    )


def _remove_today(today) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM enterprise_dailycheckfailure WHERE check_record_id IN "
            '(SELECT id FROM enterprise_dailycheck WHERE "on" = %s)',
            [today],
        )
        cursor.execute('DELETE FROM enterprise_dailycheck WHERE "on" = %s', [today])


def baseline(business_ids: list[int], today) -> int:
    """The database alone: the same number of check rows by one bulk INSERT … SELECT."""
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO enterprise_dailycheck (business_id, risk_list_id, author_id, late, "on", '
            "failures, note, corrects_id, created_at, updated_at) "
            "SELECT l.business_id, l.id, NULL, false, %s, 0, '', NULL, %s, %s "
            f"FROM enterprise_riskcontrollist l WHERE l.business_id IN "
            f"({', '.join(str(pk) for pk in business_ids)})",
            [today, now, now],
        )
        return cursor.rowcount


def run(*, viewer) -> tuple[list[Sample], list[Sample]]:
    from liangze.enterprise import periods
    from liangze.enterprise.models import DailyCheck, RiskPoint
    from liangze.enterprise.services import daily_check_submit

    checks = checks_wanted(connection.vendor)
    if connection.vendor == "postgresql" and _ready(checks):
        businesses = len(_targets(10**9))
        setup = f"{checks:,} checks already in PostgreSQL"
    else:
        businesses, seconds = build(checks)
        setup = f"built by set-based SQL in {seconds:.0f} s"
    print(f"enterprise: {businesses:,} businesses, {setup}", flush=True)
    today = periods.today()
    _remove_today(today)  # what an interrupted run left
    total = DailyCheck.objects.count()
    targets = _targets(WRITES)
    ids = [b.pk for b in targets]
    first_points = dict(
        RiskPoint.objects.filter(risk_list__business_id__in=ids, position=0).values_list(
            "risk_list__business_id", "pk"
        )
    )
    floor = Sample(name=f"baseline: bare INSERT … SELECT of {len(ids):,} check rows")
    ours = Sample(name=f"daily_check_submit × {len(ids):,} (one in ten with a failed item)")
    for _ in range(RUNS):
        _remove_today(today)
        start = time.perf_counter()
        rows = baseline(ids, today)
        floor.seconds.append(time.perf_counter() - start)
        _remove_today(today)
        start = time.perf_counter()
        for n, business in enumerate(targets):
            failures = (
                [{"risk_point_id": first_points[business.pk], "problem": "消毒记录未填写"}]
                if n % 10 == 0
                else []
            )
            daily_check_submit(actor=viewer, business=business, on=today, failures=failures)
        ours.seconds.append(time.perf_counter() - start)
    _remove_today(today)
    floor.note = f"{rows / floor.median:,.0f} rows/s; {total:,} checks in the table"
    ours.note = (
        f"{len(ids) / ours.median:,.0f} rows/s, one transaction each with its audit event "
        f"and the figures' mark"
    )

    client = Client()
    client.force_login(viewer)
    page_floor = Sample(name="baseline: bare Django JSON view, 25 rows")
    page = Sample(name="gaps and completion page /duties/gaps/ (whole county)")
    for url in ("/bench/baseline?page=1", "/duties/gaps/"):  # warm-up, not timed
        client.get(url)
    for _ in range(PAGE_RUNS):
        get_timed(client, "/bench/baseline?page=1", page_floor)
        get_timed(client, "/duties/gaps/", page)
    page.note = (
        f"{total:,} checks of {businesses:,} record keepers; last week's gaps and last "
        "month's completion"
    )
    return [floor, ours], [page_floor, page]
