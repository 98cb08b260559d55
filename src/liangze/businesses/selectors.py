import functools

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from liangze.accounts.access import office_subtrees
from liangze.audit.models import AuditEvent
from liangze.audit.services import access_refuse
from liangze.businesses.access import can_edit_business
from liangze.businesses.hooks import uncovered_only
from liangze.businesses.models import (
    Business,
    BusinessTally,
    BusinessTallyChange,
    StatusChange,
)
from liangze.businesses.search import business_search
from liangze.businesses.services import BUSINESS_LEVELS
from liangze.core.errors import Forbidden, NotFound
from liangze.core.pagination import with_count
from liangze.core.scoping import in_jurisdiction, sees_everything, within_subtrees
from liangze.regions.models import Division
from liangze.regions.selectors import division_list

# Each ordering ends in the primary key: a total order, so pages neither repeat nor skip a row and
# core.pagination may read a page from either end. Name, pinyin and division have indexes
# (models.py); those of name and pinyin carry the division id, which the jurisdiction tests.
SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "pinyin": ("name_pinyin", "pk"),
    "-pinyin": ("-name_pinyin", "-pk"),
    "grade": ("grade", "name", "pk"),
    "-grade": ("-grade", "name", "pk"),
    "updated": ("-updated_at", "-pk"),
    "division": ("division__path", "name", "pk"),
}


def business_list(
    *,
    viewer,
    search: str = "",
    grade: str = "",
    business_type: str = "",
    status: str = "",
    within: Division | None = None,
    sort: str = "name",
    uncovered: bool = False,
) -> QuerySet[Business]:
    """Businesses the viewer may read, filtered; `within` narrows to a division subtree;
    `search` finds words as search.business_search says; `uncovered` keeps the operating ones
    no official covers (hooks.uncovered_only)."""
    # By division id, not a join: the ordering indexes carry the division id, so a page deep in a
    # large list is read from the index alone (docs/architecture.md, "Large lists").
    businesses = in_jurisdiction(
        Business.objects.all(), viewer, via="division", business="pk", by_id=True
    )
    kinds = {"grade": grade, "business_type": business_type, "status": status}
    businesses = _narrowed(businesses, within=within, kinds=kinds)
    if search:
        businesses = business_search(businesses, search)
    if uncovered:
        businesses = uncovered_only(businesses)
    order = SORTS.get(sort, SORTS["name"])
    listed = businesses.select_related("division").order_by(*order)
    if search or uncovered or _sees_businesses_one_by_one(viewer):
        return listed
    tally = functools.cache(functools.partial(_tally, viewer=viewer, within=within, kinds=kinds))

    def unscoped():
        """The list without the jurisdiction's test, when the tally shows that every business
        of its division and kinds lies inside the jurisdiction: the test then keeps every row,
        and stepping over a deep page without it reads each index entry for its order alone."""
        _count, everything_inside = tally()
        if not everything_inside:
            return None
        return _narrowed(Business.objects.all(), within=within, kinds=kinds).order_by(*order)

    return with_count(listed, lambda: tally()[0], walk=unscoped)


def _narrowed(rows: QuerySet, *, within: Division | None, kinds: dict[str, str]) -> QuerySet:
    """`rows` (businesses, or tally rows, which share the list's filter fields) within the
    division subtree `within` and of the kinds asked for (a blank kind: any)."""
    if within is not None:
        rows = within_subtrees(rows, [within.path], via="division", by_id=True)
    asked = {field: value for field, value in kinds.items() if value}
    return rows.filter(**asked) if asked else rows


def _sees_businesses_one_by_one(viewer) -> bool:
    """Business staff read their own businesses by id, which the tally (by division) cannot
    count."""
    return bool(getattr(viewer, "is_authenticated", False) and viewer.jurisdiction().business_ids)


