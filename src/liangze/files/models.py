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
    # Of the bytes stored (a photo re-encoded), and of the bytes as received: the evidence of
    # what the phone sent (docs/domain.md §1.10).
    sha256 = models.CharField(max_length=64)
    received_sha256 = models.CharField(max_length=64, blank=True, default="")
    storage_name = models.CharField(max_length=255, unique=True)
    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An evidence photo's capture time and place, checked (files.capture); a value that did not
    # pass is left empty and `capture_dropped` maps its field to the reason code.
    captured_at = models.DateTimeField(_("capture time"), null=True, blank=True)
    lat_e6 = models.IntegerField(_("latitude (micro-degrees)"), null=True, blank=True)
    lng_e6 = models.IntegerField(_("longitude (micro-degrees)"), null=True, blank=True)
    capture_dropped = models.JSONField(default=dict, blank=True)
    # The copy shown on pages, stamped with the capture time and place (files.stamping); the
    # file itself stays as received, re-encoded.
    display_copy = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="display_of"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat_e6__isnull=True, lng_e6__isnull=True)
                | models.Q(
                    lat_e6__gte=-90_000_000,
                    lat_e6__lte=90_000_000,
                    lng_e6__gte=-180_000_000,
                    lng_e6__lte=180_000_000,
                ),
                name="stored_file_location_wgs84",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=FileKind.values), name="stored_file_kind_known"
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="stored_file_not_empty"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def shown(self) -> "StoredFile":
        """What a page shows: the stamped display copy when there is one."""
        return self.display_copy if self.display_copy_id else self

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def download_name(self) -> str:
        """The original name with the extension of what was stored (a re-encoded photo is a .jpg
        whatever it was called)."""
        stem = PurePosixPath(self.original_name).stem or "file"
        return f"{stem}{PurePosixPath(self.storage_name).suffix}"
