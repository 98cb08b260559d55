"""The audit trail: append-only, carrying the request's id and address, read within one's subtree."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.utils import timezone

from liangze.accounts import services
from liangze.accounts.models import Role
from liangze.audit.models import AuditAction, AuditEvent
from liangze.audit.services import audit_event_record, build_audit_event
from liangze.core.testing.fixtures import TEST_PASSWORD


@pytest.fixture
def event(regions):
    return audit_event_record(
        actor=None, action=AuditAction.DEMO_LOADED, division=regions.village, data={"n": 1}
    )


class TestAppendOnly:
    def test_saving_an_existing_event_raises(self, event):
        event.data = {"n": 2}
        with pytest.raises(TypeError):
            event.save()
        assert AuditEvent.objects.get(pk=event.pk).data == {"n": 1}

    def test_deleting_an_event_raises(self, event):
        with pytest.raises(TypeError):
            event.delete()
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_queryset_update_raises(self, event):
        with pytest.raises(TypeError):
            AuditEvent.objects.filter(pk=event.pk).update(data={"n": 2})
        with pytest.raises(TypeError):
            AuditEvent.objects.all().update(action=AuditAction.LOGIN)
        assert AuditEvent.objects.get(pk=event.pk).data == {"n": 1}

    def test_queryset_delete_raises(self, event):
        with pytest.raises(TypeError):
            AuditEvent.objects.filter(pk=event.pk).delete()
        with pytest.raises(TypeError):
            AuditEvent.objects.all().delete()
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_an_unknown_action_is_refused(self, regions):
        with pytest.raises(ValueError):
            audit_event_record(actor=None, action="made_up")

    @pytest.mark.postgres
    def test_the_database_refuses_raw_update_and_delete(self, event):
        table = AuditEvent._meta.db_table
        for statement in (
            f"UPDATE {table} SET action = 'login' WHERE id = %s",
            f"DELETE FROM {table} WHERE id = %s",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [event.pk])
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.action == AuditAction.DEMO_LOADED


class TestRequestContext:
    def log_in(self, client: Client, **headers):
        return client.post(
            "/accounts/login/",
            {"username": "county_staff", "password": TEST_PASSWORD},
            headers=headers,
        )

    def test_events_carry_the_client_address_and_a_well_formed_request_id(self, county_staff):
        client = Client(REMOTE_ADDR="203.0.113.7")
        response = self.log_in(client, **{"X-Request-ID": "req-2026.abc_DEF"})
        assert response["X-Request-ID"] == "req-2026.abc_DEF"
        event = AuditEvent.objects.get(action=AuditAction.LOGIN)
        assert (event.ip, event.request_id) == ("203.0.113.7", "req-2026.abc_DEF")

    @pytest.mark.parametrize(
        "given",
        ["short", "has space in it", "x" * 65, "semi;colon-0001", "中文请求编号请求编号"],
    )
    def test_a_malformed_request_id_is_replaced(self, county_staff, given):
        response = self.log_in(Client(), **{"X-Request-ID": given})
        event = AuditEvent.objects.get(action=AuditAction.LOGIN)
        assert event.request_id != given
        assert len(event.request_id) == 32
        assert response["X-Request-ID"] == event.request_id

    def test_every_response_has_a_request_id(self, db):
        first = Client().get("/accounts/login/")["X-Request-ID"]
        second = Client().get("/accounts/login/")["X-Request-ID"]
        assert first and second and first != second

    def test_x_forwarded_for_from_the_client_is_not_trusted(self, county_staff):
        client = Client(REMOTE_ADDR="203.0.113.7")
        self.log_in(client, **{"X-Forwarded-For": "198.51.100.1"})
        assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip == "203.0.113.7"

    def test_events_outside_a_request_carry_no_address(self, event):
        assert (event.ip, event.request_id) == (None, "")

    def test_a_denied_access_is_recorded(self, client_for, outsider, village_official):
        client_for(outsider).get(
            f"/accounts/{village_official.pk}/", headers={"X-Request-ID": "walk-0000-0001"}
        )
        denied = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
        assert denied.actor == outsider
        assert denied.data["code"] == "user_not_found"
        assert denied.data["target_id"] == str(village_official.pk)
        assert denied.request_id == "walk-0000-0001"


@pytest.fixture
def filed_events(admin_user, regions):
    """One account created in our village and one in the neighbour's: each event is filed there."""
    ours = services.user_create(
        actor=admin_user,
        username="ours",
        display_name="本县",
        division=regions.village,
        role=Role.OFFICIAL,
    ).user
    theirs = services.user_create(
        actor=admin_user,
        username="theirs",
        display_name="邻县",
        division=regions.neighbour_village,
        role=Role.OFFICIAL,
    ).user
    services.user_deactivate(actor=admin_user, user=ours)
    return ours, theirs


