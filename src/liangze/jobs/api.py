from datetime import datetime

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden
from liangze.core.pagination import Pagination
from liangze.core.schemas import ErrorOut
from liangze.jobs import selectors, services
from liangze.jobs.access import can_import_divisions
from liangze.jobs.models import Job

router = Router(tags=["jobs"])
# Mounted at /divisions/import: the endpoint belongs with the divisions, the job with this app.
division_import_router = Router(tags=["divisions"])
codes_4xx = frozenset({401, 403, 404, 409, 422})


class JobProgressOut(Schema):
    done: int
    total: int  # 0 while the size is unknown
    percent: int
    message: str


class JobOut(Schema):
    id: int
    kind: str
    status: str
    progress: JobProgressOut
    result: dict
    error_code: str
    error_message: str
    input_name: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_progress(obj: Job) -> dict:
        progress = selectors.job_progress(obj)
        return {
            "done": progress.done,
            "total": progress.total,
            "percent": progress.percent,
            "message": progress.message,
        }


@router.get("", response=list[JobOut])
@paginate(Pagination, page_size=50)
def job_list(request):
    """The jobs the caller started, newest first (administrators: every job)."""
    return selectors.job_list(viewer=request.user)


@router.get("/{job_id}", response={200: JobOut, codes_4xx: ErrorOut})
def job_detail(request, job_id: int):
    """Status, progress and result; poll it while the status is queued or running."""
    return selectors.access_job_by_id(request.user, job_id)


@division_import_router.post("", response={202: JobOut, codes_4xx: ErrorOut})
def division_import(request, file: File[UploadedFile], vintage: Form[int]):
    """Queue the import of a division table (CSV or Excel: code, name, parent_code) of one
    vintage; answers 202 with the job to poll at /jobs/{id}. Platform administrators only."""
    if not can_import_divisions(request.user):
        raise access_refuse(
            Forbidden(
                code="division_import_forbidden",
                message=_("Only platform administrators import the division table."),
            ),
            viewer=request.user,
            target_type="regions.division",
        )
    return Status(
        202, services.division_import_start(actor=request.user, upload=file, vintage=vintage)
    )
