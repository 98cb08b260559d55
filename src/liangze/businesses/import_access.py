"""Who may import and export businesses. Which rows an import may touch is decided row by row
(import_check.py) from `registry_paths`."""

from liangze.accounts.access import office_subtrees
from liangze.businesses.access import can_export_personal_data, can_keep_registry
from liangze.core.tree import is_within


def can_import_businesses(viewer) -> bool:
    """Office staff (and administrators) keep the registry, so they import."""
    return bool(viewer.is_authenticated and viewer.is_active and can_keep_registry(viewer))


def can_export_businesses(viewer) -> bool:
    """An export carries contact names and phones: office staff only (and administrators)."""
    return bool(viewer.is_authenticated and viewer.is_active and can_export_personal_data(viewer))


def registry_paths(viewer) -> tuple[str, ...] | None:
    """The subtrees where the viewer may register and change businesses: their office subtrees;
    None for everywhere (administrators)."""
    paths = office_subtrees(viewer)
    return None if paths is None else tuple(paths)


def path_writable(path: str, paths: tuple[str, ...] | None) -> bool:
    if paths is None:
        return True
    return any(is_within(path, ancestor) for ancestor in paths)
