"""The public page says which level covers the grade as the business's province sets it
(docs/domain.md §1.2, §1.14): a municipality's grade A at province level, a province's own rule
where it keeps one, the national defaults otherwise."""

import pytest
from django.test import Client
from django.utils import translation

from liangze.businesses.public_selectors import public_business_card
from liangze.businesses.testing import make_business, make_uscc
from liangze.core.tables import TableRow
from liangze.officials.models import CoveringRule
from liangze.regions.models import Division
from liangze.regions.services import division_table_import

SHANGHAI_ROWS = [
    ("310000000000", "上海市", ""),
    ("310100000000", "市辖区", "310000000000"),
    ("310101000000", "黄浦区", "310100000000"),
    ("310101002000", "南京东路街道", "310101000000"),
    ("310101002001", "贵州路社区", "310101002000"),
]


@pytest.fixture
def shanghai_street(regions):
    rows = [
        TableRow(line=i + 2, values={"code": c, "name": n, "parent_code": p})
        for i, (c, n, p) in enumerate(SHANGHAI_ROWS)
    ]
    division_table_import(actor=None, rows=rows, vintage=2023)
    return Division.objects.get(code="310101002000")


def meaning(business) -> str:
    with translation.override("en"):
        return public_business_card(token=business.public_token).grade_meaning


def test_a_shanghai_grade_a_business_is_covered_at_province_level(shanghai_street):
    shop = make_business(
        actor=None, division=shanghai_street, serial=1, grade="A", uscc=make_uscc(1, area="310101")
    )
    assert meaning(shop) == "covered by a province-level official"
    page = Client(headers={"Accept-Language": "en"}).get(f"/p/{shop.public_token}")
    assert "Grade A: covered by a province-level official" in page.content.decode()


def test_a_shanghai_grade_b_business_keeps_the_default(shanghai_street):
    shop = make_business(
        actor=None, division=shanghai_street, serial=2, grade="B", uscc=make_uscc(2, area="310101")
    )
    assert meaning(shop) == "covered by a county-level official"


def test_an_ordinary_provinces_grade_a_business_is_covered_at_city_level(regions):
    shop = make_business(actor=None, division=regions.village, serial=1, grade="A")
    assert meaning(shop) == "covered by a city-level official"


def test_a_provinces_own_rule_changes_the_wording(regions):
    shop = make_business(actor=None, division=regions.village, serial=1, grade="D")
    assert meaning(shop) == "covered by a village-level official"
    CoveringRule.objects.create(
        province=regions.province,
        grade_a_level="city",
        grade_b_level="county",
        grade_c_level="township",
        grade_d_level="township",
    )
    assert meaning(shop) == "covered by a township-level official"
    with translation.override("zh-hans"):
        assert "乡" in public_business_card(token=shop.public_token).grade_meaning


def test_without_a_provider_the_national_default_is_said(regions, monkeypatch):
    from liangze.businesses import hooks

    monkeypatch.setattr(hooks, "_covering_levels", [])
    CoveringRule.objects.create(
        province=regions.province,
        grade_a_level="city",
        grade_b_level="county",
        grade_c_level="township",
        grade_d_level="township",
    )
    shop = make_business(actor=None, division=regions.village, serial=1, grade="D")
    assert meaning(shop) == "covered by a village-level official"


def test_the_hand_written_rule_read_answers_as_the_whole_rule_book(regions, shanghai_street):
    """required_level_at reads one province's rule by hand (core.sql); the rule book read
    through the ORM must give the same level for every grade, with and without a rule."""
    from liangze.officials.rules import required_level_at, rule_book

    paths = [regions.village.path, regions.township.path, shanghai_street.path]

    def levels():
        book = rule_book()
        found = {(g, p): required_level_at(grade=g, path=p) for g in "ABCD" for p in paths}
        assert found == {
            (g, p): book.required_level(grade=g, path=p) for g in "ABCD" for p in paths
        }
        return found

    before = levels()
    levels_by_grade = dict(zip("abcd", ["county", "county", "township", "township"], strict=True))
    CoveringRule.objects.create(
        province=regions.province,
        **{f"grade_{grade}_level": level for grade, level in levels_by_grade.items()},
    )
    after = levels()
    assert before[("A", shanghai_street.path)] == "province"
    assert (before[("D", regions.village.path)], after[("D", regions.village.path)]) == (
        "village",
        "township",
    )
    assert after[("A", regions.village.path)] == "county"
