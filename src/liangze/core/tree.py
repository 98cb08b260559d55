"""The materialised path of the division tree.

A path is the concatenation of fixed-width, zero-padded primary keys from the root down, digits
only. Digits-only strings compare the same under every collation, so a whole subtree is one indexed
range query `lo <= path < hi` on SQLite and PostgreSQL alike (LIKE 'x%' needs special operator
classes on PostgreSQL; a range does not).
"""

SEGMENT_WIDTH = 10


def path_segment(pk: int) -> str:
    # 99…9 is refused too: its subtree's upper bound (subtree_bounds) would need an extra digit.
    if not 0 <= pk < 10**SEGMENT_WIDTH - 1:
        raise ValueError(f"primary key {pk} does not fit a path segment")
    return str(pk).zfill(SEGMENT_WIDTH)


def child_path(parent_path: str, pk: int) -> str:
    return parent_path + path_segment(pk)


def subtree_bounds(path: str) -> tuple[str, str]:
    """(lo, hi) such that exactly the paths of the subtree rooted at `path` satisfy lo <= p < hi."""
    if not path or len(path) % SEGMENT_WIDTH:
        raise ValueError(f"not a division path: {path!r}")
    head, last = path[:-SEGMENT_WIDTH], path[-SEGMENT_WIDTH:]
    return path, head + str(int(last) + 1).zfill(SEGMENT_WIDTH)


def is_within(path: str, ancestor_path: str) -> bool:
    return path.startswith(ancestor_path)


def depth(path: str) -> int:
    return len(path) // SEGMENT_WIDTH
