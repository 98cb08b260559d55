"""The regulator's register under /api/v1/register: the import (the engine's endpoints, at
/register/import) and the rows missing from the platform (/register/missing), scoped as the
page (docs/domain.md §2, "The register")."""

from ninja import Router, Schema
from ninja.pagination import paginate

from liangze.businesses.register_selectors import register_missing
from liangze.core.pagination import Pagination
from liangze.imports.api import import_router as engine_import_router
from liangze.regions.selectors import access_division_by_id

import_router = engine_import_router(
    "register",
    tags=["register"],
    operation_id="liangze_register_import",
    upload_doc=(
        "Check an uploaded register of the market regulator (the template's columns; .xlsx, "
        ".xls or .csv). Committed, the file replaces the register of every county its rows lie "
        "in; each row is matched to a business by credit code, else licence number, else "
        "registration number. Office staff of the whole county."
    ),
)
router = Router(tags=["register"])


class RegisterEntryOut(Schema):
    id: int
    name: str
    uscc: str
    license_number: str
    registration_number: str
    address: str
    division_id: int
    division_code: str
    division_name: str
    valid_from: str

    @staticmethod
    def resolve_division_code(obj) -> str:
        return obj.division.code

    @staticmethod
    def resolve_division_name(obj) -> str:
        return obj.division.name

    @staticmethod
    def resolve_valid_from(obj) -> str:
        return obj.valid_from.isoformat()


@router.get("/missing", response=list[RegisterEntryOut], operation_id="liangze_register_missing")
@paginate(Pagination, page_size=50)
def register_missing_list(request, within: int | None = None, q: str = ""):
    """Rows of the regulator's register in force that match no business on the platform (the
    rows behind a low `data_collection_rate`), within the viewer's divisions or `within`."""
    division = access_division_by_id(request.user, within) if within else None
    return register_missing(viewer=request.user, within=division, search=q[:100])
