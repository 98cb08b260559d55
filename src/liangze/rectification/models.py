"""The closed loop (闭环, docs/domain.md §1.6): a `Problem` found by a visit (or a public report,
a self-check, a complaint, a rapid test, a camera alert) moves from `open` to `closed`.

The status lives on `Problem`; each reported fix is a `Rectification`, each verification or
re-check a `Recheck`. The allowed moves are one table, `rules.TRANSITIONS`, and one service
moves a problem along it with a compare-and-set update.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liangze.core.models import BaseModel


class ProblemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("problem status", "Open")
    PUSHED = "pushed", _("Pushed to the regulator")
    ACCEPTED = "accepted", _("Accepted")
    ESCALATED = "escalated", _("Case filed")
    RECTIFIED = "rectified", _("Rectified")
    CLOSED = "closed", _("Closed")
    VOID = "void", _("Void")


class ProblemSource(models.TextChoices):
    """Where a problem was found; `source_id` is the id of that record in its own app."""

    VISIT = "visit", _("Supervision visit")
    PUBLIC_REPORT = "public_report", _("Public report")
    SELF_CHECK = "self_check", _("Business self-check")
    COMPLAINT = "complaint", _("Complaint")
    RAPID_TEST = "rapid_test", _("Rapid test")
    CAMERA_ALERT = "camera_alert", _("Open-kitchen camera alert")


class Severity(models.TextChoices):
    SERIOUS = "serious", _("Serious")
    GENERAL = "general", _("General")


class CloseReason(models.TextChoices):
    FIXED_ON_SPOT = "fixed_on_spot", _("Fixed on the spot")
    VERIFIED = "verified", _("Verified by the regulator")
    RECHECKED = "rechecked", _("Confirmed by the official's re-check")
    BUSINESS_CLOSED = "business_closed", _("Business closed")


class VoidKind(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate")
    ERROR = "error", _("Entered in error")
    DISPUTE_UPHELD = "dispute_upheld", _("The business's dispute upheld")


class Problem(BaseModel):
    """问题: one finding at one business. `division` is the business's division when found (where
    the problem is filed for scoping and the audit trail); figures go by the business's division at
    period end (docs/domain.md §2)."""

    business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="problems"
    )
    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=20, choices=ProblemSource.choices)
    # The id of the visit, report or record that found it (in the app that owns that source).
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    description = models.TextField(_("description"), max_length=2000)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    found_at = models.DateTimeField(_("found at"))
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fixed_on_spot = models.BooleanField(_("fixed on the spot"), default=False)
    # The regulator's division the problem was pushed to (the nearest one holding the business).
    regulator_division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pushed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    case_number = models.CharField(_("case number"), max_length=60, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(
        _("close reason"), max_length=20, choices=CloseReason.choices, blank=True
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=500, blank=True)
    void_kind = models.CharField(_("why void"), max_length=20, choices=VoidKind.choices, blank=True)
    # The business disputes the finding; the regulator upholds it (void) or lets it stand.
    dispute_reason = models.CharField(_("dispute"), max_length=1000, blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-found_at", "-pk"]
        indexes = [
            models.Index(fields=["business", "status"], name="problem_business_status"),
            models.Index(fields=["regulator_division", "status"], name="problem_regulator_status"),
            models.Index(fields=["source", "source_id"], name="problem_source"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProblemStatus.values), name="problem_status_known"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="problem_severity_known"
            ),
            models.CheckConstraint(
                condition=Q(source__in=ProblemSource.values), name="problem_source_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=ProblemStatus.CLOSED) | Q(closed_at__isnull=False),
                name="problem_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class ProblemPhoto(models.Model):
    """Evidence: a photo of the problem as found (`before`) or of its fix (`after`)."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("As found")
        AFTER = "after", _("After the fix")

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="photos")
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    # The reported fix an `after` photo belongs to (none for a fix on the spot).
    rectification = models.ForeignKey(
        "Rectification", on_delete=models.PROTECT, null=True, blank=True, related_name="photos"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "file"], name="problem_photo_once"),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}:{self.stage}"


class Rectification(BaseModel):
    """整改: one reported fix, by the business (or the regulator for a business without an
    account), with its note; its photos are `ProblemPhoto` rows of stage `after`."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="rectifications")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), max_length=2000)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.note[:60]


class Recheck(BaseModel):
    """回头看 / 核查: one verification by the regulator or re-check by the official, per problem;
    `visit` is the visit that carried a re-check recorded from the visit form."""

    class Kind(models.TextChoices):
        VERIFICATION = "verification", _("Regulator's verification")
        REVISIT = "revisit", _("Official's re-check visit")

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="rechecks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    fixed = models.BooleanField(_("fixed"))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField()
    visit = models.ForeignKey(
        "visits.Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="rechecks"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.problem_id}"


class LoopRule(BaseModel):
    """Per province: the deadlines and reminders of the closed loop (docs/domain.md §1.12; a
    province without a row uses the defaults of `rules`)."""

    province = models.OneToOneField(
        "regions.Division", on_delete=models.PROTECT, related_name="loop_rule"
    )
    serious_days = models.PositiveSmallIntegerField(_("deadline for a serious problem (days)"))
    general_days = models.PositiveSmallIntegerField(_("deadline for a general problem (days)"))
    reminder_days = models.PositiveSmallIntegerField(_("reminder before a deadline (days)"))
    accept_reminder_days = models.PositiveSmallIntegerField(
        _("reminder for a problem not accepted (days)")
    )
    overdue_notice_days = models.PositiveSmallIntegerField(
        _("overdue notice to the office above (days past the deadline)")
    )

    def __str__(self) -> str:
        return str(self.province_id)


class PublicReportHandling(BaseModel):
    """What became of one public report (docs/domain.md §1.14): marked handled with a note, or
    turned into a problem. The report itself stays in the registry's table."""

    report = models.OneToOneField(
        "businesses.PublicReport", on_delete=models.PROTECT, related_name="handling"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    problem = models.OneToOneField(
        Problem, on_delete=models.PROTECT, null=True, blank=True, related_name="public_report"
    )

    def __str__(self) -> str:
        return str(self.report_id)
