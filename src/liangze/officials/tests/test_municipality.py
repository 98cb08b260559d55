"""A 直辖市 (municipality) is its own city (docs/domain.md §1.1, §1.2): its grade A businesses are
covered by officials posted at province level, which anywhere else is refused. One rule
(accounts.access.official_post_allowed) for the form, the import, the API and the account pages."""

import pytest
from django.urls import reverse
from django.utils import translation

from liangze.accounts.models import Role
from liangze.businesses.testing import make_business, make_uscc
from liangze.core.errors import Invalid
from liangze.core.tables import TableRow
from liangze.core.testing.fixtures import make_user
from liangze.officials import services
from liangze.officials.models import Assignment, Official
from liangze.officials.testing import make_official
from liangze.regions.models import Division
from liangze.regions.services import division_table_import

BEIJING_ROWS = [
    ("110000000000", "北京市", ""),
    ("110100000000", "市辖区", "110000000000"),
    ("110101000000", "东城区", "110100000000"),
    ("110101001000", "东华门街道", "110101000000"),
    ("110101001001", "多福巷社区", "110101001000"),
]


@pytest.fixture
def beijing(regions):
    rows = [
        TableRow(line=i + 2, values={"code": c, "name": n, "parent_code": p})
        for i, (c, n, p) in enumerate(BEIJING_ROWS)
    ]
    division_table_import(actor=None, rows=rows, vintage=2023)

    class Beijing:
        by_code = {d.code: d for d in Division.objects.filter(code__startswith="11")}
        province = by_code["110000000000"]
        county = by_code["110101000000"]
        street = by_code["110101001000"]
        staff = make_user("beijing_staff", Role.OFFICE_STAFF, by_code["110000000000"])

    return Beijing


def a_grade_shop(actor, division, serial=1):
    return make_business(
        actor=actor,
        division=division,
        serial=serial,
        grade="A",
        uscc=make_uscc(serial, area="110101"),
    )


def test_a_municipality_office_posts_an_official_at_province_level_and_assigns_grade_a(beijing):
    official = make_official(actor=beijing.staff, division=beijing.province, serial=1)
    assert official.grant.division == beijing.province
    assert official.grant.role == Role.OFFICIAL
    shop = a_grade_shop(beijing.staff, beijing.street)

    assignment = services.assignment_create(actor=beijing.staff, official=official, business=shop)

    assert (assignment.official, assignment.business) == (official, shop)
    assert Assignment.objects.filter(business=shop, ends_on__isnull=True).count() == 1


def test_a_municipality_grade_a_business_is_refused_to_a_county_official(beijing):
    county_official = make_official(actor=beijing.staff, division=beijing.county, serial=2)
    shop = a_grade_shop(beijing.staff, beijing.street)
    with pytest.raises(Invalid) as info:
        services.assignment_create(actor=beijing.staff, official=county_official, business=shop)
    assert info.value.code == "assignment_refused"
    with translation.override("zh-hans"), pytest.raises(Invalid) as info:
        services.assignment_create(actor=beijing.staff, official=county_official, business=shop)
    # The level's name already ends in 级: "省级包保干部", never "省级级".
    assert "A级主体应由省级包保干部包保" in info.value.message
    assert "级级" not in info.value.message
    assert not Assignment.objects.exists()


def test_an_ordinary_province_refuses_a_province_level_official_with_a_translated_message(
    province_staff, regions
):
    with translation.override("zh-hans"), pytest.raises(Invalid) as info:
        make_official(actor=province_staff, division=regions.province, serial=3)
    assert "division_code" in info.value.fields
    assert "直辖市" in info.value.fields["division_code"]
    assert not Official.objects.exists()


def test_the_form_offers_the_municipality_itself_but_not_an_ordinary_province(
    client_for, beijing, province_staff, regions
):
    url = reverse("officials:create")
    page = client_for(beijing.staff).get(url).content.decode()
    assert f'value="{beijing.province.pk}"' in page
    page = client_for(province_staff).get(url).content.decode()
    assert f'value="{regions.city.pk}"' in page
    assert f'value="{regions.province.pk}"' not in page


def test_the_form_adds_a_province_level_official_in_a_municipality(client_for, beijing):
    response = client_for(beijing.staff).post(
        reverse("officials:create"),
        {"display_name": "王市", "phone": "13900000009", "division": beijing.province.pk},
    )
    assert response.status_code == 200
    official = Official.objects.get(phone="+8613900000009")
    assert official.grant.division == beijing.province


def test_the_api_adds_a_province_level_official_only_in_a_municipality(
    client_for, beijing, province_staff, regions
):
    body = {"display_name": "王市", "phone": "13900000010", "division_id": beijing.province.pk}
    response = client_for(beijing.staff).post(
        "/api/v1/officials", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = {"display_name": "李省", "phone": "13900000011", "division_id": regions.province.pk}
    response = client_for(province_staff).post(
        "/api/v1/officials", body, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "official_invalid"
    assert "division_code" in response.json()["fields"]
    assert not Official.objects.filter(phone="+8613900000011").exists()


def test_the_import_takes_a_municipality_post_and_refuses_an_ordinary_province(
    beijing, province_staff, regions
):
    from dataclasses import dataclass

    @dataclass
    class Row:
        line: int
        values: dict

    row = {"display_name": "王市", "phone": "13900000012", "division_code": "110000000000"}
    checked = services.official_import_check(actor=beijing.staff, rows=[Row(2, row)])
    assert (checked.errors, checked.actions) == ([], {2: "new"})
    row = {"display_name": "李省", "phone": "13900000013", "division_code": "630000000000"}
    checked = services.official_import_check(actor=province_staff, rows=[Row(2, row)])
    assert [(e.line, e.column) for e in checked.errors] == [(2, "division_code")]


class TestCoveringLevelsOfAMunicipality:
    """Its own settings page starts from grade A at province level, and keeps it allowed."""

    def test_the_defaults_cover_a_at_province_level(self, beijing, client_for):
        response = client_for(beijing.staff).get(f"/api/v1/covering-rules/{beijing.province.pk}")
        assert response.status_code == 200
        assert response.json()["grade_a_level"] == "province"
        assert response.json()["is_default"] is True

    def test_a_at_province_level_may_be_kept(self, beijing):
        levels = {"A": "province", "B": "county", "C": "county", "D": "township"}
        rule = services.covering_rule_set(
            actor=beijing.staff, province=beijing.province, levels=levels, load_warning=30
        )
        assert rule.grade_a_level == "province"
        assert rule.grade_d_level == "township"

    def test_the_page_offers_province_for_grade_a_only(self, beijing, client_for):
        form = client_for(beijing.staff).get("/officials/rules/").context["form"]
        assert ("province", "省级") in [
            (v, str(label)) for v, label in form.fields["grade_a_level"].choices
        ]
        assert "province" not in [v for v, _label in form.fields["grade_b_level"].choices]
