"""The registry API under /api/v1/businesses, by persona, in the one error shape."""

from datetime import date

import pytest

from liangze.accounts.models import Role
from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses import services
from liangze.businesses.models import Business, StatusChange
from liangze.businesses.selectors import SORTS
from liangze.businesses.testing import make_business, make_uscc
from liangze.core import pagination

JSON = "application/json"
URL = "/api/v1/businesses"
PILOT_CODE = "91350100M0001TGQXM"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body


def new_business(division, **overrides) -> dict:
    return {
        "name": "新开面馆",
        "uscc": make_uscc(500),
        "business_type": "restaurant",
        "scale": "small",
        "grade": "C",
        "grade_reason": "小型餐饮",
        "division_id": division.pk,
        "latitude": "36.4163",
        "longitude": 94.9033,
        "contact_phone": "0979-8412345",
        **overrides,
    }


def writes() -> list[str]:
    return list(
        AuditEvent.objects.exclude(action__in=(AuditAction.ACCESS_DENIED, AuditAction.LOGIN))
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def business(county_staff, regions):
    return make_business(actor=county_staff, division=regions.village)


@pytest.fixture
def split_staff(user_factory, regions):
    """Office staff of one village who reads the whole county as an official."""
    user = user_factory("split_staff", Role.OFFICE_STAFF, regions.other_village)
    user.grants.create(role=Role.OFFICIAL, division=regions.county)
    return user


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("county_staff", 200, 200),
        ("leader", 200, 403),
        ("village_official", 200, 403),
        ("regulator", 200, 403),
        ("outsider", 404, 404),  # same answer as a missing id
        ("public", 401, 401),
    ],
)
def test_business_endpoints_by_persona(persona, read, write, request, client_for, business):
    client = client_for(request.getfixturevalue(persona))
    url = f"{URL}/{business.pk}"
    assert client.get(url).status_code == read
    response = client.patch(url, {"address": "新址"}, content_type=JSON)
    assert response.status_code == write
    grade = client.post(f"{url}/grade", {"grade": "B", "reason": "x"}, content_type=JSON)
    assert grade.status_code == write
    business.refresh_from_db()
    assert (business.address, business.grade) == (("新址", "B") if write == 200 else ("", "C"))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_staff", 201),
        ("leader", 403),
        ("village_official", 403),
        ("outsider", 404),  # our village is not theirs to name
        ("public", 401),
    ],
)
def test_create_by_persona(persona, status, request, client_for, regions):
    response = client_for(request.getfixturevalue(persona)).post(
        URL, new_business(regions.village), content_type=JSON
    )
    assert response.status_code == status
    assert Business.objects.exists() is (status == 201)


class TestBusinessDirector:
    @pytest.fixture
    def director(self, business_director, business):
        business_director.grants.filter(role=Role.BUSINESS_DIRECTOR).update(business=business)
        return business_director

    def test_it_reads_its_own_business_only(
        self, director, business, county_staff, regions, client_for
    ):
        other = make_business(actor=county_staff, division=regions.village, serial=2)
        client = client_for(director)
        assert [b["id"] for b in client.get(URL).json()["items"]] == [business.pk]
        assert client.get(f"{URL}/{business.pk}").status_code == 200
        assert_error(client.get(f"{URL}/{other.pk}"), 404, "business_not_found")

    def test_it_cannot_change_its_business(self, director, business, client_for):
        response = client_for(director).post(
            f"{URL}/{business.pk}/status",
            {"to_status": "suspended", "effective_on": "2026-03-01", "reason": "x"},
            content_type=JSON,
        )
        assert_error(response, 403, "business_read_only")
        business.refresh_from_db()
        assert business.status == "operating"


