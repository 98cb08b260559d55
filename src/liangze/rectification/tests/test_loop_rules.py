"""A province's closed-loop deadlines and reminders as its office sets them (docs/domain.md
§1.6, §1.12): who reads and who changes them, on the page and the API; what a refused change
leaves; and that `rule_for` follows at once."""

import pytest
from django.urls import reverse

from liangze.accounts.models import Role
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.errors import Forbidden, Invalid
from liangze.core.testing.fixtures import make_user
from liangze.rectification import services
from liangze.rectification.models import LoopRule
from liangze.rectification.rules import rule_for

PAGE = "/problems/rules/"
JSON = "application/json"
DAYS = {
    "serious_days": 7,
    "general_days": 15,
    "reminder_days": 3,
    "accept_reminder_days": 3,
    "overdue_notice_days": 7,
}


@pytest.fixture
def province_leader(regions):
    return make_user("province_leader", Role.LEADER, regions.province)


def _denials(user) -> int:
    return AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user).count()


def test_the_page_lives_where_the_menu_points():
    assert reverse("rectification:rules") == PAGE


class TestPage:
    def test_province_staff_see_the_defaults_marked_and_a_form(self, province_staff, client_for):
        response = client_for(province_staff).get(PAGE)
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-testid="is-default"' in body
        assert 'data-testid="loop-form"' in body

    def test_province_staff_change_the_days(self, province_staff, client_for, regions):
        response = client_for(province_staff).post(PAGE, {**DAYS, "reminder_days": 5})
        assert response.status_code == 302
        assert LoopRule.objects.get(province=regions.province).reminder_days == 5

    def test_a_reminder_not_before_the_deadline_is_refused_inline(self, province_staff, client_for):
        response = client_for(province_staff).post(PAGE, {**DAYS, "reminder_days": 7})
        assert response.status_code == 200
        assert response.context["form"].errors["reminder_days"]
        assert not LoopRule.objects.exists()

    def test_the_provinces_leader_reads_without_a_form(self, province_leader, client_for):
        client = client_for(province_leader)
        response = client.get(PAGE)
        assert response.status_code == 200
        assert 'data-testid="loop-form"' not in response.content.decode()
        assert client.post(PAGE, DAYS).status_code == 403
        assert not LoopRule.objects.exists()
        assert _denials(province_leader) == 1

    @pytest.mark.parametrize("persona", ["county_staff", "county_official", "leader", "regulator"])
    def test_others_are_refused_and_the_refusal_kept(self, persona, request, client_for):
        user = request.getfixturevalue(persona)
        client = client_for(user)
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, DAYS).status_code == 403
        assert _denials(user) == 2
        assert not LoopRule.objects.exists()

    def test_admin_changes_a_named_province(self, admin_user, client_for, regions):
        response = client_for(admin_user).post(
            PAGE, {**DAYS, "general_days": 20, "province": regions.province.pk}
        )
        assert response.status_code == 302
        assert LoopRule.objects.get().general_days == 20

    def test_the_menu_shows_the_page_to_readers_only(
        self, province_leader, county_staff, client_for
    ):
        assert f'href="{PAGE}"' in client_for(province_leader).get("/").content.decode()
        assert f'href="{PAGE}"' not in client_for(county_staff).get("/").content.decode()


class TestService:
    def test_writes_the_row_and_an_audit_event_and_takes_effect(self, province_staff, regions):
        services.loop_rule_set(
            actor=province_staff, province=regions.province, **{**DAYS, "reminder_days": 5}
        )
        assert rule_for(regions.village.path).reminder_days == 5
        event = AuditEvent.objects.get(action=AuditAction.LOOP_RULE_CHANGED)
        assert event.actor == province_staff
        assert event.division_path == regions.province.path
        assert event.changes == {"reminder_days": [3, 5]}

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"serious_days": 0}, "serious_days"),
            ({"general_days": 366}, "general_days"),
            ({"accept_reminder_days": 0}, "accept_reminder_days"),
            ({"overdue_notice_days": 400}, "overdue_notice_days"),
            ({"reminder_days": 7}, "reminder_days"),
            ({"serious_days": 20, "general_days": 4, "reminder_days": 4}, "reminder_days"),
        ],
    )
    def test_a_refused_write_changes_nothing(self, province_staff, regions, change, field):
        with pytest.raises(Invalid) as caught:
            services.loop_rule_set(
                actor=province_staff, province=regions.province, **{**DAYS, **change}
            )
        assert field in caught.value.fields
        assert not LoopRule.objects.exists()
        assert rule_for(regions.village.path).reminder_days == 3
        assert not AuditEvent.objects.filter(action=AuditAction.LOOP_RULE_CHANGED).exists()

    def test_county_staff_may_not(self, county_staff, regions):
        with pytest.raises(Forbidden):
            services.loop_rule_set(actor=county_staff, province=regions.province, **DAYS)
        assert not LoopRule.objects.exists()


class TestApi:
    def url(self, division):
        return f"/api/v1/loop-rules/{division.pk}"

    def test_get_shows_the_defaults(self, province_staff, client_for, regions):
        response = client_for(province_staff).get(self.url(regions.province))
        assert response.status_code == 200
        assert response.json() == {
            "province_id": regions.province.pk,
            "province_name": regions.province.name,
            **DAYS,
            "is_default": True,
        }

    def test_put_sets_it(self, province_staff, client_for, regions):
        response = client_for(province_staff).put(
            self.url(regions.province), {**DAYS, "serious_days": 5}, content_type=JSON
        )
        assert response.status_code == 200, response.content
        assert response.json()["serious_days"] == 5
        assert rule_for(regions.village.path).serious_days == 5

    def test_an_invalid_put_is_422(self, province_staff, client_for, regions):
        response = client_for(province_staff).put(
            self.url(regions.province), {**DAYS, "reminder_days": 0}, content_type=JSON
        )
        assert response.status_code == 422
        assert set(response.json()["fields"]) == {"reminder_days"}
        assert not LoopRule.objects.exists()

    def test_the_provinces_leader_reads_but_may_not_put(self, province_leader, client_for, regions):
        client = client_for(province_leader)
        assert client.get(self.url(regions.province)).status_code == 200
        assert client.put(self.url(regions.province), DAYS, content_type=JSON).status_code == 403
        assert not LoopRule.objects.exists()

    @pytest.mark.parametrize("persona", ["county_staff", "leader", "business_director"])
    def test_others_are_refused(self, persona, request, client_for, regions):
        user = request.getfixturevalue(persona)
        client = client_for(user)
        assert client.get(self.url(regions.province)).status_code == 403
        assert client.put(self.url(regions.province), DAYS, content_type=JSON).status_code == 403
        assert _denials(user) == 2

    def test_a_division_that_is_no_province_is_not_found(self, admin_user, client_for, regions):
        assert client_for(admin_user).get(self.url(regions.township)).status_code == 404
