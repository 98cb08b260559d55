"""The figures: dashboard reads from the summary tables at province and county scale, beside the
bare Django JSON view measured in the same run; a rebuild from scratch; and what one change costs
the summary (a mark in the change's transaction, then the periodic refresh of that division).

Targets (docs/architecture.md#figures): a dashboard read's median under 20 ms and p95 under 50 ms;
the refresh after one change under 50 ms, no rebuild.
"""

import time

from django.test import Client

from benchmarks.harness import Sample, get_timed

REQUESTS = 40
WARMUP = 3


def _measure(name: str, client: Client, url: str, *, note: str = "") -> Sample:
    for _ in range(WARMUP):
        client.get(url)
    sample = Sample(name=name, note=note)
    for _ in range(REQUESTS):
        get_timed(client, url, sample)
    return sample


def run(*, viewer) -> list[Sample]:
    from liangze.accounts.models import Role, RoleGrant, User
    from liangze.figures.measures import Side
    from liangze.figures.models import Figure
    from liangze.figures.services import figures_mark, figures_rebuild, figures_refresh
    from liangze.regions.models import Division, Level

    province = Division.objects.get(parent__isnull=True, code="630000000000")
    leader, _created = User.objects.get_or_create(
        username="bench_leader", defaults={"display_name": "bench", "division": province}
    )
    RoleGrant.objects.get_or_create(user=leader, role=Role.LEADER, division=province)

    rebuild = Sample(name="rebuild of the open periods from scratch (every measure)")
    start = time.perf_counter()
    figures_rebuild()
    rebuild.seconds.append(time.perf_counter() - start)
    rebuild.note = f"{Figure.objects.count():,} summary rows"

    bare = Client()
    bare.force_login(viewer)
    samples = [_measure("baseline: bare Django JSON view, 25 rows", bare, "/bench/baseline")]
    province_client = Client()
    province_client.force_login(leader)
    samples.append(
        _measure(
            "province figures and its cities ranked (API)",
            province_client,
            "/api/v1/figures",
            note="target: median under 20 ms, p95 under 50 ms",
        )
    )
    county = viewer.division
    samples.append(
        _measure(
            "county figures and its townships ranked (API)",
            bare,
            f"/api/v1/figures?within={county.pk}",
            note="target: median under 20 ms, p95 under 50 ms",
        )
    )
    samples.append(_measure("county dashboard page (HTML, charts' data)", bare, "/dashboards/"))

    village = Division.objects.filter(level=Level.VILLAGE, path__startswith=county.path).first()
    change = Sample(
        name="one change: its mark, then the refresh of that village",
        note="target: under 50 ms; no rebuild",
    )
    for _ in range(REQUESTS // 2):
        start = time.perf_counter()
        figures_mark(side=Side.BUSINESS, division_ids=[village.pk])
        figures_mark(side=Side.OFFICIAL, division_ids=[village.pk])
        figures_refresh()
        change.seconds.append(time.perf_counter() - start)
    # A visit submission marks the visits' measures of its post (visits.figures.mark_posts).
    from liangze.visits.figures import mark_posts

    visit = Sample(
        name="one visit submission: its post's mark (the visits' two measures), then the refresh",
        note="target: under 50 ms; no rebuild",
    )
    for _ in range(REQUESTS // 2):
        start = time.perf_counter()
        mark_posts([village.pk])
        figures_refresh()
        visit.seconds.append(time.perf_counter() - start)
    return [*samples, change, visit, rebuild]
