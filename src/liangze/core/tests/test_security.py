import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    """`manage.py check --deploy` with only the environment a production server would set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LIANGZE_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        LIANGZE_HTTPS="1",
        LIANGZE_SECRET_KEY=secrets.token_urlsafe(60),
        LIANGZE_ALLOWED_HOSTS="liangze.example.org",
        LIANGZE_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_malformed_setting_stops_start_up_naming_the_variable(tmp_path):
    env = {**os.environ, "LIANGZE_DEBUG": "maybe", "LIANGZE_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "LIANGZE_DEBUG" in result.stderr


class TestHeaders:
    def test_pages_carry_a_csp_without_inline_scripts(self, client, db):
        response = client.get("/accounts/login/")
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert directives["frame-ancestors"] == "'none'"

    def test_pages_have_no_inline_script_or_style(self, county_staff, client_for):
        html = client_for(county_staff).get("/").content.decode()
        assert "<script>" not in html and "style=" not in html and " on" + "click=" not in html
        for chunk in html.split("<script")[1:]:
            assert ' src="' in chunk.split(">", 1)[0], "every script is an external file"

    def test_responses_forbid_framing_and_sniffing(self, client, db):
        response = client.get("/accounts/login/")
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


class TestErrorPages:
    @pytest.mark.parametrize("url", ["/no/such/page/", "/regions/999999/"])
    def test_not_found_reveals_nothing(self, county_staff, client_for, url):
        response = client_for(county_staff).get(url)
        assert response.status_code == 404
        assert b"Traceback" not in response.content and b"DEBUG" not in response.content

    def test_server_error_page_renders_without_the_request(self, rf):
        from liangze.core.views import server_error

        response = server_error(rf.get("/"))
        assert response.status_code == 500
        assert b"<h1>" in response.content


class TestNullCharacters:
    @pytest.mark.parametrize(
        "url", ["/api/v1/audit/events?actor=a%00b", "/api/v1/businesses?q=%00"]
    )
    def test_api_refuses_a_nul_in_the_query_with_422(self, county_staff, client_for, url):
        response = client_for(county_staff).get(url)
        assert response.status_code == 422
        assert set(response.json()) == {"code", "message", "fields"}
        assert response.json()["code"] == "invalid_input"

    def test_pages_refuse_a_nul_in_the_query_with_400(self, county_staff, client_for):
        assert client_for(county_staff).get("/businesses/?q=%00x").status_code == 400

    def test_api_refuses_a_nul_in_a_json_string(self, county_staff, regions, client_for):
        response = client_for(county_staff).post(
            "/api/v1/accounts",
            {
                "username": "nul\x00user",
                "display_name": "x",
                "division_id": regions.township.pk,
                "role": "official",
            },
            content_type="application/json",
        )
        assert response.status_code == 422
        assert set(response.json()) == {"code", "message", "fields"}
        assert response.json()["code"] == "invalid_input"
