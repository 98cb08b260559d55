"""The import and export endpoints: each starts a job and answers 202 with its id."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses import imports
from liangze.businesses.tests.imports.helpers import check, row, xlsx
from liangze.imports import tasks
from liangze.jobs.models import Job

IMPORT = "/api/v1/businesses/import"
EXPORT = "/api/v1/businesses/export"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 202),
        ("county_staff", 202),
        ("outsider", 202),
        ("county_official", 403),
        ("regulator", 403),
        ("leader", 403),
        ("business_director", 403),
        ("public", 401),
    ],
)
def test_import_and_export_by_persona(persona, status, request, client_for, regions):
    client = client_for(request.getfixturevalue(persona))
    started = client.post(IMPORT, {"file": SimpleUploadedFile("b.xlsx", xlsx([row(1)]))})
    assert started.status_code == status
    assert client.get(EXPORT).status_code == status
    assert Job.objects.exists() == (status == 202)
    if status == 403:
        assert started.json()["code"] == "business_import_forbidden"
        assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count() == 2


class TestImportApi:
    def test_a_client_checks_polls_and_commits(self, client_for, county_staff):
        client = client_for(county_staff)
        started = client.post(IMPORT, {"file": SimpleUploadedFile("b.csv", b"x")})
        assert started.status_code == 202
        check_id = started.json()["job_id"]
        tasks.table_import_check_run.call(check_id)
        status = client.get(f"/api/v1/jobs/{check_id}").json()
        assert status["status"] == "failed"  # "x" names no column

        started = client.post(
            IMPORT, {"file": SimpleUploadedFile("b.xlsx", xlsx([row(1), row(2, name="")]))}
        )
        check_id = started.json()["job_id"]
        tasks.table_import_check_run.call(check_id)
        result = client.get(f"/api/v1/jobs/{check_id}").json()["result"]
        assert (result["valid"], result["invalid"], result["new"]) == (1, 1, 1)
        assert result["errors"] == [
            {"line": 3, "column": "name", "message": result["errors"][0]["message"]}
        ]
        assert client.get(f"/api/v1/files/{result['bad_rows_file']}").status_code == 200

        refused = client.post(
            f"{IMPORT}/{check_id}/commit",
            {"mode": "all_or_nothing"},
            content_type="application/json",
        )
        assert (refused.status_code, refused.json()["code"]) == (409, "import_has_invalid_rows")
        committed = client.post(
            f"{IMPORT}/{check_id}/commit", {"mode": "valid_rows"}, content_type="application/json"
        )
        assert committed.status_code == 202
        write_id = committed.json()["job_id"]
        tasks.table_import_write_run.call(write_id)
        written = client.get(f"/api/v1/jobs/{write_id}").json()
        assert (written["status"], written["result"]["created"]) == ("succeeded", 1)

    def test_a_file_of_the_wrong_type_is_refused(self, client_for, county_staff):
        response = client_for(county_staff).post(
            IMPORT, {"file": SimpleUploadedFile("b.pdf", b"%PDF")}
        )
        assert (response.status_code, response.json()["fields"].keys()) == (422, {"file"})

    def test_an_unknown_mode_is_refused(self, client_for, county_staff):
        job = check(county_staff, xlsx([row(1)]))
        response = client_for(county_staff).post(
            f"{IMPORT}/{job.pk}/commit", {"mode": "some"}, content_type="application/json"
        )
        assert response.status_code == 422

    def test_an_outsider_can_neither_see_nor_commit_our_check(
        self, client_for, county_staff, outsider
    ):
        job = check(county_staff, xlsx([row(1)]))
        client = client_for(outsider)
        assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 404
        response = client.post(
            f"{IMPORT}/{job.pk}/commit", {"mode": "valid_rows"}, content_type="application/json"
        )
        assert response.status_code == 404
        assert not Job.objects.filter(kind=imports.BUSINESS_IMPORT_WRITE).exists()


class TestExportApi:
    def test_it_exports_the_filtered_list_by_a_job(self, client_for, county_staff, regions):
        from liangze.businesses.testing import make_business

        make_business(actor=county_staff, division=regions.village, serial=1, grade="C")
        make_business(actor=county_staff, division=regions.village, serial=2, grade="D")
        client = client_for(county_staff)
        response = client.get(EXPORT, {"grade": "D", "within": regions.township.pk})
        assert response.status_code == 202
        job_id = response.json()["job_id"]
        tasks.table_export_run.call(job_id)
        result = client.get(f"/api/v1/jobs/{job_id}").json()["result"]
        assert result["rows"] == 1
        assert client.get(f"/api/v1/files/{result['file']}/content").status_code == 200
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_EXPORTED)
        assert event.data["filters"]["grade"] == "D"

    def test_a_division_outside_the_jurisdiction_is_not_found(
        self, client_for, county_staff, regions
    ):
        response = client_for(county_staff).get(EXPORT, {"within": regions.neighbour_village.pk})
        assert response.status_code == 404
        assert not Job.objects.exists()
