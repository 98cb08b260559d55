import base64
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from liangze.businesses.types import TYPE_GROUP, BusinessType, Scale
from liangze.core.models import BaseModel


class Grade(models.TextChoices):
    """包保等级: which level of official covers the business (docs/domain.md §1.2)."""

    A = "A", _("Grade A (city)")
    B = "B", _("Grade B (county)")
    C = "C", _("Grade C (township)")
    D = "D", _("Grade D (village)")


class RiskLevel(models.TextChoices):
    """监管风险等级 of the 2016 rules: A is the LOWEST risk. Not the covering grade."""

    A = "A", _("Risk A (lowest)")
    B = "B", _("Risk B")
    C = "C", _("Risk C")
    D = "D", _("Risk D (highest)")


class BusinessStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")
    MOVED_OUT = "moved_out", _("Moved out")


PUBLIC_TOKEN_BYTES = 18


def new_public_token() -> str:
    return secrets.token_urlsafe(PUBLIC_TOKEN_BYTES)


def new_public_tokens(count: int) -> list[str]:
    """`count` tokens as new_public_token makes them, from one read of the system's random
    source (an import makes 100,000)."""
    entropy = secrets.token_bytes(PUBLIC_TOKEN_BYTES * count)
    encode = base64.urlsafe_b64encode
    return [
        encode(entropy[start : start + PUBLIC_TOKEN_BYTES]).rstrip(b"=").decode("ascii")
        for start in range(0, len(entropy), PUBLIC_TOKEN_BYTES)
    ]


# The columns the business list filters on (selectors.business_list), carried by the indexes the
# list is read through (Business.Meta.indexes).
LIST_FILTER_FIELDS = ("division", "status", "grade", "business_type")


