import uuid

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from liangze.files.responses import stored_file_response
from liangze.files.selectors import access_stored_file_by_id


@login_required
@require_GET
def stored_file_download(request, file_id: uuid.UUID):
    """The only way a stored file leaves the server: after the access check."""
    stored = access_stored_file_by_id(request.user, file_id)
    return stored_file_response(stored)
