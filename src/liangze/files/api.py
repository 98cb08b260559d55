import uuid
from datetime import datetime

from ninja import Router, Schema

from liangze.core.schemas import ErrorOut, choice_field
from liangze.files import selectors
from liangze.files.models import FileKind, StoredFile
from liangze.files.responses import stored_file_response

router = Router(tags=["files"])
codes_4xx = frozenset({401, 403, 404, 409, 422})


class StoredFileOut(Schema):
    id: uuid.UUID
    kind: str = choice_field(FileKind)
    original_name: str
    content_type: str
    size: int
    sha256: str
    division_id: int
    created_at: datetime

    @staticmethod
    def resolve_id(stored: StoredFile) -> uuid.UUID:
        return stored.public_id


@router.get("/{file_id}", response={200: StoredFileOut, codes_4xx: ErrorOut})
def stored_file_detail(request, file_id: uuid.UUID):
    return selectors.access_stored_file_by_id(request.user, file_id)


@router.get(
    "/{file_id}/content",
    response={codes_4xx: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, with its sniffed content type",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def stored_file_content(request, file_id: uuid.UUID):
    """The file itself, with the same headers as the page download."""
    stored = selectors.access_stored_file_by_id(request.user, file_id)
    return stored_file_response(stored)
