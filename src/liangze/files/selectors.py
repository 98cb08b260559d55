import uuid

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from liangze.audit.services import access_refuse
from liangze.core.errors import NotFound
from liangze.core.scoping import in_jurisdiction
from liangze.files.models import PRIVATE_KINDS, StoredFile


def stored_file_list(*, viewer, kind: str = "") -> QuerySet[StoredFile]:
    """Files of divisions in the viewer's jurisdiction, newest first; of the private kinds
    (models.PRIVATE_KINDS) only those the viewer made, unless the viewer sees everything (an
    administrator)."""
    files = in_jurisdiction(StoredFile.objects.all(), viewer, via="division")
    if not getattr(viewer, "is_authenticated", False):
        return files.none()
    if not viewer.jurisdiction().everything:
        files = files.filter(~Q(kind__in=PRIVATE_KINDS) | Q(uploaded_by=viewer))
    if kind:
        files = files.filter(kind=kind)
    return files.select_related("division", "uploaded_by").order_by("-created_at", "-pk")


def access_stored_file_by_id(viewer, file_id: uuid.UUID | str) -> StoredFile:
    """One file by its public id. Missing, malformed and out-of-jurisdiction ids raise the same
    NotFound: an id reveals nothing."""
    try:
        public_id = uuid.UUID(str(file_id))
    except ValueError:
        public_id = None
    stored = None
    if public_id is not None:
        stored = stored_file_list(viewer=viewer).filter(public_id=public_id).first()
    if stored is None:
        raise access_refuse(
            NotFound(code="stored_file_not_found", message=_("File not found.")),
            viewer=viewer,
            target_type="files.storedfile",
            target_id=file_id,
        )
    return stored
