"""Reads of the summary tables: a region's figures are sums over its subtree, never a mean of
percentages (docs/domain.md §2; docs/architecture.md#figures), read from the subtree totals kept
beside the rows, so a read costs the same for a village and a province. Callers pass the
region's path after checking the viewer's jurisdiction; these functions do not scope."""

from collections import defaultdict
from collections.abc import Iterable

from liangze.core.tree import SEGMENT_WIDTH
from liangze.figures.models import Figure, FigureTotal
from liangze.figures.rates import Rate
from liangze.figures.totals import province_of


def _province(path: str) -> int:
    if not path or len(path) % SEGMENT_WIDTH:
        raise ValueError(f"not a division path: {path!r}")
    return province_of(path)


def region_figures(*, path: str, periods: Iterable[str], codes: Iterable[str]) -> dict:
    """{(period, measure): Rate} for the subtree at `path` (absent: nothing counted)."""
    rows = FigureTotal.objects.filter(
        province_id=_province(path), path=path, period__in=list(periods), measure__in=list(codes)
    ).values_list("period", "measure", "numerator", "denominator")
    return {(period, code): Rate(n, d) for period, code, n, d in rows}


def child_figures(*, path: str, period: str, codes: Iterable[str]) -> dict:
    """{(child path, measure): Rate} for each direct sub-region of the region at `path` (facts
    at the region itself, e.g. its own officials, under the region's own path)."""
    codes = list(codes)
    where = {"province_id": _province(path), "period": period, "measure__in": codes}
    out: dict = defaultdict(lambda: Rate(0, 0))
    for child, code, n, d in FigureTotal.objects.filter(**where, parent=path).values_list(
        "path", "measure", "numerator", "denominator"
    ):
        out[(child, code)] = Rate(n, d)
    for code, n, d in Figure.objects.filter(**where, path=path).values_list(
        "measure", "numerator", "denominator"
    ):
        out[(path, code)] = Rate(n, d)
    return out


def division_figures(*, division_id: int, period: str) -> dict:
    """{measure: Rate} stored for one division itself (not its subtree)."""
    return {
        f.measure: Rate(f.numerator, f.denominator)
        for f in Figure.objects.filter(division_id=division_id, period=period)
    }
