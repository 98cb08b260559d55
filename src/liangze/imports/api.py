"""Import and export of the business registry under /api/v1/businesses/import and
/api/v1/businesses/export (mounted before /businesses in liangze/api.py, whose
/businesses/{business_id} would otherwise take the words). Each starts a job and answers 202 with
its id; poll it at /jobs/{job_id}, whose result names the files (/files/{id}/content)."""

from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden
from liangze.core.schemas import ErrorOut
from liangze.imports import services
from liangze.imports.access import is_office_or_admin
from liangze.imports.models import BusinessImport
from liangze.jobs.selectors import access_job_by_id
from liangze.regions.selectors import access_division_by_id

import_router = Router(tags=["businesses"])
export_router = Router(tags=["businesses"])
codes_4xx = frozenset({401, 403, 404, 409, 422})


class JobStartedOut(Schema):
    job_id: int


class ImportCommitIn(Schema):
    mode: BusinessImport.Mode


def _refuse(viewer, code: str, message: str) -> Forbidden:
    return access_refuse(
        Forbidden(code=code, message=message), viewer=viewer, target_type="imports"
    )


@import_router.post("", response={202: JobStartedOut, codes_4xx: ErrorOut})
def business_import(request, file: File[UploadedFile]):
    """Check an uploaded business table (the template's columns; .xlsx, .xls or .csv). The job's
    result counts rows (valid, invalid, new, changed, unchanged), lists the first bad rows and
    names the bad-rows report; nothing is written until the import is committed. Office staff."""
    if not is_office_or_admin(request.user):
        raise _refuse(
            request.user,
            "business_import_forbidden",
            _("Only food safety office staff import businesses."),
        )
    job = services.business_import_start(actor=request.user, upload=file)
    return Status(202, {"job_id": job.pk})


@import_router.post("/{job_id}/commit", response={202: JobStartedOut, codes_4xx: ErrorOut})
def business_import_commit(request, job_id: int, payload: ImportCommitIn):
    """Write a checked file: `valid_rows` imports the valid rows, `all_or_nothing` only when
    every row is valid. One transaction; answers 202 with the write job. Once per check."""
    check_job = access_job_by_id(request.user, job_id)
    write_job = services.business_import_commit(
        actor=request.user, check_job=check_job, mode=payload.mode
    )
    return Status(202, {"job_id": write_job.pk})


@export_router.get("", response={202: JobStartedOut, codes_4xx: ErrorOut})
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
    job = services.business_export_start(actor=request.user, filters=filters)
    return Status(202, {"job_id": job.pk})
