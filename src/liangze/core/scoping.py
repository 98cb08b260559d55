"""The one function that narrows tenant data to what a viewer may see.

Every selector starts here. A viewer's jurisdiction is the set of division subtrees of their
active region-wide role grants (see accounts.models.User.jurisdiction). An anonymous viewer, or
one with no such grant, sees nothing.
"""

from django.db.models import Q, QuerySet

from liangze.core.tree import subtree_bounds


def jurisdiction_q(viewer, *, path_field: str) -> Q | None:
    """A Q matching rows whose `path_field` lies in the viewer's subtrees.

    Returns None when the viewer sees everything (platform administrators), and a Q that matches
    nothing when the viewer sees nothing.
    """
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return Q(pk__in=[])
    jurisdiction = viewer.jurisdiction()
    if jurisdiction.everything:
        return None
    if not jurisdiction.paths:
        return Q(pk__in=[])
    condition = Q()
    for path in jurisdiction.paths:
        lo, hi = subtree_bounds(path)
        condition |= Q(**{f"{path_field}__gte": lo, f"{path_field}__lt": hi})
    return condition


def in_jurisdiction(queryset: QuerySet, viewer, *, via: str = "division") -> QuerySet:
    """Narrow `queryset` to the viewer's jurisdiction.

    `via` names the relation to a Division (e.g. "division", "business__division"), or "." when
    the queryset is of divisions. A model that stores a path snapshot instead (the audit trail)
    passes `via="path:<field>"`.
    """
    if via == ".":
        path_field = "path"
    elif via.startswith("path:"):
        path_field = via.removeprefix("path:")
    else:
        path_field = f"{via}__path"
    condition = jurisdiction_q(viewer, path_field=path_field)
    if condition is None:
        return queryset
    return queryset.filter(condition)
