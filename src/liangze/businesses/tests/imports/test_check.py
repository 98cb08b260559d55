"""The check job: every row validated, problems reported by line and column, nothing written."""

import pytest
from django.utils import translation

from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses.models import Business
from liangze.businesses.testing import make_business, make_uscc
from liangze.businesses.tests.imports.helpers import (
    COUNTY,
    NEIGHBOUR_VILLAGE,
    TOWNSHIP,
    check,
    csv_bytes,
    errors_of,
    row,
    sheet_rows,
    stored_bytes,
    xlsx,
)
from liangze.businesses.types import BusinessType
from liangze.imports.models import TableImport
from liangze.jobs.models import Job

BAD_USCC = "11500236MB1822153X"  # docs/domain.md §3.1: the check digit should be Y


def _counts(job: Job) -> dict:
    keys = ("rows", "valid", "invalid", "new", "changed", "unchanged")
    return {key: job.result[key] for key in keys}


class TestGoodFile:
    def test_it_plans_every_row_and_writes_no_business(self, county_staff):
        job = check(county_staff, xlsx([row(1), row(2), row(3)]))
        assert job.status == Job.Status.SUCCEEDED
        assert _counts(job) == {
            "rows": 3,
            "valid": 3,
            "invalid": 0,
            "new": 3,
            "changed": 0,
            "unchanged": 0,
        }
        assert job.result["errors"] == []
        assert job.result["bad_rows_file"] is None
        assert not Business.objects.exists()
        assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_CREATED).exists()
        assert TableImport.objects.get(check_job=job).plan_name.endswith("plan.bin")

    def test_it_reaches_the_total_in_its_progress(self, county_staff):
        job = check(county_staff, xlsx([row(i) for i in range(1, 6)]))
        assert (job.progress_done, job.progress_total) == (5, 5)

    def test_it_reads_csv_and_english_headers(self, county_staff):
        job = check(county_staff, csv_bytes([row(1), row(2)]), name="list.csv")
        assert (job.result["valid"], job.result["new"]) == (2, 2)

    def test_it_accepts_labels_of_every_language(self, county_staff):
        labels = []
        for language in ("zh-hans", "en"):
            with translation.override(language):
                labels.append(str(BusinessType.SNACK_BAR.label))
        rows = [row(i + 1, business_type=label) for i, label in enumerate(labels)]
        job = check(county_staff, xlsx(rows))
        assert job.result["valid"] == 2

    def test_it_takes_the_code_out_of_a_drop_down_entry(self, county_staff):
        job = check(county_staff, xlsx([row(1, division_code="632801100200 中村委会")]))
        assert job.result["valid"] == 1

    def test_a_live_business_with_the_same_credit_code_is_an_update_not_an_error(
        self, county_staff, regions
    ):
        business = make_business(actor=county_staff, division=regions.village, serial=7)
        job = check(county_staff, xlsx([row(1, uscc=business.uscc, name="新名字")]))
        assert job.result["errors"] == []
        assert (job.result["new"], job.result["changed"]) == (0, 1)

    def test_a_business_without_credit_code_is_matched_by_registration_number(
        self, county_staff, regions
    ):
        make_business(
            actor=county_staff,
            division=regions.village,
            serial=8,
            uscc="",
            registration_number="GEM-2023-001",
        )
        job = check(county_staff, xlsx([row(1, uscc="", registration_number="GEM-2023-001")]))
        assert (job.result["new"], job.result["changed"]) == (0, 1)

    def test_a_platform_id_names_the_business_to_update(self, county_staff, regions):
        business = make_business(actor=county_staff, division=regions.village, serial=9)
        job = check(
            county_staff,
            xlsx([row(1, platform_id=str(business.pk), uscc=make_uscc(9_999))]),
        )
        assert (job.result["new"], job.result["changed"]) == (0, 1)

    def test_an_accepted_pilot_code_stays_accepted_for_its_business(self, county_staff, regions):
        pilot = "91350100M0001TGQXM"  # docs/domain.md §3.1: legal, fails the check digit
        business = make_business(actor=county_staff, division=regions.village)
        Business.objects.filter(pk=business.pk).update(uscc=pilot, uscc_pilot_override=True)
        job = check(county_staff, xlsx([row(1, uscc=pilot), row(2, uscc=BAD_USCC)]))
        assert errors_of(job) == {(3, "uscc")}


