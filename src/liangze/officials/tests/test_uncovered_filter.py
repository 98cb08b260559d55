"""应包尽包 as a filter of the registry's list, on the page and in the API (docs/domain.md §1.7):
operating businesses no official covers; a covered, a suspended or a closed one is left out."""

import pytest
from django.utils import timezone

from liangze.businesses.models import BusinessStatus
from liangze.businesses.services import business_status_change
from liangze.businesses.testing import make_business
from liangze.officials.services import assignment_create


@pytest.fixture
def mixed(county_staff, officials, regions, shop):
    covered = shop
    assignment_create(actor=county_staff, official=officials.village, business=covered)
    uncovered = make_business(actor=county_staff, division=regions.village, serial=2, grade="D")
    suspended = make_business(actor=county_staff, division=regions.village, serial=3, grade="D")
    business_status_change(
        actor=county_staff,
        business=suspended,
        to_status=BusinessStatus.SUSPENDED,
        effective_on=timezone.localdate(),
        reason="停业整顿",
    )
    elsewhere = make_business(actor=county_staff, division=regions.other_village, serial=4)
    return {"covered": covered, "uncovered": uncovered, "elsewhere": elsewhere}


def test_the_page_filters_the_uncovered(client_for, county_staff, mixed):
    page = client_for(county_staff).get("/businesses/", {"coverage": "uncovered"})
    assert page.status_code == 200
    listed = {b.pk for b in page.context["page"].object_list}
    assert listed == {mixed["uncovered"].pk, mixed["elsewhere"].pk}
    assert page.context["form"].narrowing_count() == 1


def test_the_filter_combines_with_the_others(client_for, county_staff, mixed, regions):
    page = client_for(county_staff).get(
        "/businesses/", {"coverage": "uncovered", "within": regions.village.pk}
    )
    assert {b.pk for b in page.context["page"].object_list} == {mixed["uncovered"].pk}


def test_the_api_filters_the_uncovered(client_for, county_staff, mixed):
    client = client_for(county_staff)
    every = {row["id"] for row in client.get("/api/v1/businesses").json()["items"]}
    assert {mixed["covered"].pk, mixed["uncovered"].pk} <= every
    only = {row["id"] for row in client.get("/api/v1/businesses?uncovered=true").json()["items"]}
    assert only == {mixed["uncovered"].pk, mixed["elsewhere"].pk}


def test_an_unknown_coverage_value_is_a_clear_error(client_for, county_staff, mixed):
    page = client_for(county_staff).get("/businesses/", {"coverage": "nobody"})
    assert page.status_code == 200
    assert page.context["form"].errors["coverage"]
    assert list(page.context["page"].object_list) == []


def test_the_gap_list_narrows_to_a_region(client_for, county_staff, mixed, regions):
    """The dashboard's coverage figure of a region links to that region's gap list."""
    from liangze.figures.measures import measures

    coverage = next(m for m in measures() if m.code == "coverage_rate")
    url = coverage.rows_url(regions.village.pk, "2026")
    page = client_for(county_staff).get(url)
    assert page.status_code == 200
    assert {b.pk for b in page.context["page"].object_list} == {mixed["uncovered"].pk}
    assert page.context["within"] == regions.village
    whole = client_for(county_staff).get("/officials/uncovered/")
    assert {b.pk for b in whole.context["page"].object_list} == {
        mixed["uncovered"].pk,
        mixed["elsewhere"].pk,
    }


def test_a_region_out_of_reach_lists_nothing(client_for, county_staff, mixed, regions):
    page = client_for(county_staff).get(
        "/officials/uncovered/", {"within": regions.neighbour_county.pk}
    )
    assert list(page.context["page"].object_list) == []
