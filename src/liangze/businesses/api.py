"""The business registry under /api/v1/businesses. Everyone reads what their jurisdiction holds;
office staff of the business's subtree write (for_write access). Input is raw: the services
validate it with the same validator as the pages and the importer."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.db.models import F
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from ninja.schema import DjangoGetter
from pydantic import ConfigDict, WithJsonSchema, model_validator

from liangze.accounts.access import is_office_or_admin
from liangze.audit.services import access_refuse
from liangze.businesses import selectors, services
from liangze.businesses.access import can_create_business
from liangze.businesses.models import Business, BusinessStatus, Grade, RiskLevel
from liangze.businesses.search import search_words
from liangze.businesses.selectors import SORTS
from liangze.businesses.types import TYPE_GROUP, BusinessGroup, BusinessType, Scale
from liangze.core.errors import Forbidden
from liangze.core.pagination import LargeListPagination
from liangze.core.schemas import ErrorOut, choice_field, choice_type
from liangze.regions.selectors import access_division_by_id

router = Router(tags=["businesses"])
codes_4xx = frozenset({401, 403, 404, 409, 422})
# Decimal degrees as a JSON number or a decimal string ("36.4163"), and the document says exactly
# that: a string the schema layer would refuse is not offered as valid. The range is the service's.
Degrees = Annotated[
    Decimal,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": r"^-?[0-9]{1,3}(\.[0-9]{1,12})?$"},
            ]
        }
    ),
]


class BusinessOut(Schema):
    # The list's rows come as dicts keyed by field name (list_rows); one business by its alias.
    model_config = ConfigDict(validate_by_name=True)

    id: int
    name: str
    uscc: str
    uscc_pilot_override: bool
    registration_number: str
    license_number: str
    business_type: str = choice_field(BusinessType)
    group: str = choice_field(BusinessGroup)
    chain_hq: bool
    key: bool
    scale: str = choice_field(Scale)
    staff_count: int | None
    annual_revenue_fen: int | None
    grade: str = choice_field(Grade)
    risk_level: str = choice_field(RiskLevel, blank=True)
    status: str = choice_field(BusinessStatus)
    status_since: date
    in_scope: bool
    division_id: int
    division_code: str = Field(alias="division.code")
    division_name: str = Field(alias="division.name")
    address: str
    lat_e6: int | None = Field(description="Latitude in micro-degrees, WGS-84.")
    lng_e6: int | None = Field(description="Longitude in micro-degrees, WGS-84.")
    contact_name: str
    contact_phone: str = Field(description="E.164.")
    open_kitchen: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_group(obj: Business) -> str:
        return str(obj.group.value)

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        """Replaces ninja's: a row of the list (a dict, list_rows) is validated as it is, and
        its two derived fields are added as the model's properties derive them; ninja's getter,
        a Python call per field and row, took most of a page's time (BENCHMARKS.md). Anything
        else (a Business) goes through ninja's getter as before."""
        if isinstance(values, dict):
            return handler(
                {
                    **values,
                    "group": TYPE_GROUP[BusinessType(values["business_type"])].value,
                    "in_scope": values["status"] == BusinessStatus.OPERATING,
                }
            )
        return handler(DjangoGetter(values, cls, info.context))


_COMPUTED = {"group", "in_scope", "division_code", "division_name"}


def list_rows(businesses):
    """The list's rows as BusinessOut's fields, read as dicts (values()) instead of models."""
    return businesses.values(
        *(name for name in BusinessOut.model_fields if name not in _COMPUTED),
        division_code=F("division__code"),
        division_name=F("division__name"),
    )


class BusinessFieldsIn(Schema):
    """Descriptive fields, all optional: a PATCH changes only what it names."""

    name: str | None = Field(None, max_length=1000)
    uscc: str | None = Field(None, max_length=100)
    uscc_pilot_override: bool | None = Field(
        None, description="Accept an early pilot code that fails the check digit (office staff)."
    )
    registration_number: str | None = Field(None, max_length=1000)
    license_number: str | None = Field(None, max_length=100)
    business_type: str | None = choice_field(BusinessType, None, max_length=100)
    chain_hq: bool | None = None
    key: bool | None = None
    scale: str | None = choice_field(
        Scale,
        None,
        blank=True,
        max_length=100,
        description="large, medium, small or micro; empty to suggest it from staff and revenue.",
    )
    staff_count: int | None = None
    annual_revenue_yuan: int | None = None
    risk_level: str | None = choice_field(RiskLevel, None, blank=True, max_length=100)
    address: str | None = Field(None, max_length=1000)
    latitude: Degrees | None = Field(None, description="Decimal degrees, WGS-84.")
    longitude: Degrees | None = Field(None, description="Decimal degrees, WGS-84.")
    contact_name: str | None = Field(None, max_length=1000)
    contact_phone: str | None = Field(None, max_length=100)
    open_kitchen: bool | None = None


class BusinessCreateIn(BusinessFieldsIn):
    name: str = Field(max_length=1000)
    business_type: str = choice_field(BusinessType, max_length=100)
    grade: str = choice_field(Grade, max_length=10, description="Covering grade: A, B, C or D.")
    grade_reason: str = Field(max_length=1000)
    division_id: int = Field(description="A township or village of the caller's office.")
    status_since: date | None = Field(None, description="Operating since; today if omitted.")


