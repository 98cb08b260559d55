"""The one function that narrows tenant data to what a viewer may see.

Every selector starts here. A viewer's jurisdiction is the set of division subtrees of their
active region-wide role grants (see accounts.models.User.jurisdiction). An anonymous viewer, or
one with no such grant, sees nothing.
"""

from django.db.models import Q, QuerySet

from liangze.core.tree import subtree_bounds


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
    condition = Q(pk__in=[])
    for path in jurisdiction.paths:
        lo, hi = subtree_bounds(path)
        condition |= Q(**{f"{path_field}__gte": lo, f"{path_field}__lt": hi})
    if business_field and jurisdiction.business_ids:
        condition |= Q(**{f"{business_field}__in": jurisdiction.business_ids})
    return condition


def in_jurisdiction(
    queryset: QuerySet, viewer, *, via: str = "division", business: str | None = None
) -> QuerySet:
    """Narrow `queryset` to the viewer's jurisdiction.

    `via` names the relation to a Division (e.g. "division", "business__division"), or "." when
    the queryset is of divisions. A model that stores a path snapshot instead (the audit trail)
    passes `via="path:<field>"`. `business` names the business id field ("pk" for businesses,
    "business_id" for their records), so that business staff see their own business.
    """
    if via == ".":
        path_field = "path"
    elif via.startswith("path:"):
        path_field = via.removeprefix("path:")
    else:
        path_field = f"{via}__path"
    condition = jurisdiction_q(viewer, path_field=path_field, business_field=business)
    if condition is None:
        return queryset
    return queryset.filter(condition)
