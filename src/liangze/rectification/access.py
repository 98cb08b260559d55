"""Who may act on a problem, in which role (docs/domain.md §1.6, §1.13). Reading follows the
scoping function (selectors); acting asks `acting_as`, per problem, for the roles of rules.Actor."""

from liangze.accounts.access import can_manage_division, is_admin
from liangze.accounts.models import BUSINESS_ROLES, Role
from liangze.core.tree import is_within
from liangze.rectification.rules import Actor


def _holds(viewer, role: str, path: str) -> bool:
    return any(
        g.role == role and g.division is not None and is_within(path, g.division.path)
        for g in viewer.active_grants()
    )


def acting_as(viewer, problem) -> frozenset[Actor]:
    """The roles of rules.Actor the viewer may act in on `problem`: the regulator, official or
    office whose subtree holds the business's division; the business's own staff."""
    if not (viewer and viewer.is_authenticated and viewer.is_active):
        return frozenset()
    path = problem.business.division.path
    roles = set()
    if _holds(viewer, Role.REGULATOR, path) or is_admin(viewer):
        roles.add(Actor.REGULATOR)
    if _holds(viewer, Role.OFFICIAL, path):
        roles.add(Actor.OFFICIAL)
    if can_manage_division(viewer, problem.business.division):
        roles.add(Actor.OFFICE)
    if any(
        g.role in BUSINESS_ROLES and g.business_id == problem.business_id
        for g in viewer.active_grants()
    ):
        roles.add(Actor.BUSINESS)
    return frozenset(roles)


def is_regulator(viewer) -> bool:
    return bool(viewer.is_authenticated and viewer.has_role(Role.REGULATOR))


def is_business_staff(viewer) -> bool:
    return bool(viewer.is_authenticated and viewer.has_role(*BUSINESS_ROLES))


def sees_reporter_phone(viewer, problem_or_business) -> bool:
    """The public reporter's phone: only the handling regulator and office staff (§1.14)."""
    business = getattr(problem_or_business, "business", problem_or_business)
    if not (viewer and viewer.is_authenticated):
        return False
    path = business.division.path
    return _holds(viewer, Role.REGULATOR, path) or can_manage_division(viewer, business.division)
