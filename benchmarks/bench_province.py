"""The generated province (benchmarks/province.py) on PostgreSQL: a quarter's visit tasks for every
business beside a bare INSERT … SELECT of the same rows, the office's progress page, and the
figures (bench_figures: dashboard reads, one change's refresh, the rebuild), plus the quarterly
notice of the province for the quarter before the current one.
"""

import os
import time

from django.db import connection

from benchmarks.bench_visits import generation, progress_page
from benchmarks.harness import Sample

RUNS = int(os.environ.get("BENCH_VISIT_RUNS", "1"))
PAGE_RUNS = int(os.environ.get("BENCH_VISIT_PAGE_RUNS", "15"))


def _counts() -> str:
    with connection.cursor() as cursor:
        figures = []
        for table in ("businesses_business", "officials_official", "visits_visit"):
            cursor.execute(f"SELECT reltuples::bigint FROM pg_class WHERE relname = '{table}'")
            figures.append(f"{cursor.fetchone()[0]:,}")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return f"{figures[0]} businesses, {figures[1]} officials, {figures[2]} visits; {size} on disk"


def tasks(*, viewer) -> tuple[list[Sample], list[Sample]]:
    floor, ours, again, _made = generation(RUNS)
    floor.note += f"; {_counts()}"
    # The quarter's tasks were just written: refresh the planner's statistics as autovacuum's
    # analyze does within a minute of such a change (with none, the planner takes the quarter for
    # empty and the page's plan is 4× slower).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE visits_visittask")
    page_floor, page = progress_page(viewer, PAGE_RUNS, viewer.division.name)
    return [floor, ours, again], [page_floor, page]


def notice(*, figures: list[Sample]) -> list[Sample]:
    """The province's notice for the previous quarter, its summary rows rebuilt first."""
    from liangze.accounts.models import Role, RoleGrant, User
    from liangze.dashboards.services import notice_generate
    from liangze.figures.periods import Period, today
    from liangze.figures.services import figures_rebuild
    from liangze.regions.models import Division

    province = Division.objects.get(parent__isnull=True, code="630000000000")
    staff, _created = User.objects.get_or_create(
        username="bench_province_office", defaults={"display_name": "bench", "division": province}
    )
    RoleGrant.objects.get_or_create(user=staff, role=Role.OFFICE_STAFF, division=province)
    period = Period.quarter_of(today()).previous()
    rebuild = Sample(name=f"rebuild of {period.code} from scratch (every measure)")
    start = time.perf_counter()
    rows = figures_rebuild(periods=[period])
    rebuild.seconds.append(time.perf_counter() - start)
    rebuild.note = f"{rows:,} summary rows"
    made = Sample(name=f"notice_generate: the province's notice for {period.code}")
    for _ in range(3):
        start = time.perf_counter()
        notice_generate(actor=staff, region=province, period=period)
        made.seconds.append(time.perf_counter() - start)
    return [*figures, rebuild, made]
