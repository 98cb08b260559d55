"""Demo visits: a year of quarters for every open assignment, most done, some late, some missing;
a problem on about one visit in ten, recorded through `problem_record_many`, each with its own
small generated photo, and a photo on some clean visits.

Visits are written in bulk (one insert per quarter) because ~10,000 of them through the service
would take minutes; the problems go through the closed loop's service, as the form's do. The
tasks of each quarter are then brought in line by `tasks_sync`.
"""

import io
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from liangze.files.capture import CaptureIn
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.officials.models import Assignment
from liangze.rectification.services import ProblemDraft, problem_record_many
from liangze.visits.checklist import DEFAULT_ITEMS
from liangze.visits.models import (
    ItemResult,
    LocationState,
    TaskStatus,
    Visit,
    VisitItem,
    VisitMode,
    VisitPhoto,
    VisitTask,
)
from liangze.visits.periods import Quarter
from liangze.visits.rules import haversine_m, visit_rules
from liangze.visits.services import tasks_sync

SEED = 20261001
DONE_PER_HUNDRED = 88  # past quarters; the rest are missed
LATE_PER_HUNDRED = 4
PROBLEM_PER_HUNDRED = 10
CLEAN_PHOTO_PER_HUNDRED = 3
PROBLEMS = (
    ("storage", "冷藏柜温度高于8℃"),
    ("records", "进货台账未及时登记"),
    ("health", "一名从业人员健康证过期"),
    ("cleaning", "餐具消毒记录缺失"),
    ("licence", "许可证未在显著位置悬挂"),
    ("samples", "留样不足48小时"),
)
LABELS = {i.key: i.label for i in DEFAULT_ITEMS}


@dataclass(frozen=True)
class DemoVisits:
    visits: int
    problems: int
    late: int


def _taken(visit) -> CaptureIn:
    """A demo photo was taken at the visit, at the business (when it has a point)."""
    shop = visit.business
    located = shop.lat_e6 is not None and shop.lng_e6 is not None
    return CaptureIn(
        captured_at=visit.visited_at.isoformat(),
        lat_e6=str(shop.lat_e6) if located else "",
        lng_e6=str(shop.lng_e6) if located else "",
    )


