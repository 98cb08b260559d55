import pytest

from liangze.businesses.testing import make_business
from liangze.officials.testing import make_official


@pytest.fixture
def officials(county_staff, regions):
    """One official per level of the county's tree, made by the county office (the city's by
    the province office)."""
    from liangze.accounts.models import Role
    from liangze.core.testing.fixtures import make_user

    city_staff = make_user("city_staff", Role.OFFICE_STAFF, regions.city)

    class Officials:
        city = make_official(actor=city_staff, division=regions.city, serial=1)
        county = make_official(actor=county_staff, division=regions.county, serial=2)
        township = make_official(actor=county_staff, division=regions.township, serial=3)
        village = make_official(actor=county_staff, division=regions.village, serial=4)
        other_village = make_official(actor=county_staff, division=regions.other_village, serial=5)
        staff_of_city = city_staff

    return Officials


@pytest.fixture
def shop(county_staff, regions):
    """A grade D business in the village."""
    return make_business(actor=county_staff, division=regions.village, serial=1, grade="D")
