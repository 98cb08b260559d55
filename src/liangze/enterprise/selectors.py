"""Reads of the enterprise duties (docs/domain.md §1.8, §2). Every list starts from the
scoping function; the rates are Σ numerators / Σ denominators over the region, never a mean of
percentages, and count in-scope (operating) businesses by their location."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.selectors import access_business_by_id
from liangze.core.scoping import in_jurisdiction, within_subtrees
from liangze.core.sql import as_date, fetch, placeholders
from liangze.enterprise import periods
from liangze.enterprise.access import staff_business_ids
from liangze.enterprise.models import (
    ALL_WEEKDAYS,
    ClosedDay,
    DailyCheck,
    EnterpriseProfile,
    MonthlyMeeting,
    RiskControlList,
    RiskTemplatePoint,
    SafetyDirector,
    SafetyOfficer,
    SelfCheckNotice,
    TrainingRecord,
    WeeklyReview,
)
from liangze.enterprise.rules import (
    TRAINING_HOURS_PER_YEAR,
    director_required,
    is_enterprise,
    officer_required,
)
from liangze.officials.documents.selectors import Rate
from liangze.regions.models import Division

# Missed operating days in one week that show the business to the official and the regulator.
MISSED_DAYS_VISIBLE = 3


def starter_groups_with_own_points(province_ids) -> set[tuple[int, str]]:
    """(province id, group) pairs whose starter list the province has made its own; the
    others start from the shipped set (docs/domain.md §1.8)."""
    return set(
        RiskTemplatePoint.objects.filter(province_id__in=province_ids)
        .values_list("province_id", "group")
        .distinct()
    )


def business_for_viewer(*, viewer, business_id: int) -> Business:
    """A business the viewer may read (regions' roles in their subtrees, staff their own);
    NotFound (recorded) otherwise."""
    return access_business_by_id(viewer, business_id)


def staff_businesses(viewer) -> QuerySet[Business]:
    """The businesses the viewer works for (director or officer)."""
    return Business.objects.filter(pk__in=staff_business_ids(viewer)).select_related("division")


def current_directors(business_ids) -> dict[int, SafetyDirector]:
    return {
        d.business_id: d
        for d in SafetyDirector.objects.filter(business_id__in=business_ids, ended_on__isnull=True)
    }


def current_officers(business) -> list[SafetyOfficer]:
    return list(SafetyOfficer.objects.filter(business=business, ended_on__isnull=True))


def training_hours(*, persons, year: int) -> dict[int, float]:
    """{person id: hours trained in `year`} for directors or officers (one kind at a time)."""
    if not persons:
        return {}
    field = "director" if isinstance(persons[0], SafetyDirector) else "officer"
    rows = (
        TrainingRecord.objects.filter(**{f"{field}__in": persons}, held_on__year=year)
        .values(field)
        .annotate(total=Sum("hours"))
    )
    return {row[field]: float(row["total"]) for row in rows}


@dataclass(frozen=True)
class Staffing:
    director_required: bool
    officer_required: bool
    director: SafetyDirector | None
    officers: list
    hours: dict  # ("director"|"officer", pk) -> hours this year
    training_target: int = TRAINING_HOURS_PER_YEAR

    @property
    def complete(self) -> bool:
        return (not self.director_required or self.director is not None) and (
            not self.officer_required or bool(self.officers)
        )


def staffing_of(business: Business, *, year: int | None = None) -> Staffing:
    year = year or periods.today().year
    profile = EnterpriseProfile.objects.filter(business=business).first()
    director = current_directors([business.pk]).get(business.pk)
    officers = current_officers(business)
    hours = {}
    if director:
        hours.update(
            {("director", k): v for k, v in training_hours(persons=[director], year=year).items()}
        )
    hours.update(
        {("officer", k): v for k, v in training_hours(persons=officers, year=year).items()}
    )
    return Staffing(
        director_required=director_required(
            business_type=business.business_type,
            scale=business.scale,
            chain_hq=business.chain_hq,
            people_served=profile.people_served if profile else None,
        ),
        officer_required=officer_required(uscc=business.uscc, business_type=business.business_type),
        director=director,
        officers=officers,
        hours=hours,
    )


# --- staffing rate -----------------------------------------------------------------------------


def _in_scope(region: Division) -> QuerySet[Business]:
    return within_subtrees(Business.objects.filter(status=BusinessStatus.OPERATING), [region.path])


def staffing_by_division(businesses: QuerySet[Business]) -> dict[int, tuple[str, Rate, Rate]]:
    """总监安全员配备率 (docs/domain.md §2) per division of the in-scope `businesses`: five-category
    enterprises with a current director and ≥ 1 current officer over five-category enterprises;
    and the officer-only variant, enterprises (credit code 91…, canteens aside) with ≥ 1 officer
    over enterprises. {division id: (path, staffing, officer-only)}; the one definition, summed
    by `staffing_rates` and registered with the figures (enterprise/figures.py)."""
    rows = (
        businesses.filter(status=BusinessStatus.OPERATING, uscc__startswith="91")
        .annotate(
            has_director=Exists(
                SafetyDirector.objects.filter(business=OuterRef("pk"), ended_on__isnull=True)
            ),
            has_officer=Exists(
                SafetyOfficer.objects.filter(business=OuterRef("pk"), ended_on__isnull=True)
            ),
        )
        .values_list(
            "division_id",
            "division__path",
            "business_type",
            "scale",
            "chain_hq",
            "uscc",
            "enterprise_profile__people_served",
            "has_director",
            "has_officer",
        )
    )
    out: dict[int, tuple[str, Rate, Rate]] = {}
    for (
        division_id,
        path,
        kind,
        scale,
        chain_hq,
        uscc,
        served,
        has_director,
        has_officer,
    ) in rows.iterator(chunk_size=2000):
        _path, staffing, officers = out.get(division_id, (path, Rate(0, 0), Rate(0, 0)))
        if officer_required(uscc=uscc, business_type=kind):
            officers += Rate(int(has_officer), 1)
        if is_enterprise(uscc) and director_required(
            business_type=kind, scale=scale, chain_hq=chain_hq, people_served=served
        ):
            staffing += Rate(int(has_director and has_officer), 1)
        out[division_id] = (path, staffing, officers)
    return out


def staffing_rates(*, region: Division) -> tuple[Rate, Rate]:
    """The staffing rates of `region`'s subtree (`staffing_by_division` summed). Returns
    (staffing, officer-only)."""
    staffing = officers = Rate(0, 0)
    for _path, s, o in staffing_by_division(_in_scope(region)).values():
        staffing += s
        officers += o
    return staffing, officers


def staffing_rates_by_child(*, viewer, region: Division) -> list[tuple[Division, Rate, Rate]]:
    """The region's direct sub-regions in the viewer's jurisdiction, each with its rates."""
    children = in_jurisdiction(Division.objects.filter(parent=region), viewer, via=".")
    return [(child, *staffing_rates(region=child)) for child in children]


# --- self-check completion --------------------------------------------------------------------


def _keepers(businesses: QuerySet[Business]) -> QuerySet[Business]:
    with_officer = SafetyOfficer.objects.filter(business=OuterRef("pk"), ended_on__isnull=True)
    return businesses.filter(Q(uscc__startswith="91") | Exists(with_officer))


def keepers_among(businesses: QuerySet[Business]) -> QuerySet[Business]:
    """The record keepers among `businesses` (already in scope)."""
    return _keepers(businesses)


def record_keepers(region: Division) -> QuerySet[Business]:
    """In-scope businesses that keep the records: every enterprise, and any other business with
    a current officer (docs/domain.md §1.8)."""
    return _keepers(_in_scope(region))


def record_keepers_everywhere() -> QuerySet[Business]:
    """For the scheduler's reminders, which run for the whole platform."""
    return _keepers(Business.objects.filter(status=BusinessStatus.OPERATING))


@dataclass(frozen=True)
class Completion:
    daily: Rate
    weekly: Rate
    monthly: Rate


def _weeks(first: date, last: date) -> list[date]:
    start = periods.week_start(first)
    if start < first:
        start += timedelta(days=7)
    found = []
    while start + timedelta(days=6) <= last:
        found.append(start)
        start += timedelta(days=7)
    return found


def _months(first: date, last: date) -> list[date]:
    found = []
    month = periods.month_start(first)
    if month < first:
        month = periods.month_start(month + timedelta(days=32))
    while True:
        end = periods.month_start(month + timedelta(days=32)) - timedelta(days=1)
        if end > last:
            return found
        found.append(month)
        month = end + timedelta(days=1)


def _starts(ids: list[int], first: date) -> dict[int, date]:
    """The first day each business is due in a range from `first`: an operating business is in
    scope from the day it started operating, `status_since` (docs/domain.md §1.7: new → in scope
    from its start date; resumed → back on resumption)."""
    return {
        pk: max(first, since)
        for pk, since in Business.objects.filter(
            pk__in=ids, status=BusinessStatus.OPERATING
        ).values_list("pk", "status_since")
    }


def completion_by_business(business_ids, *, first: date, last: date) -> dict[int, Completion]:
    """Per business: days with a check / operating days (not closed), weeks wholly inside the
    range with a review / those weeks, months wholly inside with minutes / those months. Only
    the part of the range from the business's start is due (`_starts`): a week or month is due
    when the business operated for the whole of it (docs/domain.md §1.7, §1.8)."""
    ids = list(business_ids)
    starts = _starts(ids, first)
    weekdays = dict(
        EnterpriseProfile.objects.filter(business_id__in=ids).values_list(
            "business_id", "operating_weekdays"
        )
    )
    closed = defaultdict(set)
    for business_id, on in ClosedDay.objects.filter(
        business_id__in=ids, on__range=(first, last)
    ).values_list("business_id", "on"):
        closed[business_id].add(on)
    checked = defaultdict(set)
    for business_id, on in (
        DailyCheck.objects.filter(business_id__in=ids, on__range=(first, last))
        .order_by()  # no default ordering: its columns would join the DISTINCT, row per check
        .values_list("business_id", "on")
        .distinct()
    ):
        checked[business_id].add(on)
    weeks = _weeks(first, last)
    months = _months(first, last)
    reviewed = defaultdict(set)
    for business_id, start in (
        WeeklyReview.objects.filter(business_id__in=ids, week_start__in=weeks)
        .order_by()
        .values_list("business_id", "week_start")
        .distinct()
    ):
        reviewed[business_id].add(start)
    met = defaultdict(set)
    for business_id, month in (
        MonthlyMeeting.objects.filter(business_id__in=ids, month__in=months)
        .order_by()
        .values_list("business_id", "month")
        .distinct()
    ):
        met[business_id].add(month)
    result = {}
    for business_id in ids:
        start = starts.get(business_id, first)
        if start > last:
            result[business_id] = Completion(Rate(0, 0), Rate(0, 0), Rate(0, 0))
            continue
        pattern = weekdays.get(business_id, ALL_WEEKDAYS)
        off = {d for d in closed[business_id] if d >= start and str(d.isoweekday()) in pattern}
        due = periods.weekday_count(start, last, pattern) - len(off)
        done = sum(
            1
            for d in checked[business_id]
            if d >= start and str(d.isoweekday()) in pattern and d not in off
        )
        due_weeks = [w for w in weeks if w >= start]
        due_months = [m for m in months if m >= start]
        result[business_id] = Completion(
            daily=Rate(done, due),
            weekly=Rate(len(reviewed[business_id] & set(due_weeks)), len(due_weeks)),
            monthly=Rate(len(met[business_id] & set(due_months)), len(due_months)),
        )
    return result


def completion_by_division(
    keepers: QuerySet[Business], *, first: date, last: date
) -> dict[int, tuple[str, Completion]]:
    """Self-check completion Σ/Σ over the record keepers among `keepers` per division:
    {division id: (path, completion)}; the one definition, summed by `completion_rates` and
    registered with the figures (enterprise/figures.py)."""
    rows = list(keepers.values_list("pk", "division_id", "division__path"))
    out: dict[int, tuple[str, Completion]] = {}
    for start in range(0, len(rows), 2000):
        part = rows[start : start + 2000]
        chunk = completion_by_business([r[0] for r in part], first=first, last=last)
        for pk, division_id, path in part:
            c = chunk[pk]
            _path, total = out.get(
                division_id, (path, Completion(Rate(0, 0), Rate(0, 0), Rate(0, 0)))
            )
            out[division_id] = (
                path,
                Completion(
                    daily=total.daily + c.daily,
                    weekly=total.weekly + c.weekly,
                    monthly=total.monthly + c.monthly,
                ),
            )
    return out


def completion_rates(*, region: Division, first: date, last: date) -> Completion:
    """Self-check completion for the region's record keepers, Σ/Σ over its businesses."""
    daily = weekly = monthly = Rate(0, 0)
    for _path, c in completion_by_division(record_keepers(region), first=first, last=last).values():
        daily += c.daily
        weekly += c.weekly
        monthly += c.monthly
    return Completion(daily=daily, weekly=weekly, monthly=monthly)


# --- gaps: what the official and the regulator see ---------------------------------------------


@dataclass(frozen=True)
class Gap:
    business: Business
    missed_days: int  # operating days without a check in the last full week
    review_missed: bool  # last week's review
    meeting_missed: bool  # last month's minutes


def self_check_gaps(*, viewer, today: date | None = None) -> list[Gap]:
    """Record keepers in the viewer's jurisdiction with 3 or more missed operating days in the
    last full week, or a missing review of that week, or missing minutes of last month
    (docs/domain.md §1.12). Sorted by division and name."""
    today = today or periods.today()
    week = periods.week_start(today) - timedelta(days=7)
    month = periods.previous_month_start(today)
    keepers = in_jurisdiction(
        Business.objects.filter(status=BusinessStatus.OPERATING), viewer, business="pk"
    )
    keepers = _keepers(keepers).select_related("division")
    gaps = []
    businesses = list(keepers.order_by("division__path", "name", "pk")[:5000])
    by_id = {b.pk: b for b in businesses}
    weekly = completion_by_business(by_id, first=week, last=week + timedelta(days=6))
    met = set(
        MonthlyMeeting.objects.filter(business_id__in=by_id, month=month).values_list(
            "business_id", flat=True
        )
    )
    for business in businesses:
        completion = weekly[business.pk]
        missed = completion.daily.denominator - completion.daily.numerator
        review_missed = completion.weekly.numerator < completion.weekly.denominator
        # Last month is due only from a business that operated for the whole of it (§1.7).
        meeting_missed = business.pk not in met and business.status_since <= month
        if missed >= MISSED_DAYS_VISIBLE or review_missed or meeting_missed:
            gaps.append(Gap(business, missed, review_missed, meeting_missed))
    return gaps


# --- a business's day ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayWork:
    business: Business
    today: date
    operating_today: bool
    closed_today: bool
    today_check: DailyCheck | None
    yesterday_check: DailyCheck | None
    week_review: WeeklyReview | None
    month_meeting: MonthlyMeeting | None
    risk_list: RiskControlList | None
    notices: list


def day_work(*, viewer, business: Business, today: date | None = None) -> DayWork:
    """The business staff's home: today's check, this week's review, this month's minutes."""
    today = today or periods.today()
    profile = EnterpriseProfile.objects.filter(business=business).first()
    pattern = profile.operating_weekdays if profile else ALL_WEEKDAYS
    checks = {
        c.on: c
        for c in DailyCheck.objects.filter(
            business=business, on__in=[today, today - timedelta(days=1)]
        ).order_by("pk")
    }
    return DayWork(
        business=business,
        today=today,
        operating_today=str(today.isoweekday()) in pattern,
        closed_today=ClosedDay.objects.filter(business=business, on=today).exists(),
        today_check=checks.get(today),
        yesterday_check=checks.get(today - timedelta(days=1)),
        week_review=WeeklyReview.objects.filter(
            business=business, week_start=periods.week_start(today)
        ).first(),
        month_meeting=MonthlyMeeting.objects.filter(
            business=business, month=periods.month_start(today)
        ).first(),
        risk_list=RiskControlList.objects.filter(business=business).order_by("-version").first(),
        notices=list(
            SelfCheckNotice.objects.filter(user=viewer, business=business, read_at__isnull=True)[
                :10
            ]
        ),
    )


def records_of(business: Business, *, limit: int = 30):
    """The latest records of each kind, newest first (the official's and regulator's view)."""
    return {
        "checks": list(
            DailyCheck.objects.filter(business=business)
            .select_related("author")
            .annotate(items_count=Count("items"))[:limit]
        ),
        "reviews": list(
            WeeklyReview.objects.filter(business=business).select_related("author")[:limit]
        ),
        "meetings": list(
            MonthlyMeeting.objects.filter(business=business).select_related("author")[:limit]
        ),
    }


def notices_for(user) -> list[SelfCheckNotice]:
    return list(
        SelfCheckNotice.objects.filter(user=user, read_at__isnull=True).select_related("business")[
            :50
        ]
    )


def last_self_checks(business_ids) -> dict[int, tuple[date | None, bool]]:
    """{business id: (date of the last daily check, whether this week's review is done)} for
    the public page. Hand-written SQL (core.sql): the public page reads it for every page it
    renders; a test holds it equal to the same read through the ORM."""
    ids = [int(pk) for pk in business_ids]
    if not ids:
        return {}
    week = periods.week_start(periods.today())
    rows = fetch(
        "SELECT b.id,"  # noqa: S608 (placeholders only)
        ' (SELECT c."on" FROM enterprise_dailycheck c WHERE c.business_id = b.id'
        '  ORDER BY c."on" DESC LIMIT 1),'
        " EXISTS (SELECT 1 FROM enterprise_weeklyreview w"
        "  WHERE w.business_id = b.id AND w.week_start = %s)"
        f" FROM businesses_business b WHERE b.id IN ({placeholders(ids)})",
        [week, *ids],
    )
    return {pk: (as_date(last), bool(reviewed)) for pk, last, reviewed in rows if last or reviewed}