def photo_jpeg(seed: int) -> bytes:
    """A small picture, different per seed (no two demo photos share a hash)."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    image = Image.new("RGB", (96, 72), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        box = (
            sorted(rng.randrange(96) for _ in range(2)),
            sorted(rng.randrange(72) for _ in range(2)),
        )
        draw.rectangle(
            (box[0][0], box[1][0], box[0][1], box[1][1]),
            fill=tuple(rng.randrange(256) for _ in range(3)),
        )
    draw.text((4, 4), f"{seed}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def _moment(rng: random.Random, quarter: Quarter, latest: datetime) -> datetime:
    span = (min(quarter.ends_at, latest) - quarter.opens_at).total_seconds()
    at = quarter.opens_at + timedelta(seconds=rng.uniform(0, max(span, 1)))
    # Working hours, Shanghai.
    local = timezone.localtime(at).replace(hour=rng.randrange(9, 18), minute=rng.randrange(60))
    return min(local, latest)


@transaction.atomic
def demo_visits_load(*, now: datetime | None = None) -> DemoVisits:
    """Idempotent: a quarter that already has visits is left as it is."""
    now = now or timezone.now()
    rng = random.Random(SEED)  # noqa: S311
    current = Quarter.of(timezone.localdate(now))
    first = current.previous().previous().previous()
    quarters = [first, first.next(), first.next().next(), current]
    rules = visit_rules()
    assignments = list(
        Assignment.objects.filter(ends_on__isnull=True, business__status="operating")
        .select_related("business__division", "official__user", "official__grant__division")
        .order_by("pk")
    )
    keys = [i.key for i in DEFAULT_ITEMS]
    made = problems = late = 0
    for quarter in quarters:
        if Visit.objects.filter(period=quarter.first_day).exists():
            continue
        covering = [a for a in assignments if a.starts_on <= quarter.last_day]
        if quarter != current:
            VisitTask.objects.bulk_create(
                [
                    VisitTask(
                        business_id=a.business_id,
                        official_id=a.official_id,
                        period=quarter.first_day,
                        status=TaskStatus.DUE,
                        required=rules.required(
                            grade=a.business.grade, path=a.official.grant.division.path
                        ),
                    )
                    for a in covering
                ],
                ignore_conflicts=True,
                batch_size=2000,
            )
        # The current quarter is under way: fewer done so far.
        share = DONE_PER_HUNDRED if quarter != current else 55
        visits = []
        for a in covering:
            if rng.randrange(100) >= share:
                continue
            earliest = max(
                quarter.opens_at, timezone.make_aware(datetime(*a.starts_on.timetuple()[:3]))
            )
            visited_at = _moment(rng, quarter, now)
            if visited_at < earliest:
                visited_at = min(earliest + timedelta(hours=10), now)
            is_late = quarter != current and rng.randrange(100) < LATE_PER_HUNDRED
            received = (
                quarter.ends_at + timedelta(days=rng.randrange(1, 6), hours=rng.randrange(9, 17))
                if is_late
                else visited_at + timedelta(minutes=rng.randrange(1, 90))
            )
            b = a.business
            located = b.lat_e6 is not None and rng.randrange(100) < 70
            lat = b.lat_e6 + rng.randrange(-900, 900) if located else None
            lng = b.lng_e6 + rng.randrange(-900, 900) if located else None
            visits.append(
                Visit(
                    official=a.official,
                    business=b,
                    period=quarter.first_day,
                    visited_at=visited_at,
                    visited_on=timezone.localdate(visited_at),
                    received_at=min(received, now),
                    mode=VisitMode.REMOTE if rng.randrange(100) < 15 else VisitMode.ON_SITE,
                    location=LocationState.GIVEN
                    if located
                    else rng.choice([LocationState.DENIED, LocationState.UNAVAILABLE]),
                    lat_e6=lat,
                    lng_e6=lng,
                    distance_m=haversine_m(lat, lng, b.lat_e6, b.lng_e6) if located else None,
                    representative=b.contact_name or "负责人",
                    signature_refused=False,
                    checklist=keys,
                    idempotency_key=uuid.UUID(int=rng.getrandbits(128), version=4),
                    late=is_late,
                )
            )
        Visit.objects.bulk_create(visits, batch_size=2000)
        made += len(visits)
        late += sum(v.late for v in visits)
        items, clean_photos = [], []
        for visit in visits:
            roll = rng.randrange(100)
            division = visit.business.division
            if roll < PROBLEM_PER_HUNDRED:
                key, text = PROBLEMS[rng.randrange(len(PROBLEMS))]
                fixed = rng.randrange(100) < 40
                seed = visit.pk * 10
                before = stored_file_save(
                    actor=visit.official.user,
                    division=division,
                    kind=FileKind.PHOTO,
                    upload=ContentFile(photo_jpeg(seed), f"problem-{visit.pk}.jpg"),
                    evidence=True,
                    capture=_taken(visit),
                )
                after = (
                    [
                        stored_file_save(
                            actor=visit.official.user,
                            division=division,
                            kind=FileKind.PHOTO,
                            upload=ContentFile(photo_jpeg(seed + 1), f"fixed-{visit.pk}.jpg"),
                            evidence=True,
                            capture=_taken(visit),
                        )
                    ]
                    if fixed
                    else []
                )
                (problem,) = problem_record_many(
                    actor=visit.official.user,
                    business=visit.business,
                    source="visit",
                    source_id=visit.pk,
                    found_at=visit.visited_at,
                    drafts=[
                        ProblemDraft(
                            description=text,
                            severity="serious" if rng.randrange(100) < 20 else "general",
                            category=key,
                            fixed_on_spot=fixed,
                            photos=[before],
                            after_photos=after,
                        )
                    ],
                )
                items.append(
                    VisitItem(
                        visit=visit,
                        key=key,
                        label=str(LABELS[key]),
                        result=ItemResult.PROBLEM,
                        problem=problem,
                    )
                )
                problems += 1
            elif roll < PROBLEM_PER_HUNDRED + CLEAN_PHOTO_PER_HUNDRED:
                clean_photos.append(
                    VisitPhoto(
                        visit=visit,
                        file=stored_file_save(
                            actor=visit.official.user,
                            division=division,
                            kind=FileKind.PHOTO,
                            upload=ContentFile(
                                photo_jpeg(visit.pk * 10 + 5), f"visit-{visit.pk}.jpg"
                            ),
                            evidence=True,
                            capture=_taken(visit),
                        ),
                    )
                )
        VisitItem.objects.bulk_create(items, batch_size=2000)
        VisitPhoto.objects.bulk_create(clean_photos, batch_size=2000)
        Visit.objects.filter(pk__in=[i.visit_id for i in items]).update(problem_count=1)
        tasks_sync(quarter=quarter, now=now)
    return DemoVisits(visits=made, problems=problems, late=late)
