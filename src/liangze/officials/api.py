"""Officials and assignments under /api/v1/officials and /api/v1/assignments.

Office staff write (inside their subtrees); leaders and regulators read; an official reads only
their own record and assignments (docs/domain.md §1.1, §1.2)."""

from datetime import date

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from liangze.accounts.access import is_office_or_admin
from liangze.audit.services import access_refuse
from liangze.businesses.selectors import access_business_by_id
from liangze.core.errors import Forbidden
from liangze.core.pagination import Pagination
from liangze.core.schemas import ErrorOut, choice_field
from liangze.officials import selectors, services
from liangze.officials.maps import geo_uri
from liangze.officials.rules import province_covering
from liangze.regions.models import Level
from liangze.regions.selectors import access_division_by_id

router = Router(tags=["officials"])
assignment_router = Router(tags=["assignments"])
codes_4xx = frozenset({401, 403, 404, 409, 422})


class OfficialOut(Schema):
    id: int
    user_id: int
    username: str = Field(alias="user.username")
    display_name: str = Field(alias="user.display_name")
    phone: str = Field(description="Mobile, E.164.")
    position: str
    level: str = Field(alias="grant.division.level", description="Covering level of the post.")
    division_id: int = Field(alias="grant.division_id", description="The post's division.")
    division_code: str = Field(alias="grant.division.code")
    division_name: str = Field(alias="grant.division.name")
    active_from: date
    active_to: date | None
    load: int | None = Field(None, description="Businesses covered now.")


class OfficialCreatedOut(Schema):
    official: OfficialOut
    one_time_password: str = Field(description="Shown once; the official changes it at login.")


class OfficialCreateIn(Schema):
    display_name: str = Field(max_length=1000)
    phone: str = Field(max_length=100, description="The official's mobile number.")
    division_id: int = Field(
        description="The post: a city, county, township or village, or a municipality."
    )
    position: str = Field("", max_length=1000)
    active_from: date | None = None


class OfficialUpdateIn(Schema):
    display_name: str | None = Field(None, max_length=1000)
    phone: str | None = Field(None, max_length=100)
    division_id: int | None = None
    position: str | None = Field(None, max_length=1000)


class OfficialDeactivateIn(Schema):
    on: date | None = None


class HandOverIn(Schema):
    successor_id: int
    on: date | None = None


class AssignmentOut(Schema):
    id: int
    business_id: int
    business_name: str = Field(alias="business.name")
    business_grade: str = Field(alias="business.grade")
    official_id: int
    official_name: str = Field(alias="official.user.display_name")
    starts_on: date
    ends_on: date | None
    end_reason: str


class AssignmentCreateIn(Schema):
    official_id: int
    business_id: int
    starts_on: date | None = None
    replace: bool = Field(False, description="End another official's assignment first.")


class AssignmentBulkIn(Schema):
    official_id: int
    division_id: int | None = Field(
        None, description="Every business of this area that the official's level covers."
    )
    business_ids: list[int] = Field(default_factory=list, max_length=20_000)
    only_uncovered: bool = False
    replace: bool = False
    starts_on: date | None = None


class AssignmentEndIn(Schema):
    on: date | None = None


class CountOut(Schema):
    count: int


class MyBusinessOut(Schema):
    id: int
    name: str
    grade: str
    status: str
    address: str
    division_name: str = Field(alias="division.name")
    contact_name: str
    contact_phone: str
    lat_e6: int | None
    lng_e6: int | None
    map_url: str = Field(
        description="A geo: URI opening the phone's map app at the point; empty without one."
    )
    next_visit_due: date

    @staticmethod
    def resolve_map_url(obj) -> str:
        return geo_uri(obj)

    @staticmethod
    def resolve_next_visit_due(obj, context) -> date:
        # Read once a request for every row of the page (the caller's own businesses).
        request = context["request"]
        due = getattr(request, "_next_visits_due", None)
        if due is None:
            official = selectors.official_of(request.user)
            due = request._next_visits_due = selectors.next_visits_due(official=official)
        return due.of(obj.pk)


class UncoveredOut(Schema):
    id: int
    name: str
    grade: str
    division_name: str = Field(alias="division.name")
    uncovered_since: date
    days_uncovered: int

    @staticmethod
    def resolve_days_uncovered(obj) -> int:
        return selectors.days_since(obj.uncovered_since)


