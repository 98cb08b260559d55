"""The demo's enterprise duties (docs/domain.md §1.8, §4): directors and officers for the Golmud
businesses per the rule, with a few missing so that the staffing rate stays below 100%; a risk
control list each from the starter set; and the last quarter's daily checks, weekly reviews and
monthly minutes of the businesses that keep them, with realistic gaps. The minutes carry a drawn
signature, a small generated PNG stored through the files app as a signature drawn on screen is;
one stored file per village (a few variants of the drawing) keeps the load fast.

Deterministic (one seeded generator) and set-based: a few bulk inserts, no per-row service
call. Records are written straight to their tables as an import would, not through the
services' entry windows (which refuse anything older than yesterday). A rerun finds the
appointments already there and changes nothing.
"""

import io
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.types import TYPE_GROUP, BusinessType
from liangze.enterprise import periods
from liangze.enterprise.models import (
    DailyCheck,
    DailyCheckFailure,
    EnterpriseProfile,
    MonthlyMeeting,
    RiskControlList,
    RiskPoint,
    SafetyDirector,
    SafetyOfficer,
    TrainingRecord,
    WeeklyReview,
)
from liangze.enterprise.rules import director_required, is_enterprise
from liangze.enterprise.starter import starter_rows
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.regions.models import Division

SEED = 20260301
DAYS = 91  # a quarter of records, ending yesterday
BATCH = 5000
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华"
# How diligently a business keeps its records: (share of businesses, share of days checked).
HABITS = ((0.6, 0.97), (0.25, 0.8), (0.1, 0.45), (0.05, 0.0))


@dataclass(frozen=True)
class DemoEnterpriseSummary:
    directors: int = 0
    officers: int = 0
    risk_lists: int = 0
    daily_checks: int = 0
    weekly_reviews: int = 0
    monthly_meetings: int = 0


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _habit(rng: random.Random) -> float:
    roll = rng.random()
    for share, diligence in HABITS:
        if roll < share:
            return diligence
        roll -= share
    return HABITS[-1][1]


def demo_enterprise_load(
    *, region: Division, staff_users: dict[int, list] | None = None
) -> DemoEnterpriseSummary:
    """Load the duties for the operating businesses of `region`. `staff_users` maps a business
    id to [(role, user)] of the demo's logins, who become its director or officer."""
    if SafetyOfficer.objects.exists() or SafetyDirector.objects.exists():
        return DemoEnterpriseSummary()
    rng = random.Random(SEED)  # noqa: S311 demo data, not a secret
    staff_users = staff_users or {}
    today = periods.today()
    businesses = list(
        Business.objects.filter(
            status=BusinessStatus.OPERATING, division__path__startswith=region.path
        )
        .order_by("pk")
        .only("pk", "division_id", "uscc", "business_type", "scale", "chain_hq", "status_since")
    )
    profiles, directors, officers = [], [], []
    keepers = []
    for business in businesses:
        kind = BusinessType(business.business_type)
        served = None
        if kind in (BusinessType.CENTRAL_KITCHEN, BusinessType.MEAL_DELIVERY_UNIT):
            served = rng.choice((300, 800, 1200, 2500))
            profiles.append(EnterpriseProfile(business_id=business.pk, people_served=served))
        logins = dict(staff_users.get(business.pk, []))
        appointed = max(business.status_since, today - timedelta(days=rng.randint(100, 900)))
        appointed = min(appointed, today - timedelta(days=DAYS + 1))
        enterprise = is_enterprise(business.uscc)
        needs_director = enterprise and director_required(
            business_type=kind,
            scale=business.scale,
            chain_hq=business.chain_hq,
            people_served=served,
        )
        if "business_director" in logins or (needs_director and rng.random() < 0.88):
            directors.append(
                SafetyDirector(
                    business_id=business.pk,
                    name=getattr(logins.get("business_director"), "display_name", "") or _name(rng),
                    user=logins.get("business_director"),
                    appointed_on=appointed,
                )
            )
        has_officer = "business_officer" in logins or (
            rng.random() < (0.93 if enterprise else 0.06)
        )
        if has_officer:
            officers.append(
                SafetyOfficer(
                    business_id=business.pk,
                    name=getattr(logins.get("business_officer"), "display_name", "") or _name(rng),
                    user=logins.get("business_officer"),
                    appointed_on=appointed,
                )
            )
        if enterprise or has_officer:
            keepers.append(business)
    EnterpriseProfile.objects.bulk_create(profiles, batch_size=BATCH)
    SafetyDirector.objects.bulk_create(directors, batch_size=BATCH)
    SafetyOfficer.objects.bulk_create(officers, batch_size=BATCH)
    # Training a day at a time (at most 24 h a record): some reach the 40 h of a year, most not yet.
    trainings = [
        TrainingRecord(
            officer_id=officer.pk,
            held_on=today - timedelta(days=rng.randint(1, 80)),
            hours=rng.choice((8, 16, 24)),
            topic="食品安全法律法规与日管控要点",
        )
        for officer in officers
        for _day in range(rng.choice((0, 1, 1, 2, 2, 3)))
    ]
    TrainingRecord.objects.bulk_create(trainings, batch_size=BATCH)
    lists = _risk_lists(keepers)
    counts = _records(rng, keepers, lists, today=today)
    return DemoEnterpriseSummary(
        directors=len(directors), officers=len(officers), risk_lists=len(lists), **counts
    )


