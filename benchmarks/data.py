"""Bulk data for benchmarks: many businesses over Golmud's villages, written as fast as possible."""

import random
from datetime import date

from liangze.businesses.codes import uscc_check_digit
from liangze.businesses.models import Business, StatusChange
from liangze.regions.models import Division, Level

TYPES = [
    "restaurant",
    "snack_bar",
    "grocery",
    "convenience_store",
    "fast_food",
    "drinks_shop",
    "bakery",
]


def business_rows(count: int, *, seed: int = 2026) -> list[dict]:
    """Plain dicts of valid business fields, deterministic for a seed."""
    rng = random.Random(seed)
    divisions = list(
        Division.objects.filter(level=Level.VILLAGE, code__startswith="632801").values_list(
            "code", flat=True
        )
    )
    rows = []
    for n in range(count):
        body = f"92632801MA{n:07d}"
        rows.append(
            {
                "name": f"格尔木市测试商户{n:06d}号",
                "uscc": body + uscc_check_digit(body),
                "business_type": rng.choice(TYPES),
                "scale": "micro",
                "grade": "D",
                "division_code": rng.choice(divisions),
                "address": f"测试路{n % 500}号",
                "contact_name": "张三",
                "contact_phone": f"+86138{n:08d}",
            }
        )
    return rows


def bulk_insert_businesses(rows: list[dict]) -> int:
    """Insert directly (no services, no audit): only to fill a database for read benchmarks."""
    divisions = dict(Division.objects.filter(level=Level.VILLAGE).values_list("code", "pk"))
    since = date(2024, 1, 1)
    objects = [
        Business(
            name=r["name"],
            uscc=r["uscc"],
            business_type=r["business_type"],
            scale=r["scale"],
            grade=r["grade"],
            division_id=divisions[r["division_code"]],
            address=r["address"],
            contact_name=r["contact_name"],
            contact_phone=r["contact_phone"],
            status_since=since,
        )
        for r in rows
    ]
    Business.objects.bulk_create(objects, batch_size=2000)
    StatusChange.objects.bulk_create(
        [
            StatusChange(business=b, to_status="operating", effective_on=since, reason="bench")
            for b in objects
        ],
        batch_size=2000,
    )
    return len(objects)
