"""The API's contract as its OpenAPI document states it (docs/architecture.md#the-api): the
maximum page size is real, a body is a JSON object, a NUL is 422, every operation documents its
error answers and every choice its values, and a bad token is 401 whatever the method."""

import json

import pytest
from django.test import Client, RequestFactory

from liangze.accounts.models import Role
from liangze.accounts.services import api_token_create, api_token_revoke
from liangze.api import api
from liangze.businesses.models import BusinessStatus, Grade
from liangze.businesses.testing import make_business
from liangze.core.pagination import MAX_PAGE_SIZE, Pagination

JSON = "application/json"
SCHEMA = api.get_openapi_schema()
OPERATIONS = [
    (method.upper(), path) for path, operations in SCHEMA["paths"].items() for method in operations
]


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body


def concrete(path: str) -> str:
    """The path with every parameter filled in (1 for ids, a UUID for files)."""
    for name, value in (("{file_id}", "00000000-0000-4000-8000-000000000000"),):
        path = path.replace(name, value)
    while "{" in path:
        start, stop = path.index("{"), path.index("}")
        path = path[:start] + "1" + path[stop + 1 :]
    return path


class TestPageSize:
    def test_the_document_states_the_real_maximum(self):
        parameters = SCHEMA["paths"]["/api/v1/businesses"]["get"]["parameters"]
        page_size = next(p for p in parameters if p["name"] == "page_size")
        assert page_size["schema"]["anyOf"][0]["maximum"] == MAX_PAGE_SIZE

    def test_a_page_as_large_as_the_maximum_is_served_whole(self):
        rows = list(range(MAX_PAGE_SIZE + 20))
        request = RequestFactory().get("/")
        page = Pagination(page_size=50).paginate_queryset(
            rows, Pagination.Input(page=1, page_size=MAX_PAGE_SIZE), request
        )
        assert len(page["items"]) == MAX_PAGE_SIZE

    def test_a_larger_page_is_refused_not_cut_down(self, county_staff, client_for):
        response = client_for(county_staff).get(
            "/api/v1/businesses", {"page_size": MAX_PAGE_SIZE + 1}
        )
        assert "page_size" in assert_error(response, 422, "invalid_input")["fields"]


class TestBodies:
    @pytest.mark.parametrize("body", ["[]", '"text"', "1", "null", "true", '[{"name": "x"}]'])
    def test_a_body_that_is_not_an_object_is_422(self, body, county_staff, client_for, regions):
        business = make_business(actor=county_staff, division=regions.village)
        client = client_for(county_staff)
        for response in (
            client.patch(f"/api/v1/businesses/{business.pk}", body, content_type=JSON),
            client.post("/api/v1/businesses", body, content_type=JSON),
            client.post(f"/api/v1/businesses/{business.pk}/grade", body, content_type=JSON),
        ):
            assert "body" in assert_error(response, 422, "invalid_input")["fields"]
        business.refresh_from_db()
        assert business.grade == "C"

    def test_a_body_that_is_not_json_is_422(self, county_staff, client_for, regions):
        response = client_for(county_staff).post("/api/v1/businesses", "{", content_type=JSON)
        assert "body" in assert_error(response, 422, "invalid_input")["fields"]

    def test_a_nul_in_a_string_is_422_in_the_error_shape(self, county_staff, client_for, regions):
        business = make_business(actor=county_staff, division=regions.village)
        response = client_for(county_staff).patch(
            f"/api/v1/businesses/{business.pk}",
            json.dumps({"address": "a\u0000b"}),
            content_type=JSON,
        )
        assert_error(response, 422, "invalid_input")
        business.refresh_from_db()
        assert business.address == ""