def _risk_lists(keepers: list[Business]) -> dict[int, tuple[int, list[int]]]:
    """{business id: (list id, daily point ids)}: version 1 from the starter set of its group."""
    RiskControlList.objects.bulk_create(
        [RiskControlList(business_id=b.pk, version=1, note="由参考清单生成") for b in keepers],
        batch_size=BATCH,
    )
    list_ids = dict(
        RiskControlList.objects.filter(business_id__in=[b.pk for b in keepers]).values_list(
            "business_id", "pk"
        )
    )
    points = []
    for business in keepers:
        rows = starter_rows(TYPE_GROUP[BusinessType(business.business_type)])
        points += [RiskPoint(risk_list_id=list_ids[business.pk], **row) for row in rows]
    RiskPoint.objects.bulk_create(points, batch_size=BATCH)
    daily = defaultdict(list)
    for list_id, point_id in RiskPoint.objects.filter(
        risk_list_id__in=list_ids.values(), frequency="day"
    ).values_list("risk_list_id", "pk"):
        daily[list_id].append(point_id)
    return {b: (list_id, daily[list_id]) for b, list_id in list_ids.items()}


SIGNATURE_VARIANTS = 4


def signature_png(seed: int) -> bytes:
    """A scribbled signature in dark ink on white, as the signature pad sends it (a PNG)."""
    rng = random.Random(seed)  # noqa: S311 demo data, not a secret
    image = Image.new("RGB", (180, 60), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    x, y = 12, 34
    points = [(x, y)]
    while x < 168:
        x += rng.randint(6, 14)
        y = max(8, min(52, y + rng.randint(-16, 16)))
        points.append((x, y))
    draw.line(points, fill=(20, 30, 80), width=3, joint="curve")
    draw.line((20, 50, 150, 46), fill=(20, 30, 80), width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _signatures(division_ids) -> dict[int, int]:
    """One stored signature per division (stored as the meeting service stores a drawn one):
    {division id: stored file id}."""
    variants = [signature_png(SEED + n) for n in range(SIGNATURE_VARIANTS)]
    divisions = Division.objects.in_bulk(set(division_ids))
    return {
        pk: stored_file_save(
            actor=None,
            division=division,
            kind=FileKind.SIGNATURE,
            upload=ContentFile(variants[pk % SIGNATURE_VARIANTS], name="signature.png"),
        ).pk
        for pk, division in sorted(divisions.items())
    }


def _records(rng, keepers, lists, *, today: date) -> dict:
    first = today - timedelta(days=DAYS)
    checks, reviews, meetings = [], [], []
    failing = []  # (check index, point id)
    months = sorted(
        {periods.month_start(first + timedelta(days=d)) for d in range(DAYS)}
        - {periods.month_start(today)}
    )
    for business in keepers:
        list_id, daily_points = lists[business.pk]
        diligence = _habit(rng)
        if not diligence:
            continue
        for offset in range(DAYS):
            day = first + timedelta(days=offset)
            if rng.random() >= diligence:
                continue
            if daily_points and rng.random() < 0.04:
                failing.append((len(checks), rng.choice(daily_points)))
            checks.append(
                DailyCheck(
                    business_id=business.pk,
                    risk_list_id=list_id,
                    on=day,
                    late=rng.random() < 0.05,
                )
            )
        week = periods.week_start(first) + timedelta(days=7)
        while week + timedelta(days=6) < today:
            if rng.random() < diligence:
                rating = 1 if rng.random() < 0.9 else (2 if rng.random() < 0.85 else 3)
                reviews.append(
                    WeeklyReview(
                        business_id=business.pk,
                        risk_list_id=list_id,
                        week_start=week,
                        rating=rating,
                        problems="" if rating == 1 else "冷藏柜温度偏高，已调整并复查",
                        rectification="" if rating == 1 else "责任人：安全员；期限：3日；已完成",
                    )
                )
            week += timedelta(days=7)
        for month in months:
            if rng.random() < diligence:
                meetings.append(
                    MonthlyMeeting(
                        business_id=business.pk,
                        risk_list_id=list_id,
                        month=month,
                        held_on=month + timedelta(days=rng.randint(24, 27)),
                        place="本单位会议室",
                        chair="主要负责人",
                        attendees="主要负责人、食品安全总监、食品安全员",
                        summary="本月日管控正常开展，发现的问题均已整改。",
                        priorities="加强进货查验和留样管理。",
                    )
                )
    for check_index, _point in failing:
        checks[check_index].failures = 1
    DailyCheck.objects.bulk_create(checks, batch_size=BATCH)
    failures = [
        DailyCheckFailure(
            check_record_id=checks[index].pk,
            risk_point_id=point_id,
            problem="记录不完整",
            measure="当场补正",
        )
        for index, point_id in failing
        if checks[index].pk
    ]
    DailyCheckFailure.objects.bulk_create(failures, batch_size=BATCH)
    WeeklyReview.objects.bulk_create(reviews, batch_size=BATCH)
    division_of = {business.pk: business.division_id for business in keepers}
    signatures = _signatures(division_of[meeting.business_id] for meeting in meetings)
    for meeting in meetings:
        meeting.signature_id = signatures[division_of[meeting.business_id]]
    MonthlyMeeting.objects.bulk_create(meetings, batch_size=BATCH)
    return {
        "daily_checks": len(checks),
        "weekly_reviews": len(reviews),
        "monthly_meetings": len(meetings),
    }
