"""Who may do what with officials and assignments (docs/domain.md §1.1, §1.2).

Reading is decided by the scoping function, narrowed for officials to their own record; writing
belongs to the food safety office whose subtree holds the post (and, for an assignment, the
business too)."""

from django.utils.translation import gettext as _

from liangze.accounts.access import can_manage_division, is_admin, office_subtrees
from liangze.accounts.models import Role
from liangze.audit.services import access_refuse
from liangze.core.errors import NotFound
from liangze.core.tree import is_within
from liangze.regions.models import Division, Level

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


# --- a province's settings (docs/domain.md §1.12) ---------------------------------------------


def _province_grants(viewer, province, roles) -> bool:
    return any(
        grant.role in roles and grant.division_id == province.pk for grant in viewer.active_grants()
    )


def can_read_province_rules(viewer, province) -> bool:
    """A province's settings are read by its own office staff and leaders (a grant on the
    province itself, not below it) and by administrators."""
    if not (viewer.is_authenticated and viewer.is_active) or province.level != Level.PROVINCE:
        return False
    return is_admin(viewer) or _province_grants(viewer, province, (Role.OFFICE_STAFF, Role.LEADER))


def can_set_province_rules(viewer, province) -> bool:
    """A province's settings are changed by its own office staff and by administrators."""
    if not (viewer.is_authenticated and viewer.is_active) or province.level != Level.PROVINCE:
        return False
    return is_admin(viewer) or _province_grants(viewer, province, (Role.OFFICE_STAFF,))


def province_by_id(viewer, province_id) -> Division | None:
    """The province `province_id` names, else None, which the caller refuses exactly as it
    refuses a province out of the viewer's reach: an id reveals nothing (docs/domain.md §1.13).
    An administrator, who reads every province, is told instead that it is not found (NotFound,
    recorded as every refusal is)."""
    province = Division.objects.filter(pk=province_id, level=Level.PROVINCE).first()
    if province is None and is_admin(viewer):
        raise access_refuse(
            NotFound(code="province_not_found", message=_("Province not found.")),
            viewer=viewer,
            target_type="regions.division",
            target_id=province_id,
        )
    return province


def rule_provinces(viewer) -> list:
    """The provinces whose settings the viewer reads, in code order."""
    if not (viewer.is_authenticated and viewer.is_active):
        return []
    provinces = Division.objects.filter(level=Level.PROVINCE).order_by("code")
    if is_admin(viewer):
        return list(provinces)
    ids = {
        grant.division_id
        for grant in viewer.active_grants()
        if grant.role in (Role.OFFICE_STAFF, Role.LEADER)
    }
    return list(provinces.filter(pk__in=ids)) if ids else []


def reads_province_rules(viewer) -> bool:
    """Does the viewer read some province's settings (for the menu; no query)?"""
    if not (viewer.is_authenticated and viewer.is_active):
        return False
    return is_admin(viewer) or any(
        grant.role in (Role.OFFICE_STAFF, Role.LEADER)
        and grant.division is not None
        and grant.division.level == Level.PROVINCE
        for grant in viewer.active_grants()
    )
