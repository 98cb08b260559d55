"""Who may do what with officials and assignments (docs/domain.md §1.1, §1.2).

Reading is decided by the scoping function, narrowed for officials to their own record; writing
belongs to the food safety office whose subtree holds the post (and, for an assignment, the
business too)."""

from liangze.accounts.access import is_admin, office_paths
from liangze.accounts.models import Role
from liangze.core.tree import is_within

# Roles that read the officials and assignments of their whole subtree.
_READ_ALL_ROLES = (Role.OFFICE_STAFF, Role.LEADER, Role.REGULATOR, Role.ADMIN)


def reads_own_only(viewer) -> bool:
    """An official (with no wider role) reads only their own record and assignments."""
    return viewer.is_authenticated and not viewer.has_role(*_READ_ALL_ROLES)


def can_manage_officials_in(viewer, division) -> bool:
    """Office staff of a subtree holding `division` (the post), and administrators."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if is_admin(viewer):
        return True
    return any(is_within(division.path, path) for path in office_paths(viewer))


def can_manage_officials(viewer) -> bool:
    return viewer.is_authenticated and (is_admin(viewer) or bool(office_paths(viewer)))


def can_edit_official(viewer, official) -> bool:
    return can_manage_officials_in(viewer, official.grant.division)


def can_assign(viewer, *, business, official) -> bool:
    """Office staff whose subtree holds both the business and the official's post."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if is_admin(viewer):
        return True
    post, place = official.grant.division.path, business.division.path
    return any(is_within(post, path) and is_within(place, path) for path in office_paths(viewer))
