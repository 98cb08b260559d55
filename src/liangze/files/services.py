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
from liangze.files.capture import Capture, CaptureIn, capture_read
from liangze.files.models import FileKind, StoredFile
from liangze.files.stamping import stamp_display_copy
from liangze.files.validation import read_upload, validate_upload

security_log = logging.getLogger("liangze.security")


def stored_file_save(
    *, actor, division, kind: str, upload, evidence: bool = False, capture: CaptureIn | None = None
) -> StoredFile:
    """Validate `upload` (a Django File or UploadedFile) and keep it as a StoredFile of `division`,
    with the SHA-256 of the bytes as received and of the bytes stored.

    An `evidence` photo also keeps its capture time and place (`capture` as the client sent
    them, else the file's own EXIF; files.capture checks them and drops a bad value with its
    reason, never refusing the photo) and gets a display copy stamped with them
    (files.stamping), a StoredFile of its own in `StoredFile.display_copy`.

    Raises Invalid, with a stable code and `fields["file"]`, when any check in validation.py
    fails; then nothing is stored and nothing is recorded but a line in liangze.security. `actor`
    is None only for system work (generated exports).

    Validation and the storage write run before the transaction opens: on SQLite a transaction
    takes the write lock at its first statement, and checking a spreadsheet may take seconds.
    If the transaction fails, the stored bytes are deleted again.
    """
    received = read_upload(upload, kind)
    try:
        validated = validate_upload(kind=kind, name=getattr(upload, "name", None), data=received)
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
    shot = copy = None
    if evidence and validated.file_type.content_type.startswith("image/"):
        shot = capture_read(sent=capture, received=received, now=timezone.now())
        copy = stamp_display_copy(validated.data, shot)
    written: list[str] = []
    try:
        copy_id = uuid.uuid4()
        copy_name = None
        if copy is not None:
            copy_name = _write(kind, "jpg", copy, copy_id)
            written.append(copy_name)
        public_id = uuid.uuid4()
        storage_name = _write(kind, validated.file_type.extension, validated.data, public_id)
        written.append(storage_name)
        return _stored_file_record(
            actor=actor,
            division=division,
            kind=kind,
            public_id=public_id,
            storage_name=storage_name,
            validated=validated,
            received_sha256=hashlib.sha256(received).hexdigest(),
            capture=shot,
            copy=(copy_id, copy_name, copy) if copy_name else None,
        )
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _write(kind: str, extension: str, data: bytes, public_id: uuid.UUID) -> str:
    month = timezone.localdate()
    name = f"{kind}/{month:%Y}/{month:%m}/{public_id}.{extension}"
    return default_storage.save(name, ContentFile(data))


@transaction.atomic
def _stored_file_record(
    *,
    actor,
    division,
    kind: str,
    public_id,
    storage_name: str,
    validated,
    received_sha256: str,
    capture: Capture | None,
    copy: tuple[uuid.UUID, str, bytes] | None,
) -> StoredFile:
    uploader = actor if getattr(actor, "is_authenticated", False) else None
    display_copy = None
    if copy is not None:
        copy_id, copy_name, copy_data = copy
        digest = hashlib.sha256(copy_data).hexdigest()
        display_copy = StoredFile.objects.create(
            public_id=copy_id,
            kind=FileKind.PHOTO,
            original_name=validated.original_name,
            content_type="image/jpeg",
            size=len(copy_data),
            sha256=digest,
            received_sha256=digest,
            storage_name=copy_name,
            division=division,
            uploaded_by=uploader,
        )
    capture = capture or Capture()
    stored = StoredFile.objects.create(
        public_id=public_id,
        kind=kind,
        original_name=validated.original_name,
        content_type=validated.file_type.content_type,
        size=len(validated.data),
        sha256=hashlib.sha256(validated.data).hexdigest(),
        received_sha256=received_sha256,
        storage_name=storage_name,
        division=division,
        uploaded_by=uploader,
        captured_at=capture.captured_at,
        lat_e6=capture.lat_e6,
        lng_e6=capture.lng_e6,
        capture_dropped=capture.dropped,
        display_copy=display_copy,
    )
    data = {
        "public_id": str(public_id),
        "kind": kind,
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
        "received_sha256": received_sha256,
    }
    if display_copy is not None:
        data |= {
            "display_copy": str(display_copy.public_id),
            "captured_at": capture.captured_at.isoformat() if capture.captured_at else None,
            "lat_e6": capture.lat_e6,
            "lng_e6": capture.lng_e6,
            "capture_dropped": capture.dropped,
        }
    audit_event_record(actor=actor, action=AuditAction.FILE_STORED, target=stored, data=data)
    return stored
