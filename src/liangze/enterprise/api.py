"""The enterprise duties under /api/v1/enterprise (docs/domain.md §1.8).

Reads follow the scoping function (regions' roles in their subtrees, business staff their own
business); the business's own director and officers write its records; the office appoints the
director and issues enrolment codes; the director or the office adds officers."""

from datetime import date
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden
from liangze.core.pagination import Pagination
from liangze.core.schemas import ErrorOut
from liangze.enterprise import access, periods, selectors, services
from liangze.enterprise.models import DailyCheck, MonthlyMeeting, WeeklyReview
from liangze.figures.schemas import RateOut
from liangze.files.models import FileKind, StoredFile
from liangze.regions.selectors import access_division_by_id

router = Router(tags=["enterprise"])
codes_4xx = frozenset({401, 403, 404, 409, 422, 429})


class PersonOut(Schema):
    id: int
    name: str
    phone: str
    appointed_on: date
    ended_on: date | None
    user_id: int | None


class StaffingOut(Schema):
    business_id: int
    director_required: bool
    officer_required: bool
    complete: bool
    director: PersonOut | None
    officers: list[PersonOut]
    risk_list_version: int | None
    daily: RateOut = Field(description="Last 30 days.")
    weekly: RateOut
    monthly: RateOut


class RiskPointOut(Schema):
    id: int
    position: int
    stage: str
    point: str
    description: str
    measure: str
    target: str
    frequency: str
    responsible: str


class RiskListOut(Schema):
    id: int
    version: int
    note: str
    points: list[RiskPointOut]


class RiskPointIn(Schema):
    stage: str = Field(max_length=1000)
    point: str = Field(max_length=1000)
    description: str = Field("", max_length=2000)
    measure: str = Field(max_length=2000)
    target: str = Field("", max_length=1000)
    frequency: str = Field(description="day, week or month", max_length=10)
    responsible: str = Field("", max_length=1000)


class RiskListIn(Schema):
    points: list[RiskPointIn] | None = Field(
        None, max_length=200, description="None starts from the starter list."
    )
    note: str = Field("", max_length=1000)


class FailureIn(Schema):
    risk_point_id: int
    problem: str = Field(max_length=2000)
    open_problem: bool = Field(
        False,
        description="Open it in the closed loop for the responsible official (needs a photo).",
    )
    photo_file_id: UUID | None = Field(
        None, description="A photo the caller uploaded through /api/v1/files (kind photo)."
    )
    measure: str = Field("", max_length=2000)
    owner: str = Field("", max_length=200)
    deadline: date | None = None


class DailyCheckIn(Schema):
    on: date | None = Field(None, description="Today (default) or yesterday (late).")
    failures: list[FailureIn] = Field(default_factory=list, max_length=200)
    note: str = Field("", max_length=4000)
    corrects_id: int | None = None


class FailureOut(Schema):
    risk_point_id: int
    problem: str
    measure: str
    owner: str
    deadline: date | None


class DailyCheckOut(Schema):
    id: int
    business_id: int
    on: date
    risk_list_id: int | None
    failures: int
    items: list[FailureOut] = Field(alias="items.all")
    note: str
    late: bool
    author_id: int | None
    corrects_id: int | None


class WeeklyReviewIn(Schema):
    week_start: date | None = Field(None, description="A Monday: this week's or last week's.")
    rating: int = Field(description="1 under control, 2 hazards, 3 serious hazards.")
    problems: str = Field("", max_length=8000)
    rectification: str = Field("", max_length=8000)
    corrects_id: int | None = None


class WeeklyReviewOut(Schema):
    id: int
    business_id: int
    week_start: date
    rating: int
    problems: str
    rectification: str
    late: bool
    author_id: int | None
    corrects_id: int | None


class MonthlyMeetingOut(Schema):
    id: int
    business_id: int
    month: date
    held_on: date
    place: str
    chair: str
    attendees: str
    summary: str
    priorities: str
    late: bool
    signature_file_id: str | None
    scan_file_id: str | None

    @staticmethod
    def resolve_signature_file_id(obj) -> str | None:
        return str(obj.signature.public_id) if obj.signature_id else None

    @staticmethod
    def resolve_scan_file_id(obj) -> str | None:
        return str(obj.scan.public_id) if obj.scan_id else None


class MonthlyMeetingIn(Schema):
    month: date | None = Field(None, description="The 1st of this month or last month.")
    held_on: date
    place: str = Field(max_length=1000)
    chair: str = Field(max_length=200)
    attendees: str = Field(max_length=4000)
    summary: str = Field(max_length=8000)
    priorities: str = Field("", max_length=8000)
    signature: str = Field(max_length=3_000_000, description="PNG data URL of the signature.")


class PersonIn(Schema):
    name: str = Field(max_length=200)
    phone: str = Field("", max_length=100)
    appointed_on: date | None = None
    duties: str = Field("", max_length=4000)