class OverloadOut(Schema):
    official: OfficialOut
    load: int
    limit: int


def _require_office(viewer) -> None:
    if not is_office_or_admin(viewer):
        raise access_refuse(
            Forbidden(
                code="officials_read_only",
                message=_("Only food safety office staff change officials and assignments."),
            ),
            viewer=viewer,
            target_type="officials.official",
        )


@router.get("", response=list[OfficialOut])
@paginate(Pagination, page_size=50)
def official_list(
    request, q: str = "", level: str = "", within: int | None = None, active: bool | None = True
):
    """Officials whose post the caller reads (an official: themself)."""
    division = access_division_by_id(request.user, within) if within else None
    return selectors.official_list(
        viewer=request.user, search=q, level=level, within=division, active=active
    )


@router.post("", response={201: OfficialCreatedOut, codes_4xx: ErrorOut})
def official_create(request, payload: OfficialCreateIn):
    _require_office(request.user)
    division = access_division_by_id(request.user, payload.division_id)
    issued = services.official_create(
        actor=request.user,
        display_name=payload.display_name,
        phone=payload.phone,
        division=division,
        position=payload.position,
        active_from=payload.active_from,
    )
    return Status(201, {"official": issued.official, "one_time_password": issued.one_time_password})


@router.get("/me/businesses", response=list[MyBusinessOut])
@paginate(Pagination, page_size=50)
def my_businesses(request):
    """The businesses the caller covers now, with where they are and when the next visit is due."""
    return selectors.my_businesses(viewer=request.user)


@router.get("/idle", response=list[OfficialOut])
@paginate(Pagination, page_size=50)
def officials_without_businesses(request, within: int | None = None):
    division = access_division_by_id(request.user, within) if within else None
    return selectors.officials_without_businesses(viewer=request.user, within=division)


@router.get("/overloaded", response=list[OverloadOut])
def officials_over_load(request, within: int | None = None):
    """Officials over their province's load warning (30 businesses unless set)."""
    division = access_division_by_id(request.user, within) if within else None
    return selectors.officials_over_load(viewer=request.user, within=division)


@router.get("/{official_id}", response={200: OfficialOut, codes_4xx: ErrorOut})
def official_detail(request, official_id: int):
    return selectors.access_official_by_id(request.user, official_id)


@router.patch("/{official_id}", response={200: OfficialOut, codes_4xx: ErrorOut})
def official_update(request, official_id: int, payload: OfficialUpdateIn):
    official = selectors.access_official_by_id(request.user, official_id, for_write=True)
    division = (
        access_division_by_id(request.user, payload.division_id)
        if payload.division_id is not None
        else official.grant.division
    )
    return services.official_update(
        actor=request.user,
        official=official,
        display_name=_or(payload.display_name, official.user.display_name),
        phone=_or(payload.phone, official.phone),
        division=division,
        position=_or(payload.position, official.position),
    )


def _or(value, current):
    return current if value is None else value


@router.post("/{official_id}/deactivate", response={200: OfficialOut, codes_4xx: ErrorOut})
def official_deactivate(request, official_id: int, payload: OfficialDeactivateIn):
    official = selectors.access_official_by_id(request.user, official_id, for_write=True)
    return services.official_deactivate(actor=request.user, official=official, on=payload.on)


@router.post("/{official_id}/hand-over", response={200: CountOut, codes_4xx: ErrorOut})
def official_hand_over(request, official_id: int, payload: HandOverIn):
    """Every business the official covers moves to the successor, in one action."""
    official = selectors.access_official_by_id(request.user, official_id, for_write=True)
    successor = selectors.access_official_by_id(request.user, payload.successor_id, for_write=True)
    count = services.official_hand_over(
        actor=request.user, official=official, successor=successor, on=payload.on
    )
    return {"count": count}


@assignment_router.get("", response=list[AssignmentOut])
@paginate(Pagination, page_size=50)
def assignment_list(
    request,
    official_id: int | None = None,
    business_id: int | None = None,
    open_only: bool = True,
):
    official = selectors.access_official_by_id(request.user, official_id) if official_id else None
    business = access_business_by_id(request.user, business_id) if business_id else None
    return selectors.assignment_list(
        viewer=request.user, official=official, business=business, open_only=open_only
    )


