"""The subtree totals' arithmetic (docs/architecture.md#figures): a sum over every path above a
row, and the refresh's re-sum of the touched paths from their own rows and their children's
stored totals, which must equal summing everything again."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from liangze.core.tree import SEGMENT_WIDTH
from liangze.figures.models import Figure, FigureTotal
from liangze.figures.rates import Rate
from liangze.figures.selectors import child_figures, region_figures
from liangze.figures.totals import ancestors, parent_of, province_of, resum, subtree_sums


def seg(n: int) -> str:
    return str(n).zfill(SEGMENT_WIDTH)


# A small tree: province 1, cities 1–2, counties 1–2, villages 1–3; a row may sit at any depth.
paths = st.lists(st.integers(1, 3), min_size=0, max_size=3).map(
    lambda tail: seg(1) + "".join(seg(n) for n in tail)
)
rows = st.dictionaries(paths, st.tuples(st.integers(0, 50), st.integers(0, 50)), max_size=12)


def by_brute_force(found: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    out = {}
    for above in {a for path in found for a in ancestors(path)}:
        inside = [pair for path, pair in found.items() if path.startswith(above)]
        out[above] = (sum(n for n, _d in inside), sum(d for _n, d in inside))
    return out


def test_ancestors_and_parent():
    path = seg(1) + seg(7) + seg(42)
    assert ancestors(path) == [seg(1), seg(1) + seg(7), path]
    assert parent_of(path) == seg(1) + seg(7)
    assert parent_of(seg(1)) == ""


@given(rows)
def test_subtree_sums_are_the_sum_over_each_subtree(found):
    assert subtree_sums((path, n, d) for path, (n, d) in found.items()) == by_brute_force(found)


@given(rows, rows)
def test_a_resum_of_the_changed_paths_equals_summing_again(before, after):
    stored = subtree_sums((path, n, d) for path, (n, d) in before.items())
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    touched = {above for path in changed for above in ancestors(path)}
    own = {path: pair for path, pair in after.items() if path in touched}
    children: dict[str, dict] = {}
    for path, pair in stored.items():
        if parent_of(path) in touched:
            children.setdefault(parent_of(path), {})[path] = pair
    fresh = resum(paths=changed, own=own, children=children)
    assert set(fresh) == touched
    merged = {path: pair for path, pair in stored.items() if path not in touched} | fresh
    expected = by_brute_force(after)
    nonzero = {path: pair for path, pair in merged.items() if pair != (0, 0)}
    assert nonzero == {path: pair for path, pair in expected.items() if pair != (0, 0)}


@pytest.mark.django_db
def test_the_command_sums_the_totals_again_from_rows_written_by_hand(regions):
    for division, n, d in ((regions.village, 42, 43), (regions.other_village, 27, 27)):
        Figure.objects.create(
            province_id=province_of(division.path),
            division_id=division.pk,
            path=division.path,
            period="2026Q1",
            measure="coverage_rate",
            numerator=n,
            denominator=d,
            computed_at=timezone.now(),
        )
    assert (
        region_figures(path=regions.township.path, periods=["2026Q1"], codes=["coverage_rate"])
        == {}
    )
    out = io.StringIO()
    call_command("rebuild_figures", "--totals", stdout=out)
    assert out.getvalue().startswith(f"{FigureTotal.objects.count()} totals")
    for region in (regions.township, regions.county, regions.province):
        figures = region_figures(path=region.path, periods=["2026Q1"], codes=["coverage_rate"])
        assert figures == {("2026Q1", "coverage_rate"): Rate(69, 70)}
    children = child_figures(path=regions.township.path, period="2026Q1", codes=["coverage_rate"])
    assert children[(regions.village.path, "coverage_rate")] == Rate(42, 43)
    assert children[(regions.other_village.path, "coverage_rate")] == Rate(27, 27)
    assert children[(regions.township.path, "coverage_rate")] == Rate(0, 0)