class EnrolmentIn(Schema):
    role: str = Field(description="business_director or business_officer", max_length=40)


class EnrolmentOut(Schema):
    code: str = Field(description="Shown once; valid 7 days, single use.")
    expires_at: str


class StaffAccountIn(Schema):
    role: str = Field(description="business_director or business_officer", max_length=40)
    username: str = Field(max_length=200)
    display_name: str = Field(max_length=200)
    phone: str = Field("", max_length=100)


class StaffAccountOut(Schema):
    user_id: int
    username: str
    one_time_password: str = Field(description="Shown once; changed at the first login.")


class StaffingRatesOut(Schema):
    division_id: int
    staffing: RateOut
    officers: RateOut
    daily: RateOut
    weekly: RateOut
    monthly: RateOut


class GapOut(Schema):
    business_id: int
    business_name: str
    division_name: str
    missed_days: int
    review_missed: bool
    meeting_missed: bool


def _business(request, business_id: int, *, check=None):
    business = selectors.business_for_viewer(viewer=request.user, business_id=business_id)
    if check is not None and not check(request.user, business):
        raise access_refuse(
            Forbidden(
                code="enterprise_forbidden",
                message=_("You may view this business, not change it."),
            ),
            viewer=request.user,
            target_type="businesses.business",
            target_id=business.pk,
        )
    return business


@router.get("/businesses/{business_id}", response={200: StaffingOut, codes_4xx: ErrorOut})
def business_duties(request, business_id: int):
    """People, staffing and the last 30 days' completion of one business."""
    business = _business(request, business_id)
    staffing = selectors.staffing_of(business)
    today = periods.today()
    first = max(date.fromordinal(today.toordinal() - 29), business.status_since)
    completion = selectors.completion_by_business([business.pk], first=first, last=today)[
        business.pk
    ]
    risk_list = services.current_risk_list(business)
    return {
        "business_id": business.pk,
        "director_required": staffing.director_required,
        "officer_required": staffing.officer_required,
        "complete": staffing.complete,
        "director": staffing.director,
        "officers": staffing.officers,
        "risk_list_version": risk_list.version if risk_list else None,
        "daily": completion.daily,
        "weekly": completion.weekly,
        "monthly": completion.monthly,
    }


@router.get("/businesses/{business_id}/risk-list", response={200: RiskListOut, codes_4xx: ErrorOut})
def risk_list_current(request, business_id: int):
    from liangze.core.errors import NotFound

    business = _business(request, business_id)
    risk_list = services.current_risk_list(business)
    if risk_list is None:
        raise NotFound(code="risk_list_missing", message=_("No risk control list yet."))
    return {
        "id": risk_list.pk,
        "version": risk_list.version,
        "note": risk_list.note,
        "points": list(risk_list.points.all()),
    }


@router.post(
    "/businesses/{business_id}/risk-list", response={201: RiskListOut, codes_4xx: ErrorOut}
)
def risk_list_save(request, business_id: int, payload: RiskListIn):
    """A new version of the list (records keep theirs)."""
    business = _business(request, business_id, check=access.can_edit_risk_list)
    rows = [p.dict() for p in payload.points] if payload.points is not None else None
    risk_list = services.risk_list_save(
        actor=request.user, business=business, rows=rows, note=payload.note
    )
    return Status(
        201,
        {
            "id": risk_list.pk,
            "version": risk_list.version,
            "note": risk_list.note,
            "points": list(risk_list.points.all()),
        },
    )


@router.get("/businesses/{business_id}/daily-checks", response=list[DailyCheckOut])
@paginate(Pagination, page_size=50)
def daily_check_list(request, business_id: int):
    business = _business(request, business_id)
    return DailyCheck.objects.filter(business=business).prefetch_related("items")


@router.post(
    "/businesses/{business_id}/daily-checks", response={201: DailyCheckOut, codes_4xx: ErrorOut}
)
def daily_check_submit(request, business_id: int, payload: DailyCheckIn):
    """An empty `failures` is "all pass": one row."""
    business = _business(request, business_id, check=access.can_keep_records)
    failures = []
    for failure in payload.failures:
        item = failure.dict()
        file_id = item.pop("photo_file_id")
        item["photo"] = (
            StoredFile.objects.filter(
                public_id=file_id,
                kind=FileKind.PHOTO,
                uploaded_by=request.user,
                division=business.division,
            ).first()
            if file_id
            else None
        )
        failures.append(item)
    check = services.daily_check_submit(
        actor=request.user,
        business=business,
        on=payload.on,
        failures=failures,
        note=payload.note,
        corrects_id=payload.corrects_id,
    )
    return Status(201, check)


@router.get("/businesses/{business_id}/weekly-reviews", response=list[WeeklyReviewOut])
@paginate(Pagination, page_size=50)
def weekly_review_list(request, business_id: int):
    business = _business(request, business_id)
    return WeeklyReview.objects.filter(business=business)


