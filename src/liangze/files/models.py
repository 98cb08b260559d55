import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from liangze.core.models import BaseModel


class FileKind(models.TextChoices):
    """What a file is for; each kind has its own size limit and accepted types (validation.py)."""

    SCAN = "scan", _("Scan")
    SIGNATURE = "signature", _("Signature")
    PHOTO = "photo", _("Photo")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")
    TEMPLATE = "template", _("Document template")


# Files one person made for themself: an uploaded table, an export, a bad-rows report. They carry
# whole registers of names and phones, so only their maker (and administrators) read them, not
# every account of the division that learns an id (files.selectors.stored_file_list).
PRIVATE_KINDS = frozenset({FileKind.IMPORT, FileKind.EXPORT})


class StoredFile(BaseModel):
    """One file in private storage, readable only through the views that check access.

    `content_type` was sniffed from the content, never taken from the client. `storage_name` is
    `<kind>/<yyyy>/<mm>/<public_id>.<ext>` with a content-derived extension; `original_name` is
    display data only and never becomes part of a path. `division` decides who sees the file,
    and for PRIVATE_KINDS `uploaded_by` too.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=FileKind.choices)
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=255, unique=True)
    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=FileKind.values), name="stored_file_kind_known"
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="stored_file_not_empty"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def download_name(self) -> str:
        """The original name with the extension of what was stored (a re-encoded photo is a .jpg
        whatever it was called)."""
        stem = PurePosixPath(self.original_name).stem or "file"
        return f"{stem}{PurePosixPath(self.storage_name).suffix}"
