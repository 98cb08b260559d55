"""三清单一承诺书: the commitment letter and the three lists (docs/domain.md §1.4;
docs/documents.md). Imported by officials/models.py, so the app label is `officials`."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liangze.core.models import BaseModel


def one_year_after(day: date) -> date:
    """The same day a year later; 29 February becomes 1 March (a year is never cut short)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


def valid_until(signed_on: date) -> date:
    """A signed document holds from its signing date to that date + 1 year − 1 day."""
    return one_year_after(signed_on) - timedelta(days=1)


def earliest_signing_valid_on(day: date) -> date:
    """The first signing date whose document is still valid on `day`: a document signed on
    `s` is valid on `day` exactly when earliest_signing_valid_on(day) <= s <= day. `valid_until`
    never decreases, so the first such date is found by stepping from a year back."""
    try:
        candidate = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        candidate = date(day.year - 1, 2, 28)
    candidate -= timedelta(days=2)
    while valid_until(candidate) < day:
        candidate += timedelta(days=1)
    return candidate


class DutyDocumentKind(models.TextChoices):
    COMMITMENT = "commitment", _("Commitment letter")
    TASK_LIST = "task_list", _("Task list")
    RESPONSIBILITY_LIST = "responsibility_list", _("Responsibility list")
    INSPECTION_LIST = "inspection_list", _("Inspection list")


# Held by one official; the other two by a division (a filing unit, an office).
PER_OFFICIAL = frozenset({DutyDocumentKind.COMMITMENT, DutyDocumentKind.TASK_LIST})


class DutyDocument(BaseModel):
    """One generated document and what became of it: generated → signed (an uploaded scan or
    drawn signatures; counts at once) → rejected by the office with a reason → signed again.

    The holder is `official` for a letter or task list, else `division` alone (the filing unit of
    a responsibility list, the office of an inspection list); `division` is always the holder's
    division (the official's post) and decides who sees the document. One document per holder,
    kind and year. Validity is computed when read (`valid_until`), never stored.
    """

    Kind = DutyDocumentKind

    class Status(models.TextChoices):
        GENERATED = "generated", _("To sign")
        SIGNED = "signed", _("Signed")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.GENERATED
    )
    year = models.PositiveSmallIntegerField(_("year"))
    official = models.ForeignKey(
        "officials.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_documents",
    )
    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    template = models.ForeignKey(
        "officials.DutyDocumentTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scan = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    official_signature = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigner_signature = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigner_name = models.CharField(_("countersigned by"), max_length=50, blank=True)
    rejected_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["division__path", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["commitment", "task_list"], official__isnull=False)
                | Q(kind__in=["responsibility_list", "inspection_list"], official__isnull=True),
                name="duty_document_holder_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["generated", "signed", "rejected"]),
                name="duty_document_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="generated")
                | Q(signed_on__isnull=False, signed_at__isnull=False),
                name="duty_document_signed_has_date",
            ),
            models.UniqueConstraint(
                fields=["kind", "official", "year"],
                condition=Q(official__isnull=False),
                name="duty_document_one_per_official_year",
            ),
            models.UniqueConstraint(
                fields=["kind", "division", "year"],
                condition=Q(official__isnull=True),
                name="duty_document_one_per_division_year",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "status", "signed_on"], name="duty_document_signed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    @property
    def valid_until(self) -> date | None:
        if self.status != self.Status.SIGNED or self.signed_on is None:
            return None
        return valid_until(self.signed_on)

    def is_valid_on(self, day: date) -> bool:
        until = self.valid_until
        return until is not None and self.signed_on <= day <= until

    @property
    def needs_countersigner(self) -> bool:
        return self.kind == self.Kind.COMMITMENT


class DutyDocumentTemplate(BaseModel):
    """A province's own .docx for one kind, uploaded by office staff; the newest of a province
    and kind is used, else the shipped default. Accepted only after a sample renders."""

    province = models.ForeignKey("regions.Division", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("document"), max_length=20, choices=DutyDocumentKind.choices)
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.province_id})"


class Reminder(BaseModel):
    """An in-app notice to one person (the official's home lists theirs): a document about to
    expire or expired. `key` makes each reminder once-only (`<document>:<what>:<date>`)."""

    class Topic(models.TextChoices):
        EXPIRES_SOON = "expires_soon", _("Expires in 30 days")
        EXPIRED = "expired", _("Expires today")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    topic = models.CharField(max_length=20, choices=Topic.choices)
    document = models.ForeignKey(
        DutyDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    due_on = models.DateField()
    key = models.CharField(max_length=80)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_user"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="reminder_unread_idx")]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} → {self.user_id}"
