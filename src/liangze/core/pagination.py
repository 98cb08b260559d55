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
  imported in no particular order): each table row read is then a random read.
- A short list (up to SHORT_LIST rows) in a large table is the opposite case: walking the
  ordering index would step over every row outside the list. Its keys are taken first by the
  list's filters alone, then sorted, which the planner does from the few keys.

Both return exactly `list(queryset[start:stop])`; a test holds every page equal to it.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# Beyond this the offset overflows SQLite's integer and nobody pages that far anyway.
MAX_PAGE = 1_000_000
# The largest page the API serves; a larger page_size is refused with 422, never cut down.
MAX_PAGE_SIZE = 500

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
    keys = queryset.values("pk")
    if count <= SHORT_LIST:
        page = keys.filter(pk__in=queryset.order_by().values("pk"))[start:stop]
    elif start > count - stop:  # nearer the end: step from there
        page = keys.reverse()[count - stop : count - start]
    else:
        page = keys[start:stop]
    return list(read(_by_keys(queryset, page)))


def _by_keys(queryset, keys):
    """`queryset`'s rows whose keys are `keys`, with its select_related, prefetch and ordering
    but not its filters, which the keys already passed in the same statement."""
    rows = queryset.model._base_manager.db_manager(queryset.db).filter(pk__in=keys)
    rows.query.select_related = queryset.query.select_related
    rows = rows.order_by(*queryset.query.order_by)
    if queryset._prefetch_related_lookups:
        rows = rows.prefetch_related(*queryset._prefetch_related_lookups)
    return rows


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
    """Pagination whose pages come from page_slice (the count is taken first); `rows` as for
    page_slice."""

    def __init__(self, page_size: int = 50, *, rows=None, **kwargs):
        super().__init__(page_size=page_size, **kwargs)
        self.rows = rows

    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        count = self._items_count(queryset)
        return {
            self.items_attribute: page_slice(
                queryset, offset, offset + page_size, count=count, rows=self.rows
            ),
            "count": count,
        }
