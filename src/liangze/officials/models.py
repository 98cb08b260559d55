"""包保干部 and 包保关系 (docs/domain.md §1.1, §1.2).

An official's covering level is the level of the division their official role grant sits on: the
post is `grant.division`, and the level is never stored a second time.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liangze.core.models import BaseModel
from liangze.regions.models import Level


class Official(BaseModel):
    """A named cadre who covers businesses. `active_to` set means deactivated from that date;
    the grant is then revoked but kept, so the post of a past official is still known."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="official"
    )
    grant = models.OneToOneField(
        "accounts.RoleGrant", on_delete=models.PROTECT, related_name="official"
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    # E.164 (+86…), the key a re-import matches on.
    phone = models.CharField(_("mobile"), max_length=20, unique=True)
    active_from = models.DateField(_("active from"))
    active_to = models.DateField(_("active until"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_from__lte=models.F("active_to")),
                name="official_active_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def division(self):
        """The division of the post (where the audit trail files the official's events)."""
        return self.grant.division

    @property
    def level(self) -> str:
        return self.grant.division.level

    @property
    def is_active(self) -> bool:
        return self.active_to is None


class Assignment(BaseModel):
    """包保关系: `official` covers `business` from `starts_on`; open while `ends_on` is empty.
    At most one open assignment per business (a partial unique index); history is kept."""

    class EndReason(models.TextChoices):
        UNASSIGNED = "unassigned", _("Unassigned by the office")
        HANDED_OVER = "handed_over", _("Handed over to a successor")
        REASSIGNED = "reassigned", _("Reassigned to another official")
        REGRADED = "regraded", _("Business regraded")
        MOVED = "moved", _("Business moved")
        CLOSED = "closed", _("Business closed")
        MOVED_OUT = "moved_out", _("Business moved out")

    # No indexes of their own: the two composite indexes below lead with them.
    business = models.ForeignKey(
        "businesses.Business",
        on_delete=models.PROTECT,
        related_name="assignments",
        db_index=False,
    )
    official = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="assignments", db_index=False
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=12, choices=EndReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["business"],
                condition=Q(ends_on__isnull=True),
                name="assignment_one_open_per_business",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__lte=models.F("ends_on")),
                name="assignment_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["official", "ends_on"], name="assignment_official_idx"),
            models.Index(fields=["business", "starts_on"], name="assignment_business_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.official_id} → {self.business_id}"

    @property
    def division(self):
        return self.business.division

    @property
    def is_open(self) -> bool:
        return self.ends_on is None


class CoveringRule(BaseModel):
    """Per province: the level that covers each grade and the officials' load warning
    (docs/domain.md §1.2, §1.12; a province without a row uses the defaults)."""

    province = models.OneToOneField(
        "regions.Division", on_delete=models.PROTECT, related_name="covering_rule"
    )
    grade_a_level = models.CharField(_("grade A covered at"), max_length=10, choices=Level.choices)
    grade_b_level = models.CharField(_("grade B covered at"), max_length=10, choices=Level.choices)
    grade_c_level = models.CharField(_("grade C covered at"), max_length=10, choices=Level.choices)
    grade_d_level = models.CharField(_("grade D covered at"), max_length=10, choices=Level.choices)
    load_warning = models.PositiveIntegerField(_("load warning (businesses)"), default=30)

    def __str__(self) -> str:
        return str(self.province_id)

    def level_for(self, grade: str) -> str:
        return getattr(self, f"grade_{grade.lower()}_level")