def _tally(*, viewer, within: Division | None, kinds: dict[str, str]) -> tuple[int, bool]:
    """How many businesses business_list holds without a search, from the tally the database
    keeps by division and kind (models.BusinessTally and the changes not yet added to it): a sum
    over the jurisdiction's tally rows where counting the list reads an index entry per business
    (docs/architecture.md, "Large lists"). And whether the jurisdiction holds every business of
    the list's division subtree `within` and kinds: no tally row or pending change of them outside
    it adds one. That test stops at the first row outside, so a small jurisdiction in a large
    database pays almost nothing for it.
    """
    if sees_everything(viewer):
        inside = None
    else:
        try:
            inside = (
                in_jurisdiction(Division._base_manager.order_by(), viewer, via=".")
                .values("pk")
                .query.sql_with_params()
            )
        except EmptyResultSet:  # a viewer who sees nothing: the ORM writes no statement
            return 0, False
    counted, outside, params, outside_params = [], [], [], []
    for model in (BusinessTally, BusinessTallyChange):
        rows = _narrowed(model.objects.all(), within=within, kinds=kinds)
        sql, part = rows.values("division_id", "n").query.sql_with_params()
        if inside is None:
            counted.append(f"SELECT n FROM ({sql}) AS k")  # noqa: S608
            params.extend(part)
            continue
        # Each part tested on its own, so the test reaches the table's division index.
        counted.append(f"SELECT n FROM ({sql}) AS k WHERE division_id IN ({inside[0]})")  # noqa: S608
        params.extend([*part, *inside[1]])
        outside.append(
            f"NOT EXISTS (SELECT 1 FROM ({sql}) AS k"  # noqa: S608
            f" WHERE n > 0 AND NOT (division_id IN ({inside[0]})))"
        )
        outside_params.extend([*part, *inside[1]])
    # One statement, so one snapshot: a fold moving changes into the tally between two reads
    # would have them counted twice or not at all. The ORM's statements; values are in params.
    # Outside, a tally row whose businesses left by changes not yet folded in (PostgreSQL) makes
    # the test say no where yes was true: that costs speed until the fold, never a row.
    holds = " AND ".join(outside) or "1 = 1"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COALESCE(SUM(n), 0) FROM ({' UNION ALL '.join(counted)}) AS kept),"  # noqa: S608
            f" CASE WHEN {holds} THEN 1 ELSE 0 END",
            [*params, *outside_params],
        )
        listed, everything_inside = cursor.fetchone()
    return listed, bool(everything_inside)


def registry_divisions(*, viewer) -> QuerySet[Division]:
    """Townships and villages where the viewer may put businesses: inside what they read, and
    inside their office subtrees (administrators: everywhere)."""
    divisions = division_list(viewer=viewer).filter(level__in=BUSINESS_LEVELS)
    return within_subtrees(divisions, office_subtrees(viewer), via=".")


def access_business_by_id(viewer, business_id: int, *, for_write: bool = False) -> Business:
    """Missing and out-of-jurisdiction raise the same NotFound."""
    business = business_list(viewer=viewer).filter(pk=business_id).first()
    if business is None:
        raise access_refuse(
            NotFound(code="business_not_found", message=_("Business not found.")),
            viewer=viewer,
            target_type="businesses.business",
            target_id=business_id,
        )
    if for_write and not can_edit_business(viewer, business):
        raise access_refuse(
            Forbidden(
                code="business_read_only", message=_("You may view this business, not change it.")
            ),
            viewer=viewer,
            target_type="businesses.business",
            target_id=business_id,
        )
    return business


def business_history(*, business: Business) -> QuerySet[AuditEvent]:
    """The business's audit events, newest first (the caller already holds access)."""
    return AuditEvent.objects.filter(
        target_type="businesses.business", target_id=str(business.pk)
    ).select_related("actor")


def business_status_changes(*, business: Business) -> QuerySet[StatusChange]:
    return business.status_changes.select_related("actor")


def business_public(*, token: str) -> Business | None:
    """The business behind a public QR token, or None. For the public page only: callers show
    published fields alone."""
    if not token or len(token) > 64:
        return None
    return Business.objects.select_related("division").filter(public_token=token).first()
