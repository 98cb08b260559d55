import pytest

from liangze.enterprise import periods, services
from liangze.enterprise.models import DailyCheck, WeeklyReview

pytestmark = pytest.mark.django_db

BASE = "/api/v1/enterprise"


def test_officer_submits_all_pass_and_a_failure(client_for, shop, officer):
    client = client_for(officer)
    response = client.post(
        f"{BASE}/businesses/{shop.pk}/daily-checks", {}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["failures"] == 0
    point = services.current_risk_list(shop).points.filter(frequency="day").first()
    response = client.post(
        f"{BASE}/businesses/{shop.pk}/daily-checks",
        {
            "failures": [{"risk_point_id": point.pk, "problem": "温度偏高"}],
            "corrects_id": response.json()["id"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["items"][0]["problem"] == "温度偏高"
    listed = client.get(f"{BASE}/businesses/{shop.pk}/daily-checks").json()
    assert listed["count"] == 2


def test_old_day_refused_with_fields(client_for, shop, officer):
    response = client_for(officer).post(
        f"{BASE}/businesses/{shop.pk}/daily-checks",
        {"on": "2020-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "period_closed"
    assert not DailyCheck.objects.exists()


def test_readers_read_but_do_not_write(client_for, shop, regulator, outsider):
    assert client_for(regulator).get(f"{BASE}/businesses/{shop.pk}").status_code == 200
    response = client_for(regulator).post(
        f"{BASE}/businesses/{shop.pk}/weekly-reviews",
        {"rating": 1},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert client_for(outsider).get(f"{BASE}/businesses/{shop.pk}").status_code == 404
    assert not WeeklyReview.objects.exists()


def test_staffing_and_rates(client_for, shop, officer, director, county_staff, regions):
    body = client_for(director).get(f"{BASE}/businesses/{shop.pk}").json()
    assert body["officer_required"] and not body["director_required"]
    assert body["complete"] and body["officers"][0]["user_id"] == officer.pk
    today = periods.today()
    response = client_for(county_staff).get(
        f"{BASE}/rates",
        {"division_id": regions.county.pk, "first": today.isoformat(), "last": today.isoformat()},
    )
    assert response.status_code == 200
    county = response.json()[0]
    assert county["division_id"] == regions.county.pk
    assert county["officers"] == {"numerator": 1, "denominator": 1, "percent": "100.00"}
    assert county["daily"]["denominator"] == 1


def test_office_issues_codes_director_does_not(client_for, shop, director, county_staff):
    url = f"{BASE}/businesses/{shop.pk}/enrolment-codes"
    body = {"role": "business_officer"}
    assert client_for(director).post(url, body, content_type="application/json").status_code == 403
    response = client_for(county_staff).post(url, body, content_type="application/json")
    assert response.status_code == 201 and len(response.json()["code"]) == 11
    # The director adds officers.
    response = client_for(director).post(
        f"{BASE}/businesses/{shop.pk}/officers", {"name": "新人"}, content_type="application/json"
    )
    assert response.status_code == 201


def test_problem_opened_through_the_api_needs_the_callers_photo(client_for, shop, officer):
    from django.core.files.base import ContentFile

    from liangze.files.services import stored_file_save
    from liangze.files.tests import samples
    from liangze.rectification.models import Problem

    point = services.current_risk_list(shop).points.filter(frequency="day").first()
    url = f"{BASE}/businesses/{shop.pk}/daily-checks"
    failure = {"risk_point_id": point.pk, "problem": "冷库故障", "open_problem": True}
    response = client_for(officer).post(
        url, {"failures": [failure]}, content_type="application/json"
    )
    assert response.status_code == 422 and "failures.1.photo" in response.json()["fields"]
    photo = stored_file_save(
        actor=officer,
        division=shop.division,
        kind="photo",
        upload=ContentFile(samples.png(), name="a.png"),
    )
    failure["photo_file_id"] = str(photo.public_id)
    response = client_for(officer).post(
        url, {"failures": [failure]}, content_type="application/json"
    )
    assert response.status_code == 201
    assert Problem.objects.get().source_id == response.json()["id"]


def test_office_makes_a_staff_account_on_the_business(client_for, shop, county_staff, director):
    url = f"{BASE}/businesses/{shop.pk}/staff-accounts"
    body = {"role": "business_officer", "username": "shop_new", "display_name": "新安全员"}
    assert client_for(director).post(url, body, content_type="application/json").status_code == 403
    response = client_for(county_staff).post(url, body, content_type="application/json")
    assert response.status_code == 201
    from liangze.accounts.models import User

    user = User.objects.get(pk=response.json()["user_id"])
    assert user.jurisdiction().business_ids == (shop.pk,)
    assert user.must_change_password
