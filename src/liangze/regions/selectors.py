from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from liangze.audit.services import access_refuse
from liangze.core.errors import NotFound
from liangze.core.scoping import in_jurisdiction, within_subtrees
from liangze.core.tree import SEGMENT_WIDTH
from liangze.regions.models import Division


def division_list(
    *, viewer, search: str = "", level: str = "", within: Division | None = None
) -> QuerySet[Division]:
    """Divisions inside the viewer's jurisdiction, ordered as a tree (by path)."""
    divisions = in_jurisdiction(Division.objects.all(), viewer, via=".")
    if within is not None:
        divisions = within_subtrees(divisions, [within.path], via=".")
    if level:
        divisions = divisions.filter(level=level)
    if search:
        divisions = divisions.filter(Q(name__icontains=search) | Q(code__startswith=search))
    return divisions.select_related("parent").order_by("path")


def division_children(*, viewer, parent: Division) -> QuerySet[Division]:
    return division_list(viewer=viewer).filter(parent=parent)


def division_roots(*, viewer) -> QuerySet[Division]:
    """The top divisions of the viewer's jurisdiction (one per grant subtree)."""
    jurisdiction = viewer.jurisdiction()
    if jurisdiction.everything:
        return division_list(viewer=viewer).filter(parent__isnull=True)
    return division_list(viewer=viewer).filter(path__in=jurisdiction.paths)


def access_division_by_id(viewer, division_id: int) -> Division:
    division = division_list(viewer=viewer).filter(pk=division_id).first()
    if division is None:
        raise access_refuse(
            NotFound(code="division_not_found", message=_("Division not found.")),
            viewer=viewer,
            target_type="regions.division",
            target_id=division_id,
        )
    return division


def division_ancestors(division: Division) -> list[Division]:
    """From the root down to the division's parent (for breadcrumbs); reads by path, one query."""
    prefixes = [
        division.path[:end] for end in range(SEGMENT_WIDTH, len(division.path), SEGMENT_WIDTH)
    ]
    return list(Division.objects.filter(path__in=prefixes).order_by("path"))


def division_label(division: Division) -> str:
    """The label pickers show: indented by level, with the level's name."""
    return f"{chr(0x3000) * division.rank}{division.name}（{division.get_level_display()}）"
