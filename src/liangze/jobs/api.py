from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from liangze.core.pagination import Pagination
from liangze.core.schemas import ErrorOut, choice_field
from liangze.jobs import selectors
from liangze.jobs.models import Job

router = Router(tags=["jobs"])
codes_4xx = frozenset({401, 403, 404, 409, 422})


class JobProgressOut(Schema):
    done: int
    total: int  # 0 while the size is unknown
    percent: int
    message: str


class JobOut(Schema):
    id: int
    kind: str
    status: str = choice_field(Job.Status)
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
