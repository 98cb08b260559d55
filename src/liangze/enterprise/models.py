"""Enterprise duties (企业主体责任, docs/domain.md §1.8): the people a business appoints, its risk
control list, and the daily, weekly and monthly records kept against it.

Records are append-only: a submitted record is never changed or deleted (a correction is a new
record pointing at the one it corrects) and is kept at least two years. A daily check stores only
its failed items as rows, so a clean day is one row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liangze.businesses.types import BusinessGroup
from liangze.core.models import BaseModel

ALL_WEEKDAYS = "1234567"


class EnterpriseProfile(BaseModel):
    """What the duties need beyond the registry: the principal, the people a central kitchen or
    meal-delivery unit serves (§1.8 (4)) and the days the business operates (ISO weekdays)."""

    business = models.OneToOneField(
        "businesses.Business", on_delete=models.PROTECT, related_name="enterprise_profile"
    )
    principal_name = models.CharField(_("principal"), max_length=50, blank=True)
    principal_phone = models.CharField(_("principal's phone"), max_length=20, blank=True)
    people_served = models.PositiveIntegerField(_("people served per meal"), null=True, blank=True)
    operating_weekdays = models.CharField(
        _("operating weekdays"), max_length=7, default=ALL_WEEKDAYS
    )

    def __str__(self) -> str:
        return str(self.business_id)

    def operates_on_weekday(self, iso_weekday: int) -> bool:
        return str(iso_weekday) in self.operating_weekdays


class SafetyPerson(BaseModel):
    """A director or officer: named on the business, optionally with a login (`user`), from
    `appointed_on` until `ended_on`. History is kept."""

    business = models.ForeignKey("businesses.Business", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appointed_on = models.DateField(_("appointed on"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    duties = models.TextField(_("duties"), blank=True, max_length=2000)

    class Meta:
        abstract = True
        ordering = ["-appointed_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class SafetyDirector(SafetyPerson):
    """食品安全总监. At most one current director per business."""

    class Meta(SafetyPerson.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["business"],
                condition=Q(ended_on__isnull=True),
                name="director_one_current_per_business",
            ),
        ]
        indexes = [models.Index(fields=["business", "ended_on"], name="director_business_idx")]


class SafetyOfficer(SafetyPerson):
    """食品安全员. A business may have several."""

    class Meta(SafetyPerson.Meta):
        indexes = [models.Index(fields=["business", "ended_on"], name="officer_business_idx")]


class TrainingRecord(BaseModel):
    """Hours of food-safety training of one director or officer (≥ 40 h a year, §1.8)."""

    director = models.ForeignKey(
        SafetyDirector, on_delete=models.PROTECT, null=True, blank=True, related_name="trainings"
    )
    officer = models.ForeignKey(
        SafetyOfficer, on_delete=models.PROTECT, null=True, blank=True, related_name="trainings"
    )
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    topic = models.CharField(_("topic"), max_length=200)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(director__isnull=False) & Q(officer__isnull=True))
                | (Q(director__isnull=True) & Q(officer__isnull=False)),
                name="training_one_person",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="training_hours_range"
            ),
        ]


class EnrolmentCode(BaseModel):
    """A single-use code the office hands a business so that its director or officer can open
    their own account with the business's credit code. Only a hash is kept."""

    business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    role = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["business", "used_at"], name="enrolment_business_idx")]


class Frequency(models.TextChoices):
    DAY = "day", _("Daily")
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")


class RiskTemplatePoint(BaseModel):
    """One row of a province's starter risk list for a group of business types (§1.2a). A
    province without rows for a group starts from the set shipped with the platform
    (starter.py); its office staff may replace that set with their own."""

    province = models.ForeignKey("regions.Division", on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("group"), max_length=20, choices=BusinessGroup.choices)
    position = models.PositiveIntegerField(default=0)
    stage = models.CharField(_("control stage"), max_length=100)
    point = models.CharField(_("risk point"), max_length=200)
    description = models.TextField(_("risk description"), max_length=1000, blank=True)
    measure = models.TextField(_("control measure"), max_length=1000)
    target = models.CharField(_("control target"), max_length=200, blank=True)
    frequency = models.CharField(_("frequency"), max_length=5, choices=Frequency.choices)
    responsible = models.CharField(_("responsible"), max_length=100, blank=True)

    class Meta:
        ordering = ["province", "group", "position", "pk"]


class RiskControlList(BaseModel):
    """风险管控清单 of a business, one row per version. Editing makes a new version with its own
    points; records keep the version they were made against, so old versions are never changed.
    The current version is the highest."""

    business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    version = models.PositiveIntegerField()
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["business", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "version"], name="risk_list_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business_id} v{self.version}"


