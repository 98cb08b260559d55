"""The engine's endpoints for one spec: upload a table to check, commit a checked one. Each
starts a job and answers 202 with its id; poll it at /jobs/{job_id}, whose result names the files
(/files/{id}/content). An entity mounts import_router(spec_name, …) under its own path."""

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from liangze.core.schemas import ErrorOut
from liangze.imports import services
from liangze.imports.models import TableImport
from liangze.imports.specs import import_spec
from liangze.imports.views import require_import
from liangze.jobs.selectors import access_job_by_id

codes_4xx = frozenset({401, 403, 404, 409, 422})


class JobStartedOut(Schema):
    job_id: int


class ImportCommitIn(Schema):
    mode: TableImport.Mode


def import_router(spec_name: str, *, tags: list[str], upload_doc: str, operation_id: str) -> Router:
    """POST "" (check an upload) and POST "/{job_id}/commit" for the spec named `spec_name`.
    `operation_id` prefixes both operations' ids in the OpenAPI document."""
    router = Router(tags=tags)

    @router.post(
        "",
        response={202: JobStartedOut, codes_4xx: ErrorOut},
        operation_id=operation_id,
        description=upload_doc,
    )
    def table_import(request, file: File[UploadedFile]):
        spec = import_spec(spec_name)
        require_import(request.user, spec)
        job = services.table_import_start(actor=request.user, spec=spec, upload=file)
        return Status(202, {"job_id": job.pk})

    @router.post(
        "/{job_id}/commit",
        response={202: JobStartedOut, codes_4xx: ErrorOut},
        operation_id=f"{operation_id}_commit",
    )
    def table_import_commit(request, job_id: int, payload: ImportCommitIn):
        """Write a checked file: `valid_rows` imports the valid rows, `all_or_nothing` only when
        every row is valid. One transaction; answers 202 with the write job. Once per check."""
        check_job = access_job_by_id(request.user, job_id)
        write_job = services.table_import_commit(
            actor=request.user, check_job=check_job, mode=payload.mode
        )
        return Status(202, {"job_id": write_job.pk})

    return router
