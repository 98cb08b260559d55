"""通报 and 排名: a quarterly notice of a region with its frozen figures (docs/domain.md §2,
"Rankings": a notice is a frozen snapshot)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liangze.core.models import BaseModel
from liangze.figures.rates import Rate


class Notice(BaseModel):
    """A region's notice for one period. Generated as a draft with its figures frozen (the
    `totals` and its `Ranking` rows); office staff edit only the narrative, then publish. A
    published notice never changes; a correction is a new notice that `supersedes` it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    region = models.ForeignKey("regions.Division", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=6)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=4000)
    closing = models.TextField(_("closing paragraph"), max_length=4000, blank=True)
    # {measure code: [label, numerator, denominator]} of the region as generated.
    totals = models.JSONField(default=dict)
    # The laggards named as generated (docs/domain.md §2 "Rankings"; services.notice_laggards
    # says the shape): officials with missed visit tasks and overdue problems, each list capped
    # with the count of all. Empty: a notice from before laggards were named.
    laggards = models.JSONField(default=dict)
    figures_as_of = models.DateField(_("figures as of"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-period", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="notice_published_has_date",
            ),
        ]
        indexes = [models.Index(fields=["region", "period"], name="notice_region_period_idx")]

    def __str__(self) -> str:
        return self.title


class Ranking(models.Model):
    """One direct sub-region's frozen rate and rank on one measure in a notice (rank None: no
    denominator, not ranked). Names and codes are kept as they were when generated."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="rankings")
    measure = models.CharField(max_length=40)
    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=12)
    division_name = models.CharField(max_length=100)
    numerator = models.BigIntegerField()
    denominator = models.BigIntegerField()
    rank = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["notice", "measure", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "measure", "division"], name="ranking_one_per_division"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.division_name}: {self.rank}"

    @property
    def display(self) -> str:
        return Rate(self.numerator, self.denominator).display
