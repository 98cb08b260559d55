"""page_slice and the large-list paginators: every page, short list or long, from the front or
from the end, is exactly the plain slice."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liangze.core import pagination
from liangze.core.pagination import LargeListPaginator, page_slice
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
