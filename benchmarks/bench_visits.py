"""A quarter's visit tasks for the whole registry (docs/domain.md §2), beside a bare INSERT … SELECT
of the same rows, and the office's progress page at that scale.

The data is made by set-based SQL, not the ORM: one official per village (the few hundred through
the service, for their accounts and grants), then one assignment per operating or suspended
business by INSERT … SELECT.
"""

import os
import time
from datetime import date

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from benchmarks.harness import Sample, get_timed

RUNS = int(os.environ.get("BENCH_VISIT_RUNS", "3"))
PAGE_RUNS = int(os.environ.get("BENCH_VISIT_PAGE_RUNS", "15"))


def _officials_and_assignments(viewer) -> int:
    from liangze.businesses.models import Business
    from liangze.officials.models import Assignment, Official
    from liangze.officials.services import official_create
    from liangze.regions.models import Division

    villages = Division.objects.filter(
        pk__in=Business.objects.values("division_id").distinct()
    ).order_by("pk")
    for n, village in enumerate(villages):
        if not Official.objects.filter(grant__division=village).exists():
            official_create(
                actor=viewer,
                display_name=f"基准干部{n}",
                phone=f"1360{n:07d}",
                division=village,
            )
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM officials_assignment")
        cursor.execute(
            "INSERT INTO officials_assignment (created_at, updated_at, business_id, official_id, "
            "starts_on, ends_on, end_reason, created_by_id) "
            "SELECT %s, %s, b.id, o.id, %s, NULL, '', NULL FROM businesses_business b "
            "JOIN accounts_rolegrant g ON g.division_id = b.division_id "
            "JOIN officials_official o ON o.grant_id = g.id "
            "WHERE b.status IN ('operating', 'suspended')",
            [now, now, date(2024, 1, 1)],
        )
    return Assignment.objects.count()


def _clear(first_day: date) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM visits_visittask WHERE period = %s", [first_day])


def baseline(first_day: date) -> int:
    """The database alone: the same rows by one INSERT … SELECT."""
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO visits_visittask (created_at, updated_at, business_id, official_id, "
            "period, status, required, visits_made, exempt) "
            "SELECT %s, %s, a.business_id, a.official_id, %s, 'due', 1, 0, false "
            "FROM officials_assignment a JOIN businesses_business b ON b.id = a.business_id "
            "WHERE a.ends_on IS NULL AND b.status = 'operating'",
            [now, now, first_day],
        )
        return cursor.rowcount


def generation(runs: int) -> tuple[Sample, Sample, Sample, int]:
    """The current quarter's tasks generated from none (`tasks_generate`), beside a bare
    INSERT … SELECT of the same rows, then generated again (creating nothing); `runs` times
    each. Returns the three samples and the tasks made."""
    from liangze.visits.periods import Quarter
    from liangze.visits.services import tasks_generate

    quarter = Quarter.current()
    floor = Sample(name="baseline: bare INSERT … SELECT of the quarter's task rows")
    ours = Sample(name="tasks_generate: one quarter's tasks (first generation)")
    again = Sample(name="tasks_generate again (creates nothing)")
    made = rows = 0
    for _ in range(runs):
        _clear(quarter.first_day)
        start = time.perf_counter()
        rows = baseline(quarter.first_day)
        floor.seconds.append(time.perf_counter() - start)
        _clear(quarter.first_day)
        start = time.perf_counter()
        made = tasks_generate(quarter=quarter).created
        ours.seconds.append(time.perf_counter() - start)
        start = time.perf_counter()
        second = tasks_generate(quarter=quarter)
        again.seconds.append(time.perf_counter() - start)
        assert second.created == 0 and second.cancelled == 0
    floor.note = f"{rows:,} rows"
    ours.note = f"{made:,} tasks with the visits already made counted (services._tasks_insert_all)"
    again.note = "the row-by-row sync: reads every assignment and task"
    return floor, ours, again, made


def progress_page(viewer, runs: int, where: str) -> tuple[Sample, Sample]:
    """The office's progress page beside the bare view, their requests alternated."""
    client = Client()
    client.force_login(viewer)
    page_floor = Sample(name="baseline: bare Django JSON view, 25 rows")
    page = Sample(name=f"office progress page /visits/progress/ ({where})")
    for _ in range(runs):
        get_timed(client, "/bench/baseline?page=1", page_floor)
        get_timed(client, "/visits/progress/", page)
    return page_floor, page


def run(*, viewer) -> tuple[list[Sample], list[Sample]]:
    start = time.perf_counter()
    assignments = _officials_and_assignments(viewer)
    setup = time.perf_counter() - start
    floor, ours, again, made = generation(RUNS)
    floor.note += f"; {assignments:,} assignments made by SQL in {setup:.1f} s"
    page_floor, page = progress_page(viewer, PAGE_RUNS, "whole county")
    page.note = f"{made:,} tasks of the quarter, grouped per official and per post"
    return [floor, ours, again], [page_floor, page]
