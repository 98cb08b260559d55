"""Storing files. The bytes go to private storage (STORAGES["default"]) under a name derived
from the kind, the month and a random id; the row and its audit event commit together."""

import hashlib
import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record
from liangze.core.context import current_request_context
from liangze.core.errors import Invalid
from liangze.files.models import StoredFile
from liangze.files.validation import read_upload, validate_upload

security_log = logging.getLogger("liangze.security")


def stored_file_save(*, actor, division, kind: str, upload) -> StoredFile:
    """Validate `upload` (a Django File or UploadedFile) and keep it as a StoredFile of `division`.

    Raises Invalid, with a stable code and `fields["file"]`, when any check in validation.py
    fails; then nothing is stored and nothing is recorded but a line in liangze.security. `actor`
    is None only for system work (generated exports).

    Validation and the storage write run before the transaction opens: on SQLite a transaction
    takes the write lock at its first statement, and checking a spreadsheet may take seconds.
    If the transaction fails, the stored bytes are deleted again.
    """
    try:
        validated = validate_upload(
            kind=kind,
            name=getattr(upload, "name", None),
            data=read_upload(upload, kind),
        )
    except Invalid as exc:
        context = current_request_context()
        security_log.warning(
            "upload refused code=%s kind=%s actor=%s ip=%s request=%s",
            exc.code,
            kind,
            getattr(actor, "pk", None),
            context.ip,
            context.request_id,
        )
        raise
    public_id = uuid.uuid4()
    month = timezone.localdate()
    name = f"{kind}/{month:%Y}/{month:%m}/{public_id}.{validated.file_type.extension}"
    storage_name = default_storage.save(name, ContentFile(validated.data))
    try:
        return _stored_file_record(
            actor=actor,
            division=division,
            kind=kind,
            public_id=public_id,
            storage_name=storage_name,
            validated=validated,
        )
    except BaseException:
        default_storage.delete(storage_name)
        raise


@transaction.atomic
def _stored_file_record(
    *, actor, division, kind: str, public_id, storage_name: str, validated
) -> StoredFile:
    stored = StoredFile.objects.create(
        public_id=public_id,
        kind=kind,
        original_name=validated.original_name,
        content_type=validated.file_type.content_type,
        size=len(validated.data),
        sha256=hashlib.sha256(validated.data).hexdigest(),
        storage_name=storage_name,
        division=division,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.FILE_STORED,
        target=stored,
        data={
            "public_id": str(public_id),
            "kind": kind,
            "content_type": stored.content_type,
            "size": stored.size,
            "sha256": stored.sha256,
        },
    )
    return stored
