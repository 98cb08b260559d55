"""The director rule over every type × scale × chain flag (docs/domain.md §1.8)."""

import itertools

import pytest

from liangze.businesses.types import BusinessType, Scale
from liangze.enterprise.rules import (
    director_category,
    director_required,
    is_enterprise,
    officer_required,
)

PRODUCERS = {"food_producer", "additive_producer", "special_food_producer"}
SELLERS = {
    "supermarket", "convenience_store", "grocery", "market", "wholesaler", "online_seller",
    "vending",
}  # fmt: skip
CATERERS = {
    "restaurant", "fast_food", "snack_bar", "drinks_shop", "bakery", "central_kitchen",
    "meal_delivery_unit", "rural_banquet_venue",
}  # fmt: skip


def expected(kind: str, scale: str, chain_hq: bool, served: int | None) -> bool:
    """The five categories, written out a second time, independently of the code."""
    big = scale in ("large", "medium")
    return (
        kind == "special_food_producer"
        or (kind in PRODUCERS and big)
        or (kind in SELLERS and big)
        or (kind in CATERERS and big)
        or (kind in ("central_kitchen", "meal_delivery_unit") and (served or 0) > 1000)
        or (chain_hq and (kind in SELLERS or kind in CATERERS))
    )


@pytest.mark.parametrize(
    ("kind", "scale", "chain_hq", "served"),
    list(itertools.product(BusinessType.values, Scale.values, (False, True), (None, 1000, 1001))),
)
def test_director_rule_over_every_combination(kind, scale, chain_hq, served):
    got = director_required(
        business_type=kind, scale=scale, chain_hq=chain_hq, people_served=served
    )
    assert got == expected(kind, scale, chain_hq, served)


def test_categories_are_numbered_as_the_rule():
    assert (
        director_category(business_type="special_food_producer", scale="micro", chain_hq=False) == 1
    )
    assert director_category(business_type="food_producer", scale="medium", chain_hq=False) == 2
    assert director_category(business_type="supermarket", scale="large", chain_hq=False) == 3
    assert (
        director_category(
            business_type="central_kitchen", scale="small", chain_hq=False, people_served=1500
        )
        == 4
    )
    assert director_category(business_type="fast_food", scale="small", chain_hq=True) == 5
    # Canteens, workshops and stalls are never among the five, whatever their flags.
    for kind in ("school_canteen", "small_workshop", "street_vendor"):
        assert director_category(business_type=kind, scale="small", chain_hq=True) is None


@pytest.mark.parametrize(
    ("uscc", "kind", "required"),
    [
        ("91632801MA0000001X", "restaurant", True),
        ("92632801MA0000001X", "restaurant", False),  # individual business
        ("", "street_vendor", False),
        ("91632801MA0000001X", "school_canteen", False),  # canteens: optional
        ("12632801MA0000001X", "hospital_canteen", False),
    ],
)
def test_officer_required_for_enterprises_only(uscc, kind, required):
    assert officer_required(uscc=uscc, business_type=kind) is required
    assert is_enterprise(uscc) is uscc.startswith("91")