class TestBadRows:
    @pytest.fixture
    def job(self, county_staff, regions):
        rows = [
            row(1),
            row(2, uscc=BAD_USCC),
            row(3, uscc=make_uscc(777)),
            row(4, uscc=make_uscc(777)),
            row(5, division_code=NEIGHBOUR_VILLAGE),
            row(6, business_type="spaceship"),
            row(7, name=""),
            row(8, grade_reason=""),
            row(9, division_code=COUNTY),
            row(10, division_code="639999999999"),
            row(11, platform_id="2000000000"),
            row(12, staff_count="1e999999999"),
        ]
        return check(county_staff, xlsx(rows))

    def test_it_reports_each_problem_by_line_and_column(self, job):
        assert job.status == Job.Status.SUCCEEDED
        assert errors_of(job) == {
            (3, "uscc"),  # check digit
            (4, "uscc"),  # the same code twice in the file: both lines
            (5, "uscc"),
            (6, "division_code"),  # the neighbouring county's
            (7, "business_type"),
            (8, "name"),
            (9, "grade_reason"),  # a new business needs the reason for its grade
            (10, "division_code"),  # a county, not a township or village
            (11, "division_code"),  # no such code
            (12, "platform_id"),  # no such business
            (13, "staff_count"),
        }
        assert all(error["message"] for error in job.result["errors"])
        assert (job.result["valid"], job.result["invalid"], job.result["new"]) == (1, 11, 1)

    def test_the_bad_rows_file_holds_each_bad_row_with_its_reasons(self, job):
        rows = sheet_rows(stored_bytes(job.result["bad_rows_file"]))
        head, body = rows[0], rows[1:]
        line_col, problems_col = len(head) - 1, len(head) - 2
        assert sorted(int(r[line_col]) for r in body) == list(range(3, 14))
        by_line = {int(r[line_col]): r for r in body}
        assert by_line[7][head.index("业态")] == "spaceship"  # the cell as uploaded
        assert "业态" in by_line[7][problems_col]  # its column named beside the reason
        assert "统一社会信用代码" in by_line[3][problems_col]

    def test_the_bad_rows_file_is_the_starters_alone(self, job, client_for, county_staff, regions):
        from liangze.accounts.models import Role
        from liangze.core.testing.fixtures import make_user

        url = f"/businesses/import/{job.pk}/bad-rows.xlsx"
        assert client_for(county_staff).get(url).status_code == 200
        colleague = make_user("colleague", Role.OFFICE_STAFF, regions.county)
        assert client_for(colleague).get(url).status_code == 404


class TestJurisdiction:
    def test_an_outsider_cannot_import_into_our_divisions(self, outsider, county_staff, regions):
        ours = make_business(actor=county_staff, division=regions.village, serial=3)
        job = check(
            outsider,
            xlsx([row(1), row(2, uscc=ours.uscc), row(3, platform_id=str(ours.pk), uscc="")]),
        )
        assert errors_of(job) == {
            (2, "division_code"),
            (3, "uscc"),  # a live business of ours: not theirs to change
            (3, "division_code"),
            (4, "platform_id"),  # answered like a missing id
            (4, "division_code"),
        }
        assert job.result["valid"] == 0

    def test_township_staff_may_not_use_another_township(self, township_staff, regions):
        from liangze.regions.models import Division, Level

        other = Division.objects.create(
            code="632801101000",
            name="另一镇",
            level=Level.TOWNSHIP,
            parent=regions.county,
            path="pending",
            vintage=2023,
        )
        other.path = regions.county.path + str(other.pk).zfill(10)
        other.save(update_fields=["path"])
        job = check(
            township_staff, xlsx([row(1, division_code=TOWNSHIP), row(2, division_code=other.code)])
        )
        assert errors_of(job) == {(3, "division_code")}


class TestDuplicates:
    def test_two_rows_naming_one_business_are_both_refused(self, county_staff, regions):
        business = make_business(actor=county_staff, division=regions.village, serial=4)
        job = check(
            county_staff,
            xlsx([row(1, uscc=business.uscc), row(2, platform_id=str(business.pk), uscc="")]),
        )
        assert errors_of(job) == {(2, "platform_id"), (3, "platform_id")}

    def test_a_platform_id_contradicting_the_credit_code_is_refused(self, county_staff, regions):
        one = make_business(actor=county_staff, division=regions.village, serial=5)
        two = make_business(actor=county_staff, division=regions.village, serial=6)
        job = check(county_staff, xlsx([row(1, uscc=one.uscc, platform_id=str(two.pk))]))
        assert errors_of(job) == {(2, "platform_id")}

    def test_the_same_registration_number_twice_is_refused(self, county_staff):
        rows = [
            row(1, uscc="", registration_number="R1"),
            row(2, uscc="", registration_number="R1"),
        ]
        job = check(county_staff, xlsx(rows))
        assert errors_of(job) == {(2, "registration_number"), (3, "registration_number")}


