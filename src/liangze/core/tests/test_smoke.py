import pytest


@pytest.mark.parametrize("persona", ["county_staff", "village_official", "leader", "admin_user"])
def test_home_and_menu_pages_render_for_persona(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/").status_code == 200
    assert client.get("/regions/").status_code == 200


def test_login_page_renders_for_public(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_healthz_reports_database_ok(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_sqlite_database_has_large_pages_and_foreign_keys(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's settings; the SQLite leg runs this")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_size")
        assert cursor.fetchone()[0] == 16384
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