@assignment_router.get("/uncovered", response=list[UncoveredOut])
@paginate(Pagination, page_size=50)
def uncovered_businesses(request, within: int | None = None, grade: str = "", q: str = ""):
    """应包尽包: operating businesses nobody covers, with the days they have waited."""
    division = access_division_by_id(request.user, within) if within else None
    return selectors.uncovered_businesses(
        viewer=request.user, within=division, grade=grade, search=q
    ).order_by("uncovered_since", "pk")


@assignment_router.post("", response={201: AssignmentOut, codes_4xx: ErrorOut})
def assignment_create(request, payload: AssignmentCreateIn):
    _require_office(request.user)
    official = selectors.access_official_by_id(request.user, payload.official_id, for_write=True)
    business = access_business_by_id(request.user, payload.business_id, for_write=True)
    assignment = services.assignment_create(
        actor=request.user,
        official=official,
        business=business,
        starts_on=payload.starts_on,
        replace=payload.replace,
    )
    return Status(201, assignment)


@assignment_router.post("/bulk", response={200: CountOut, codes_4xx: ErrorOut})
def assignment_bulk_create(request, payload: AssignmentBulkIn):
    """整街/分片包保: a whole area (or a list of businesses) to one official in one action."""
    _require_office(request.user)
    official = selectors.access_official_by_id(request.user, payload.official_id, for_write=True)
    division = (
        access_division_by_id(request.user, payload.division_id) if payload.division_id else None
    )
    businesses = selectors.assignable_businesses(
        viewer=request.user,
        official=official,
        within=division,
        business_ids=payload.business_ids,
        only_uncovered=payload.only_uncovered,
    )
    count = services.assignment_bulk_create(
        actor=request.user,
        official=official,
        businesses=businesses,
        starts_on=payload.starts_on,
        replace=payload.replace,
    )
    return {"count": count}


@assignment_router.post("/{assignment_id}/end", response={200: AssignmentOut, codes_4xx: ErrorOut})
def assignment_end(request, assignment_id: int, payload: AssignmentEndIn):
    assignment = selectors.access_assignment_by_id(request.user, assignment_id, for_write=True)
    return services.assignment_end(actor=request.user, assignment=assignment, on=payload.on)


# --- a province's covering levels and load warning (docs/domain.md §1.2, §1.12) ----------------

covering_rule_router = Router(tags=["province settings"])


class CoveringRuleOut(Schema):
    province_id: int
    province_name: str
    grade_a_level: str = choice_field(Level)
    grade_b_level: str = choice_field(Level)
    grade_c_level: str = choice_field(Level)
    grade_d_level: str = choice_field(Level)
    load_warning: int = Field(description="Businesses per official above which a warning shows.")
    is_default: bool = Field(description="True while the province has not set its own.")


class CoveringRuleIn(Schema):
    grade_a_level: str = choice_field(
        Level, max_length=10, description="Province only in a municipality."
    )
    grade_b_level: str = choice_field(Level, max_length=10)
    grade_c_level: str = choice_field(Level, max_length=10)
    grade_d_level: str = choice_field(Level, max_length=10)
    load_warning: int = Field(description="1 to 1000.")


def _covering_out(province) -> CoveringRuleOut:
    current = province_covering(province)
    return CoveringRuleOut(
        province_id=province.pk,
        province_name=province.name,
        **{f"grade_{g.lower()}_level": level for g, level in current.levels.items()},
        load_warning=current.load_warning,
        is_default=current.is_default,
    )


@covering_rule_router.get("/{province_id}", response={200: CoveringRuleOut, codes_4xx: ErrorOut})
def covering_rule_detail(request, province_id: int):
    return _covering_out(selectors.access_rule_province(request.user, province_id))


@covering_rule_router.put("/{province_id}", response={200: CoveringRuleOut, codes_4xx: ErrorOut})
def covering_rule_set(request, province_id: int, payload: CoveringRuleIn):
    province = selectors.access_rule_province(request.user, province_id, for_write=True)
    services.covering_rule_set(
        actor=request.user,
        province=province,
        levels={
            "A": payload.grade_a_level,
            "B": payload.grade_b_level,
            "C": payload.grade_c_level,
            "D": payload.grade_d_level,
        },
        load_warning=payload.load_warning,
    )
    return _covering_out(province)