@router.post(
    "/businesses/{business_id}/weekly-reviews",
    response={201: WeeklyReviewOut, codes_4xx: ErrorOut},
)
def weekly_review_submit(request, business_id: int, payload: WeeklyReviewIn):
    business = _business(request, business_id, check=access.can_keep_records)
    review = services.weekly_review_submit(
        actor=request.user,
        business=business,
        week_start=payload.week_start,
        rating=payload.rating,
        problems=payload.problems,
        rectification=payload.rectification,
        corrects_id=payload.corrects_id,
    )
    return Status(201, review)


@router.get("/businesses/{business_id}/monthly-meetings", response=list[MonthlyMeetingOut])
@paginate(Pagination, page_size=50)
def monthly_meeting_list(request, business_id: int):
    business = _business(request, business_id)
    return MonthlyMeeting.objects.filter(business=business).select_related("signature", "scan")


@router.post(
    "/businesses/{business_id}/monthly-meetings",
    response={201: MonthlyMeetingOut, codes_4xx: ErrorOut},
)
def monthly_meeting_submit(request, business_id: int, payload: MonthlyMeetingIn):
    """Signed on screen (a PNG data URL); a scan is uploaded through the page."""
    from liangze.officials.documents.services import signature_from_data_url

    business = _business(request, business_id, check=access.can_keep_records)
    meeting = services.monthly_meeting_submit(
        actor=request.user,
        business=business,
        month=payload.month,
        held_on=payload.held_on,
        place=payload.place,
        chair=payload.chair,
        attendees=payload.attendees,
        summary=payload.summary,
        priorities=payload.priorities,
        signature_png=signature_from_data_url(payload.signature),
    )
    return Status(201, meeting)


@router.post("/businesses/{business_id}/officers", response={201: PersonOut, codes_4xx: ErrorOut})
def officer_add(request, business_id: int, payload: PersonIn):
    business = _business(request, business_id, check=access.can_manage_officers)
    return Status(
        201, services.officer_add(actor=request.user, business=business, **payload.dict())
    )


@router.post("/businesses/{business_id}/director", response={201: PersonOut, codes_4xx: ErrorOut})
def director_appoint(request, business_id: int, payload: PersonIn):
    business = _business(request, business_id, check=access.can_manage_people)
    return Status(
        201, services.director_appoint(actor=request.user, business=business, **payload.dict())
    )


@router.post(
    "/businesses/{business_id}/enrolment-codes", response={201: EnrolmentOut, codes_4xx: ErrorOut}
)
def enrolment_code_issue(request, business_id: int, payload: EnrolmentIn):
    business = _business(request, business_id, check=access.can_manage_people)
    issued = services.enrolment_code_issue(actor=request.user, business=business, role=payload.role)
    return Status(201, {"code": issued.code, "expires_at": issued.enrolment.expires_at.isoformat()})


@router.post(
    "/businesses/{business_id}/staff-accounts",
    response={201: StaffAccountOut, codes_4xx: ErrorOut},
)
def staff_account_create(request, business_id: int, payload: StaffAccountIn):
    """An account for the business's director or officer, made by the office: its role is held
    on the business."""
    business = _business(request, business_id, check=access.can_manage_people)
    issued = services.staff_account_create(actor=request.user, business=business, **payload.dict())
    return Status(
        201,
        {
            "user_id": issued.user.pk,
            "username": issued.user.username,
            "one_time_password": issued.one_time_password,
        },
    )


@router.get("/rates", response={200: list[StaffingRatesOut], codes_4xx: ErrorOut})
def region_rates(request, division_id: int, first: date, last: date):
    """Staffing (and its officer-only variant) and self-check completion over `first`–`last`
    for the region and each direct sub-region: Σ/Σ (docs/domain.md §2)."""
    from liangze.core.errors import Invalid

    region = access_division_by_id(request.user, division_id)
    if last < first or (last - first).days > 366:
        raise Invalid(
            code="period_invalid",
            message=_("Give a period of at most a year, first day before last."),
        )
    rows = []
    for division in [region, *region.children.all()[:100]]:
        staffing, officers = selectors.staffing_rates(region=division)
        completion = selectors.completion_rates(region=division, first=first, last=last)
        rows.append(
            {
                "division_id": division.pk,
                "staffing": staffing,
                "officers": officers,
                "daily": completion.daily,
                "weekly": completion.weekly,
                "monthly": completion.monthly,
            }
        )
    return rows


@router.get("/gaps", response=list[GapOut])
@paginate(Pagination, page_size=100)
def gaps(request):
    """Record keepers in the caller's jurisdiction that missed records (docs/domain.md §1.12)."""
    return [
        {
            "business_id": gap.business.pk,
            "business_name": gap.business.name,
            "division_name": gap.business.division.name,
            "missed_days": gap.missed_days,
            "review_missed": gap.review_missed,
            "meeting_missed": gap.meeting_missed,
        }
        for gap in selectors.self_check_gaps(viewer=request.user)
    ]
