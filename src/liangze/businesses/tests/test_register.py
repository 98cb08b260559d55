"""The regulator's register (docs/domain.md §2, "The register"): matching by credit code, else
licence number, else registration number; the import through the engine and its refusals; a
county's register replaced and the earlier one kept for past periods; the rows missing from the
platform, by page, export and API, scoped; and data_collection_rate against a raw query."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses.models import BusinessStatus, RegisterEntry
from liangze.businesses.register import RegisterRow, match_codes, register_import
from liangze.businesses.services import (
    Change,
    business_change_many,
    business_status_change,
    business_update,
)
from liangze.businesses.testing import make_business, make_uscc
from liangze.figures.models import Figure, FigureDirty
from liangze.figures.periods import Period
from liangze.figures.selectors import region_figures
from liangze.figures.services import figures_rebuild
from liangze.imports import services as engine
from liangze.imports import tasks
from liangze.imports.specs import import_spec
from liangze.jobs.models import Job
from liangze.officials import services as officials
from liangze.officials.testing import import_workbook, make_official

pytestmark = pytest.mark.django_db

LICENSE = "JY16328010000011"
OTHER_LICENSE = "JY16328010000029"


def check(actor, rows: list[dict]) -> Job:
    job = engine.table_import_start(
        actor=actor,
        spec=import_spec("register"),
        upload=SimpleUploadedFile("register.xlsx", import_workbook("register", rows)),
    )
    tasks.table_import_check_run.call(job.pk)
    job.refresh_from_db()
    return job


def commit(actor, check_job: Job, mode: str = "valid_rows") -> Job:
    write_job = engine.table_import_commit(actor=actor, check_job=check_job, mode=mode)
    tasks.table_import_write_run.call(write_job.pk)
    write_job.refresh_from_db()
    return write_job


def errors_of(job: Job) -> dict[tuple[int, str], str]:
    return {(e["line"], e["column"]): e["message"] for e in job.result["errors"]}


def row(division, serial: int, **values) -> dict:
    return {"name": f"台账主体{serial}", "division_code": division.code, **values}


def entry(division, county, name: str, **codes) -> RegisterRow:
    return RegisterRow(
        division_id=division.pk,
        county_id=county.pk,
        division_path=division.path,
        name=name,
        **codes,
    )


class TestMatching:
    def test_credit_code_beats_licence_beats_registration(self, county_staff, regions):
        by_code = make_business(actor=county_staff, division=regions.village, serial=1)
        by_license = make_business(
            actor=county_staff, division=regions.village, serial=2, license_number=LICENSE
        )
        by_registration = make_business(
            actor=county_staff,
            division=regions.village,
            serial=3,
            uscc="",
            registration_number="格登字001",
        )
        codes = [
            (by_code.uscc, LICENSE, "格登字001"),  # all three: the credit code decides
            (make_uscc(99), LICENSE.lower(), "格登字001"),  # unknown code: the licence
            ("", " " + OTHER_LICENSE, "格登字001"),  # unknown licence: the registration
            (by_code.uscc.lower(), "", ""),  # normalised as the registry does
            (make_uscc(98), OTHER_LICENSE, "无"),  # nothing matches
        ]
        assert match_codes(codes) == [
            by_code.pk,
            by_license.pk,
            by_registration.pk,
            by_code.pk,
            None,
        ]

    def test_a_live_business_is_preferred_to_a_closed_one(self, county_staff, regions):
        closed = make_business(
            actor=county_staff, division=regions.village, serial=1, license_number=LICENSE
        )
        business_status_change(
            actor=county_staff,
            business=closed,
            to_status=BusinessStatus.CLOSED,
            effective_on=timezone.localdate(),
            reason="注销",
        )
        live = make_business(
            actor=county_staff, division=regions.village, serial=2, license_number=LICENSE
        )
        assert match_codes([("", LICENSE, "")]) == [live.pk]

    def test_a_missing_row_is_matched_once_the_business_is_registered(self, county_staff, regions):
        register_import(
            actor=county_staff,
            rows=[entry(regions.village, regions.county, "未入库", uscc=make_uscc(7))],
        )
        waiting = RegisterEntry.objects.get()
        assert waiting.business is None
        FigureDirty.objects.all().delete()
        business = make_business(actor=county_staff, division=regions.other_village, serial=7)
        waiting.refresh_from_db()
        assert waiting.business_id == business.pk
        # Both the row's own division and the business's are recomputed.
        marked = set(FigureDirty.objects.values_list("division_id", flat=True))
        assert {regions.village.pk, regions.other_village.pk} <= marked

    def test_a_licence_added_later_matches_too(self, county_staff, regions):
        business = make_business(actor=county_staff, division=regions.village, serial=1)
        register_import(
            actor=county_staff,
            rows=[entry(regions.village, regions.county, "许可", license_number=LICENSE)],
        )
        business_update(actor=county_staff, business=business, fields={"license_number": LICENSE})
        assert RegisterEntry.objects.get().business_id == business.pk

    def test_a_licence_given_by_a_table_matches_too(self, county_staff, regions):
        business = make_business(actor=county_staff, division=regions.other_village, serial=1)
        register_import(
            actor=county_staff,
            rows=[entry(regions.village, regions.county, "许可", license_number=LICENSE)],
        )
        FigureDirty.objects.all().delete()
        business_change_many(
            actor=county_staff,
            rows=[
                Change(
                    business_id=business.pk,
                    name=business.name,
                    division_path=business.division.path,
                    after={"license_number": LICENSE},
                    before={"license_number": ""},
                )
            ],
        )
        assert RegisterEntry.objects.get().business_id == business.pk
        marked = set(FigureDirty.objects.values_list("division_id", flat=True))
        assert {regions.village.pk, regions.other_village.pk} <= marked


class TestImport:
    def test_good_rows_import_and_are_matched(self, county_staff, regions):
        shop = make_business(actor=county_staff, division=regions.village, serial=1)
        job = check(
            county_staff,
            [
                row(regions.village, 1, uscc=shop.uscc),
                row(regions.township, 2, license_number=LICENSE, address="某路1号"),
                row(regions.county, 3, registration_number="格登字9"),
            ],
        )
        assert job.status == Job.Status.SUCCEEDED, job.error_message
        assert (job.result["valid"], job.result["invalid"]) == (3, 0)
        assert not RegisterEntry.objects.exists()  # the check writes nothing
        written = commit(county_staff, job)
        assert written.status == Job.Status.SUCCEEDED, written.error_message
        assert (written.result["entries"], written.result["matched"]) == (3, 1)
        entries = {e.name: e for e in RegisterEntry.objects.all()}
        assert entries["台账主体1"].business_id == shop.pk
        assert entries["台账主体2"].business is None
        assert entries["台账主体2"].address == "某路1号"
        assert {e.county_id for e in entries.values()} == {regions.county.pk}
        assert {e.valid_from for e in entries.values()} == {timezone.localdate()}
        assert {e.province_id for e in entries.values()} == {regions.province.pk}
        replaced = AuditEvent.objects.get(action=AuditAction.REGISTER_REPLACED)
        assert replaced.target_id == str(regions.county.pk)
        assert replaced.data["import_job"] == written.pk
        assert (replaced.data["entries"], replaced.data["missing"]) == (3, 2)
        assert AuditEvent.objects.filter(action=AuditAction.REGISTER_IMPORTED).count() == 1

    def test_the_job_pages_show_the_check_and_the_written_register(
        self, county_staff, regions, client_for
    ):
        shop = make_business(actor=county_staff, division=regions.village, serial=1)
        job = check(
            county_staff,
            [
                row(regions.village, 1, uscc=shop.uscc),
                row(regions.village, 2, license_number=LICENSE),
                row(regions.village, 3),  # no code at all: refused
            ],
        )
        client = client_for(county_staff)
        page = client.get(f"/jobs/{job.pk}/").content.decode()
        assert 'data-count="valid">2<' in page and 'data-count="invalid">1<' in page
        assert 'href="/businesses/register/import/"' in page  # upload another file
        written = commit(county_staff, job)
        page = client.get(f"/jobs/{written.pk}/").content.decode()
        assert 'data-count="entries">2<' in page and 'data-count="missing">1<' in page
        assert 'href="/businesses/register/missing/"' in page
        start = client.get("/businesses/register/import/").content.decode()
        assert 'data-testid="template-link"' in start and "<h1>" in start
        assert 'enctype="multipart/form-data"' in start

    def test_bad_rows_are_reported_by_column(self, county_staff, township_staff, regions):
        job = check(
            county_staff,
            [
                row(regions.village, 1, uscc=make_uscc(1)),
                row(regions.village, 2),  # no code at all
                row(regions.village, 3, uscc="91632801MA00000"),  # 15 characters
                row(regions.village, 4, license_number="XK123"),
                row(regions.neighbour_village, 5, uscc=make_uscc(5)),  # another county
                row(regions.province, 6, uscc=make_uscc(6)),  # above a county
                {"name": "", "division_code": "999999", "uscc": make_uscc(7)},
                row(regions.village, 8, uscc=make_uscc(1)),  # the code of line 2 again
            ],
        )
        assert job.status == Job.Status.SUCCEEDED, job.error_message
        assert set(errors_of(job)) == {
            (2, "uscc"),
            (3, "uscc"),
            (4, "uscc"),
            (5, "license_number"),
            (6, "division_code"),
            (7, "division_code"),
            (8, "name"),
            (8, "division_code"),
            (9, "uscc"),
        }
        assert job.result["valid"] == 0

    def test_a_township_office_may_not_replace_its_county(self, township_staff, regions):
        job = check(township_staff, [row(regions.village, 1, uscc=make_uscc(1))])
        assert set(errors_of(job)) == {(2, "division_code")}

    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            ("en", "A register row needs a credit code, a licence number or a registration"),
            ("zh-hans", "台账"),
        ],
    )
    def test_errors_read_in_the_starters_language(self, county_staff, regions, language, expected):
        with translation.override(language):
            job = check(county_staff, [row(regions.village, 1)])
        assert expected in errors_of(job)[(2, "uscc")]

    def test_a_second_import_replaces_the_county_and_keeps_the_past(self, county_staff, regions):
        today = timezone.localdate()
        first_day = today - timedelta(days=30)
        register_import(
            actor=county_staff,
            rows=[
                entry(regions.village, regions.county, f"旧{n}", uscc=make_uscc(n)) for n in (1, 2)
            ],
            valid_from=first_day,
        )
        register_import(
            actor=county_staff,
            rows=[entry(regions.village, regions.county, "新", uscc=make_uscc(3))],
        )
        in_force = RegisterEntry.objects.filter(valid_to__isnull=True)
        assert list(in_force.values_list("name", flat=True)) == ["新"]
        assert set(RegisterEntry.objects.filter(valid_to=today).values_list("name", flat=True)) == {
            "旧1",
            "旧2",
        }
        figures_rebuild(periods=[Period.quarter_of(today)])
        yesterday = today - timedelta(days=1)
        from liangze.officials.figures import data_collection_compute

        assert data_collection_compute(yesterday, None)[regions.village.pk][2] == 2
        assert data_collection_compute(today, None)[regions.village.pk][2] == 1
        # The same day again: the rows of the morning were never in force and go.
        register_import(
            actor=county_staff,
            rows=[entry(regions.village, regions.county, "午后", uscc=make_uscc(4))],
        )
        assert not RegisterEntry.objects.filter(name="新").exists()

    def test_another_county_is_left_as_it_was(self, county_staff, outsider, regions):
        register_import(
            actor=outsider,
            rows=[
                entry(
                    regions.neighbour_village, regions.neighbour_county, "邻县", uscc=make_uscc(1)
                )
            ],
        )
        register_import(
            actor=county_staff,
            rows=[entry(regions.village, regions.county, "本县", uscc=make_uscc(2))],
        )
        assert RegisterEntry.objects.filter(valid_to__isnull=True).count() == 2


def _raw_rate(day, division_id) -> tuple[int, int]:
    """numerator, denominator at one division, by one SQL query over the raw rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT
              SUM(CASE WHEN b.id IS NOT NULL AND b.status = 'operating'
                        AND b.status_since <= %(day)s
                        AND b.grade <> '' AND (b.license_number <> '' OR b.registration_number <> '')
                        AND EXISTS (SELECT 1 FROM officials_assignment a WHERE a.business_id = b.id
                                    AND a.starts_on <= %(day)s
                                    AND (a.ends_on IS NULL OR a.ends_on > %(day)s))
                   THEN 1 ELSE 0 END),
              COUNT(*)
            FROM businesses_registerentry r
            LEFT JOIN businesses_business b ON b.id = r.business_id
            WHERE r.valid_from <= %(day)s AND (r.valid_to IS NULL OR r.valid_to > %(day)s)
              AND COALESCE(b.division_id, r.division_id) = %(division)s
              AND (b.id IS NULL OR b.status = 'operating' OR b.status_since > %(day)s)
            """,
            {"day": day, "division": division_id},
        )
        numerator, denominator = cursor.fetchone()
    return numerator or 0, denominator


class TestRate:
    def test_numerator_and_denominator_equal_a_raw_query(self, county_staff, regions):
        village = regions.village
        official = make_official(actor=county_staff, division=village, serial=1)
        complete = make_business(
            actor=county_staff, division=village, serial=1, grade="D", license_number=LICENSE
        )
        no_licence = make_business(actor=county_staff, division=village, serial=2, grade="D")
        uncovered = make_business(
            actor=county_staff, division=village, serial=3, grade="D", license_number=OTHER_LICENSE
        )
        suspended = make_business(actor=county_staff, division=village, serial=4, grade="D")
        for business in (complete, no_licence, suspended):
            officials.assignment_create(
                actor=county_staff, official=official, business=business, replace=True
            )
        business_status_change(
            actor=county_staff,
            business=suspended,
            to_status=BusinessStatus.SUSPENDED,
            effective_on=timezone.localdate(),
            reason="停业",
        )
        register_import(
            actor=county_staff,
            rows=[
                entry(village, regions.county, "全", uscc=complete.uscc),
                entry(village, regions.county, "缺证", uscc=no_licence.uscc),
                entry(village, regions.county, "无人包保", license_number=OTHER_LICENSE),
                entry(village, regions.county, "停业", uscc=suspended.uscc),
                entry(village, regions.county, "未入库", uscc=make_uscc(50)),
            ],
        )
        today = timezone.localdate()
        quarter = Period.quarter_of(today)
        figures_rebuild(periods=[quarter])
        stored = Figure.objects.get(
            measure="data_collection_rate", period=quarter.code, division_id=village.pk
        )
        # 1 complete of: complete, no licence, uncovered, missing (the suspended one is out).
        assert (stored.numerator, stored.denominator) == (1, 4)
        assert (stored.numerator, stored.denominator) == _raw_rate(today, village.pk)
        county = region_figures(
            path=regions.county.path, periods=[quarter.code], codes=["data_collection_rate"]
        )[(quarter.code, "data_collection_rate")]
        assert (county.numerator, county.denominator) == (1, 4)
        del uncovered

    def test_the_figures_api_serves_it_scoped(self, county_staff, outsider, client_for, regions):
        client = client_for(county_staff)
        url = f"/api/v1/figures?within={regions.county.pk}&measure=data_collection_rate"
        figures_rebuild(periods=[Period.quarter_of(timezone.localdate())])
        # No register yet: 0/0, shown as "—" (percent null).
        [figure] = client.get(url).json()["figures"]
        assert figure["rate"] == {"numerator": 0, "denominator": 0, "percent": None}
        register_import(
            actor=county_staff,
            rows=[entry(regions.village, regions.county, "未入库", uscc=make_uscc(50))],
        )
        figures_rebuild(periods=[Period.quarter_of(timezone.localdate())])
        codes = [m["code"] for m in client.get("/api/v1/figures/measures").json()]
        assert "data_collection_rate" in codes
        response = client.get(url)
        assert response.status_code == 200
        [figure] = response.json()["figures"]
        assert figure["rate"] == {"numerator": 0, "denominator": 1, "percent": "0.00"}
        assert client_for(outsider).get(url).status_code == 404


class TestMissingPages:
    @pytest.fixture
    def register(self, county_staff, regions):
        register_import(
            actor=county_staff,
            rows=[
                entry(regions.village, regions.county, "县内未入库", uscc=make_uscc(1)),
                entry(
                    regions.neighbour_village,
                    regions.neighbour_county,
                    "邻县未入库",
                    uscc=make_uscc(2),
                ),
            ],
        )

    @pytest.mark.parametrize(
        ("persona", "status", "names"),
        [
            ("county_staff", 200, {"县内未入库"}),
            ("leader", 200, {"县内未入库"}),
            ("regulator", 200, {"县内未入库"}),
            ("village_official", 200, {"县内未入库"}),
            ("outsider", 200, {"邻县未入库"}),
            ("business_director", 200, set()),
            ("public", 302, None),
        ],
    )
    def test_the_page_lists_the_viewers_rows(
        self, register, request, client_for, persona, status, names
    ):
        response = client_for(request.getfixturevalue(persona)).get("/businesses/register/missing/")
        assert response.status_code == status
        if names is not None:
            assert {e.name for e in response.context["page"].object_list} == names

    @pytest.mark.parametrize(
        ("persona", "status", "count"),
        [
            ("county_staff", 200, 1),
            ("leader", 200, 1),
            ("outsider", 200, 1),
            ("business_director", 200, 0),
            ("public", 401, None),
        ],
    )
    def test_the_api_lists_the_viewers_rows(
        self, register, request, client_for, persona, status, count
    ):
        response = client_for(request.getfixturevalue(persona)).get("/api/v1/register/missing")
        assert response.status_code == status
        if count is not None:
            assert response.json()["count"] == count

    def test_the_api_refuses_a_foreign_region(self, register, client_for, outsider, regions):
        url = f"/api/v1/register/missing?within={regions.county.pk}"
        assert client_for(outsider).get(url).status_code == 404

    @pytest.mark.parametrize(
        ("persona", "status"),
        [("county_staff", 200), ("leader", 403), ("regulator", 403), ("public", 302)],
    )
    def test_export_is_for_office_staff(self, register, request, client_for, persona, status):
        response = client_for(request.getfixturevalue(persona)).get(
            "/businesses/register/missing/export.xlsx"
        )
        assert response.status_code == status
        if status == 200:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
            rows = sheet.get_sheet_by_index(0).to_python()
            assert [r[0] for r in rows[1:]] == ["县内未入库"]
            assert rows[1][1] == make_uscc(1)

    @pytest.mark.parametrize(
        ("persona", "status"),
        [("county_staff", 200), ("leader", 403), ("regulator", 403), ("public", 302)],
    )
    def test_the_import_page_is_for_office_staff(self, request, client_for, persona, status):
        response = client_for(request.getfixturevalue(persona)).get("/businesses/register/import/")
        assert response.status_code == status

    def test_the_dashboard_figure_links_to_the_missing_rows(self, register, regions):
        from liangze.figures.measures import measure

        url = measure("data_collection_rate").rows_url(regions.village.pk, "2026Q4")
        assert url == f"/businesses/register/missing/?within={regions.village.pk}"
