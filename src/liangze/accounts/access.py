"""Who may do what with accounts. Each check answers one question; denials are audited by the
`access_*` helpers that use them."""

from liangze.accounts.models import Role
from liangze.core.tree import is_within
from liangze.regions.models import Division, level_rank


def office_paths(viewer) -> list[str]:
    """Division paths where the viewer is food-safety office staff."""
    return [g.division.path for g in viewer.active_grants() if g.role == Role.OFFICE_STAFF]


def office_subtrees(viewer) -> list[str] | None:
    """Where the viewer keeps registries and accounts: their office subtrees; None (everywhere)
    for administrators. Pass to core.scoping.within_subtrees."""
    return None if is_admin(viewer) else office_paths(viewer)


def is_admin(viewer) -> bool:
    return viewer.is_authenticated and viewer.has_role(Role.ADMIN)


def can_manage_accounts_in(viewer, division: Division | None) -> bool:
    """Office staff manage accounts homed in their subtree; administrators everywhere."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if is_admin(viewer):
        return True
    if division is None:
        return False
    return any(is_within(division.path, path) for path in office_paths(viewer))


def can_manage_accounts(viewer) -> bool:
    return viewer.is_authenticated and (is_admin(viewer) or bool(office_paths(viewer)))


def can_grant(viewer, *, role: str, division: Division | None) -> bool:
    """Grant only inside one's subtree, hence at or below one's own level; never ADMIN unless admin."""
    if role == Role.ADMIN:
        return is_admin(viewer)
    if division is None:
        return False
    if role == Role.OFFICIAL and level_rank(division.level) < level_rank("city"):
        return False
    return can_manage_accounts_in(viewer, division)
