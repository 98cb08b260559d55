"""Assigning 10,000 businesses to one official in one bulk action (整街/分片包保: the office picks a
village), beside a baseline of a raw executemany INSERT of the same assignment rows."""

import time
from datetime import date

from django.db import connection, transaction

from benchmarks.harness import Sample

COUNT = 10_000
RUNS = 3


def _businesses(village) -> list[int]:
    """COUNT grade D businesses in one village, inserted directly (only to have them)."""
    from liangze.businesses.models import Business

    since = date(2024, 1, 1)
    made = Business.objects.bulk_create(
        [
            Business(
                name=f"包保基准{n:05d}",
                business_type="grocery",
                scale="micro",
                grade="D",
                division=village,
                status_since=since,
            )
            for n in range(COUNT)
        ],
        batch_size=2000,
    )
    return [b.pk for b in made]


def _clear() -> None:
    from liangze.officials.models import Assignment

    with transaction.atomic():
        Assignment.objects.all().delete()


def baseline(official_id: int, business_ids: list[int], actor_id: int) -> int:
    """What the database alone costs: one INSERT per row by executemany, in one transaction."""
    from django.utils import timezone

    from liangze.officials.models import Assignment

    now = timezone.now()
    table = Assignment._meta.db_table
    sql = (
        f'INSERT INTO "{table}" (created_at, updated_at, business_id, official_id, starts_on, '
        "end_reason, created_by_id) VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    starts = date.today()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            sql, [(now, now, pk, official_id, starts, "", actor_id) for pk in business_ids]
        )
    return len(business_ids)


def run(*, viewer) -> list[Sample]:
    from liangze.officials import selectors, services
    from liangze.officials.testing import make_official
    from liangze.regions.models import Division, Level

    village = Division.objects.filter(level=Level.VILLAGE, code__startswith="632801").first()
    official = make_official(actor=viewer, division=village, serial=9999)
    business_ids = _businesses(village)
    floor = Sample(name=f"baseline: raw executemany INSERT of {COUNT:,} assignment rows")
    ours = Sample(name=f"bulk assignment of a village's {COUNT:,} businesses to one official")
    made = 0
    for _ in range(RUNS):
        _clear()
        start = time.perf_counter()
        baseline(official.pk, business_ids, viewer.pk)
        floor.seconds.append(time.perf_counter() - start)
        _clear()
        start = time.perf_counter()
        # What the page does: pick the village's businesses, then one service call.
        businesses = selectors.assignable_businesses(
            viewer=viewer, official=official, within=village
        )
        made = services.assignment_bulk_create(
            actor=viewer, official=official, businesses=businesses
        )
        ours.seconds.append(time.perf_counter() - start)
    ours.note = (
        f"{made:,} assignments and {made:,} audit events, rules checked per business "
        "(selector + assignment_bulk_create)"
    )
    return [floor, ours]
