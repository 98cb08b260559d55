"""Dates people enter on the registry stay within docs/domain.md §3.6, through page and API
alike, with the same message; a refused date writes nothing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses import services
from liangze.businesses.models import Business, StatusChange
from liangze.businesses.testing import make_business, make_uscc
from liangze.core.errors import Invalid

JSON = "application/json"
URL = "/api/v1/businesses"
TOO_EARLY = "1900-01-01"


def too_late() -> str:
    return (timezone.localdate() + timedelta(days=400)).isoformat()


@pytest.fixture
def business(county_staff, regions):
    return make_business(actor=county_staff, division=regions.village)


def status_changes() -> int:
    return StatusChange.objects.count()


@pytest.mark.parametrize("effective_on", [TOO_EARLY, "too_late"])
def test_the_api_refuses_a_status_date_out_of_bounds(
    effective_on, business, county_staff, client_for
):
    value = too_late() if effective_on == "too_late" else effective_on
    before = status_changes()
    response = client_for(county_staff).post(
        f"{URL}/{business.pk}/status",
        {"to_status": "suspended", "effective_on": value, "reason": "停业"},
        content_type=JSON,
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "date_out_of_range"
    assert set(body["fields"]) == {"effective_on"}
    business.refresh_from_db()
    assert business.status == "operating"
    assert status_changes() == before


def test_the_api_accepts_the_first_day_of_1949(business, county_staff, client_for):
    response = client_for(county_staff).post(
        f"{URL}/{business.pk}/status",
        {"to_status": "suspended", "effective_on": "1949-01-01", "reason": "停业"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    assert response.json()["status_since"] == "1949-01-01"


def test_the_api_refuses_a_registration_operating_since_1900(county_staff, client_for, regions):
    response = client_for(county_staff).post(
        URL,
        {
            "name": "新开面馆",
            "uscc": make_uscc(500),
            "business_type": "restaurant",
            "scale": "small",
            "grade": "C",
            "grade_reason": "小型餐饮",
            "division_id": regions.village.pk,
            "status_since": TOO_EARLY,
        },
        content_type=JSON,
    )
    assert response.status_code == 422, response.content
    assert set(response.json()["fields"]) == {"status_since"}
    assert not Business.objects.exists()


def test_the_page_shows_the_same_message_inline(business, county_staff, client_for):
    before = status_changes()
    response = client_for(county_staff).post(
        f"/businesses/{business.pk}/status/",
        {
            "status-to_status": "suspended",
            "status-effective_on": TOO_EARLY,
            "status-reason": "停业",
        },
    )
    assert response.status_code == 200
    errors = response.context["status_form"].errors
    assert set(errors) == {"effective_on"}
    assert "1949-01-01" in errors["effective_on"][0]
    business.refresh_from_db()
    assert business.status == "operating"
    assert status_changes() == before


def test_the_registration_page_refuses_a_date_next_decade(county_staff, client_for, regions):
    response = client_for(county_staff).post(
        "/businesses/new/",
        {
            "name": "新开面馆",
            "business_type": "restaurant",
            "scale": "small",
            "grade": "C",
            "grade_reason": "小型餐饮",
            "division": regions.village.pk,
            "status_since": (timezone.localdate() + timedelta(days=3650)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"status_since"}
    assert not Business.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_CREATED).exists()


def test_the_bulk_status_change_refuses_a_date_out_of_bounds(county_staff, client_for, regions):
    batch = [make_business(actor=county_staff, division=regions.village, serial=n) for n in (1, 2)]
    before = status_changes()
    client_for(county_staff).post(
        "/businesses/bulk/",
        {
            "bulk-ids": [b.pk for b in batch],
            "bulk-action": "status",
            "bulk-to_status": "suspended",
            "bulk-effective_on": too_late(),
            "bulk-reason": "检查",
        },
    )
    assert set(Business.objects.values_list("status", flat=True)) == {"operating"}
    assert status_changes() == before


def test_the_services_refuse_it_whoever_calls_them(county_staff, regions):
    batch = [make_business(actor=county_staff, division=regions.village, serial=n) for n in (1, 2)]
    with pytest.raises(Invalid) as caught:
        services.business_bulk_status_change(
            actor=county_staff,
            businesses=batch,
            to_status="suspended",
            effective_on=date(1900, 1, 1),
            reason="检查",
        )
    assert set(caught.value.fields) == {"effective_on"}
    assert set(Business.objects.values_list("status", flat=True)) == {"operating"}