class TestUnstorableText:
    def test_a_nul_character_is_refused_where_it_stands(self, county_staff):
        """PostgreSQL stores no NUL: a cell holding one is the row's error, never the job's
        failure (nor a registration number or code looked up with it)."""
        rows = [
            row(1, name="餐馆\x00一"),
            row(2, grade_reason="理由\x00"),
            row(3, uscc="", registration_number="R\x001"),
            row(4),
        ]
        job = check(county_staff, xlsx(rows))  # a CSV file with NUL is refused as binary
        assert job.status == Job.Status.SUCCEEDED
        assert errors_of(job) == {(2, "name"), (3, "grade_reason"), (4, "registration_number")}
        assert (job.result["valid"], job.result["invalid"]) == (1, 3)

    def test_a_sheet_with_leading_blank_rows_reports_the_lines_excel_shows(self, county_staff):
        data = csv_bytes([row(1), row(2, grade="Z")])
        job = check(county_staff, b"\r\n\r\n" + data, name="list.csv")
        assert errors_of(job) == {(5, "grade")}


class TestRejectedFiles:
    def test_a_file_without_the_columns_fails_the_job(self, county_staff):
        job = check(county_staff, b"kode,naam\n1,2\n", name="x.csv")
        assert (job.status, job.error_code) == (Job.Status.FAILED, "table_columns")

    def test_a_header_alone_fails_the_job(self, county_staff):
        job = check(county_staff, xlsx([]))
        assert (job.status, job.error_code) == (Job.Status.FAILED, "business_import_empty")

    def test_a_spreadsheet_that_would_abort_the_reader_fails_the_job_not_the_worker(
        self, county_staff
    ):
        from liangze.files.tests import samples

        job = check(county_staff, samples.sparse_xlsx(), name="sparse.xlsx")
        assert (job.status, job.error_code) == (Job.Status.FAILED, "spreadsheet_too_large")


def test_the_check_runs_with_the_cyclic_collector_paused(county_staff, monkeypatch):
    """A 100,000-row check spent a quarter of its time in the collector (core.memory)."""
    import gc

    from liangze.businesses import import_check

    seen = []
    original = import_check.check_business_rows

    def spy(**kwargs):
        seen.append(gc.isenabled())
        return original(**kwargs)

    monkeypatch.setattr(import_check, "check_business_rows", spy)
    job = check(county_staff, xlsx([row(1)]))
    assert (job.status, seen, gc.isenabled()) == (Job.Status.SUCCEEDED, [False], True)


class TestDivisionCodeMessages:
    """A code outside the importer's area says so, whether or not the platform holds it; only a
    code of their own area that the platform lacks is "not on the platform"."""

    def messages(self, actor, codes, language="en"):
        with translation.override(language):
            job = check(actor, xlsx([row(i, division_code=c) for i, c in enumerate(codes, 1)]))
        return [error["message"] for error in job.result["errors"]]

    def test_outside_the_area_is_outside_the_jurisdiction(self, county_staff, regions):
        outside = ["632802100200", "110101001001"]  # the neighbour's village; Beijing's
        assert self.messages(county_staff, outside) == [
            f"Division {code} is outside your jurisdiction." for code in outside
        ]

    def test_an_unknown_code_of_the_area_is_not_on_the_platform(self, county_staff, regions):
        assert self.messages(county_staff, ["632801199200"]) == [
            "Division code 632801199200 is not on the platform."
        ]

    def test_for_an_administrator_an_unknown_code_is_not_on_the_platform(self, admin_user, regions):
        assert self.messages(admin_user, ["110101001001"]) == [
            "Division code 110101001001 is not on the platform."
        ]

    def test_in_chinese_it_says_outside_your_jurisdiction(self, county_staff, regions):
        [message] = self.messages(county_staff, ["110101001001"], language="zh-hans")
        assert "不在您的管辖范围内" in message
