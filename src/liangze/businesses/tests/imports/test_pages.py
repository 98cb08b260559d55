"""The import pages: upload, the check's report on the job page, the commit buttons."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from liangze.businesses import imports
from liangze.businesses.models import Business
from liangze.businesses.tests.imports.helpers import check, row, xlsx
from liangze.imports import tasks
from liangze.imports.models import TableImport
from liangze.jobs.models import Job


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("county_staff", 200),
        ("township_staff", 200),
        ("outsider", 200),
        ("county_official", 403),
        ("village_official", 403),
        ("regulator", 403),
        ("leader", 403),
        ("business_director", 403),
        ("public", 302),
    ],
)
def test_import_page_by_persona(persona, status, request, client_for, regions):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/businesses/import/").status_code == status
    upload = SimpleUploadedFile("b.xlsx", xlsx([row(1)]))
    posted = client.post("/businesses/import/", {"file": upload})
    assert posted.status_code == (302 if status == 200 else status)
    assert Job.objects.filter(kind=imports.BUSINESS_IMPORT_CHECK).exists() == (status == 200)


class TestUpload:
    def test_it_starts_the_check_and_shows_its_page(self, client_for, county_staff):
        client = client_for(county_staff)
        response = client.post(
            "/businesses/import/", {"file": SimpleUploadedFile("b.xlsx", xlsx([row(1)]))}
        )
        job = Job.objects.get(kind=imports.BUSINESS_IMPORT_CHECK)
        assert response["Location"] == f"/jobs/{job.pk}/"
        assert TableImport.objects.filter(check_job=job).exists()

    def test_a_file_of_the_wrong_type_stays_on_the_form(self, client_for, county_staff):
        response = client_for(county_staff).post(
            "/businesses/import/", {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4")}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
        assert not Job.objects.exists()


class TestJobPage:
    def test_the_check_shows_its_counts_bad_rows_and_the_commit_buttons(
        self, client_for, county_staff
    ):
        job = check(county_staff, xlsx([row(1), row(2, name="")]))
        page = client_for(county_staff).get(f"/jobs/{job.pk}/").content.decode()
        assert 'data-count="invalid">1<' in page
        assert f"/businesses/import/{job.pk}/bad-rows.xlsx" in page
        assert 'data-testid="commit-valid-rows"' in page
        assert 'data-testid="commit-all-or-nothing"' not in page  # a row is invalid

    def test_the_buttons_commit_and_lead_to_the_write(self, client_for, county_staff):
        job = check(county_staff, xlsx([row(1)]))
        client = client_for(county_staff)
        response = client.post(f"/businesses/import/{job.pk}/commit/", {"mode": "all_or_nothing"})
        write_job = Job.objects.get(kind=imports.BUSINESS_IMPORT_WRITE)
        assert response["Location"] == f"/jobs/{write_job.pk}/"
        tasks.table_import_write_run.call(write_job.pk)
        page = client.get(f"/jobs/{write_job.pk}/").content.decode()
        assert 'data-count="created">1<' in page
        again = client.get(f"/jobs/{job.pk}/").content.decode()
        assert 'data-testid="commit-valid-rows"' not in again
        assert f"/jobs/{write_job.pk}/" in again
        assert Business.objects.count() == 1

    def test_a_second_commit_writes_nothing_more(self, client_for, county_staff):
        job = check(county_staff, xlsx([row(1)]))
        client = client_for(county_staff)
        client.post(f"/businesses/import/{job.pk}/commit/", {"mode": "valid_rows"})
        response = client.post(f"/businesses/import/{job.pk}/commit/", {"mode": "valid_rows"})
        assert response["Location"] == f"/jobs/{job.pk}/"
        assert Job.objects.filter(kind=imports.BUSINESS_IMPORT_WRITE).count() == 1

    def test_nobody_else_sees_or_commits_the_check(self, client_for, county_staff, outsider):
        job = check(county_staff, xlsx([row(1)]))
        client = client_for(outsider)
        assert client.get(f"/jobs/{job.pk}/").status_code == 404
        assert (
            client.post(f"/businesses/import/{job.pk}/commit/", {"mode": "valid_rows"}).status_code
            == 404
        )
        assert client.get(f"/businesses/import/{job.pk}/bad-rows.xlsx").status_code == 404
        assert not Job.objects.filter(kind=imports.BUSINESS_IMPORT_WRITE).exists()


@pytest.mark.parametrize(("persona", "shown"), [("county_staff", True), ("county_official", False)])
def test_the_business_list_links_import_and_export(persona, shown, request, client_for, regions):
    from liangze.businesses.testing import make_business
    from liangze.core.testing.fixtures import make_user

    make_business(
        actor=make_user("clerk", "office_staff", regions.county), division=regions.village
    )
    page = client_for(request.getfixturevalue(persona)).get("/businesses/", {"grade": "C"})
    content = page.content.decode()
    assert ('href="/businesses/import/"' in content) == shown
    assert ('href="/businesses/export.xlsx?grade=C"' in content) == shown
