"""The one function that narrows tenant data to what a viewer may see.

Every selector starts here. A viewer's jurisdiction is the set of division subtrees of their
active region-wide role grants (see accounts.models.User.jurisdiction). An anonymous viewer, or
one with no such grant, sees nothing.

Core names no domain app: a viewer is anything with `is_authenticated`, `is_active` and
`jurisdiction()` returning an object with `everything`, `paths` and `business_ids` (the accounts
app's User is the one implementation). See docs/architecture.md#layers.
"""

from django.db.models import Q, QuerySet

from liangze.core.tree import subtree_bounds


def _path_field(via: str) -> str:
    if via == ".":
        return "path"
    if via.startswith("path:"):
        return via.removeprefix("path:")
    return f"{via}__path"


def subtrees_q(paths, *, path_field: str) -> Q:
    """Rows whose `path_field` lies in any of the subtrees rooted at `paths` (none: nothing)."""
    condition = Q(pk__in=[])
    for path in paths:
        lo, hi = subtree_bounds(path)
        condition |= Q(**{f"{path_field}__gte": lo, f"{path_field}__lt": hi})
    return condition


def _by_id_q(queryset: QuerySet, paths, *, via: str) -> Q:
    """Rows whose `via` foreign key is one of the divisions in the subtrees rooted at `paths`,
    tested by a subquery of those divisions' ids instead of a join."""
    if not paths:
        return Q(pk__in=[])
    divisions = queryset.model._meta.get_field(via).related_model._base_manager.using(queryset.db)
    return Q(**{f"{via}__in": divisions.filter(subtrees_q(paths, path_field="path")).values("pk")})


def within_subtrees(
    queryset: QuerySet, paths, *, via: str = "division", by_id: bool = False
) -> QuerySet:
    """Narrow further to some subtrees (e.g. those where the viewer is office staff). `paths`
    None means no narrowing. Never widens: call it on what in_jurisdiction returned. `by_id` as
    for in_jurisdiction."""
    if paths is None:
        return queryset
    if by_id:
        return queryset.filter(_by_id_q(queryset, paths, via=via))
    return queryset.filter(subtrees_q(paths, path_field=_path_field(via)))


def sees_everything(viewer) -> bool:
    """Whether the viewer's jurisdiction is the whole platform: the platform administrators."""
    return bool(getattr(viewer, "is_authenticated", False) and viewer.jurisdiction().everything)


def jurisdiction_q(viewer, *, path_field: str, business_field: str | None = None) -> Q | None:
    """A Q matching rows whose `path_field` lies in the viewer's subtrees.

    Returns None when the viewer sees everything (platform administrators), and a Q that matches
    nothing when the viewer sees nothing.
    """
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return Q(pk__in=[])
    jurisdiction = viewer.jurisdiction()
    if jurisdiction.everything:
        return None
    condition = subtrees_q(jurisdiction.paths, path_field=path_field)
    if business_field and jurisdiction.business_ids:
        condition |= Q(**{f"{business_field}__in": jurisdiction.business_ids})
    return condition


def in_jurisdiction(
    queryset: QuerySet,
    viewer,
    *,
    via: str = "division",
    business: str | None = None,
    by_id: bool = False,
) -> QuerySet:
    """Narrow `queryset` to the viewer's jurisdiction.

    `via` names the relation to a Division (e.g. "division", "business__division"), or "." when
    the queryset is of divisions. A model that stores a path snapshot instead (the audit trail)
    passes `via="path:<field>"`. `business` names the business id field ("pk" for businesses,
    "business_id" for their records), so that business staff see their own business.

    `by_id=True` (a single foreign key `via`, e.g. "division") tests the row's own division id
    against a subquery of the jurisdiction's division ids instead of joining the division table:
    the same rows, but the database needs no column of the row beyond its division id, so an
    index that carries the id can be read in its order without the table (docs/architecture.md,
    "Large lists").
    """
    if not by_id:
        condition = jurisdiction_q(viewer, path_field=_path_field(via), business_field=business)
        return queryset if condition is None else queryset.filter(condition)
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return queryset.none()
    jurisdiction = viewer.jurisdiction()
    if jurisdiction.everything:
        return queryset
    condition = _by_id_q(queryset, jurisdiction.paths, via=via)
    if business and jurisdiction.business_ids:
        condition |= Q(**{f"{business}__in": jurisdiction.business_ids})
    return queryset.filter(condition)