class BusinessUpdateIn(BusinessFieldsIn):
    pass


class BusinessStatusChangeIn(Schema):
    to_status: str = choice_field(BusinessStatus, max_length=20)
    effective_on: date
    reason: str = Field(max_length=1000)


class BusinessRegradeIn(Schema):
    grade: str = choice_field(Grade, max_length=10)
    reason: str = Field(max_length=1000)
    successor: int | None = Field(
        None, description="The official (id) who covers the business from now on, in this action."
    )


class BusinessMoveIn(Schema):
    division_id: int
    reason: str = Field(max_length=1000)
    successor: int | None = Field(
        None, description="The official (id) who covers the business from now on, in this action."
    )


def _require_registry_keeper(viewer) -> None:
    if not is_office_or_admin(viewer):
        raise access_refuse(
            Forbidden(
                code="businesses_read_only",
                message=_("Only food safety office staff change the business registry."),
            ),
            viewer=viewer,
            target_type="businesses.business",
        )


def _registry_division(viewer, division_id: int):
    """A division from the caller's jurisdiction where the caller may put a business."""
    division = access_division_by_id(viewer, division_id)
    if not can_create_business(viewer, division):
        raise access_refuse(
            Forbidden(
                code="division_read_only",
                message=_(
                    "Only the food safety office of this division registers businesses in it."
                ),
            ),
            viewer=viewer,
            target_type="regions.division",
            target_id=division.pk,
        )
    return division


def _raw(payload: Schema, *, exclude: set[str] = frozenset()) -> dict:
    """The fields the caller sent (a PATCH leaves the others alone)."""
    return {
        name: value
        for name, value in payload.dict(exclude_unset=True).items()
        if name not in exclude
    }


def _is_search(params: dict) -> bool:
    return bool(search_words(params.get("q") or ""))


@router.get("", response=list[BusinessOut])
@paginate(LargeListPagination, page_size=50, rows=list_rows, bounded=_is_search)
def business_list(
    request,
    q: str = "",
    grade: choice_type(Grade, blank=True) = "",
    business_type: choice_type(BusinessType, blank=True) = "",
    status: choice_type(BusinessStatus, blank=True) = "",
    within: int | None = None,
    sort: choice_type(SORTS) = "name",
    uncovered: bool = False,
):
    """The caller's businesses. `q` finds a name part or an exact credit code, registration or
    licence number; `within` narrows to a division subtree; `sort` is one of name, -name, grade,
    -grade, updated, division; `uncovered` keeps the operating businesses no official covers.
    A search (`q`) lists and counts at most 1,000 businesses: `count_exact` is false when more
    match ("more than 1,000"), and the list is then 1,000 of them in the order asked for."""
    division = access_division_by_id(request.user, within) if within else None
    return selectors.business_list(
        viewer=request.user,
        search=q,
        grade=grade,
        business_type=business_type,
        status=status,
        within=division,
        sort=sort,
        uncovered=uncovered,
    )


@router.post("", response={201: BusinessOut, codes_4xx: ErrorOut})
def business_create(request, payload: BusinessCreateIn):
    _require_registry_keeper(request.user)
    division = _registry_division(request.user, payload.division_id)
    business = services.business_create(
        actor=request.user,
        division=division,
        fields=_raw(payload, exclude={"division_id", "grade_reason", "status_since"}),
        grade_reason=payload.grade_reason,
        status_since=payload.status_since,
        allow_pilot=is_office_or_admin(request.user),
    )
    return Status(201, business)


@router.get("/{business_id}", response={200: BusinessOut, codes_4xx: ErrorOut})
def business_detail(request, business_id: int):
    return selectors.access_business_by_id(request.user, business_id)


@router.patch("/{business_id}", response={200: BusinessOut, codes_4xx: ErrorOut})
def business_update(request, business_id: int, payload: BusinessUpdateIn):
    business = selectors.access_business_by_id(request.user, business_id, for_write=True)
    return services.business_update(
        actor=request.user,
        business=business,
        fields=_raw(payload),
        allow_pilot=is_office_or_admin(request.user),
    )


@router.post("/{business_id}/status", response={200: BusinessOut, codes_4xx: ErrorOut})
def business_status_change(request, business_id: int, payload: BusinessStatusChangeIn):
    business = selectors.access_business_by_id(request.user, business_id, for_write=True)
    return services.business_status_change(
        actor=request.user,
        business=business,
        to_status=payload.to_status,
        effective_on=payload.effective_on,
        reason=payload.reason,
    )


@router.post("/{business_id}/grade", response={200: BusinessOut, codes_4xx: ErrorOut})
def business_regrade(request, business_id: int, payload: BusinessRegradeIn):
    business = selectors.access_business_by_id(request.user, business_id, for_write=True)
    return services.business_regrade(
        actor=request.user,
        business=business,
        grade=payload.grade,
        reason=payload.reason,
        successor=payload.successor,
    )


@router.post("/{business_id}/move", response={200: BusinessOut, codes_4xx: ErrorOut})
def business_move(request, business_id: int, payload: BusinessMoveIn):
    business = selectors.access_business_by_id(request.user, business_id, for_write=True)
    division = _registry_division(request.user, payload.division_id)
    return services.business_move(
        actor=request.user,
        business=business,
        division=division,
        reason=payload.reason,
        successor=payload.successor,
    )
