"""A province's visit checklist under /api/v1/checklist-items (docs/domain.md §1.5, §1.12):
read by the province's office staff and leaders, changed by its office staff, as the page
does. An item is named by its set (`business_type`, blank for every type) and its `key`."""

from ninja import Field, Query, Router, Schema, Status

from liangze.businesses.types import BusinessType
from liangze.core.schemas import ErrorOut, choice_field
from liangze.officials.selectors import access_rule_province
from liangze.visits import services
from liangze.visits.checklist import province_checklist_items

router = Router(tags=["province settings"])
codes_4xx = frozenset({401, 403, 404, 409, 422})


class ChecklistItemOut(Schema):
    id: int | None = Field(description="None while the province uses the defaults.")
    business_type: str = choice_field(BusinessType, blank=True, description="Blank: every type.")
    key: str = Field(
        description="Names the item in visits; a type's item replaces the item "
        "of the set for every type with the same key."
    )
    label: str
    order: int = Field(description="Items are checked from the smallest number up.")
    active: bool = Field(description="False: out of use; kept for the visits that used it.")


class ChecklistOut(Schema):
    province_id: int
    province_name: str
    is_default: bool = Field(description="True while the province has not edited its checklist.")
    items: list[ChecklistItemOut] = Field(description="Every set, the one for every type first.")


class ChecklistItemCreateIn(Schema):
    business_type: str = choice_field(
        BusinessType, "", blank=True, max_length=40, description="Blank: every type."
    )
    label: str = Field(max_length=200)
    key: str = Field("", max_length=40, description="Blank: a new key is made.")


class ChecklistItemUpdateIn(Schema):
    label: str | None = Field(None, max_length=200)
    order: int | None = Field(None, description="0 to 32767.")
    active: bool | None = None


class ChecklistItemPath(Schema):
    business_type: str = choice_field(
        BusinessType,
        "",
        blank=True,
        max_length=40,
        description="The item's set; blank: every type.",
    )


def _out(province) -> dict:
    rows, is_default = province_checklist_items(province)
    return {
        "province_id": province.pk,
        "province_name": province.name,
        "is_default": is_default,
        "items": rows,
    }


@router.get("/{province_id}", response={200: ChecklistOut, codes_4xx: ErrorOut})
def checklist_item_list(request, province_id: int):
    return _out(access_rule_province(request.user, province_id))


@router.post("/{province_id}", response={201: ChecklistItemOut, codes_4xx: ErrorOut})
def checklist_item_create(request, province_id: int, payload: ChecklistItemCreateIn):
    """Add an item at the end of its set; a province on the defaults gets them copied first."""
    province = access_rule_province(request.user, province_id, for_write=True)
    item = services.checklist_item_create(
        actor=request.user,
        province=province,
        business_type=payload.business_type,
        label=payload.label,
        key=payload.key,
    )
    return Status(201, item)


@router.patch("/{province_id}/{key}", response={200: ChecklistItemOut, codes_4xx: ErrorOut})
def checklist_item_update(
    request,
    province_id: int,
    key: str,
    payload: ChecklistItemUpdateIn,
    where: Query[ChecklistItemPath],
):
    """Rename, renumber, take out of use or put back one item; what is left out stays."""
    province = access_rule_province(request.user, province_id, for_write=True)
    return services.checklist_item_update(
        actor=request.user,
        province=province,
        business_type=where.business_type,
        key=key,
        label=payload.label,
        order=payload.order,
        active=payload.active,
    )
