"""Exports: the filtered list as .xlsx, office staff only, audited, never a formula."""

import io
import re

import pytest
from django.utils import translation

from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses import exports, imports
from liangze.businesses.imports import COLUMNS, KEYS
from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.testing import make_business
from liangze.businesses.tests.imports.helpers import check, sheet_rows, sheet_xml, stored_bytes
from liangze.businesses.types import BusinessType, Scale
from liangze.imports import tasks
from liangze.imports.columns import BOOL_WORDS, unguard
from liangze.imports.workbooks import safe_text
from liangze.jobs.models import Job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME_COL = [c.key for c in COLUMNS].index("name")


@pytest.fixture
def businesses(county_staff, regions):
    return [
        make_business(actor=county_staff, division=regions.village, serial=1, grade="C"),
        make_business(
            actor=county_staff,
            division=regions.other_village,
            serial=2,
            grade="D",
            contact_phone="0979-8412345",
            latitude="36.4163",
            longitude="-94.9",
            staff_count="12",
            annual_revenue_yuan="1500000",
            address="@SUM(A1)",
            contact_name="+张三",
        ),
        make_business(
            actor=county_staff,
            division=regions.village,
            serial=3,
            uscc="",
            registration_number="=1+1",
            name='=HYPERLINK("http://x","y")',
        ),
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("province_staff", 200),
        ("county_staff", 200),
        ("township_staff", 200),
        ("outsider", 200),  # their own county's list: empty here
        ("city_official", 403),
        ("county_official", 403),
        ("township_official", 403),
        ("village_official", 403),
        ("regulator", 403),
        ("leader", 403),
        ("business_director", 403),
        ("public", 302),
    ],
)
def test_export_by_persona(persona, status, request, client_for, businesses):
    response = client_for(request.getfixturevalue(persona)).get("/businesses/export.xlsx")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == XLSX
    if status == 403:
        assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_EXPORTED).exists()


class TestDirectExport:
    def test_it_writes_the_filtered_list_and_records_it(
        self, client_for, county_staff, businesses, regions
    ):
        response = client_for(county_staff).get(
            "/businesses/export.xlsx", {"grade": "D", "within": regions.other_village.pk}
        )
        rows = sheet_rows(response.content)
        assert [r[NAME_COL] for r in rows[1:]] == [businesses[1].name]
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_EXPORTED)
        assert event.actor == county_staff
        assert event.data["rows"] == 1
        assert event.data["filters"]["grade"] == "D"
        assert event.data["filters"]["within"] == regions.other_village.pk

    def test_it_shows_only_what_the_viewer_reads(self, client_for, outsider, businesses):
        response = client_for(outsider).get("/businesses/export.xlsx")
        assert len(sheet_rows(response.content)) == 1  # the header alone
        assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_EXPORTED).exists()

    def test_cells_that_could_be_formulas_are_text_with_an_apostrophe(
        self, client_for, county_staff, businesses
    ):
        data = client_for(county_staff).get("/businesses/export.xlsx").content
        xml = sheet_xml(data)
        assert "<f>" not in xml and "<f " not in xml
        texts = {cell for r in sheet_rows(data) for cell in r if isinstance(cell, str)}
        assert "'=1+1" in texts
        assert "'@SUM(A1)" in texts
        assert "'+张三" in texts
        assert '\'=HYPERLINK("http://x","y")' in texts
        assert not any(re.match(r"^[=+@-]", text) for text in texts if text)

    def test_negative_coordinates_stay_numbers(self, client_for, county_staff, businesses):
        rows = sheet_rows(client_for(county_staff).get("/businesses/export.xlsx").content)
        longitude = [c.key for c in COLUMNS].index("longitude")
        assert -94.9 in [r[longitude] for r in rows[1:]]

    def test_an_export_reimports_unchanged(self, client_for, county_staff, businesses):
        data = client_for(county_staff).get("/businesses/export.xlsx").content
        job = check(county_staff, data, name="export.xlsx")
        assert job.result["errors"] == []
        assert (job.result["unchanged"], job.result["new"], job.result["changed"]) == (3, 0, 0)

    def test_invalid_filters_export_nothing(self, client_for, county_staff, businesses):
        response = client_for(county_staff).get("/businesses/export.xlsx", {"grade": "Z"})
        assert response.status_code == 302
        assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_EXPORTED).exists()


