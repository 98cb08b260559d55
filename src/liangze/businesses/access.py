"""Who may change businesses. Reading is decided by the scoping function alone."""

from liangze.accounts.access import is_admin, office_paths
from liangze.core.tree import is_within


def can_edit_business(viewer, business) -> bool:
    """Office staff of the business's subtree (and administrators) keep the registry."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if is_admin(viewer):
        return True
    return any(is_within(business.division.path, path) for path in office_paths(viewer))


def can_keep_registry(viewer) -> bool:
    """May create businesses somewhere, import and export: office staff and administrators."""
    return viewer.is_authenticated and (is_admin(viewer) or bool(office_paths(viewer)))


def can_export_personal_data(viewer) -> bool:
    """Exports carry contact names and phones: office staff only (and administrators)."""
    return can_keep_registry(viewer)


def can_register_in(viewer, division) -> bool:
    """May put a business into `division` (register it there or move it there): office staff of
    a subtree holding the division, and administrators."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if is_admin(viewer):
        return True
    return any(is_within(division.path, path) for path in office_paths(viewer))
