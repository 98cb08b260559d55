"""The business list API, its search and the list page on the generated registry
(benchmarks/registry.py), beside a bare Django JSON view measured in the same run.

Targets: the list API's median within 3× the bare view's; a search's median under 50 ms. Each
measurement's requests alternate with the bare view's (same pages), and its ratio is to those.
"""

import functools
import os
import random
import time

from django.test import Client

from benchmarks import registry
from benchmarks.harness import Sample, get_timed

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))  # per measurement
WARMUP = 5


def _measure(
    name: str, client: Client, urls: list[str], *, baseline: list[str], note: str = ""
) -> Sample:
    """`urls`, each request followed by one of the baseline's: the two see the same load."""
    for url in [*urls[:WARMUP], *baseline[:WARMUP]]:
        client.get(url)
    sample = Sample(name=name, note=note, baseline=Sample(name="baseline"))
    for url, reference in zip(urls, baseline, strict=True):
        get_timed(client, url, sample)
        get_timed(client, reference, sample.baseline)
    return sample


def _search_paths(queries: list[str]) -> list[Sample]:
    """The search alone (the keys of up to 1,001 matches, then the first page of 50 of them
    sorted by name, as the API reads them), by the index and by the plain scan it is tested
    against: what the index buys, in the same run."""
    from liangze.businesses.models import Business
    from liangze.businesses.search import business_search
    from liangze.core.pagination import bounded_keys, bounded_slice

    samples = []
    for indexed, name in (
        (True, "search alone, trigram index"),
        (False, "search alone, plain scan"),
    ):
        sample = Sample(name=name, note="first page of 50 and the count up to 1,000")
        for query in queries:
            start = time.perf_counter()
            found = business_search(Business.objects.all(), query, indexed=indexed)
            keys, _exact = bounded_keys(found)
            bounded_slice(found.order_by("name", "pk"), keys, 0, 50)
            sample.seconds.append(time.perf_counter() - start)
        samples.append(sample)
    return samples


def run(*, viewer, total: int) -> list[Sample]:
    rng = random.Random(7)
    pages = [rng.randint(1, max(total // 25, 1)) for _ in range(REQUESTS)]
    names = registry.names()
    # A part of a name as people type it: the trade word and the kind (盐湖清真拉面馆).
    parts = [name[len(registry.PLACES[0]) :][:6] for name in rng.sample(names, REQUESTS)]
    pinyin = [
        rng.choice(["yanhu", "kunlun", "lamian", "chaoshi", "qingzhen", "huoguo"])
        for _ in range(REQUESTS)
    ]
    two_words = [
        f"{rng.choice(registry.PLACES)[:2]} {rng.choice(['超市', '面馆', '食堂'])}"
        for _ in range(REQUESTS)
    ]
    codes = [f"MA{rng.randint(0, total - 1):07d}"[2:8] for _ in range(REQUESTS)]
    client = Client()
    client.force_login(viewer)
    api = "/api/v1/businesses"
    target = "target: median within 3× the baseline"
    fast = "target: median under 50 ms"
    bare = [f"/bench/baseline?page={p}" for p in pages]
    measure = functools.partial(_measure, baseline=bare)
    samples = [
        measure(
            "list API (page of 50)",
            client,
            [f"{api}?page={max(p // 2, 1)}" for p in pages],
            note=target,
        ),
        measure(
            "list API, name search (part of a name)",
            client,
            [f"{api}?q={q}" for q in parts],
            note=fast,
        ),
        measure("list API, pinyin search", client, [f"{api}?q={q}" for q in pinyin], note=fast),
        measure(
            "list API, two words (格尔 超市)",
            client,
            [f"{api}?q={q}" for q in two_words],
            note=fast,
        ),
        measure(
            "list API, part of a credit code", client, [f"{api}?q={q}" for q in codes], note=fast
        ),
        *_search_paths(parts[:20]),
        measure(
            "list page /businesses/ (page of 25)", client, [f"/businesses/?page={p}" for p in pages]
        ),
        measure("list page, name search", client, [f"/businesses/?q={q}" for q in parts]),
        measure(
            "list page, sorted by pinyin",
            client,
            [f"/businesses/?sort=pinyin&page={p}" for p in pages],
        ),
    ]
    pooled = Sample(name="baseline: bare Django JSON view, 25 rows (every alternate request)")
    for sample in samples:
        if sample.baseline is not None:
            pooled.seconds += sample.baseline.seconds
            pooled.queries += sample.baseline.queries
    return [pooled, *samples]
