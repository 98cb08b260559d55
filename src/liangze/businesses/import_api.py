"""Import and export of the business registry under /api/v1/businesses/import and
/api/v1/businesses/export (mounted before /businesses in liangze/api.py, whose
/businesses/{business_id} would otherwise take the words). Each starts a job and answers 202 with
its id; poll it at /jobs/{job_id}, whose result names the files (/files/{id}/content). The import's
endpoints are the engine's (imports.api.import_router)."""

from django.utils.translation import gettext as _
from ninja import Router, Status

from liangze.accounts.access import is_office_or_admin
from liangze.audit.services import access_refuse
from liangze.businesses import exports
from liangze.core.errors import Forbidden
from liangze.core.schemas import ErrorOut
from liangze.imports.api import JobStartedOut, codes_4xx
from liangze.imports.api import import_router as engine_import_router
from liangze.regions.selectors import access_division_by_id

import_router = engine_import_router(
    "businesses",
    tags=["businesses"],
    operation_id="liangze_imports_api_business_import",
    upload_doc=(
        "Check an uploaded business table (the template's columns; .xlsx, .xls or .csv). The "
        "job's result counts rows (valid, invalid, new, changed, unchanged), lists the first bad "
        "rows and names the bad-rows report; nothing is written until the import is committed. "
        "Office staff."
    ),
)
export_router = Router(tags=["businesses"])


def _refuse(viewer, code: str, message: str) -> Forbidden:
    return access_refuse(
        Forbidden(code=code, message=message), viewer=viewer, target_type="imports"
    )


@export_router.get(
    "",
    response={202: JobStartedOut, codes_4xx: ErrorOut},
    operation_id="liangze_imports_api_business_export",
)
def business_export(
    request,
    q: str = "",
    grade: str = "",
    business_type: str = "",
    status: str = "",
    within: int | None = None,
    sort: str = "name",
):
    """Export the list GET /businesses would give with these filters as .xlsx (the import
    template's columns), always as a job; its result names the file. Office staff: an export
    holds contact names and phones, and is audited."""
    if not is_office_or_admin(request.user):
        raise _refuse(
            request.user,
            "business_export_forbidden",
            _("Only food safety office staff export the business registry."),
        )
    division = access_division_by_id(request.user, within) if within else None
    filters = {
        "search": q,
        "grade": grade,
        "business_type": business_type,
        "status": status,
        "within": division,
        "sort": sort,
    }
    job = exports.business_export_start(actor=request.user, filters=filters)
    return Status(202, {"job_id": job.pk})