class Business(BaseModel):
    """包保主体: a food business covered by a named official (docs/domain.md §1.2, §1.2a, §1.7).

    Identity: the unified social credit code (`uscc`) when it has one, else the local
    registration number, else the platform id. `uscc` is unique among businesses that are not
    closed. A closed business keeps its row and history and leaves the figures from its status date.
    """

    name = models.CharField(_("name"), max_length=200)
    # The name's search keys, written with the name by search.name_search_fields and never on
    # their own (docs/architecture.md, "Search").
    name_pinyin = models.CharField(max_length=1200, blank=True, default="", editable=False)
    name_initials = models.CharField(max_length=200, blank=True, default="", editable=False)
    name_grams = models.TextField(blank=True, default="", editable=False)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    uscc_pilot_override = models.BooleanField(
        _("pilot code accepted by office override"),
        default=False,
        help_text=_("Early pilot codes fail the check digit yet are legal."),
    )
    registration_number = models.CharField(
        _("local registration number"), max_length=50, blank=True
    )
    license_number = models.CharField(_("food licence number"), max_length=16, blank=True)
    business_type = models.CharField(
        _("business type"), max_length=40, choices=BusinessType.choices
    )
    chain_hq = models.BooleanField(_("chain headquarters"), default=False)
    key = models.BooleanField(_("key business"), default=False)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    staff_count = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    annual_revenue_fen = models.BigIntegerField(_("annual revenue (fen)"), null=True, blank=True)
    grade = models.CharField(_("covering grade"), max_length=1, choices=Grade.choices)
    risk_level = models.CharField(
        _("regulator's risk level"), max_length=1, choices=RiskLevel.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=BusinessStatus.choices, default=BusinessStatus.OPERATING
    )
    status_since = models.DateField(_("status since"))
    # No index of its own: the (division, status) and (division, name, id) indexes lead with
    # it, and each index is paid for by every row an import writes.
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="businesses", db_index=False
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat_e6 = models.IntegerField(_("latitude (micro-degrees, WGS-84)"), null=True, blank=True)
    lng_e6 = models.IntegerField(_("longitude (micro-degrees, WGS-84)"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    open_kitchen = models.BooleanField(_("open-kitchen cameras"), default=False)
    public_token = models.CharField(max_length=32, unique=True, default=new_public_token)
    # Not indexed: nothing lists businesses by who registered them (the audit log does).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=Q(uscc__gt="") & ~Q(status="closed"),
                name="business_uscc_unique_while_live",
            ),
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=Q(registration_number__gt="") & Q(uscc="") & ~Q(status="closed"),
                name="business_registration_unique_while_live",
            ),
            models.CheckConstraint(
                condition=Q(lat_e6__isnull=True)
                | Q(lat_e6__gte=-90_000_000, lat_e6__lte=90_000_000),
                name="business_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(lng_e6__isnull=True)
                | Q(lng_e6__gte=-180_000_000, lng_e6__lte=180_000_000),
                name="business_longitude_range",
            ),
        ]
        indexes = [
            # The list's filters (selectors.business_list) are the jurisdiction (a set of
            # division ids), grade, status and type: every index a list is read through carries
            # all four, so counting a list or stepping over the rows before a deep page reads
            # index entries only, never table rows (docs/architecture.md, "Large lists").
            models.Index(fields=list(LIST_FILTER_FIELDS), name="business_division_filter_idx"),
            models.Index(fields=["grade", "status"], name="business_grade_status_idx"),
            # The list's orderings (selectors.SORTS), walked a page at a time (core.pagination):
            # by name, by pinyin, and by division then name.
            models.Index(fields=["name", "id", *LIST_FILTER_FIELDS], name="business_name_walk_idx"),
            models.Index(fields=["division", "name", "id"], name="business_division_name_idx"),
            models.Index(
                fields=["name_pinyin", "id", *LIST_FILTER_FIELDS], name="business_pinyin_walk_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def group(self) -> str:
        return TYPE_GROUP[BusinessType(self.business_type)]

    @property
    def in_scope(self) -> bool:
        """在产在营获证: operating businesses count in the figures (docs/domain.md §1.7)."""
        return self.status == BusinessStatus.OPERATING


class TallyRow(models.Model):
    """A number of businesses of one division, status, grade and type (LIST_FILTER_FIELDS)."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    status = models.CharField(max_length=Business._meta.get_field("status").max_length)
    grade = models.CharField(max_length=Business._meta.get_field("grade").max_length)
    business_type = models.CharField(
        max_length=Business._meta.get_field("business_type").max_length
    )
    n = models.IntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.division_id} {self.status} {self.grade} {self.business_type}: {self.n}"


class BusinessTally(TallyRow):
    """How many businesses each division holds with each status, grade and type: what the
    business list counts, in a few hundred rows instead of every business (docs/architecture.md,
    "Large lists"). The count is this table's rows plus BusinessTallyChange's.

    Written only by the database's triggers on the business table (migration 0010), which see
    every write whatever made it (a service, an import's bulk statement, a generated registry), in
    the writer's transaction, and by services.business_tally_fold; nothing else writes it. Rows
    are kept at zero when their last business leaves (the keys stay few: divisions times kinds).
    """

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=list(LIST_FILTER_FIELDS), name="business_tally_key")
        ]


class BusinessTallyChange(TallyRow):
    """A change to the tally not yet added to it: on PostgreSQL the triggers append here, so that
    writers of businesses never wait for one another on a tally row (nor deadlock), and
    services.business_tally_fold adds these rows to BusinessTally every few minutes. On SQLite,
    which has one writer at a time, the triggers add to BusinessTally directly and this stays
    empty."""


class StatusChange(BaseModel):
    """One move of a business's status (主体状态调整), with the date it takes effect."""

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=BusinessStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=BusinessStatus.choices)
    effective_on = models.DateField(_("effective date"))
    reason = models.CharField(_("reason"), max_length=200)
    # No index of its own: nothing reads status changes by actor, and an import writes 100,000.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.business_id}: {self.from_status} → {self.to_status}"


class PublicReport(BaseModel):
    """A problem reported by a member of the public from the business's QR page. Kept for the
    complaints workflow; never shown publicly."""

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="public_reports")
    description = models.TextField(_("what happened"), max_length=1000)
    contact_phone = models.CharField(_("phone (optional)"), max_length=20, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    # Sent while the business's daily share was spent: kept, not refused (an honest reporter
    # may be among a flood), and set apart for a person to look at (docs/domain.md, "Public
    # reports").
    held_for_review = models.BooleanField(_("held for review"), default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"report on {self.business_id}"


class RegisterEntry(BaseModel):
    """One row of the regulator's licence/filing register (许可/备案台账), imported by the food
    safety office to measure 数据归集率 (docs/domain.md §2, "The register").

    A county's register is replaced as a whole by the next import of that county (`county`, the
    row's county-level division): the rows in force end the day before the new ones begin, so a
    past period is computed from the register then in force (`valid_from` ≤ day < `valid_to`).
    `business` is the business the row names on the platform (credit code, else licence number,
    else registration number); none: the row is missing from the platform. `province_id` (the
    first segment of the division's path) lets the table be distributed by province.
    """

    province_id = models.BigIntegerField()
    county = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="register_entries"
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    license_number = models.CharField(_("food licence number"), max_length=16, blank=True)
    registration_number = models.CharField(
        _("local registration number"), max_length=50, blank=True
    )
    business = models.ForeignKey(
        Business,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="register_entries",
    )
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["division", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="register_entry_valid_range",
            ),
        ]
        indexes = [
            # A county's register in force (the replacement) and a region's missing rows.
            models.Index(fields=["county", "valid_to"], name="register_county_idx"),
            models.Index(fields=["division", "valid_to"], name="register_division_idx"),
            # The businesses a rate looks at, by province for a distributed table.
            models.Index(fields=["province_id", "valid_from"], name="register_province_idx"),
        ]

    def __str__(self) -> str:
        return self.name
