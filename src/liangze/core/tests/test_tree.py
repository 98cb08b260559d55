"""core.tree: a subtree is exactly one range `lo <= path < hi` of digit strings."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liangze.core.tree import (
    SEGMENT_WIDTH,
    child_path,
    depth,
    is_within,
    path_segment,
    subtree_bounds,
)

LARGEST_PK = 10**SEGMENT_WIDTH - 2  # 9999999998; 9999999999 would overflow the upper bound

# Small pks make adjacent siblings (n, n+1) likely; pks near the top exercise carries (…99 + 1).
pks = st.one_of(st.integers(1, 40), st.integers(LARGEST_PK - 40, LARGEST_PK))


@st.composite
def trees(draw):
    """{pk: parent pk or None}, parents always drawn before their children."""
    keys = draw(st.lists(pks, min_size=1, max_size=30, unique=True))
    parents = {}
    for index, pk in enumerate(keys):
        choices = [None, *keys[:index]]
        parents[pk] = draw(st.sampled_from(choices))
    return parents


def paths_of(parents: dict) -> dict:
    paths = {}
    for pk, parent in parents.items():  # parents come first (see trees())
        paths[pk] = child_path(paths[parent], pk) if parent is not None else path_segment(pk)
    return paths


def descendants_of(parents: dict, root) -> set:
    found = set()
    for pk in parents:
        node = pk
        while node is not None:
            if node == root:
                found.add(pk)
                break
            node = parents[node]
    return found


@given(trees())
def test_subtree_bounds_hold_exactly_the_descendants(parents):
    paths = paths_of(parents)
    for root, root_path in paths.items():
        lo, hi = subtree_bounds(root_path)
        inside = {pk for pk, path in paths.items() if lo <= path < hi}
        assert inside == descendants_of(parents, root)


@given(trees())
def test_is_within_and_depth_agree_with_the_tree(parents):
    paths = paths_of(parents)
    for pk, path in paths.items():
        assert depth(path) == len(_ancestors(parents, pk)) + 1
        for other, other_path in paths.items():
            assert is_within(path, other_path) == (other in _ancestors(parents, pk) | {pk})


def _ancestors(parents: dict, pk) -> set:
    found, node = set(), parents[pk]
    while node is not None:
        found.add(node)
        node = parents[node]
    return found


def test_sibling_with_the_next_pk_is_outside_the_subtree():
    parent = path_segment(7)
    nine, ten = child_path(parent, 9), child_path(parent, 10)
    lo, hi = subtree_bounds(nine)
    assert lo <= child_path(nine, 123) < hi
    assert not lo <= ten < hi
    assert hi == ten  # the next sibling's path is the first one outside


def test_largest_pk_subtree_still_holds_itself_and_its_children():
    path = child_path(path_segment(LARGEST_PK), LARGEST_PK)
    lo, hi = subtree_bounds(path)
    assert len(hi) == len(path)
    assert lo <= path < hi
    assert lo <= child_path(path, LARGEST_PK) < hi


@pytest.mark.parametrize("pk", [10**SEGMENT_WIDTH - 1, 10**SEGMENT_WIDTH, -1])
def test_path_segment_refuses_a_pk_that_does_not_fit(pk):
    # 9999999999 would give the upper bound 10000000000: 11 digits, below its own path.
    with pytest.raises(ValueError, match="does not fit"):
        path_segment(pk)


@pytest.mark.parametrize("path", ["", "123", "0" * (SEGMENT_WIDTH + 1)])
def test_subtree_bounds_refuses_a_path_that_is_not_whole_segments(path):
    with pytest.raises(ValueError, match="not a division path"):
        subtree_bounds(path)
