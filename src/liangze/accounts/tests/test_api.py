"""The accounts API: /api/v1/me and /api/v1/accounts, by persona, in one error shape."""

import pytest
from django.test import Client

from liangze.accounts.models import Role, RoleGrant, User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.testing.fixtures import TEST_PASSWORD

JSON = "application/json"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)
    return body


def new_account(division) -> dict:
    return {
        "username": "new_official",
        "display_name": "新干部",
        "division_id": division.pk,
        "role": Role.OFFICIAL,
        "phone": "13800000000",
    }


class TestMe:
    def test_it_describes_the_logged_in_user(self, client_for, county_staff, regions):
        response = client_for(county_staff).get("/api/v1/me")
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == county_staff.pk
        assert body["username"] == "county_staff"
        assert body["division_id"] == regions.county.pk
        assert body["must_change_password"] is False
        assert [(g["role"], g["division_id"]) for g in body["grants"]] == [
            (Role.OFFICE_STAFF, regions.county.pk)
        ]
        assert "password" not in body

    def test_anonymous_gets_401(self, db):
        assert_error(Client().get("/api/v1/me"), 401, "not_authenticated")

    def test_a_one_time_password_holder_gets_403(self, client_for, village_official):
        User.objects.filter(pk=village_official.pk).update(must_change_password=True)
        client = client_for(village_official)
        assert_error(client.get("/api/v1/me"), 403, "password_change_required")

    def test_a_deactivated_user_gets_401(self, client_for, village_official):
        client = client_for(village_official)
        User.objects.filter(pk=village_official.pk).update(is_active=False)
        assert_error(client.get("/api/v1/me"), 401, "not_authenticated")

    def test_password_change(self, client_for, village_official):
        client = client_for(village_official)
        body = assert_error(
            client.post(
                "/api/v1/me/password",
                {"old_password": "wrong", "new_password": "granite-lantern-07"},
                content_type=JSON,
            ),
            422,
            "old_password_wrong",
        )
        assert "old_password" in body["fields"]
        response = client.post(
            "/api/v1/me/password",
            {"old_password": TEST_PASSWORD, "new_password": "granite-lantern-07"},
            content_type=JSON,
        )
        assert response.status_code == 200
        assert User.objects.get(pk=village_official.pk).check_password("granite-lantern-07")


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("county_staff", 200, 200),
        ("province_staff", 200, 200),
        ("admin_user", 200, 200),
        ("leader", 403, 403),
        ("city_official", 403, 403),
        ("county_official", 403, 403),
        ("township_official", 403, 403),
        ("village_official", 403, 403),
        ("regulator", 403, 403),
        ("business_director", 403, 403),
        ("outsider", 404, 404),
        ("public", 401, 401),
    ],
)
def test_account_endpoints_by_persona(persona, read, write, request, client_for, regions):
    target = User.objects.create(username="target", display_name="目标", division=regions.village)
    target.set_password(TEST_PASSWORD)
    target.save()
    grant = RoleGrant.objects.create(user=target, role=Role.OFFICIAL, division=regions.village)
    client = client_for(request.getfixturevalue(persona))
    base = f"/api/v1/accounts/{target.pk}"
    codes = {401: "not_authenticated", 403: "accounts_forbidden", 404: "user_not_found"}

    def check(response, expected, ok_status=None):
        if expected == 200:
            assert response.status_code == (ok_status or 200)
            return response.json()
        assert_error(response, expected, codes[expected])
        return None

    detail = check(client.get(base), read)
    if detail is not None:
        assert detail["id"] == target.pk
        assert [g["role"] for g in detail["grants"]] == [Role.OFFICIAL]

    before = User.objects.get(pk=target.pk)
    issued = check(client.post(base + "/password-reset"), write)
    granted = check(
        client.post(
            base + "/grants",
            {"role": Role.REGULATOR, "division_id": regions.township.pk},
            content_type=JSON,
        ),
        write,
        201,
    )
    check(client.post(base + "/deactivate"), write)
    if write == 404:  # the grant's id is as unknown to the neighbour as the user's
        assert_error(
            client.post(f"/api/v1/accounts/grants/{grant.pk}/revoke"), 404, "grant_not_found"
        )
    else:
        check(client.post(f"/api/v1/accounts/grants/{grant.pk}/revoke"), write)

    after = User.objects.get(pk=target.pk)
    active_roles = set(
        RoleGrant.objects.filter(user=target, revoked_at__isnull=True).values_list(
            "role", flat=True
        )
    )
    if write == 200:
        assert after.check_password(issued["one_time_password"])
        assert issued["user"]["must_change_password"] is True
        assert granted["role"] == Role.REGULATOR
        assert after.is_active is False
        assert active_roles == {Role.REGULATOR}
    else:
        assert (after.password, after.is_active) == (before.password, before.is_active)
        assert active_roles == {Role.OFFICIAL}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_staff", 201),
        ("leader", 403),
        ("county_official", 403),
        ("regulator", 403),
        ("outsider", 404),  # our village is not theirs: division_not_found
        ("public", 401),
    ],
)
def test_account_create_by_persona(persona, status, request, client_for, regions):
    client = client_for(request.getfixturevalue(persona))
    response = client.post("/api/v1/accounts", new_account(regions.village), content_type=JSON)
    assert response.status_code == status
    created = User.objects.filter(username="new_official").first()
    if status == 201:
        body = response.json()
        assert body["user"]["id"] == created.pk
        assert created.check_password(body["one_time_password"])
        assert AuditEvent.objects.filter(action=AuditAction.USER_CREATED).count() == 1
    else:
        assert created is None
        assert set(response.json()) == {"code", "message", "fields"}


