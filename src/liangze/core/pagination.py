"""Page-number pagination for pages and the API.

Large, filtered lists (the business registry: 100,000 rows on SQLite) page through
`page_slice`. Asked for "the rows in the viewer's jurisdiction, ordered by name, rows
50,000-50,025", SQLite's planner drives the query from the jurisdiction's path range on the
joined division table and sorts the whole jurisdiction in a temporary B-tree, on every page.
`page_slice` asks instead for "rows of the table in index order, each one that is also in the
list": the outer query then has no condition an index could serve, only the ORDER BY, so the
planner walks the index matching the ordering and stops at the page. Membership is a correlated
EXISTS on the caller's own queryset, so every filter and the scoping stay exactly as the caller
built them; the page's rows are then read by primary key through that queryset, with its
select_related. A page costs one EXISTS probe per row stepped over, so pages past the middle
walk from the other end. PostgreSQL turns the EXISTS into a semi-join and plans it with its
statistics as it would the plain query.
"""

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# Beyond this the offset overflows SQLite's integer and nobody pages that far anyway.
MAX_PAGE = 1_000_000
# The largest page the API serves; a larger page_size is refused with 422, never cut down.
MAX_PAGE_SIZE = 500

# Up to this many rows, sorting them all is cheap and the planner's own plan is best: a short
# list inside a large table would make the walk step over many rows outside it.
WALK_FROM = 1000

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


def _walkable(queryset) -> bool:
    if not isinstance(queryset, QuerySet):
        return False
    query = queryset.query
    return (
        bool(query.order_by)
        and query.order_by[-1] in _PK_ORDER
        and not (query.annotations or query.distinct or query.combinator or query.is_sliced)
    )


def page_slice(queryset, start: int, stop: int, *, count: int) -> list:
    """Rows `start:stop` of `queryset` in its order, as `list(queryset[start:stop])` returns them.

    `count` is `queryset.count()`, which the caller has anyway. Lists longer than WALK_FROM
    whose ordering ends in the primary key (so that it is total and reverses exactly) are
    fetched by walking the ordering; others by the plain slice. One query either way. Rows
    added or removed between the count and this query shift the page by as many rows, as they
    would between any two page requests.
    """
    stop = min(stop, count)
    if start >= stop:
        return []
    if count <= WALK_FROM or not _walkable(queryset):
        return list(queryset[start:stop])
    model = queryset.model
    walk = (
        model._base_manager.db_manager(queryset.db)
        .filter(Exists(queryset.filter(pk=OuterRef("pk"))))
        .order_by(*queryset.query.order_by)
        .values("pk")
    )
    nearer_the_end = start > count - stop
    page = walk.reverse()[count - stop : count - start] if nearer_the_end else walk[start:stop]
    return list(queryset.filter(pk__in=page))


class LargeListPaginator(Paginator):
    """django.core.paginator.Paginator whose pages come from page_slice."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(
            page_slice(self.object_list, bottom, top, count=self.count), number, self
        )


class LargeListPagination(Pagination):
    """Pagination whose pages come from page_slice (the count is taken first)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        count = self._items_count(queryset)
        return {
            self.items_attribute: page_slice(queryset, offset, offset + page_size, count=count),
            "count": count,
        }
