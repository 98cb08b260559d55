"""督导 visits (docs/domain.md §1.2, §1.3, §1.5, §1.10): what is due each quarter (`VisitTask`),
the entry windows (`EntryWindow`, `WindowReopening`), the checklist templates (`ChecklistItem`)
and the visits themselves with their item results and photos.

A quarter is named by its first day (visits/periods.py); there is no period table.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from liangze.core.models import BaseModel


class VisitRule(BaseModel):
    """Per province: visits a quarter per grade (at least 1, may be raised, never lowered below
    the national floor) and the entry window's grace in days after quarter end (§1.12). A
    province without a row uses the defaults (1 a quarter, 0 days)."""

    province = models.OneToOneField(
        "regions.Division", on_delete=models.PROTECT, related_name="visit_rule"
    )
    per_quarter_a = models.PositiveSmallIntegerField(_("visits a quarter, grade A"), default=1)
    per_quarter_b = models.PositiveSmallIntegerField(_("visits a quarter, grade B"), default=1)
    per_quarter_c = models.PositiveSmallIntegerField(_("visits a quarter, grade C"), default=1)
    per_quarter_d = models.PositiveSmallIntegerField(_("visits a quarter, grade D"), default=1)
    grace_days = models.PositiveSmallIntegerField(_("entry grace (days)"), default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(per_quarter_a__gte=1)
                & Q(per_quarter_b__gte=1)
                & Q(per_quarter_c__gte=1)
                & Q(per_quarter_d__gte=1),
                name="visit_rule_at_least_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.province_id)

    def per_quarter(self, grade: str) -> int:
        return getattr(self, f"per_quarter_{grade.lower()}")


class ChecklistItem(BaseModel):
    """One item of a province's visit checklist (the task list, §1.4, §1.5); `business_type`
    blank applies to every type. A province without items uses visits/checklist.py's defaults."""

    province = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="checklist_items"
    )
    business_type = models.CharField(_("business type"), max_length=40, blank=True)
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("item"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "business_type", "key"], name="checklist_item_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class TaskStatus(models.TextChoices):
    DUE = "due", _("Due")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    EXEMPT = "exempt", _("Exempt")
    CANCELLED = "cancelled", _("Cancelled")


class VisitTask(BaseModel):
    """One (business, official) a quarter: due when both are active and in scope, done when the
    business has the visits its frequency asks, missed when the window closed without them,
    exempt when the assignment began in the quarter's last days, cancelled (never deleted) when
    the business or official left it (§2 visit completion)."""

    business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="visit_tasks", db_index=False
    )
    official = models.ForeignKey(
        "officials.Official", on_delete=models.PROTECT, related_name="visit_tasks", db_index=False
    )
    period = models.DateField(_("quarter"))
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.DUE
    )
    required = models.PositiveSmallIntegerField(_("visits required"), default=1)
    visits_made = models.PositiveSmallIntegerField(_("visits made"), default=0)
    # The assignment began in the quarter's last days (§2): out of the denominator unless done.
    exempt = models.BooleanField(default=False)

    class Meta:
        ordering = ["period", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "official", "period"], name="visit_task_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["official", "period"], name="visit_task_official_idx"),
            models.Index(fields=["period", "business"], name="visit_task_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.business_id}/{self.official_id}"


class EntryWindow(BaseModel):
    """An office closes a quarter's entry for its subtree before the default close (§1.3); never
    later (the service refuses)."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="entry_windows"
    )
    period = models.DateField(_("quarter"))
    closes_at = models.DateTimeField(_("closes at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["division", "period"], name="entry_window_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.division_id}"


class WindowReopening(BaseModel):
    """A closed quarter reopened for one named official until `ends_at`, with a reason; entries
    made through it are marked late and count."""

    official = models.ForeignKey(
        "officials.Official", on_delete=models.PROTECT, related_name="window_reopenings"
    )
    period = models.DateField(_("quarter"))
    reason = models.CharField(_("reason"), max_length=300)
    ends_at = models.DateTimeField(_("open until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["-ends_at"]

    def __str__(self) -> str:
        return f"{self.period} {self.official_id}"


class VisitMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote (video)")


class LocationState(models.TextChoices):
    GIVEN = "given", _("Given")
    DENIED = "denied", _("Denied")
    UNAVAILABLE = "unavailable", _("Unavailable")


class VisitQuerySet(models.QuerySet):
    def valid(self):
        """The visits no correction replaced. Written as NOT EXISTS: the reverse one-to-one's
        `replaced_by__isnull=True` is a LEFT JOIN whose IS NULL PostgreSQL cannot turn into an
        anti-join, and it then expects one row of millions and plans a nested loop over them
        (the province benchmark's rebuild ran for minutes on it)."""
        return self.filter(~Exists(Visit.objects.filter(replaces=OuterRef("pk"))))


class Visit(BaseModel):
    """One visit as submitted; never edited. A correction is a new visit whose `replaces` names
    the old one, which then leaves the figures (`replaced_by` set)."""

    objects = VisitQuerySet.as_manager()

    official = models.ForeignKey(
        "officials.Official", on_delete=models.PROTECT, related_name="visits", db_index=False
    )
    business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="visits", db_index=False
    )
    task = models.ForeignKey(
        VisitTask, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    period = models.DateField(_("quarter"))
    visited_at = models.DateTimeField(_("visited at"))
    visited_on = models.DateField(_("visit date"))  # Shanghai date of visited_at
    received_at = models.DateTimeField(_("received at"))
    mode = models.CharField(_("mode"), max_length=10, choices=VisitMode.choices)
    location = models.CharField(
        _("location"), max_length=12, choices=LocationState.choices, default=LocationState.DENIED
    )
    # WGS-84 micro-degrees (docs/domain.md §3.4) and the haversine distance to the business.
    lat_e6 = models.IntegerField(null=True, blank=True)
    lng_e6 = models.IntegerField(null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    representative = models.CharField(_("business representative"), max_length=60, blank=True)
    signature = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signature_refused = models.BooleanField(_("refused to sign"), default=False)
    refusal_note = models.CharField(_("note on the refusal"), max_length=300, blank=True)
    # The checklist as it was: keys in order. Only items not passed get a VisitItem row, so a
    # clean visit writes one row.
    checklist = models.JSONField(default=list)
    problem_count = models.PositiveSmallIntegerField(default=0)
    idempotency_key = models.UUIDField(unique=True, default=uuid.uuid4)
    late = models.BooleanField(_("entered late"), default=False)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    correction_reason = models.CharField(_("why corrected"), max_length=300, blank=True)

    class Meta:
        ordering = ["-visited_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(signature_refused=False) | ~Q(refusal_note=""),
                name="visit_refusal_has_note",
            ),
        ]
        indexes = [
            models.Index(fields=["business", "period"], name="visit_business_period_idx"),
            models.Index(fields=["official", "period"], name="visit_official_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.business_id} {self.visited_at:%Y-%m-%d}"


class ItemResult(models.TextChoices):
    PASS = "pass", _("Pass")
    PROBLEM = "problem", _("Problem")
    NOT_APPLICABLE = "na", _("Not applicable")


class VisitItem(models.Model):
    """An item of a visit that did not simply pass (a problem, not applicable, or a note)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=200)
    result = models.CharField(max_length=8, choices=ItemResult.choices)
    note = models.CharField(max_length=500, blank=True)
    problem = models.ForeignKey(
        "rectification.Problem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.key}"


class VisitPhoto(models.Model):
    """A photo of a clean visit (optional evidence); problem photos live with the problem."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.file_id}"
