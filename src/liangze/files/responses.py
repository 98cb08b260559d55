import logging

from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.translation import gettext as _

from liangze.core.errors import NotFound
from liangze.files.models import StoredFile

logger = logging.getLogger(__name__)


def stored_file_response(stored: StoredFile) -> FileResponse:
    """Streams a file the caller obtained through `access_stored_file_by_id`.

    Images open inline, everything else downloads; the content type is the sniffed one and the
    browser may not second-guess it (nosniff); nothing is kept in shared or browser caches.
    """
    try:
        handle = default_storage.open(stored.storage_name, "rb")
    except FileNotFoundError:
        logger.error("stored file %s is missing from storage", stored.public_id)
        raise NotFound(code="stored_file_missing", message=_("File not found.")) from None
    response = FileResponse(
        handle,
        as_attachment=not stored.is_image,
        filename=stored.download_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