def created_targets(events) -> set[str]:
    return {e.target_repr for e in events if e.action == AuditAction.USER_CREATED}


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("county_staff", {"本县"}),
        ("township_staff", {"本县"}),
        ("province_staff", {"本县", "邻县"}),
        ("admin_user", {"本县", "邻县"}),
        ("outsider", {"邻县"}),
    ],
)
def test_audit_trail_is_scoped_to_the_subtree(persona, visible, request, client_for, filed_events):
    client = client_for(request.getfixturevalue(persona))
    page = client.get("/audit/")
    assert page.status_code == 200
    assert created_targets(page.context["page"].object_list) == visible
    api = client.get("/api/v1/audit/events")
    assert api.status_code == 200
    items = api.json()["items"]
    assert {i["target_repr"] for i in items if i["action"] == AuditAction.USER_CREATED} == visible


@pytest.mark.parametrize(
    ("persona", "page_status", "api_status"),
    [
        ("leader", 403, 403),
        ("county_official", 403, 403),
        ("regulator", 403, 403),
        ("business_director", 403, 403),
        ("public", 302, 401),
    ],
)
def test_audit_trail_is_refused_to_others(
    persona, page_status, api_status, request, client_for, filed_events
):
    client = client_for(request.getfixturevalue(persona))
    page = client.get("/audit/")
    assert page.status_code == page_status
    assert "本县" not in page.content.decode()
    api = client.get("/api/v1/audit/events")
    assert api.status_code == api_status
    assert api.json()["code"] == {403: "audit_forbidden", 401: "not_authenticated"}[api_status]


class TestAuditFilters:
    def test_it_filters_by_action(self, client_for, county_staff, filed_events):
        client = client_for(county_staff)
        page = client.get("/audit/", {"action": AuditAction.USER_DEACTIVATED})
        assert [e.action for e in page.context["page"].object_list] == [
            AuditAction.USER_DEACTIVATED
        ]
        api = client.get("/api/v1/audit/events", {"action": AuditAction.USER_DEACTIVATED})
        assert [i["action"] for i in api.json()["items"]] == [AuditAction.USER_DEACTIVATED]

    def test_it_filters_by_shanghai_date(self, client_for, county_staff, regions):
        def record_at(moment: datetime, name: str):
            event = build_audit_event(
                actor=None,
                action=AuditAction.USER_UPDATED,
                division=regions.village,
                data={"n": name},
            )
            event.occurred_at = moment
            event.save()

        # 16:30 UTC on 31 March is 00:30 on 1 April in Shanghai.
        record_at(datetime(2026, 3, 31, 16, 30, tzinfo=UTC), "april")
        record_at(datetime(2026, 3, 31, 15, 30, tzinfo=UTC), "march")
        client = client_for(county_staff)

        def names(query) -> set[str]:
            page = client.get("/audit/", {"action": AuditAction.USER_UPDATED, **query})
            from_page = {e.data["n"] for e in page.context["page"].object_list}
            api = client.get("/api/v1/audit/events", {"action": AuditAction.USER_UPDATED, **query})
            assert {i["data"]["n"] for i in api.json()["items"]} == from_page
            return from_page

        assert names({"date_from": "2026-04-01"}) == {"april"}
        assert names({"date_to": "2026-03-31"}) == {"march"}
        assert names({"date_from": "2026-03-31", "date_to": "2026-04-01"}) == {"april", "march"}
        assert names({"date_from": "2026-04-02"}) == set()

    def test_it_filters_by_actor_and_target(self, client_for, county_staff, filed_events):
        client = client_for(county_staff)
        page = client.get("/audit/", {"target": "本县", "actor": "ADMIN"})
        actions = sorted(e.action for e in page.context["page"].object_list)
        assert actions == [AuditAction.USER_CREATED, AuditAction.USER_DEACTIVATED]

    def test_htmx_gets_the_rows_fragment(self, client_for, county_staff, filed_events):
        response = client_for(county_staff).get("/audit/", headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert b"<html" not in response.content
        assert "本县".encode() in response.content

    def test_it_filters_by_today(self, client_for, county_staff, filed_events):
        today = timezone.localdate()
        client = client_for(county_staff)
        page = client.get("/audit/", {"date_from": today.isoformat()})
        assert created_targets(page.context["page"].object_list) == {"本县"}
        page = client.get("/audit/", {"date_to": (today - timedelta(days=1)).isoformat()})
        assert list(page.context["page"].object_list) == []
