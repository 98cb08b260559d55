"""The officials' and the assignments' table imports under /api/v1/officials/import and
/api/v1/assignments/import (mounted before /officials and /assignments in liangze/api.py, whose
/{id} routes would otherwise take the word): the engine's endpoints (imports.api.import_router).
Each answers 202 with a job; poll it at /jobs/{job_id}. New officials get no password through
the API: their clerk opens the one-time password sheet on the job's page."""

from liangze.imports.api import import_router

official_import_router = import_router(
    "officials",
    tags=["officials"],
    operation_id="liangze_officials_api_official_import",
    upload_doc=(
        "Check an uploaded officials table (the template's columns; .xlsx, .xls or .csv). A row "
        "with a known mobile number updates that official. Nothing is written until the import "
        "is committed. Office staff, for posts their office keeps."
    ),
)
assignment_import_router = import_router(
    "assignments",
    tags=["assignments"],
    operation_id="liangze_officials_api_assignment_import",
    upload_doc=(
        "Check an uploaded assignments table (official's mobile number, business code, start "
        "date). Nothing is written until the import is committed. Office staff, where their "
        "office holds both the business and the official's post."
    ),
)
