from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from liangze.core.pagination import Pagination
from liangze.core.schemas import ErrorOut, choice_field, choice_type
from liangze.jobs.api import JobOut
from liangze.regions import selectors, services
from liangze.regions.access import can_import_divisions, refuse_division_import
from liangze.regions.models import Level

router = Router(tags=["divisions"])
# Mounted at /divisions/import, before `router`.
division_import_router = Router(tags=["divisions"])
codes_4xx = frozenset({401, 403, 404, 409, 422})


class DivisionOut(Schema):
    id: int
    code: str
    name: str
    level: str = choice_field(Level)
    parent_id: int | None
    vintage: int


@router.get("", response=list[DivisionOut])
@paginate(Pagination, page_size=50)
def division_list(
    request, q: str = "", level: choice_type(Level, blank=True) = "", within: int | None = None
):
    """Search the viewer's divisions by name or code prefix; `within` narrows to a subtree."""
    parent = selectors.access_division_by_id(request.user, within) if within else None
    return selectors.division_list(viewer=request.user, search=q, level=level, within=parent)


@router.get("/{division_id}", response={200: DivisionOut, codes_4xx: ErrorOut})
def division_detail(request, division_id: int):
    return selectors.access_division_by_id(request.user, division_id)


@router.get("/{division_id}/children", response={200: list[DivisionOut], codes_4xx: ErrorOut})
@paginate(Pagination, page_size=100)
def division_children(request, division_id: int):
    parent = selectors.access_division_by_id(request.user, division_id)
    return selectors.division_children(viewer=request.user, parent=parent)


@division_import_router.post("", response={202: JobOut, codes_4xx: ErrorOut})
def division_import(request, file: File[UploadedFile], vintage: Form[int]):
    """Queue the import of a division table (CSV or Excel: code, name, parent_code) of one
    vintage; answers 202 with the job to poll at /jobs/{id}. Platform administrators only."""
    if not can_import_divisions(request.user):
        refuse_division_import(request.user)
    return Status(
        202, services.division_import_start(actor=request.user, upload=file, vintage=vintage)
    )