class TestAccountList:
    def test_it_lists_the_accounts_the_viewer_manages(
        self, client_for, county_staff, village_official, outsider
    ):
        response = client_for(county_staff).get("/api/v1/accounts")
        assert response.status_code == 200
        body = response.json()
        assert {item["username"] for item in body["items"]} == {"county_staff", "village_official"}
        assert body["count"] == 2

    def test_it_filters(self, client_for, county_staff, village_official, township_official):
        User.objects.filter(pk=village_official.pk).update(is_active=False)
        client = client_for(county_staff)
        names = lambda query: {  # noqa: E731
            i["username"] for i in client.get("/api/v1/accounts", query).json()["items"]
        }
        assert names({"q": "township"}) == {"township_official"}
        assert names({"active": "false"}) == {"village_official"}

    @pytest.mark.parametrize("persona", ["leader", "village_official", "regulator"])
    def test_non_managers_are_forbidden(self, persona, request, client_for):
        client = client_for(request.getfixturevalue(persona))
        assert_error(client.get("/api/v1/accounts"), 403, "accounts_forbidden")

    def test_anonymous_gets_401(self, db):
        assert_error(Client().get("/api/v1/accounts"), 401, "not_authenticated")


class TestAccountErrors:
    def test_missing_fields_are_422_with_fields(self, client_for, county_staff):
        response = client_for(county_staff).post(
            "/api/v1/accounts", {"username": "x"}, content_type=JSON
        )
        body = assert_error(response, 422, "invalid_input")
        assert {"display_name", "division_id", "role"} <= set(body["fields"])

    def test_a_service_refusal_is_422_with_fields(self, client_for, county_staff, regions):
        data = {**new_account(regions.village), "username": "COUNTY_STAFF", "phone": "12"}
        response = client_for(county_staff).post("/api/v1/accounts", data, content_type=JSON)
        body = assert_error(response, 422, "user_invalid")
        assert set(body["fields"]) == {"username", "phone"}

    def test_a_grant_out_of_reach_is_403(self, client_for, county_staff, regions):
        data = {**new_account(regions.county), "role": Role.ADMIN}
        response = client_for(county_staff).post("/api/v1/accounts", data, content_type=JSON)
        assert_error(response, 403, "grant_out_of_reach")
        assert not User.objects.filter(username="new_official").exists()

    def test_a_division_out_of_jurisdiction_is_404(self, client_for, county_staff, regions):
        data = new_account(regions.neighbour_village)
        response = client_for(county_staff).post("/api/v1/accounts", data, content_type=JSON)
        assert_error(response, 404, "division_not_found")
        assert not User.objects.filter(username="new_official").exists()

    def test_a_state_conflict_is_409(self, client_for, county_staff, village_official):
        client = client_for(county_staff)
        assert client.post(f"/api/v1/accounts/{village_official.pk}/deactivate").status_code == 200
        response = client.post(f"/api/v1/accounts/{village_official.pk}/deactivate")
        assert_error(response, 409, "user_already_inactive")

    def test_a_duplicate_grant_is_409(self, client_for, county_staff, village_official, regions):
        response = client_for(county_staff).post(
            f"/api/v1/accounts/{village_official.pk}/grants",
            {"role": Role.OFFICIAL, "division_id": regions.village.pk},
            content_type=JSON,
        )
        assert_error(response, 409, "grant_exists")

    def test_a_missing_user_is_404(self, client_for, county_staff):
        assert_error(client_for(county_staff).get("/api/v1/accounts/999999"), 404, "user_not_found")

    def test_a_malformed_json_body_writes_nothing(self, client_for, county_staff):
        response = client_for(county_staff).post(
            "/api/v1/accounts", '{"username": "new_official",', content_type=JSON
        )
        assert response.status_code >= 400
        assert set(response.json()) == {"code", "message", "fields"}
        assert not User.objects.filter(username="new_official").exists()

    def test_a_malformed_json_body_is_422(self, client_for, county_staff):
        response = client_for(county_staff).post(
            "/api/v1/accounts", '{"username": "new_official",', content_type=JSON
        )
        assert_error(response, 422, "invalid_input")


class TestCsrf:
    def test_a_session_post_without_the_token_is_refused(self, county_staff, village_official):
        client = Client(enforce_csrf_checks=True)
        client.force_login(county_staff)
        response = client.post(f"/api/v1/accounts/{village_official.pk}/deactivate")
        assert response.status_code == 403
        assert set(response.json()) == {"code", "message", "fields"}
        assert User.objects.get(pk=village_official.pk).is_active is True

    def test_a_session_post_with_the_token_is_accepted(self, county_staff, village_official):
        client = Client(enforce_csrf_checks=True)
        client.force_login(county_staff)
        client.get("/")  # a page that renders a CSRF token sets the cookie
        token = client.cookies["csrftoken"].value
        response = client.post(
            f"/api/v1/accounts/{village_official.pk}/deactivate", headers={"X-CSRFToken": token}
        )
        assert response.status_code == 200
        assert User.objects.get(pk=village_official.pk).is_active is False
