"""Where the official role may be granted (docs/domain.md §1.1, §1.2): a city, county, township or
village, or a 直辖市 (municipality) itself, never an ordinary province."""

import pytest
from django.utils import translation

from liangze.accounts import services
from liangze.accounts.access import can_grant_role, official_post_allowed
from liangze.accounts.models import Role, RoleGrant
from liangze.core.errors import Invalid
from liangze.core.tables import TableRow
from liangze.core.testing.fixtures import make_user
from liangze.regions.models import Division
from liangze.regions.services import division_table_import


@pytest.fixture
def shanghai(regions):
    rows = [
        ("310000000000", "上海市", ""),
        ("310100000000", "市辖区", "310000000000"),
        ("310101000000", "黄浦区", "310100000000"),
    ]
    division_table_import(
        actor=None,
        rows=[
            TableRow(line=i + 2, values={"code": c, "name": n, "parent_code": p})
            for i, (c, n, p) in enumerate(rows)
        ],
        vintage=2023,
    )
    return Division.objects.get(code="310000000000")


def test_the_rule_allows_a_municipality_and_refuses_an_ordinary_province(shanghai, regions):
    assert official_post_allowed(shanghai)
    assert not official_post_allowed(regions.province)
    for division in (regions.city, regions.county, regions.township, regions.village):
        assert official_post_allowed(division)
    assert official_post_allowed(Division.objects.get(code="310101000000"))


def test_a_municipality_office_grants_the_official_role_at_province_level(shanghai):
    staff = make_user("shanghai_staff", Role.OFFICE_STAFF, shanghai)
    person = make_user("shanghai_person", None, shanghai)
    assert can_grant_role(staff, role=Role.OFFICIAL, division=shanghai)
    grant = services.role_grant(actor=staff, user=person, role=Role.OFFICIAL, division=shanghai)
    assert (grant.role, grant.division) == (Role.OFFICIAL, shanghai)
    issued = services.user_create(
        actor=staff,
        username="sh_official",
        display_name="上海干部",
        division=shanghai,
        role=Role.OFFICIAL,
    )
    assert issued.user.grants.get().division == shanghai


def test_an_ordinary_province_is_refused_with_a_translated_message(province_staff, regions):
    person = make_user("qinghai_person", None, regions.province)
    assert not can_grant_role(province_staff, role=Role.OFFICIAL, division=regions.province)
    with translation.override("zh-hans"), pytest.raises(Invalid) as info:
        services.role_grant(
            actor=province_staff, user=person, role=Role.OFFICIAL, division=regions.province
        )
    assert info.value.code == "official_level"
    assert "直辖市" in info.value.message
    assert "直辖市" in info.value.fields["division"]
    assert not RoleGrant.objects.filter(user=person).exists()