class TestCreate:
    def test_it_registers_a_business(self, county_staff, regions, client_for):
        response = client_for(county_staff).post(
            URL, new_business(regions.village, status_since="2026-01-15"), content_type=JSON
        )
        assert response.status_code == 201
        body = response.json()
        business = Business.objects.get()
        assert body["id"] == business.pk
        assert (body["grade"], body["group"], body["status"]) == ("C", "catering", "operating")
        assert (body["division_id"], body["division_code"]) == (
            regions.village.pk,
            regions.village.code,
        )
        assert (body["lat_e6"], body["lng_e6"]) == (36_416_300, 94_903_300)
        assert body["contact_phone"] == "+869798412345"
        assert body["status_since"] == "2026-01-15"
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_CREATED)
        assert event.actor == county_staff
        assert event.data == {"grade_reason": "小型餐饮"}

    def test_bad_input_is_422_with_every_field_and_writes_nothing(
        self, county_staff, regions, client_for
    ):
        before = writes()
        response = client_for(county_staff).post(
            URL,
            new_business(
                regions.village,
                name=" ",
                uscc="11500236MB1822153X",
                business_type="spaceship",
                grade="E",
                grade_reason="",
            ),
            content_type=JSON,
        )
        body = assert_error(response, 422, "business_invalid")
        assert set(body["fields"]) == {"name", "uscc", "business_type", "grade", "grade_reason"}
        assert not Business.objects.exists()
        assert writes() == before

    def test_a_missing_field_is_422(self, county_staff, regions, client_for):
        data = new_business(regions.village)
        del data["grade"]
        response = client_for(county_staff).post(URL, data, content_type=JSON)
        body = assert_error(response, 422, "invalid_input")
        assert "grade" in body["fields"]

    def test_a_division_out_of_sight_is_404(self, county_staff, regions, client_for):
        response = client_for(county_staff).post(
            URL, new_business(regions.neighbour_village), content_type=JSON
        )
        assert_error(response, 404, "division_not_found")
        assert not Business.objects.exists()

    def test_a_division_seen_but_not_kept_is_403(self, split_staff, regions, client_for):
        client = client_for(split_staff)
        response = client.post(URL, new_business(regions.village), content_type=JSON)
        assert_error(response, 403, "division_read_only")
        assert not Business.objects.exists()
        response = client.post(URL, new_business(regions.other_village), content_type=JSON)
        assert response.status_code == 201

    def test_a_county_is_no_place_for_a_business(self, county_staff, regions, client_for):
        response = client_for(county_staff).post(
            URL, new_business(regions.county), content_type=JSON
        )
        body = assert_error(response, 422, "business_division_level")
        assert "division" in body["fields"]

    def test_a_pilot_code_needs_the_override(self, county_staff, regions, client_for):
        client = client_for(county_staff)
        refused = client.post(
            URL, new_business(regions.village, uscc=PILOT_CODE), content_type=JSON
        )
        assert "uscc" in assert_error(refused, 422, "business_invalid")["fields"]
        accepted = client.post(
            URL,
            new_business(regions.village, uscc=PILOT_CODE, uscc_pilot_override=True),
            content_type=JSON,
        )
        assert accepted.status_code == 201
        assert accepted.json()["uscc_pilot_override"] is True

    def test_a_blank_scale_is_suggested(self, county_staff, regions, client_for):
        response = client_for(county_staff).post(
            URL,
            new_business(
                regions.village, scale="", staff_count=120, annual_revenue_yuan=30_000_000
            ),
            content_type=JSON,
        )
        assert response.status_code == 201
        assert response.json()["scale"] == "medium"


