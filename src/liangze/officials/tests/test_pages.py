import pytest
from django.utils import timezone

from liangze.businesses.testing import make_business
from liangze.officials import services
from liangze.officials.models import Assignment, Official
from liangze.officials.testing import make_official


@pytest.mark.parametrize(
    ("persona", "list_status", "create_status"),
    [
        ("county_staff", 200, 200),
        ("leader", 200, 403),
        ("regulator", 200, 403),
        ("village_official", 200, 403),
        ("public", 302, 302),
    ],
)
def test_pages_by_persona(persona, list_status, create_status, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/officials/").status_code == list_status
    assert client.get("/officials/new/").status_code == create_status


def test_adding_an_official_shows_the_password_once(client_for, county_staff, regions):
    client = client_for(county_staff)
    response = client.post(
        "/officials/new/",
        {"display_name": "李四", "phone": "13912345678", "division": regions.village.pk},
    )
    assert response.status_code == 200
    official = Official.objects.get()
    password = response.context["issued"][0][1]
    assert len(password.replace(" ", "")) >= 10
    assert password.count(" ") >= 2  # grouped by four to read out
    assert "no-store" in response.headers["Cache-Control"]
    detail = client.get(f"/officials/{official.pk}/")
    assert password not in detail.content.decode()


def test_a_clerk_assigns_a_village_and_hands_over(client_for, county_staff, regions):
    old = make_official(actor=county_staff, division=regions.village, serial=1)
    new = make_official(actor=county_staff, division=regions.village, serial=2)
    for n in range(1, 4):
        make_business(actor=county_staff, division=regions.village, serial=n, grade="D")
    client = client_for(county_staff)
    response = client.post(
        f"/officials/{old.pk}/assign/",
        {"assign-division": regions.village.pk, "assign-only_uncovered": "on"},
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(official=old, ends_on__isnull=True).count() == 3
    response = client.post(f"/officials/{old.pk}/hand-over/", {"handover-successor": new.pk})
    assert response.status_code == 302
    assert Assignment.objects.filter(official=new, ends_on__isnull=True).count() == 3
    response = client.post(f"/officials/{new.pk}/deactivate/")
    new.refresh_from_db()
    assert new.active_to is None  # still covers businesses: refused


def test_uncovered_list_shows_days_waiting(client_for, county_staff, regions):
    shop = make_business(
        actor=county_staff,
        division=regions.village,
        serial=1,
        grade="D",
    )
    response = client_for(county_staff).get("/officials/uncovered/")
    rows = list(response.context["page"].object_list)
    assert [b.pk for b in rows] == [shop.pk]
    assert rows[0].days_uncovered == (timezone.localdate() - shop.status_since).days


def test_an_official_home_opens_on_their_businesses(client_for, county_staff, regions):
    official = make_official(actor=county_staff, division=regions.village, serial=1)
    shop = make_business(
        actor=county_staff,
        division=regions.village,
        serial=1,
        grade="D",
        contact_phone="13800001111",
        latitude="36.4",
        longitude="94.9",
    )
    other = make_business(actor=county_staff, division=regions.village, serial=2, grade="D")
    services.assignment_create(actor=county_staff, official=official, business=shop)
    official.user.must_change_password = False  # as after their first login
    official.user.save(update_fields=["must_change_password"])
    response = client_for(official.user).get("/")
    body = response.content.decode()
    assert [b.pk for b in response.context["businesses"]] == [shop.pk]
    assert other.name not in body
    assert 'href="tel:+8613800001111"' in body
    assert "geo:36.400000,94.900000" in body


def test_the_business_pages_name_the_covering_official(client_for, county_staff, regions):
    official = make_official(
        actor=county_staff, division=regions.village, serial=1, position="村主任"
    )
    shop = make_business(actor=county_staff, division=regions.village, serial=1, grade="D")
    services.assignment_create(actor=county_staff, official=official, business=shop)
    detail = client_for(county_staff).get(f"/businesses/{shop.pk}/")
    assert detail.context["covering"].name == official.user.display_name
    public = client_for(None).get(f"/p/{shop.public_token}")
    card = public.context["card"]
    assert card.official.name == official.user.display_name
    assert card.official.phone_masked == "139****0001"
    assert "村主任" in card.official.post
    sheet = client_for(county_staff).get(f"/businesses/qr-sheet/?ids={shop.pk}")
    assert [s.official for s in sheet.context["stickers"]] == [official.user.display_name]
