"""The arithmetic of the subtree totals (`FigureTotal`, docs/architecture.md#figures): pure
functions over paths and (numerator, denominator) pairs, and the rows they become. The functions
that touch tables take the model classes, so the migration that first filled the table passes
its historical models and the services the current ones."""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from liangze.core.tree import SEGMENT_WIDTH

Pair = tuple[int, int]


def province_of(path: str) -> int:
    """The province's division id: the path's first segment (the key of distribution)."""
    return int(path[:SEGMENT_WIDTH])


def parent_of(path: str) -> str:
    """The path of the division above; "" for a province."""
    return path[:-SEGMENT_WIDTH]


def ancestors(path: str) -> list[str]:
    """The paths from the province down to `path` itself."""
    return [path[:end] for end in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)]


def subtree_sums(rows: Iterable[tuple[str, int, int]]) -> dict[str, Pair]:
    """{path: (Σ numerator, Σ denominator)} over each row's path and every path above it."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path, numerator, denominator in rows:
        for above in ancestors(path):
            pair = sums[above]
            pair[0] += numerator
            pair[1] += denominator
    return {path: (n, d) for path, (n, d) in sums.items()}


def resum(
    *, paths: Iterable[str], own: Mapping[str, Pair], children: Mapping[str, Mapping[str, Pair]]
) -> dict[str, Pair]:
    """The totals of `paths` and every path above them, deepest first: each one's own pair plus
    its direct children's totals, a child re-summed here taking the place of its stored total.
    `own` holds the stored `Figure` pairs of those paths, `children` the stored totals of their
    direct children by parent path."""
    touched = {above for path in paths for above in ancestors(path)}
    kids = {parent: dict(found) for parent, found in children.items()}
    fresh: dict[str, Pair] = {}
    for path in sorted(touched, key=len, reverse=True):
        n, d = own.get(path, (0, 0))
        for child_n, child_d in kids.get(path, {}).values():
            n += child_n
            d += child_d
        fresh[path] = (n, d)
        if len(path) > SEGMENT_WIDTH:
            kids.setdefault(parent_of(path), {})[path] = (n, d)
    return fresh


def total_rows(model, *, period: str, code: str, sums: Mapping[str, Pair], now) -> list:
    """Unsaved `model` (FigureTotal) rows of `sums`; a 0/0 total is not stored."""
    return [
        model(
            province_id=province_of(path),
            path=path,
            parent=parent_of(path),
            period=period,
            measure=code,
            numerator=numerator,
            denominator=denominator,
            computed_at=now,
        )
        for path, (numerator, denominator) in sums.items()
        if numerator or denominator
    ]


def totals_from_rows(figure_model, total_model, *, now, batch_size: int = 2000) -> int:
    """Replace every total by the sums of the stored `figure_model` rows; the count written."""
    total_model.objects.all().delete()
    written = 0
    pairs = figure_model.objects.values_list("period", "measure").distinct().order_by()
    for period, code in pairs:
        found = figure_model.objects.filter(period=period, measure=code).values_list(
            "path", "numerator", "denominator"
        )
        rows = total_rows(total_model, period=period, code=code, sums=subtree_sums(found), now=now)
        written += len(total_model.objects.bulk_create(rows, batch_size=batch_size))
    return written