class TestList:
    @pytest.fixture
    def three(self, county_staff, regions):
        return {
            "noodles": make_business(
                actor=county_staff, division=regions.village, serial=1, name="阿面馆", grade="D"
            ),
            "school": make_business(
                actor=county_staff,
                division=regions.other_village,
                serial=2,
                name="中学食堂",
                business_type="school_canteen",
                grade="B",
            ),
            "shop": make_business(
                actor=county_staff,
                division=regions.township,
                serial=3,
                name="便利店",
                business_type="convenience_store",
                uscc="",
                registration_number="登记-0003",
            ),
        }

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({}, ["school", "shop", "noodles"]),
            ({"q": "面馆"}, ["noodles"]),
            ({"q": make_uscc(2)}, ["school"]),
            ({"q": "登记-0003"}, ["shop"]),
            ({"grade": "B"}, ["school"]),
            ({"business_type": "convenience_store"}, ["shop"]),
            ({"sort": "-name"}, ["noodles", "shop", "school"]),
            ({"sort": "grade"}, ["school", "shop", "noodles"]),
            ({"sort": "division"}, ["shop", "noodles", "school"]),
        ],
    )
    def test_it_searches_filters_and_sorts(self, query, expected, three, county_staff, client_for):
        response = client_for(county_staff).get(URL, query)
        assert response.status_code == 200
        assert [b["id"] for b in response.json()["items"]] == [three[n].pk for n in expected]

    def test_it_filters_by_status_and_division(self, three, county_staff, regions, client_for):
        services.business_status_change(
            actor=county_staff,
            business=three["noodles"],
            to_status="suspended",
            effective_on=date(2026, 2, 1),
            reason="整改",
        )
        client = client_for(county_staff)
        suspended = client.get(URL, {"status": "suspended"}).json()["items"]
        assert [b["id"] for b in suspended] == [three["noodles"].pk]
        within = client.get(URL, {"within": regions.other_village.pk}).json()["items"]
        assert [b["id"] for b in within] == [three["school"].pk]

    def test_a_division_out_of_sight_is_404(self, three, county_staff, regions, client_for):
        response = client_for(county_staff).get(URL, {"within": regions.neighbour_county.pk})
        assert_error(response, 404, "division_not_found")

    def test_a_search_counts_up_to_the_bound_and_says_when_more_match(
        self, county_staff, regions, client_for, monkeypatch
    ):
        monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
        for serial in range(1, 6):
            make_business(actor=county_staff, division=regions.village, serial=serial)
        client = client_for(county_staff)
        broad = client.get(URL, {"q": "餐馆", "page_size": 2}).json()
        assert (broad["count"], broad["count_exact"]) == (3, False)
        second = client.get(URL, {"q": "餐馆", "page_size": 2, "page": 2}).json()
        third = client.get(URL, {"q": "餐馆", "page_size": 2, "page": 3}).json()
        listed = [b["name"] for b in broad["items"] + second["items"]]
        assert len(listed) == len(set(listed)) == 3
        assert listed == sorted(listed)  # the listed three, in the order asked for
        assert third["items"] == []
        backwards = client.get(URL, {"q": "餐馆", "sort": "-name"}).json()
        assert [b["name"] for b in backwards["items"]] == sorted(listed, reverse=True)

    def test_a_narrow_search_and_a_plain_list_count_exactly(
        self, county_staff, regions, client_for, monkeypatch
    ):
        monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
        for serial in range(1, 6):
            make_business(actor=county_staff, division=regions.village, serial=serial)
        client = client_for(county_staff)
        narrow = client.get(URL, {"q": "餐馆3"}).json()
        assert (narrow["count"], narrow["count_exact"]) == (1, True)
        assert [b["name"] for b in narrow["items"]] == ["测试餐馆3"]
        monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)  # as many as match: still exact
        at_bound = client.get(URL, {"q": "餐馆"}).json()
        assert (at_bound["count"], at_bound["count_exact"], len(at_bound["items"])) == (5, True, 5)
        monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
        everything = client.get(URL, {"q": "  "}).json()  # blank: no search, the whole count
        assert (everything["count"], everything["count_exact"]) == (5, True)

    def test_the_bound_is_in_the_api_document(self, client_for, county_staff):
        document = client_for(county_staff).get("/api/v1/openapi.json").json()
        page = document["components"]["schemas"]["PagedBusinessOut"]["properties"]
        assert page["count_exact"]["type"] == "boolean"
        assert "1,000" in page["count_exact"]["description"]

    def test_it_pages(self, county_staff, regions, client_for):
        for serial in range(1, 6):
            make_business(actor=county_staff, division=regions.village, serial=serial)
        body = client_for(county_staff).get(URL, {"page_size": 2, "page": 3}).json()
        assert body["count"] == 5
        assert len(body["items"]) == 1

    def test_walked_pages_list_what_plain_pages_list(
        self, county_staff, regions, client_for, monkeypatch
    ):
        places = [regions.village, regions.other_village, regions.township]
        for serial in range(1, 8):
            make_business(
                actor=county_staff,
                division=places[serial % 3],
                serial=serial,
                name=f"餐馆{serial % 3}",
                grade="CD"[serial % 2],
            )
        client = client_for(county_staff)

        def pages(query) -> list:
            return [
                client.get(URL, {**query, "page_size": 3, "page": n}).json() for n in (1, 2, 3, 4)
            ]

        queries = [{"sort": sort} for sort in SORTS] + [{"grade": "D"}, {"q": "餐馆1"}]
        plain = [pages(query) for query in queries]
        monkeypatch.setattr(pagination, "SHORT_LIST", 0)
        assert [pages(query) for query in queries] == plain
        assert [len(page["items"]) for page in plain[0]] == [3, 3, 1, 0]

    def test_the_neighbour_sees_none_of_ours(self, three, outsider, client_for):
        assert client_for(outsider).get(URL).json() == {
            "items": [],
            "count": 0,
            "count_exact": True,
        }

    @pytest.mark.parametrize("short_list", [pagination.SHORT_LIST, 0])
    @pytest.mark.parametrize("count", [2, 20])
    def test_the_query_count_does_not_grow_with_rows(
        self,
        count,
        short_list,
        county_staff,
        regions,
        client_for,
        django_assert_num_queries,
        monkeypatch,
    ):
        for serial in range(count):
            make_business(actor=county_staff, division=regions.village, serial=serial + 1)
        client = client_for(county_staff)
        monkeypatch.setattr(pagination, "SHORT_LIST", short_list)
        # session, user, grants; count, page
        with django_assert_num_queries(5):
            response = client.get(URL)
        assert response.json()["count"] == count


