from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from liangze.accounts import services
from liangze.accounts.models import ApiToken
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.errors import Conflict, Invalid


def bearer(text: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


class TestApiTokenAuth:
    def test_it_authenticates_the_api_with_a_fresh_token(self, county_staff):
        issued = services.api_token_create(actor=county_staff, name="script", days=30)
        response = bearer(issued.text).get("/api/v1/me")
        assert response.status_code == 200
        assert response.json()["username"] == "county_staff"
        issued.token.refresh_from_db()
        assert issued.token.last_used_at is not None

    def test_it_stores_only_the_hash(self, county_staff):
        issued = services.api_token_create(actor=county_staff, name="script", days=30)
        secret = issued.text.rsplit("_", 1)[-1]
        row = ApiToken.objects.get(pk=issued.token.pk)
        assert secret not in row.token_hash
        assert issued.text not in str(
            AuditEvent.objects.filter(action=AuditAction.API_TOKEN_CREATED).values()
        )

    @pytest.mark.parametrize(
        "mangle",
        [
            lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
            lambda t: "lz_nothere_x",
            lambda t: "nonsense",
        ],
    )
    def test_it_refuses_a_wrong_token(self, county_staff, mangle):
        issued = services.api_token_create(actor=county_staff, name="script", days=30)
        response = bearer(mangle(issued.text)).get("/api/v1/me")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_it_refuses_an_expired_token(self, county_staff):
        issued = services.api_token_create(actor=county_staff, name="script", days=1)
        ApiToken.objects.filter(pk=issued.token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        assert bearer(issued.text).get("/api/v1/me").status_code == 401

    def test_it_refuses_a_revoked_token_and_revoking_twice_conflicts(self, county_staff):
        issued = services.api_token_create(actor=county_staff, name="script", days=30)
        services.api_token_revoke(actor=county_staff, token=issued.token)
        assert bearer(issued.text).get("/api/v1/me").status_code == 401
        with pytest.raises(Conflict):
            services.api_token_revoke(actor=county_staff, token=issued.token)
        assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_REVOKED).count() == 1

    def test_it_refuses_the_token_of_a_deactivated_user(self, county_staff, township_staff):
        issued = services.api_token_create(actor=township_staff, name="script", days=30)
        services.user_deactivate(actor=county_staff, user=township_staff)
        assert bearer(issued.text).get("/api/v1/me").status_code == 401

    def test_token_requests_need_no_csrf_token(self, county_staff, regions):
        issued = services.api_token_create(actor=county_staff, name="script", days=30)
        client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {issued.text}")
        response = client.post(
            "/api/v1/accounts",
            {
                "username": "new_one",
                "display_name": "新同事",
                "division_id": regions.township.pk,
                "role": "official",
            },
            content_type="application/json",
        )
        assert response.status_code == 201
        assert response.json()["user"]["must_change_password"] is True


class TestApiTokenCreate:
    @pytest.mark.parametrize(
        ("name", "days", "field"), [("", 30, "name"), ("x", 0, "days"), ("x", 400, "days")]
    )
    def test_it_rejects_bad_input(self, county_staff, name, days, field):
        with pytest.raises(Invalid) as caught:
            services.api_token_create(actor=county_staff, name=name, days=days)
        assert field in caught.value.fields
        assert not ApiToken.objects.exists()

    def test_command_prints_a_working_token(self, county_staff):
        out = StringIO()
        call_command("token_create", "county_staff", "--days", "7", stdout=out, stderr=StringIO())
        text = out.getvalue().strip()
        assert text.startswith("lz_")
        assert bearer(text).get("/api/v1/me").status_code == 200

    def test_api_creates_lists_and_revokes_own_tokens(self, county_staff, client_for):
        client = client_for(county_staff)
        created = client.post(
            "/api/v1/me/tokens", {"name": "报表脚本", "days": 30}, content_type="application/json"
        )
        assert created.status_code == 201
        token_id = created.json()["token"]["id"]
        assert bearer(created.json()["text"]).get("/api/v1/me").status_code == 200
        listed = client.get("/api/v1/me/tokens").json()
        assert [t["id"] for t in listed["items"]] == [token_id]
        assert "text" not in listed["items"][0]
        assert client.post(f"/api/v1/me/tokens/{token_id}/revoke").status_code == 200
        assert bearer(created.json()["text"]).get("/api/v1/me").status_code == 401

    def test_another_users_token_is_not_found(self, county_staff, township_staff, client_for):
        issued = services.api_token_create(actor=township_staff, name="theirs", days=30)
        response = client_for(county_staff).post(f"/api/v1/me/tokens/{issued.token.pk}/revoke")
        assert response.status_code == 404
        issued.token.refresh_from_db()
        assert issued.token.revoked_at is None

    def test_profile_page_shows_a_new_token_once(self, county_staff, client_for):
        client = client_for(county_staff)
        response = client.post("/accounts/profile/", {"name": "手机", "days": 30})
        assert response.status_code == 200
        token = ApiToken.objects.get(user=county_staff)
        shown = response.context["issued"].text
        assert shown.startswith(f"lz_{token.prefix}_")
        assert shown.encode() in response.content
        again = client.get("/accounts/profile/")
        assert shown.encode() not in again.content