class TestTheDocument:
    @pytest.mark.parametrize(("method", "path"), OPERATIONS)
    def test_every_operation_documents_its_error_answers(self, method, path):
        responses = SCHEMA["paths"][path][method.lower()]["responses"]
        for status in (401, 403, 404, 422):
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}

    @pytest.mark.parametrize(
        ("schema", "field", "values"),
        [
            ("UserCreateIn", "role", Role.values),
            ("RoleGrantIn", "role", Role.values),
            ("GrantOut", "role", Role.values),
            ("BusinessOut", "grade", Grade.values),
            ("BusinessOut", "status", BusinessStatus.values),
            ("BusinessCreateIn", "grade", Grade.values),
            ("BusinessStatusChangeIn", "to_status", BusinessStatus.values),
            ("DivisionOut", "level", ["province", "city", "county", "township", "village"]),
            ("JobOut", "status", ["queued", "running", "succeeded", "failed"]),
        ],
    )
    def test_every_choice_lists_its_values(self, schema, field, values):
        enum = SCHEMA["components"]["schemas"][schema]["properties"][field]["enum"]
        assert [v for v in enum if v not in ("", None)] == list(values)

    def test_the_business_type_lists_its_values(self):
        enum = SCHEMA["components"]["schemas"]["BusinessOut"]["properties"]["business_type"]
        assert "restaurant" in enum["enum"]
        assert "school_canteen" in enum["enum"]

    @pytest.mark.parametrize("name", ["grade", "business_type", "status", "sort"])
    def test_every_filter_of_the_list_lists_its_values(self, name):
        parameters = SCHEMA["paths"]["/api/v1/businesses"]["get"]["parameters"]
        parameter = next(p for p in parameters if p["name"] == name)
        assert len(parameter["schema"]["enum"]) > 3

    def test_an_unknown_filter_value_is_refused_not_ignored(self, county_staff, client_for):
        client = client_for(county_staff)
        for query in ({"sort": "price"}, {"grade": "E"}, {"status": "flying"}):
            response = client.get("/api/v1/businesses", query)
            assert set(assert_error(response, 422, "invalid_input")["fields"]) == set(query)


class TestBadTokens:
    @pytest.fixture
    def session_client(self, county_staff):
        """A browser's session without its CSRF token: a token, if sent, must decide alone."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(county_staff)
        return client

    @pytest.fixture
    def revoked(self, county_staff):
        issued = api_token_create(actor=county_staff, name="old", days=1)
        api_token_revoke(actor=county_staff, token=issued.token)
        return issued.text

    @pytest.mark.parametrize(("method", "path"), OPERATIONS)
    def test_a_bad_or_revoked_token_is_401_on_every_method(
        self, method, path, session_client, revoked
    ):
        for header in (f"Bearer {revoked}", "Bearer lz_abc_def", "Bearer ", "Basic eDp5"):
            response = session_client.generic(
                method, concrete(path), b"{}", content_type=JSON, HTTP_AUTHORIZATION=header
            )
            assert_error(response, 401, "not_authenticated")

    def test_a_good_token_passes_without_csrf(self, county_staff, session_client, regions):
        issued = api_token_create(actor=county_staff, name="ok", days=1)
        business = make_business(actor=county_staff, division=regions.village)
        response = session_client.post(
            f"/api/v1/businesses/{business.pk}/grade",
            {"grade": "B", "reason": "调整"},
            content_type=JSON,
            HTTP_AUTHORIZATION=f"Bearer {issued.text}",
        )
        assert response.status_code == 200, response.content

    def test_the_session_alone_still_needs_its_csrf_token(self, session_client, regions):
        response = session_client.post("/api/v1/me/tokens", {"name": "x"}, content_type=JSON)
        assert_error(response, 403, "csrf_failed")


def test_every_api_schema_has_its_own_name():
    """OpenAPI names a component by its class name: two schemas of one name would be merged into
    one, and one endpoint's answers then checked against the other's fields."""
    from collections import defaultdict

    from ninja import Schema

    assert "/api/v1/problems/{problem_id}/photos" in api.get_openapi_schema()["paths"]
    seen, stack = defaultdict(set), list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("liangze."):
            seen[cls.__name__].add(cls.__module__)
    assert {"VisitProblemOut", "ProblemOut", "RateOut", "StaffingRatesOut"} <= set(seen)
    assert {name: mods for name, mods in seen.items() if len(mods) > 1} == {}
