"""Business types (业态) and their groups, docs/domain.md §1.2a, and the scale suggestion of §1.2."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BusinessGroup(models.TextChoices):
    PRODUCTION = "production", _("Production")
    SMALL_WORKSHOP = "small_workshop", _("Small workshop")
    SALE = "sale", _("Sale")
    CATERING = "catering", _("Catering")
    CANTEEN = "canteen", _("Canteen")
    STREET_VENDOR = "street_vendor", _("Street vendor")


class BusinessType(models.TextChoices):
    FOOD_PRODUCER = "food_producer", _("Food producer")
    ADDITIVE_PRODUCER = "additive_producer", _("Food additive producer")
    SPECIAL_FOOD_PRODUCER = "special_food_producer", _("Special food producer")
    SMALL_WORKSHOP = "small_workshop", _("Small food workshop")
    SUPERMARKET = "supermarket", _("Supermarket")
    CONVENIENCE_STORE = "convenience_store", _("Convenience store")
    GROCERY = "grocery", _("Grocery")
    MARKET = "market", _("Market (organiser)")
    WHOLESALER = "wholesaler", _("Wholesaler")
    ONLINE_SELLER = "online_seller", _("Online seller")
    VENDING = "vending", _("Vending machines")
    RESTAURANT = "restaurant", _("Restaurant")
    FAST_FOOD = "fast_food", _("Fast food")
    SNACK_BAR = "snack_bar", _("Snack bar")
    DRINKS_SHOP = "drinks_shop", _("Drinks shop")
    BAKERY = "bakery", _("Bakery")
    CENTRAL_KITCHEN = "central_kitchen", _("Central kitchen")
    MEAL_DELIVERY_UNIT = "meal_delivery_unit", _("Meal delivery unit")
    RURAL_BANQUET_VENUE = "rural_banquet_venue", _("Rural banquet venue")
    SCHOOL_CANTEEN = "school_canteen", _("School canteen")
    CHILDCARE_CANTEEN = "childcare_canteen", _("Childcare canteen")
    ELDERLY_CARE_CANTEEN = "elderly_care_canteen", _("Elderly care canteen")
    HOSPITAL_CANTEEN = "hospital_canteen", _("Hospital canteen")
    WORKPLACE_CANTEEN = "workplace_canteen", _("Workplace canteen")
    CONSTRUCTION_SITE_CANTEEN = "construction_site_canteen", _("Construction site canteen")
    STREET_VENDOR = "street_vendor", _("Street vendor")


T, G = BusinessType, BusinessGroup
TYPE_GROUP = {
    T.FOOD_PRODUCER: G.PRODUCTION,
    T.ADDITIVE_PRODUCER: G.PRODUCTION,
    T.SPECIAL_FOOD_PRODUCER: G.PRODUCTION,
    T.SMALL_WORKSHOP: G.SMALL_WORKSHOP,
    T.SUPERMARKET: G.SALE,
    T.CONVENIENCE_STORE: G.SALE,
    T.GROCERY: G.SALE,
    T.MARKET: G.SALE,
    T.WHOLESALER: G.SALE,
    T.ONLINE_SELLER: G.SALE,
    T.VENDING: G.SALE,
    T.RESTAURANT: G.CATERING,
    T.FAST_FOOD: G.CATERING,
    T.SNACK_BAR: G.CATERING,
    T.DRINKS_SHOP: G.CATERING,
    T.BAKERY: G.CATERING,
    T.CENTRAL_KITCHEN: G.CATERING,
    T.MEAL_DELIVERY_UNIT: G.CATERING,
    T.RURAL_BANQUET_VENUE: G.CATERING,
    T.SCHOOL_CANTEEN: G.CANTEEN,
    T.CHILDCARE_CANTEEN: G.CANTEEN,
    T.ELDERLY_CARE_CANTEEN: G.CANTEEN,
    T.HOSPITAL_CANTEEN: G.CANTEEN,
    T.WORKPLACE_CANTEEN: G.CANTEEN,
    T.CONSTRUCTION_SITE_CANTEEN: G.CANTEEN,
    T.STREET_VENDOR: G.STREET_VENDOR,
}
del T, G


class Scale(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


# NBS 2017 size classes (docs/domain.md §1.2): (staff, revenue in fen) minima for large, medium,
# small.
# Large, medium and small need both minima; anything below small is micro.
_YUAN_MILLION = 100 * 1_000_000
SCALE_THRESHOLDS = {
    BusinessGroup.CATERING: (
        (300, 100 * _YUAN_MILLION),
        (100, 20 * _YUAN_MILLION),
        (10, 1 * _YUAN_MILLION),
    ),
    BusinessGroup.CANTEEN: (
        (300, 100 * _YUAN_MILLION),
        (100, 20 * _YUAN_MILLION),
        (10, 1 * _YUAN_MILLION),
    ),
    BusinessGroup.SALE: (
        (300, 200 * _YUAN_MILLION),
        (50, 5 * _YUAN_MILLION),
        (10, 1 * _YUAN_MILLION),
    ),
    BusinessGroup.PRODUCTION: (
        (1000, 400 * _YUAN_MILLION),
        (300, 20 * _YUAN_MILLION),
        (20, 3 * _YUAN_MILLION),
    ),
}


def suggest_scale(
    *, business_type: str, staff_count: int | None, annual_revenue_fen: int | None
) -> str | None:
    """The NBS size class for the figures given (a plain str, as a cleaned value is), or None
    when a figure is missing.

    Small workshops and street vendors are micro by nature."""
    group = TYPE_GROUP[BusinessType(business_type)]
    if group in (BusinessGroup.SMALL_WORKSHOP, BusinessGroup.STREET_VENDOR):
        return Scale.MICRO.value
    if staff_count is None or annual_revenue_fen is None:
        return None
    large, medium, small = SCALE_THRESHOLDS[group]
    for scale, (staff_min, revenue_min) in (
        (Scale.LARGE, large),
        (Scale.MEDIUM, medium),
        (Scale.SMALL, small),
    ):
        if staff_count >= staff_min and annual_revenue_fen >= revenue_min:
            return scale.value
    return Scale.MICRO.value
