"""Reads of the summary tables: a region's figures are sums over its path range, never a mean
of percentages (docs/domain.md §2; docs/architecture.md#figures). Callers pass the region's
path after checking the viewer's jurisdiction; these functions do not scope."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Sum
from django.db.models.functions import Substr

from liangze.core.tree import SEGMENT_WIDTH, subtree_bounds
from liangze.figures.models import Figure
from liangze.figures.rates import Rate


def _in_subtree(path: str):
    lo, hi = subtree_bounds(path)
    return Figure.objects.filter(province_id=int(path[:SEGMENT_WIDTH]), path__gte=lo, path__lt=hi)


def region_figures(*, path: str, periods: Iterable[str], codes: Iterable[str]) -> dict:
    """{(period, measure): Rate} for the subtree at `path`."""
    rows = (
        _in_subtree(path)
        .filter(period__in=list(periods), measure__in=list(codes))
        .values("period", "measure")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
    )
    return {(r["period"], r["measure"]): Rate(r["n"] or 0, r["d"] or 0) for r in rows}


def child_figures(*, path: str, period: str, codes: Iterable[str]) -> dict:
    """{(child path, measure): Rate} for each direct sub-region of the region at `path` (facts
    at the region itself, e.g. its own officials, under the region's own path)."""
    width = len(path) + SEGMENT_WIDTH
    rows = (
        _in_subtree(path)
        .filter(period=period, measure__in=list(codes))
        .annotate(child=Substr("path", 1, width))
        .values("child", "measure")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
    )
    out: dict = defaultdict(lambda: Rate(0, 0))
    for r in rows:
        out[(r["child"], r["measure"])] = Rate(r["n"] or 0, r["d"] or 0)
    return out


def division_figures(*, division_id: int, period: str) -> dict:
    """{measure: Rate} stored for one division itself (not its subtree)."""
    return {
        f.measure: Rate(f.numerator, f.denominator)
        for f in Figure.objects.filter(division_id=division_id, period=period)
    }
