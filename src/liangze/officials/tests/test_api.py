import pytest
from django.utils import timezone

from liangze.accounts.models import Role
from liangze.businesses.testing import make_business
from liangze.officials import services
from liangze.officials.models import Assignment, Official
from liangze.officials.testing import make_official


@pytest.fixture
def covered(county_staff, regions):
    """A village official (made by the county office) covering one grade D shop."""
    official = make_official(actor=county_staff, division=regions.village, serial=1)
    shop = make_business(
        actor=county_staff,
        division=regions.village,
        serial=1,
        grade="D",
        latitude="36.401234",
        longitude="94.903456",
    )
    services.assignment_create(actor=county_staff, official=official, business=shop)
    return official, shop


def own_official(user):
    """Make the persona an official on their existing official grant."""
    grant = user.grants.get(role=Role.OFFICIAL)
    return Official.objects.create(
        user=user, grant=grant, phone="+8613700000009", active_from=timezone.localdate()
    )


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("admin_user", 200, 200),
        ("province_staff", 200, 200),
        ("county_staff", 200, 200),
        ("township_staff", 200, 200),
        ("city_official", 404, 404),  # an official reads only their own
        ("county_official", 404, 404),
        ("village_official", 404, 404),
        ("regulator", 200, 403),
        ("leader", 200, 403),
        ("business_director", 404, 404),
        ("outsider", 404, 404),
        ("public", 401, 401),
    ],
)
def test_official_endpoints_by_persona(persona, read, write, request, client_for, covered):
    official, shop = covered
    client = client_for(request.getfixturevalue(persona))
    url = f"/api/v1/officials/{official.pk}"
    assert client.get(url).status_code == read
    response = client.patch(url, {"position": "村主任"}, content_type="application/json")
    assert response.status_code == write
    official.refresh_from_db()
    assert (official.position == "村主任") == (write == 200)
    listed = client.get(f"/api/v1/assignments?business_id={shop.pk}")
    # The list answers whoever reads the business; an official's list holds only their own.
    assert listed.status_code == {"business_director": 404, "outsider": 404, "public": 401}.get(
        persona, 200
    )
    if listed.status_code == 200:
        expected = [] if persona.endswith("_official") else [official.pk]
        assert [a["official_id"] for a in listed.json()["items"]] == expected


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_staff", 201),
        ("township_staff", 201),
        ("regulator", 403),
        ("leader", 403),
        ("village_official", 403),
        ("outsider", 404),  # the foreign village is not theirs to name
        ("public", 401),
    ],
)
def test_assign_by_persona(persona, status, request, client_for, regions, county_staff):
    official = make_official(actor=county_staff, division=regions.village, serial=2)
    shop = make_business(actor=county_staff, division=regions.village, serial=2, grade="D")
    client = client_for(request.getfixturevalue(persona))
    response = client.post(
        "/api/v1/assignments",
        {"official_id": official.pk, "business_id": shop.pk},
        content_type="application/json",
    )
    assert response.status_code == status
    assert Assignment.objects.filter(business=shop).exists() == (status == 201)


def test_an_official_reads_their_own_record_and_businesses(client_for, village_official, regions):
    official = own_official(village_official)
    shop = make_business(
        actor=None,
        division=regions.village,
        serial=3,
        grade="D",
        latitude="36.4",
        longitude="94.9",
    )
    Assignment.objects.create(business=shop, official=official, starts_on=timezone.localdate())
    client = client_for(village_official)
    assert client.get(f"/api/v1/officials/{official.pk}").status_code == 200
    listed = client.get("/api/v1/officials").json()
    assert [o["id"] for o in listed["items"]] == [official.pk]
    patched = client.patch(
        f"/api/v1/officials/{official.pk}", {"position": "x"}, content_type="application/json"
    )
    assert patched.status_code == 403
    mine = client.get("/api/v1/officials/me/businesses").json()["items"]
    assert [b["id"] for b in mine] == [shop.pk]
    assert mine[0]["map_url"].startswith("geo:36.400000,94.900000?q=")
    assert mine[0]["next_visit_due"].endswith(("-03-31", "-06-30", "-09-30", "-12-31"))


def test_create_returns_the_one_time_password_once(client_for, county_staff, regions):
    response = client_for(county_staff).post(
        "/api/v1/officials",
        {"display_name": "新干部", "phone": "13911112222", "division_id": regions.township.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["official"]["level"] == "township"
    assert len(body["one_time_password"]) >= 10
    detail = client_for(county_staff).get(f"/api/v1/officials/{body['official']['id']}").json()
    assert "one_time_password" not in detail


def test_bulk_assigns_a_village_and_hands_over(client_for, county_staff, regions):
    old = make_official(actor=county_staff, division=regions.village, serial=1)
    new = make_official(actor=county_staff, division=regions.village, serial=2)
    for n in range(1, 4):
        make_business(actor=county_staff, division=regions.village, serial=n, grade="D")
    make_business(actor=county_staff, division=regions.village, serial=9, grade="C")
    client = client_for(county_staff)
    response = client.post(
        "/api/v1/assignments/bulk",
        {"official_id": old.pk, "division_id": regions.village.pk},
        content_type="application/json",
    )
    assert response.json() == {"count": 3}
    uncovered = client.get("/api/v1/assignments/uncovered").json()["items"]
    assert [b["grade"] for b in uncovered] == ["C"]
    assert uncovered[0]["days_uncovered"] == 0
    response = client.post(
        f"/api/v1/officials/{old.pk}/hand-over",
        {"successor_id": new.pk},
        content_type="application/json",
    )
    assert response.json() == {"count": 3}
    idle = client.get("/api/v1/officials/idle").json()["items"]
    assert [o["id"] for o in idle] == [old.pk]
    response = client.post(f"/api/v1/officials/{old.pk}/deactivate", {}, "application/json")
    assert response.status_code == 200
    assert response.json()["active_to"] is not None


def test_refusals_come_back_as_422_with_the_reason(client_for, county_staff, regions):
    official = make_official(actor=county_staff, division=regions.village, serial=1)
    shop = make_business(actor=county_staff, division=regions.village, serial=1, grade="B")
    response = client_for(county_staff).post(
        "/api/v1/assignments",
        {"official_id": official.pk, "business_id": shop.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "assignment_refused"
    assert str(shop.pk) in response.json()["fields"]


def test_overloaded_officials_are_listed(client_for, county_staff, regions, settings):
    official = make_official(actor=county_staff, division=regions.village, serial=1)
    shops = [
        make_business(actor=county_staff, division=regions.village, serial=n, grade="D")
        for n in range(1, 33)
    ]
    services.assignment_bulk_create(actor=county_staff, official=official, businesses=shops)
    body = client_for(county_staff).get("/api/v1/officials/overloaded").json()
    assert [(o["official"]["id"], o["load"], o["limit"]) for o in body] == [(official.pk, 32, 30)]


@pytest.mark.parametrize("rows", [2, 20])
def test_list_queries_do_not_grow_with_rows(
    rows, client_for, county_staff, regions, django_assert_num_queries
):
    for serial in range(1, rows + 1):
        official = make_official(actor=county_staff, division=regions.village, serial=serial)
        shop = make_business(actor=county_staff, division=regions.village, serial=serial, grade="D")
        services.assignment_create(actor=county_staff, official=official, business=shop)
    client = client_for(county_staff)
    with django_assert_num_queries(5):  # session, user, grants, the count, the page
        assert len(client.get("/api/v1/officials").json()["items"]) == rows
    with django_assert_num_queries(5):
        assert len(client.get("/api/v1/assignments").json()["items"]) == rows
