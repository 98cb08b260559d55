"""Who may do what with officials and assignments (docs/domain.md §1.1, §1.2).

Reading is decided by the scoping function, narrowed for officials to their own record; writing
belongs to the food safety office whose subtree holds the post (and, for an assignment, the
business too)."""

from liangze.accounts.access import can_manage_division, is_admin, office_subtrees
from liangze.accounts.models import Role
from liangze.core.tree import is_within

# Roles that read the officials and assignments of their whole subtree.
_READ_ALL_ROLES = (Role.OFFICE_STAFF, Role.LEADER, Role.REGULATOR, Role.ADMIN)


def reads_own_only(viewer) -> bool:
    """An official (with no wider role) reads only their own record and assignments."""
    return viewer.is_authenticated and not viewer.has_role(*_READ_ALL_ROLES)


def can_edit_official(viewer, official) -> bool:
    """Office staff of a subtree holding the official's post, and administrators."""
    return can_manage_division(viewer, official.grant.division)


def can_assign(viewer, *, business, official) -> bool:
    """Office staff whose subtree holds both the business and the official's post (one office
    subtree holding both, not two offices each holding one), and administrators."""
    if is_admin(viewer):
        return True
    post, place = official.grant.division, business.division
    return any(
        is_within(post.path, path) and is_within(place.path, path)
        for path in office_subtrees(viewer) or []
    )
