"""Page-number pagination for pages and the API.

Large, filtered lists (the business registry: 100,000 rows on SQLite, 1,000,000 on PostgreSQL)
page through `page_slice` (docs/architecture.md, "Large lists"). A page is fetched in two steps
of one statement: the page's primary keys, by the list's own query sliced (`LIMIT … OFFSET …`),
then the page's rows by those keys alone, with the queryset's select_related and ordering but
not its filters again (the keys passed them; a search's filter would read every row it finds a
second time). The first step is what costs, and its cost is the database stepping over the rows
before the page; two things keep each step cheap and the steps few:

- A list whose ordering index carries every column its filters test (the business list: the
  name and pinyin indexes end in the division id, status, grade and type, and the jurisdiction
  is a subquery of division ids) is stepped over in that index alone, never reading table rows.
  Pages past the middle step from the other end (the ordering reversed), so no page steps over
  more than half. This matters most when the ordering and the table's own order disagree (names
  imported in no particular order): each table row read is then a random read. Where a test
  keeps every row of the table (the jurisdiction of a county office on its county's database),
  the list may name a cheaper walk without it (with_count); the page's rows are then read
  through the list's own query, its filters included.
- A short list (up to SHORT_LIST rows) in a large table is the opposite case: walking the
  ordering index would step over every row outside the list. Its keys are taken first by the
  list's filters alone, then sorted, which the planner does from the few keys.

Both return exactly `list(queryset[start:stop])`; a test holds every page equal to it.

A search is bounded instead (`bounded_keys`, docs/architecture.md, "Bounded search"): it lists
and counts at most COUNT_LIMIT of the rows it finds, taking the keys of the first COUNT_LIMIT + 1
in whatever order the index yields them, and sorts and pages those few. More than COUNT_LIMIT
matches are said as "more than 1,000", never counted: counting every match of a broad word (a
place's pinyin finds one business in fifteen) reads tens of thousands of rows at 1,000,000, and
no person pages through a thousand search results instead of adding a word.
"""

import json
from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# Beyond this the offset overflows SQLite's integer and nobody pages that far anyway.
MAX_PAGE = 1_000_000
# The largest page the API serves; a larger page_size is refused with 422, never cut down.
MAX_PAGE_SIZE = 500

# A search lists and counts at most this many of the rows it finds.
COUNT_LIMIT = 1000

# Up to this many rows, a page's keys are narrowed to the list's rows before they are sorted.
SHORT_LIST = 1000

_PK_ORDER = {"pk", "-pk", "id", "-id"}


class Pagination(PageNumberPagination):
    """Page-number pagination for every API list, with bounded inputs: the schema's maximum is the
    real one (ninja would otherwise cut a page down to its own default maximum, silently)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(
            None,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Rows per page, at most {MAX_PAGE_SIZE}; a larger value is refused.",
        )

    def __init__(self, page_size: int = 50, **kwargs):
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)


def with_count(
    queryset: QuerySet,
    count: Callable[[], int],
    *,
    walk: Callable[[], QuerySet | None] | None = None,
) -> QuerySet:
    """`queryset`, whose paginators (list_count) take its number of rows from `count()` instead
    of counting them: a count the database keeps elsewhere (the business list's tally). Only this
    queryset carries it: a further filter, ordering or slice is a new queryset, which counts its
    own rows.

    `walk()`, if given, returns a queryset in the same order whose rows are `queryset`'s at this
    moment but tested by fewer conditions (the business list without its jurisdiction's test, when
    the tally shows no business of the list's kinds outside the jurisdiction), or None.
    page_slice then steps over the rows before a page in it, and fetches the page's rows from
    `queryset` by the keys found: a row that entered the table since is then left out of the
    page (a page one row short), never shown to someone who may not see it."""
    queryset._known_count = count
    queryset._cheaper_walk = walk
    return queryset


def list_count(queryset) -> int:
    """The number of rows a list holds: the count given by with_count, else counted."""
    known = vars(queryset).get("_known_count") if isinstance(queryset, QuerySet) else None
    if known is not None:
        return known()
    return queryset.count() if isinstance(queryset, QuerySet) else len(queryset)


def _walkable(queryset) -> bool:
    if not isinstance(queryset, QuerySet):
        return False
    query = queryset.query
    return (
        bool(query.order_by)
        and query.order_by[-1] in _PK_ORDER
        and not (query.annotations or query.distinct or query.combinator or query.is_sliced)
    )


def page_slice(queryset, start: int, stop: int, *, count: int, rows=None) -> list:
    """Rows `start:stop` of `queryset` in its order, as `list(queryset[start:stop])` returns them.

    `count` is `queryset.count()`, which the caller has anyway. `rows`, if given, is how the
    page's rows are read: a function of a queryset returning the same rows in another form (e.g.
    `lambda q: q.values(...)` for dicts instead of model objects). A queryset whose ordering ends in
    the primary key (total, so it reverses exactly) is fetched as the module's docstring says;
    others by the plain slice. One query either way. Rows added or removed between the count
    and this query shift the page by as many rows, as they would between any two page requests.
    """
    stop = min(stop, count)
    if start >= stop:
        return []
    read = rows or (lambda q: q)
    if not _walkable(queryset):
        return list(read(queryset)[start:stop])
    if count <= SHORT_LIST:
        keys = queryset.values("pk")
        page = keys.filter(pk__in=queryset.order_by().values("pk"))[start:stop]
        return list(read(_by_keys(queryset, page)))
    cheaper = _cheaper_walk(queryset)
    keys = (queryset if cheaper is None else cheaper).values("pk")
    # Nearer the end: step from there.
    page = (
        keys.reverse()[count - stop : count - start] if start > count - stop else keys[start:stop]
    )
    if cheaper is None:
        return list(read(_by_keys(queryset, page)))
    # Stepped over without some of the list's tests (with_count): the page's rows pass them all.
    return list(read(queryset.filter(pk__in=page)))


def _cheaper_walk(queryset: QuerySet) -> QuerySet | None:
    walk = vars(queryset).get("_cheaper_walk")
    cheaper = walk() if walk is not None else None
    if cheaper is not None and list(cheaper.query.order_by) != list(queryset.query.order_by):
        raise ValueError("A list's cheaper walk must keep its order.")
    return cheaper


def _by_keys(queryset, keys):
    """`queryset`'s rows whose keys are `keys`, with its select_related, prefetch and ordering
    but not its filters, which the keys already passed in the same statement."""
    rows = queryset.model._base_manager.db_manager(queryset.db).filter(pk__in=keys)
    rows.query.select_related = queryset.query.select_related
    rows = rows.order_by(*queryset.query.order_by)
    if queryset._prefetch_related_lookups:
        rows = rows.prefetch_related(*queryset._prefetch_related_lookups)
    return rows


def bounded_keys(queryset, limit: int | None = None) -> tuple[list, bool]:
    """The keys (integers) of at most `limit` (COUNT_LIMIT) rows of `queryset`, the first its
    indexes yield (no ordering: any order would make the database read every row it finds to
    sort them), and whether that is all of them. One query, which reads at most `limit` + 1
    matching rows."""
    limit = COUNT_LIMIT if limit is None else limit
    keys = list(queryset.order_by().values_list("pk", flat=True)[: limit + 1])
    return keys[:limit], len(keys) <= limit


def _key_list(vendor: str, keys: list[int]) -> RawSQL:
    """`keys` (integers) as a subquery of one parameter: a thousand `IN (%s, …)` parameters cost
    more to build and bind than the page's whole query."""
    if vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (keys,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(keys),))


