"""Who may do what, as far as roles decide it. One predicate per question, no aliases; views and
endpoints refuse through audit.services.access_refuse, which records every denial.

The question most of the platform asks, "office staff or administrator, inside my office
subtrees?", is `can_manage_division`; "office staff anywhere, or administrator?" is
`is_office_or_admin`. Entity predicates (`can_edit_business`, …) build on these two.
"""

from django.db.models import Q

from liangze.accounts.models import Role
from liangze.core.tree import is_within
from liangze.regions.models import Division, Level

# The levels whose divisions are an official's post (docs/domain.md §1.1, §1.2): city, county,
# township and village; the province oversees. A 直辖市 (Beijing, Tianjin, Shanghai, Chongqing) is
# the exception: its "city" is the province level, so its grade A businesses are covered there.
OFFICIAL_LEVELS = (Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
MUNICIPALITY_CODES = frozenset({"110000000000", "120000000000", "310000000000", "500000000000"})


def is_municipality(division: Division) -> bool:
    """A 直辖市: a province-level division that is itself the city (docs/domain.md §1.1)."""
    return division.level == Level.PROVINCE and division.code in MUNICIPALITY_CODES


def official_post_allowed(division: Division) -> bool:
    """May an official be posted on `division` (hold the official role there)? The one rule the
    account pages, the officials form, the import and the API all apply."""
    return division.level in OFFICIAL_LEVELS or is_municipality(division)


def official_posts_q(prefix: str = "") -> Q:
    """`official_post_allowed` as a filter on divisions (`prefix` for a related division, e.g.
    "grant__division__")."""
    return Q(**{f"{prefix}level__in": OFFICIAL_LEVELS}) | Q(
        **{f"{prefix}level": Level.PROVINCE, f"{prefix}code__in": MUNICIPALITY_CODES}
    )


def _office_paths(viewer) -> list[str]:
    """Division paths where the viewer is food-safety office staff."""
    return [g.division.path for g in viewer.active_grants() if g.role == Role.OFFICE_STAFF]


def _is_active(viewer) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active)


def is_admin(viewer) -> bool:
    return _is_active(viewer) and viewer.has_role(Role.ADMIN)


def is_office_or_admin(viewer) -> bool:
    """Office staff somewhere, or administrator: keeps registries and accounts, reads the audit
    trail, imports and exports (each object then checked by `can_manage_division`)."""
    return is_admin(viewer) or (_is_active(viewer) and bool(_office_paths(viewer)))


def office_subtrees(viewer) -> list[str] | None:
    """Where `can_manage_division` holds, as paths for core.scoping.within_subtrees: the viewer's
    office subtrees; None (everywhere) for administrators; [] for anyone else."""
    if is_admin(viewer):
        return None
    if not _is_active(viewer):
        return []
    return _office_paths(viewer)


def can_manage_division(viewer, division: Division | None) -> bool:
    """Office staff of a subtree holding `division`, or an administrator."""
    if not _is_active(viewer):
        return False
    if is_admin(viewer):
        return True
    if division is None:
        return False
    return any(is_within(division.path, path) for path in _office_paths(viewer))


def can_manage_user(viewer, user) -> bool:
    """Reset, deactivate, reactivate, grant to or revoke from `user`: administrators always;
    office staff when the account is homed in their subtrees and EVERY active grant it holds lies
    there too (hence at or below their level). An account that holds a role above or beside the
    office (an administrator, a prefecture role) is managed by whoever covers that role, never by
    a county office that could otherwise take it over."""
    if is_admin(viewer):
        return True
    if not can_manage_division(viewer, user.division):
        return False
    return all(can_manage_division(viewer, grant.division) for grant in user.active_grants())


def can_grant_role(viewer, *, role: str, division: Division | None) -> bool:
    """Grant (or revoke) only inside one's subtree, hence at or below one's own level; never
    ADMIN unless administrator; an official's role only on an official's post
    (`official_post_allowed`)."""
    if role == Role.ADMIN:
        return is_admin(viewer)
    if division is None:
        return False
    if role == Role.OFFICIAL and not official_post_allowed(division):
        return False
    return can_manage_division(viewer, division)
