"""The import template: the columns, drop-downs of the allowed values, the jurisdiction's divisions."""

import io
import re
import zipfile

import pytest

from liangze.businesses import imports as business_imports
from liangze.businesses.imports import COLUMNS
from liangze.businesses.tests.imports.helpers import sheet_rows, sheet_xml
from liangze.businesses.types import BusinessType
from liangze.imports.specs import header

URL = "/businesses/import/template.xlsx"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _letter(key: str) -> str:
    return LETTERS[[c.key for c in COLUMNS].index(key)]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("province_staff", 200),
        ("county_staff", 200),
        ("township_staff", 200),
        ("outsider", 200),
        ("city_official", 403),
        ("county_official", 403),
        ("village_official", 403),
        ("regulator", 403),
        ("leader", 403),
        ("business_director", 403),
        ("public", 302),
    ],
)
def test_template_by_persona(persona, status, request, client_for, regions):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == status


class TestTemplate:
    @pytest.fixture
    def data(self, client_for, county_staff) -> bytes:
        response = client_for(county_staff).get(URL)
        assert response["Content-Disposition"].startswith("attachment")
        return response.content

    def test_it_has_the_columns_in_the_users_language(self, data):
        assert sheet_rows(data)[0] == [header(c, "zh-hans") for c in COLUMNS]

    def test_it_has_a_drop_down_for_every_column_with_allowed_values(self, data):
        validations = re.findall(r"<dataValidation [^>]*sqref=\"([A-Z]+)2:\1\d+\"", sheet_xml(data))
        assert sorted(validations) == sorted(
            _letter(key)
            for key in (
                "business_type",
                "chain_hq",
                "key",
                "scale",
                "grade",
                "risk_level",
                "division_code",
                "open_kitchen",
            )
        )
        assert "'lists'!$A$1:$A$26" in sheet_xml(data)  # the 26 types, from the hidden sheet

    def test_its_lists_hold_the_types_and_the_users_townships_and_villages(self, data, regions):
        lists = sheet_rows(data, index=2)
        assert [r[0] for r in lists] == [str(t.label) for t in BusinessType]
        entries = [r[2] for r in lists if len(r) > 2 and r[2]]
        assert entries == [
            f"{d.code} {d.name}" for d in (regions.township, regions.village, regions.other_village)
        ]
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            workbook = archive.read("xl/workbook.xml").decode()
        assert re.search(r'<sheet name="lists" sheetId="3" state="hidden"', workbook)

    def test_it_lists_no_other_county(self, client_for, outsider, regions):
        lists = sheet_rows(client_for(outsider).get(URL).content, index=2)
        entries = [r[2] for r in lists if len(r) > 2 and r[2]]
        assert entries == [
            f"{d.code} {d.name}" for d in (regions.neighbour_township, regions.neighbour_village)
        ]

    def test_a_long_division_list_is_capped(self, client_for, county_staff, monkeypatch):
        monkeypatch.setattr(business_imports, "DIVISION_LIST_CAP", 2)
        lists = sheet_rows(client_for(county_staff).get(URL).content, index=2)
        assert len([r[2] for r in lists if len(r) > 2 and r[2]]) == 2

    def test_an_english_user_gets_the_english_headers(self, client_for, county_staff):
        client = client_for(county_staff)
        client.cookies["liangze_language"] = "en"
        rows = sheet_rows(client.get(URL).content)
        assert rows[0] == [c.key for c in COLUMNS]