def bounded_slice(queryset, keys: list, start: int, stop: int, *, rows=None) -> list:
    """Rows `start:stop`, in `queryset`'s order, of the rows whose keys are `keys`
    (bounded_keys): one query on the keys alone, sorted and sliced by the database."""
    if start >= min(stop, len(keys)):
        return []
    read = rows or (lambda q: q)
    listed = _key_list(connections[queryset.db].vendor, [int(key) for key in keys])
    # The page's keys sorted first, then its rows: sorting whole rows reads and moves every
    # column of every listed row.
    page = _by_keys(queryset, listed).values("pk")[start:stop]
    return list(read(_by_keys(queryset, page)))


class LargeListPaginator(Paginator):
    """django.core.paginator.Paginator whose pages come from page_slice, counted by list_count."""

    @cached_property
    def count(self) -> int:
        return list_count(self.object_list)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(
            page_slice(self.object_list, bottom, top, count=self.count), number, self
        )


class BoundedPaginator(Paginator):
    """A search's pages (the module's docstring): `count` is at most COUNT_LIMIT, and `exact`
    says whether it is every row found."""

    def __init__(self, object_list, per_page, *, limit: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = limit

    @cached_property
    def _bounded(self) -> tuple[list, bool]:
        return bounded_keys(self.object_list, self.limit)

    @cached_property
    def count(self) -> int:
        return len(self._bounded[0])

    @property
    def exact(self) -> bool:
        return self._bounded[1]

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self._bounded[0]
        return self._get_page(bounded_slice(self.object_list, keys, bottom, top), number, self)


class LargeListPagination(Pagination):
    """Pagination whose pages come from page_slice (the count is taken first); `rows` as for
    page_slice. `bounded(params)`, given the view's parameters, says when the list is a search
    to bound (bounded_keys): it then lists and counts at most COUNT_LIMIT rows."""

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description=(
                f"Rows in the list. A search counts at most {COUNT_LIMIT:,}: see count_exact."
            )
        )
        count_exact: bool = Field(
            description=(
                f"False when more rows match than `count` ({COUNT_LIMIT:,}, say "
                f'"more than {COUNT_LIMIT:,}"): a search lists only {COUNT_LIMIT:,} of them, '
                "in the order asked for; add a word to narrow it."
            )
        )

    def __init__(
        self,
        page_size: int = 50,
        *,
        rows=None,
        bounded: Callable[[dict], bool] | None = None,
        **kwargs,
    ):
        super().__init__(page_size=page_size, **kwargs)
        self.rows = rows
        self.bounded = bounded

    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        if self.bounded is not None and self.bounded(params):
            keys, exact = bounded_keys(queryset)
            return {
                self.items_attribute: bounded_slice(
                    queryset, keys, offset, offset + page_size, rows=self.rows
                ),
                "count": len(keys),
                "count_exact": exact,
            }
        count = list_count(queryset)
        return {
            self.items_attribute: page_slice(
                queryset, offset, offset + page_size, count=count, rows=self.rows
            ),
            "count": count,
            "count_exact": True,
        }