class RiskPoint(models.Model):
    """One row of a risk control list version (§1.8's columns)."""

    risk_list = models.ForeignKey(RiskControlList, on_delete=models.PROTECT, related_name="points")
    position = models.PositiveIntegerField(default=0)
    stage = models.CharField(_("control stage"), max_length=100)
    point = models.CharField(_("risk point"), max_length=200)
    description = models.TextField(_("risk description"), max_length=1000, blank=True)
    measure = models.TextField(_("control measure"), max_length=1000)
    target = models.CharField(_("control target"), max_length=200, blank=True)
    frequency = models.CharField(_("frequency"), max_length=5, choices=Frequency.choices)
    responsible = models.CharField(_("responsible"), max_length=100, blank=True)

    class Meta:
        ordering = ["risk_list", "position", "pk"]

    def __str__(self) -> str:
        return self.point


class Record(BaseModel):
    """What the three records share. `late` when entered for the period before the current one;
    `corrects` names the record a correction replaces (the old one stays)."""

    business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    risk_list = models.ForeignKey(
        RiskControlList, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    late = models.BooleanField(_("entered late"), default=False)

    class Meta:
        abstract = True


class DailyCheck(Record):
    """《每日食品安全检查记录》: one row per check; its failed items are DailyCheckFailure rows."""

    on = models.DateField(_("date"))
    failures = models.PositiveIntegerField(_("failed items"), default=0)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["business", "on"], name="daily_check_business_idx")]


class DailyCheckFailure(models.Model):
    """A risk point that failed on a daily check, with what was found and done. The fix is kept
    in place (owner, deadline) and followed in the weekly review."""

    check_record = models.ForeignKey(DailyCheck, on_delete=models.PROTECT, related_name="items")
    risk_point = models.ForeignKey(RiskPoint, on_delete=models.PROTECT, related_name="+")
    problem = models.CharField(_("problem"), max_length=500)
    measure = models.CharField(_("measure taken"), max_length=500, blank=True)
    owner = models.CharField(_("owner"), max_length=50, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    def __str__(self) -> str:
        return self.problem


class ClosedDay(BaseModel):
    """A day a business marked closed: no daily check is due."""

    business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business", "on"], name="closed_day_once"),
        ]


class WeekRating(models.IntegerChoices):
    CONTROLLED = 1, _("1 · Risks under control")
    HAZARDS = 2, _("2 · Hazards found, act soon")
    SERIOUS = 3, _("3 · Serious hazards, the principal must act")


class WeeklyReview(Record):
    """《每周食品安全排查治理报告》 for the week Monday `week_start` to Sunday (Shanghai)."""

    week_start = models.DateField(_("week from"))
    rating = models.PositiveSmallIntegerField(_("week rating"), choices=WeekRating.choices)
    problems = models.TextField(_("problems found"), max_length=4000, blank=True)
    rectification = models.TextField(
        _("rectification (owner, deadline, status)"), max_length=4000, blank=True
    )
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )

    class Meta:
        ordering = ["-week_start", "-pk"]
        indexes = [
            models.Index(fields=["business", "week_start"], name="weekly_review_business_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rating__in=[1, 2, 3]), name="week_rating_range"),
        ]


class MonthlyMeeting(Record):
    """《每月食品安全调度会议纪要》 for the month starting `month` (the 1st)."""

    month = models.DateField(_("month"))
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200)
    chair = models.CharField(_("chair"), max_length=50)
    attendees = models.TextField(_("attendees"), max_length=2000)
    summary = models.TextField(_("the month in summary"), max_length=4000)
    priorities = models.TextField(_("next month's priorities"), max_length=4000, blank=True)
    signature = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scan = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )

    class Meta:
        ordering = ["-month", "-pk"]
        indexes = [models.Index(fields=["business", "month"], name="monthly_meeting_business_idx")]


class SelfCheckNotice(BaseModel):
    """An in-app notice about the self-checks of one business to one person: a missing record
    (to the officer, then the director) or a week rated 3 (to the responsible official). `key`
    makes each notice once-only."""

    class Topic(models.TextChoices):
        DAILY_MISSING = "daily_missing", _("Today's daily check is missing")
        DAILY_MISSED = "daily_missed", _("Yesterday's daily check was missed")
        WEEK_SERIOUS = "week_serious", _("A week was rated 3 (serious hazards)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    business = models.ForeignKey(
        "businesses.Business", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    topic = models.CharField(max_length=20, choices=Topic.choices)
    due_on = models.DateField()
    key = models.CharField(max_length=80)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="self_check_notice_once"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="self_check_notice_user_idx")]
