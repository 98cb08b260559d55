"""Who must appoint whom (docs/domain.md §1.8): pure functions of a business's type, scale,
chain-HQ flag, the people a central kitchen or meal-delivery unit serves, and its credit code.

No database here: the staffing rate (selectors.staffing_rates) and the pages ask the same
functions, so the rule is stated once.
"""

from liangze.businesses.types import TYPE_GROUP, BusinessGroup, BusinessType, Scale

# §1.8 (4): central kitchens and meal-delivery units need a director when serving more than this.
PEOPLE_SERVED_THRESHOLD = 1000
TRAINING_HOURS_PER_YEAR = 40

_LARGE_OR_MEDIUM = frozenset({Scale.LARGE, Scale.MEDIUM})
_SERVING_TYPES = frozenset({BusinessType.CENTRAL_KITCHEN, BusinessType.MEAL_DELIVERY_UNIT})


def is_enterprise(uscc: str) -> bool:
    """An enterprise (企业) by its credit code: registered by market regulation (9), organisation
    type 1 (docs/domain.md §3.1). Individual businesses (92), co-operatives (93), canteens of
    institutions (1x, 5x) and businesses without a code are not."""
    return (uscc or "").upper().startswith("91")


def director_category(
    *, business_type: str, scale: str, chain_hq: bool, people_served: int | None = None
) -> int | None:
    """Which of the five categories of §1.8 requires a 食品安全总监, or None.

    1 special-food producers; 2 large and medium producers; 3 large and medium sellers; 4 large
    and medium caterers, and central kitchens and meal-delivery units serving more than 1000;
    5 headquarters of sale and catering chains."""
    kind = BusinessType(business_type)
    group = TYPE_GROUP[kind]
    size = Scale(scale)
    if kind == BusinessType.SPECIAL_FOOD_PRODUCER:
        return 1
    if group == BusinessGroup.PRODUCTION and size in _LARGE_OR_MEDIUM:
        return 2
    if group == BusinessGroup.SALE and size in _LARGE_OR_MEDIUM:
        return 3
    if group == BusinessGroup.CATERING:
        if size in _LARGE_OR_MEDIUM:
            return 4
        if kind in _SERVING_TYPES and (people_served or 0) > PEOPLE_SERVED_THRESHOLD:
            return 4
    if chain_hq and group in (BusinessGroup.SALE, BusinessGroup.CATERING):
        return 5
    return None


def director_required(
    *, business_type: str, scale: str, chain_hq: bool, people_served: int | None = None
) -> bool:
    return (
        director_category(
            business_type=business_type,
            scale=scale,
            chain_hq=chain_hq,
            people_served=people_served,
        )
        is not None
    )


def officer_required(*, uscc: str, business_type: str) -> bool:
    """Every enterprise appoints at least one 食品安全员; individual businesses and canteens
    may (provincial rule, §1.8: optional here)."""
    if TYPE_GROUP[BusinessType(business_type)] == BusinessGroup.CANTEEN:
        return False
    return is_enterprise(uscc)
