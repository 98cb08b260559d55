"""The business list page and list API at 100,000 businesses, beside a bare Django JSON view."""

import random
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks.harness import Sample

REQUESTS = 60
WARMUP = 5


def _measure(name: str, client: Client, urls: list[str], *, note: str = "") -> Sample:
    for url in urls[:WARMUP]:
        client.get(url)
    sample = Sample(name=name, note=note)
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            sample.seconds.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        sample.queries.append(len(queries))
    return sample


def run(*, viewer, total: int) -> list[Sample]:
    rng = random.Random(7)
    pages = [rng.randint(1, max(total // 25, 1)) for _ in range(REQUESTS)]
    client = Client()
    client.force_login(viewer)
    return [
        _measure(
            "baseline: bare Django JSON view, 25 rows",
            client,
            [f"/bench/baseline?page={p}" for p in pages],
        ),
        _measure(
            "list API /api/v1/businesses (page of 50)",
            client,
            [f"/api/v1/businesses?page={max(p // 2, 1)}" for p in pages],
        ),
        _measure(
            "list page /businesses/ (page of 25)", client, [f"/businesses/?page={p}" for p in pages]
        ),
        _measure(
            "list page, search by name", client, [f"/businesses/?q=测试商户{p:04d}" for p in pages]
        ),
        _measure(
            "list page, filter grade D + sort by division",
            client,
            [f"/businesses/?grade=D&sort=division&page={p}" for p in pages],
        ),
    ]
