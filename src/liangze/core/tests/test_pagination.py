"""page_slice and the large-list paginators: every page, short list or long, from the front or
from the end, is exactly the plain slice."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liangze.core import pagination
from liangze.core.pagination import LargeListPaginator, page_slice, with_count
from liangze.core.scoping import in_jurisdiction
from liangze.regions.models import Division

ORDERINGS = [
    ("name", "pk"),
    ("-name", "-pk"),
    ("level", "pk"),  # ties in the leading key: the primary key decides
    ("-level", "name", "-pk"),
    ("parent__path", "name", "pk"),  # across a relation; the province has no parent (NULL)
]


@pytest.fixture
def walk_always(monkeypatch):
    """Take the long list's path however short the list, as a large one would."""
    monkeypatch.setattr(pagination, "SHORT_LIST", 0)


def sql_of(queryset, start, stop, *, count) -> tuple[list, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        rows = page_slice(queryset, start, stop, count=count)
    return rows, [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("short_list", [0, 1000])
@pytest.mark.parametrize("ordering", ORDERINGS)
@pytest.mark.parametrize("persona", ["admin_user", "county_staff"])
def test_every_page_is_the_plain_slice(ordering, persona, short_list, request, monkeypatch):
    monkeypatch.setattr(pagination, "SHORT_LIST", short_list)
    viewer = request.getfixturevalue(persona)
    divisions = in_jurisdiction(Division.objects.all(), viewer, via=".").order_by(*ordering)
    everything = list(divisions)
    count = len(everything)
    assert count >= 4
    for start in range(count + 1):
        for stop in range(start, count + 2):
            rows, sql = sql_of(divisions, start, stop, count=count)
            assert rows == everything[start:stop], (start, stop)
            assert len(sql) == (1 if start < min(stop, count) else 0)


def test_pages_past_the_middle_walk_backwards(admin_user, walk_always):
    divisions = Division.objects.order_by("name", "pk")
    count = divisions.count()
    _rows, front = sql_of(divisions, 0, 2, count=count)
    _rows, back = sql_of(divisions, count - 2, count, count=count)
    assert '"name" DESC' not in front[0]
    assert '"name" DESC' in back[0]


def test_a_short_lists_keys_are_narrowed_before_they_are_sorted(regions):
    divisions = Division.objects.filter(level="village").order_by("name", "pk")
    count = divisions.count()
    assert count <= pagination.SHORT_LIST
    rows, sql = sql_of(divisions, 1, 3, count=count)
    assert rows == list(divisions)[1:3]
    # the rows, by the keys of the page, among the keys of the list (taken unordered)
    assert sql[0].count("SELECT") == 3
    assert sql[0].count("ORDER BY") == 2


def test_a_long_lists_page_is_its_own_query_sliced(regions, walk_always):
    divisions = Division.objects.filter(level="village").order_by("name", "pk")
    _rows, sql = sql_of(divisions, 0, 1, count=divisions.count())
    assert sql[0].count("SELECT") == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda: Division.objects.order_by("name"),  # not total: cannot walk backwards exactly
        lambda: Division.objects.order_by("name", "pk").distinct(),
        lambda: list(Division.objects.order_by("name", "pk")),
    ],
)
def test_what_cannot_be_walked_is_sliced(make, regions, walk_always):
    divisions = make()
    count = len(divisions)
    rows, sql = sql_of(divisions, 1, 4, count=count)
    assert rows == list(divisions)[1:4]
    assert all(s.count("SELECT") == 1 for s in sql)


@pytest.mark.parametrize("orphans", [0, 2])
def test_the_paginator_pages_like_djangos(orphans, regions, walk_always):
    divisions = Division.objects.order_by("-name", "-pk")
    plain = Paginator(divisions, 2, orphans=orphans)
    large = LargeListPaginator(divisions, 2, orphans=orphans)
    assert large.num_pages == plain.num_pages
    for number in plain.page_range:
        assert list(large.page(number)) == list(plain.page(number))
    assert list(large.get_page(999)) == list(plain.get_page(999))


class TestACheaperWalk:
    """with_count(walk=…): the rows before a page are stepped over in the cheaper queryset, and
    the page's rows are read from the list itself, so its tests still hold for every row shown."""

    @pytest.fixture
    def villages(self, regions, walk_always):
        return Division.objects.filter(level="village").order_by("name", "pk")

    def test_the_same_rows_page_as_the_plain_slice(self, villages):
        everything = list(villages)
        listed = with_count(villages.all(), lambda: len(everything), walk=lambda: villages.all())
        for start in range(len(everything) + 1):
            rows, sql = sql_of(listed, start, start + 2, count=len(everything))
            assert rows == everything[start : start + 2]

    def test_a_row_the_list_does_not_hold_is_left_out_never_shown(self, regions, walk_always):
        """The cheaper queryset holds a row the list's tests refuse (one that entered the table
        between the tally's sums and the walk): the page is a row short."""
        whole = Division.objects.order_by("name", "pk")
        stray = list(whole)[1]
        listed = whole.exclude(pk=stray.pk)
        everything = list(listed)
        assert len(everything) >= 6  # a page near the front is walked from the front
        with_count(listed, lambda: len(everything), walk=lambda: whole.all())
        rows, _sql = sql_of(listed, 0, 3, count=len(everything))
        assert stray not in rows
        assert rows == [everything[0], everything[1]]

    def test_no_cheaper_walk_pages_as_before(self, villages):
        everything = list(villages)
        listed = with_count(villages.all(), lambda: len(everything), walk=lambda: None)
        rows, sql = sql_of(listed, 1, 3, count=len(everything))
        assert rows == everything[1:3]
        assert '"level"' in sql[0].split(" IN (SELECT", 1)[1]  # the keys pass the list's test

    def test_the_cheaper_walk_leaves_the_test_to_the_page(self, villages):
        everything = list(villages)
        listed = with_count(
            villages.all(),
            lambda: len(everything),
            walk=lambda: Division.objects.order_by("name", "pk"),
        )
        _rows, sql = sql_of(listed, 1, 3, count=len(everything))
        outer, keys = sql[0].split(" IN (SELECT", 1)
        assert '"level"' in outer
        assert '"level"' not in keys

    def test_a_walk_in_another_order_is_refused(self, villages):
        listed = with_count(
            villages.all(), lambda: 9, walk=lambda: Division.objects.order_by("-name", "-pk")
        )
        with pytest.raises(ValueError, match="keep its order"):
            page_slice(listed, 0, 2, count=9)
