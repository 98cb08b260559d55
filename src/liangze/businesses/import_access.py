"""Which rows a business import may touch, decided row by row (import_check.py) from
`registry_paths`. Who may import and export at all is accounts.access.is_office_or_admin: office
staff keep the registry, and an export carries contact names and phones."""

from liangze.accounts.access import office_subtrees
from liangze.core.tree import is_within


def registry_paths(viewer) -> tuple[str, ...] | None:
    """The subtrees where the viewer may register and change businesses: their office subtrees;
    None for everywhere (administrators)."""
    paths = office_subtrees(viewer)
    return None if paths is None else tuple(paths)


def path_writable(path: str, paths: tuple[str, ...] | None) -> bool:
    if paths is None:
        return True
    return any(is_within(path, ancestor) for ancestor in paths)
