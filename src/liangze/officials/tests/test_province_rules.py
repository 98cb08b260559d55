"""A province's covering levels and load warning as its office sets them (docs/domain.md §1.2,
§1.12): who reads and who changes them, on the page and the API; what a refused change leaves;
and that the rules in force follow at once."""

import pytest
from django.urls import reverse

from liangze.accounts.models import Role
from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses.testing import make_business
from liangze.core.errors import Forbidden, Invalid
from liangze.core.testing.fixtures import make_user
from liangze.officials import services
from liangze.officials.models import CoveringRule
from liangze.officials.rules import rule_book
from liangze.officials.testing import make_official

PAGE = "/officials/rules/"
JSON = "application/json"
LEVELS = {"A": "city", "B": "county", "C": "township", "D": "village"}


def _form(**overrides):
    data = {
        "grade_a_level": "city",
        "grade_b_level": "county",
        "grade_c_level": "township",
        "grade_d_level": "village",
        "load_warning": "30",
    }
    return {**data, **overrides}


def _body(**overrides):
    return {**_form(**overrides), "load_warning": int(overrides.get("load_warning", 30))}


@pytest.fixture
def province_leader(regions):
    return make_user("province_leader", Role.LEADER, regions.province)


def _denials(user) -> int:
    return AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user).count()


class TestPage:
    def test_province_staff_see_the_defaults_marked_and_a_form(self, province_staff, client_for):
        response = client_for(province_staff).get(PAGE)
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-testid="is-default"' in body
        assert 'data-testid="covering-form"' in body

    def test_province_staff_change_the_levels(self, province_staff, client_for, regions):
        response = client_for(province_staff).post(
            PAGE, _form(grade_c_level="county", load_warning="40")
        )
        assert response.status_code == 302
        rule = CoveringRule.objects.get(province=regions.province)
        assert (rule.grade_c_level, rule.load_warning) == ("county", 40)
        page = client_for(province_staff).get(PAGE).content.decode()
        assert 'data-testid="is-default"' not in page

    def test_an_upward_level_is_refused_inline_and_nothing_saved(
        self, province_staff, client_for, regions
    ):
        response = client_for(province_staff).post(PAGE, _form(grade_d_level="county"))
        assert response.status_code == 200
        assert response.context["form"].errors["grade_d_level"]
        assert not CoveringRule.objects.exists()

    def test_admin_reads_and_changes_any_province(self, admin_user, client_for, regions):
        client = client_for(admin_user)
        assert client.get(PAGE, {"province": regions.province.pk}).status_code == 200
        response = client.post(PAGE, {**_form(load_warning="50"), "province": regions.province.pk})
        assert response.status_code == 302
        assert CoveringRule.objects.get(province=regions.province).load_warning == 50

    def test_the_provinces_leader_reads_without_a_form_and_cannot_write(
        self, province_leader, client_for, regions
    ):
        client = client_for(province_leader)
        response = client.get(PAGE)
        assert response.status_code == 200
        assert 'data-testid="covering-form"' not in response.content.decode()
        assert 'data-testid="read-only"' in response.content.decode()
        assert client.post(PAGE, _form(load_warning="99")).status_code == 403
        assert not CoveringRule.objects.exists()
        assert _denials(province_leader) == 1

    @pytest.mark.parametrize(
        "persona", ["county_staff", "township_staff", "city_official", "leader", "regulator"]
    )
    def test_others_are_refused_and_the_refusal_kept(self, persona, request, client_for):
        user = request.getfixturevalue(persona)
        client = client_for(user)
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, _form(load_warning="99")).status_code == 403
        assert _denials(user) == 2
        assert not CoveringRule.objects.exists()

    def test_a_division_below_the_province_is_not_found(self, admin_user, client_for, regions):
        assert client_for(admin_user).get(PAGE, {"province": regions.county.pk}).status_code == 404

    def test_anonymous_is_sent_to_log_in(self, client_for):
        assert client_for(None).get(PAGE).status_code == 302

    def test_the_menu_shows_the_page_to_readers_only(
        self, province_staff, county_staff, client_for
    ):
        url = reverse("officials:rules")
        assert f'href="{url}"' in client_for(province_staff).get("/").content.decode()
        assert f'href="{url}"' not in client_for(county_staff).get("/").content.decode()