class TestExportJob:
    def test_a_large_list_is_exported_by_a_job(
        self, client_for, county_staff, businesses, monkeypatch
    ):
        monkeypatch.setattr(exports, "EXPORT_DIRECT_LIMIT", 2)
        client = client_for(county_staff)
        response = client.get("/businesses/export.xlsx", {"sort": "name"})
        job = Job.objects.get(kind=imports.BUSINESS_EXPORT)
        assert response.status_code == 302
        assert response["Location"] == f"/jobs/{job.pk}/"
        assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_EXPORTED).exists()
        tasks.table_export_run.call(job.pk)
        job.refresh_from_db()
        assert (job.status, job.result["rows"]) == (Job.Status.SUCCEEDED, 3)
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_EXPORTED)
        assert (event.data["rows"], event.data["job"]) == (3, job.pk)
        page = client.get(f"/jobs/{job.pk}/")
        assert f"/businesses/export/{job.pk}.xlsx".encode() in page.content
        download = client.get(f"/businesses/export/{job.pk}.xlsx")
        assert download.status_code == 200
        data = b"".join(download.streaming_content)
        assert data == stored_bytes(job.result["file"])
        assert len(sheet_rows(data)) == 4

    def test_the_file_is_the_starters_alone(
        self, client_for, county_staff, province_staff, businesses
    ):
        job = exports.business_export_start(
            actor=county_staff,
            filters={
                "search": "",
                "grade": "",
                "business_type": "",
                "status": "",
                "within": None,
                "sort": "",
            },
        )
        tasks.table_export_run.call(job.pk)
        assert (
            client_for(province_staff).get(f"/businesses/export/{job.pk}.xlsx").status_code == 404
        )

    def test_a_starter_who_lost_the_office_role_exports_nothing(self, county_staff, businesses):
        job = exports.business_export_start(
            actor=county_staff,
            filters={
                "search": "",
                "grade": "",
                "business_type": "",
                "status": "",
                "within": None,
                "sort": "",
            },
        )
        county_staff.grants.update(revoked_at="2026-01-01T00:00:00Z")
        tasks.table_export_run.call(job.pk)
        job.refresh_from_db()
        assert (job.status, job.error_code) == (Job.Status.FAILED, "export_forbidden")
        assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_EXPORTED).exists()


@pytest.mark.parametrize(
    "text",
    ["", "plain", "'quoted", "=1+1", "'=1+1", "''=x", "+86", "-5", "@a", "\tx", "\rx", "'", "''"],
)
def test_the_formula_guard_is_undone_by_the_importer(text):
    assert unguard(safe_text(text)) == text
    assert not safe_text(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_the_export_keeps_every_template_column(client_for, county_staff, businesses):
    from liangze.imports.specs import header

    rows = sheet_rows(client_for(county_staff).get("/businesses/export.xlsx").content)
    assert rows[0][: len(COLUMNS)] == [header(c, "zh-hans") for c in COLUMNS]
    assert Business.objects.count() == 3


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "zh"), ("en", "en")])
def test_the_export_writes_labels_in_its_language_and_reimports_unchanged(
    language, words, county_staff, businesses
):
    target = io.BytesIO()
    with translation.override(language):
        rows = exports.business_export_write(actor=county_staff, filters={}, target=target)
        labels = (
            str(BusinessType.RESTAURANT.label),
            str(Scale.SMALL.label),
            str(BusinessStatus.OPERATING.label),
        )
    assert rows == 3
    first = sheet_rows(target.getvalue())[1]
    yes_no = {first[KEYS.index(key)] for key in ("chain_hq", "key", "open_kitchen")}
    assert yes_no == {BOOL_WORDS[words][1]}
    written = (first[KEYS.index("business_type")], first[KEYS.index("scale")], first[len(KEYS)])
    assert written == labels
    job = check(county_staff, target.getvalue(), name="export.xlsx")
    assert (job.result["errors"], job.result["unchanged"]) == ([], 3)