class TestChanges:
    def test_patch_changes_only_the_named_fields(self, business, county_staff, client_for):
        response = client_for(county_staff).patch(
            f"{URL}/{business.pk}",
            {"address": "和平路1号", "open_kitchen": True, "latitude": None},
            content_type=JSON,
        )
        assert response.status_code == 200
        assert (response.json()["address"], response.json()["open_kitchen"]) == ("和平路1号", True)
        business.refresh_from_db()
        assert (business.name, business.uscc, business.grade) == ("测试餐馆1", make_uscc(1), "C")
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_UPDATED)
        assert event.changes == {"address": ["", "和平路1号"], "open_kitchen": [False, True]}

    def test_a_bad_credit_code_is_422_and_changes_nothing(self, business, county_staff, client_for):
        response = client_for(county_staff).patch(
            f"{URL}/{business.pk}", {"uscc": "123", "address": "x"}, content_type=JSON
        )
        assert set(assert_error(response, 422, "business_invalid")["fields"]) == {"uscc"}
        business.refresh_from_db()
        assert (business.uscc, business.address) == (make_uscc(1), "")

    def test_status_change(self, business, county_staff, client_for):
        response = client_for(county_staff).post(
            f"{URL}/{business.pk}/status",
            {"to_status": "suspended", "effective_on": "2026-03-01", "reason": "整改停业"},
            content_type=JSON,
        )
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["status_since"]) == (
            "suspended",
            "2026-03-01",
        )
        assert response.json()["in_scope"] is False
        change = StatusChange.objects.get(business=business, from_status="operating")
        assert (change.to_status, change.reason, change.actor) == (
            "suspended",
            "整改停业",
            county_staff,
        )
        assert AuditEvent.objects.filter(action=AuditAction.BUSINESS_STATUS_CHANGED).count() == 1

    def test_a_refused_transition_is_409(self, business, county_staff, client_for):
        services.business_status_change(
            actor=county_staff,
            business=business,
            to_status="closed",
            effective_on=date(2026, 1, 1),
            reason="注销",
        )
        response = client_for(county_staff).post(
            f"{URL}/{business.pk}/status",
            {"to_status": "operating", "effective_on": "2026-03-01", "reason": "复业"},
            content_type=JSON,
        )
        assert_error(response, 409, "status_transition")
        business.refresh_from_db()
        assert business.status == "closed"

    def test_an_unknown_status_is_422(self, business, county_staff, client_for):
        response = client_for(county_staff).post(
            f"{URL}/{business.pk}/status",
            {"to_status": "flying", "effective_on": "2026-03-01", "reason": "x"},
            content_type=JSON,
        )
        assert "to_status" in assert_error(response, 422, "status_invalid")["fields"]

    def test_regrade_needs_a_reason(self, business, county_staff, client_for):
        response = client_for(county_staff).post(
            f"{URL}/{business.pk}/grade", {"grade": "A", "reason": " "}, content_type=JSON
        )
        assert "reason" in assert_error(response, 422, "reason_required")["fields"]
        business.refresh_from_db()
        assert business.grade == "C"

    def test_regrade(self, business, county_staff, client_for):
        response = client_for(county_staff).post(
            f"{URL}/{business.pk}/grade", {"grade": "A", "reason": "规模扩大"}, content_type=JSON
        )
        assert response.json()["grade"] == "A"
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_REGRADED)
        assert (event.changes, event.data) == ({"grade": ["C", "A"]}, {"reason": "规模扩大"})

    def test_move(self, business, county_staff, regions, client_for):
        response = client_for(county_staff).post(
            f"{URL}/{business.pk}/move",
            {"division_id": regions.other_village.pk, "reason": "搬迁"},
            content_type=JSON,
        )
        assert response.status_code == 200
        assert response.json()["division_id"] == regions.other_village.pk
        business.refresh_from_db()
        assert business.division == regions.other_village
        assert AuditEvent.objects.filter(action=AuditAction.BUSINESS_MOVED).count() == 1

    def test_a_move_out_of_sight_is_404(self, business, county_staff, regions, client_for):
        response = client_for(county_staff).post(
            f"{URL}/{business.pk}/move",
            {"division_id": regions.neighbour_village.pk, "reason": "搬迁"},
            content_type=JSON,
        )
        assert_error(response, 404, "division_not_found")
        business.refresh_from_db()
        assert business.division == regions.village

    def test_a_move_out_of_the_office_is_403(self, split_staff, county_staff, regions, client_for):
        mine = make_business(actor=county_staff, division=regions.other_village, serial=7)
        response = client_for(split_staff).post(
            f"{URL}/{mine.pk}/move",
            {"division_id": regions.village.pk, "reason": "搬迁"},
            content_type=JSON,
        )
        assert_error(response, 403, "division_read_only")
        mine.refresh_from_db()
        assert mine.division == regions.other_village