class TestService:
    def test_writes_the_row_and_an_audit_event(self, province_staff, regions):
        services.covering_rule_set(
            actor=province_staff,
            province=regions.province,
            levels={**LEVELS, "C": "county"},
            load_warning=25,
        )
        rule = CoveringRule.objects.get(province=regions.province)
        assert rule.level_for("C") == "county"
        event = AuditEvent.objects.get(action=AuditAction.COVERING_RULE_CHANGED)
        assert event.actor == province_staff
        assert event.division_path == regions.province.path
        assert event.changes == {
            "grade_c_level": ["township", "county"],
            "load_warning": [30, 25],
        }

    @pytest.mark.parametrize(
        ("levels", "load", "field"),
        [
            ({**LEVELS, "B": "township", "C": "county"}, 30, "grade_c_level"),
            ({**LEVELS, "A": "county", "B": "city"}, 30, "grade_b_level"),
            ({**LEVELS, "A": "province"}, 30, "grade_a_level"),
            ({**LEVELS, "D": "province"}, 30, "grade_d_level"),
            ({**LEVELS, "D": "street"}, 30, "grade_d_level"),
            (LEVELS, 0, "load_warning"),
            (LEVELS, 1001, "load_warning"),
        ],
    )
    def test_a_refused_write_changes_nothing(self, province_staff, regions, levels, load, field):
        with pytest.raises(Invalid) as caught:
            services.covering_rule_set(
                actor=province_staff, province=regions.province, levels=levels, load_warning=load
            )
        assert field in caught.value.fields
        assert not CoveringRule.objects.exists()
        assert not AuditEvent.objects.filter(action=AuditAction.COVERING_RULE_CHANGED).exists()

    def test_the_bounds_are_allowed(self, province_staff, regions):
        for load in (1, 1000):
            services.covering_rule_set(
                actor=province_staff, province=regions.province, levels=LEVELS, load_warning=load
            )
        assert CoveringRule.objects.get().load_warning == 1000

    def test_county_staff_may_not_set_their_province(self, county_staff, regions):
        with pytest.raises(Forbidden):
            services.covering_rule_set(
                actor=county_staff, province=regions.province, levels=LEVELS, load_warning=30
            )
        assert not CoveringRule.objects.exists()

    def test_the_rule_takes_effect(self, province_staff, county_staff, regions):
        official = make_official(actor=county_staff, division=regions.township, serial=7)
        business = make_business(actor=county_staff, division=regions.village, grade="C")
        assert (
            services.assignment_refusal(rules=rule_book(), official=official, business=business)
            is None
        )
        services.covering_rule_set(
            actor=province_staff,
            province=regions.province,
            levels={**LEVELS, "C": "county"},
            load_warning=5,
        )
        book = rule_book()
        refusal = services.assignment_refusal(rules=book, official=official, business=business)
        assert refusal is not None and refusal[0] == "assignment_level"
        assert book.load_warning(regions.village.path) == 5


class TestApi:
    def url(self, regions, division=None):
        return f"/api/v1/covering-rules/{(division or regions.province).pk}"

    def test_get_shows_the_defaults(self, province_staff, client_for, regions):
        response = client_for(province_staff).get(self.url(regions))
        assert response.status_code == 200
        assert response.json() == {
            "province_id": regions.province.pk,
            "province_name": regions.province.name,
            "grade_a_level": "city",
            "grade_b_level": "county",
            "grade_c_level": "township",
            "grade_d_level": "village",
            "load_warning": 30,
            "is_default": True,
        }

    def test_put_sets_and_get_reads_it_back(self, province_staff, client_for, regions):
        client = client_for(province_staff)
        response = client.put(self.url(regions), _body(grade_b_level="city"), content_type=JSON)
        assert response.status_code == 200, response.content
        assert response.json()["grade_b_level"] == "city"
        assert response.json()["is_default"] is False
        assert client.get(self.url(regions)).json()["grade_b_level"] == "city"

    def test_an_invalid_put_is_422_with_its_field(self, province_staff, client_for, regions):
        response = client_for(province_staff).put(
            self.url(regions), _body(load_warning=0), content_type=JSON
        )
        assert response.status_code == 422
        assert set(response.json()["fields"]) == {"load_warning"}
        assert not CoveringRule.objects.exists()

    def test_the_provinces_leader_reads_but_may_not_put(self, province_leader, client_for, regions):
        client = client_for(province_leader)
        assert client.get(self.url(regions)).status_code == 200
        response = client.put(self.url(regions), _body(), content_type=JSON)
        assert response.status_code == 403
        assert not CoveringRule.objects.exists()

    @pytest.mark.parametrize("persona", ["county_staff", "leader", "village_official"])
    def test_others_are_refused(self, persona, request, client_for, regions):
        user = request.getfixturevalue(persona)
        client = client_for(user)
        assert client.get(self.url(regions)).status_code == 403
        assert client.put(self.url(regions), _body(), content_type=JSON).status_code == 403
        assert _denials(user) == 2
        assert not CoveringRule.objects.exists()

    def test_admin_puts(self, admin_user, client_for, regions):
        response = client_for(admin_user).put(
            self.url(regions), _body(load_warning=12), content_type=JSON
        )
        assert response.status_code == 200
        assert CoveringRule.objects.get().load_warning == 12

    def test_no_province_is_not_found(self, admin_user, client_for, regions):
        client = client_for(admin_user)
        assert client.get(self.url(regions, regions.county)).status_code == 404
        assert client.get("/api/v1/covering-rules/999999").status_code == 404


def test_an_id_that_names_no_province_is_refused_like_a_province_not_yours(
    county_staff, client_for, regions
):
    """docs/domain.md §1.13: the answer does not tell a missing id from one out of reach."""
    client = client_for(county_staff)
    ours = client.get(f"/api/v1/covering-rules/{regions.province.pk}")
    missing = client.get("/api/v1/covering-rules/2000000000")
    below = client.get(f"/api/v1/covering-rules/{regions.county.pk}")
    assert ours.status_code == missing.status_code == below.status_code == 403
    assert ours.json()["code"] == missing.json()["code"] == below.json()["code"]
