"""The officials' and the assignments' imports through the import engine: the check and its bad
rows, the write of the valid rows, re-import by mobile number, the office's reach, and the
one-time password sheet shown once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from liangze.accounts.models import User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses.testing import make_business
from liangze.core.errors import Conflict
from liangze.imports import services as engine
from liangze.imports import tasks
from liangze.imports.specs import import_spec
from liangze.jobs.models import Job
from liangze.officials import imports
from liangze.officials.models import Assignment, Official
from liangze.officials.testing import import_workbook as xlsx
from liangze.officials.testing import make_official


def check(actor, spec_name: str, rows: list[dict]) -> Job:
    job = engine.table_import_start(
        actor=actor,
        spec=import_spec(spec_name),
        upload=SimpleUploadedFile(f"{spec_name}.xlsx", xlsx(spec_name, rows)),
    )
    tasks.table_import_check_run.call(job.pk)
    job.refresh_from_db()
    return job


def commit(actor, check_job: Job, mode: str = "valid_rows") -> Job:
    write_job = engine.table_import_commit(actor=actor, check_job=check_job, mode=mode)
    tasks.table_import_write_run.call(write_job.pk)
    write_job.refresh_from_db()
    return write_job


def errors_of(job: Job) -> set[tuple[int, str]]:
    return {(error["line"], error["column"]) for error in job.result["errors"]}


def person(serial: int, division, **values) -> dict:
    return {
        "display_name": f"干部{serial}",
        "phone": f"1370000{serial:04d}",
        "division_code": division.code,
        "position": "包保干部",
        **values,
    }


class TestOfficialImport:
    def test_good_rows_import_and_bad_rows_are_reported(self, county_staff, regions):
        job = check(
            county_staff,
            "officials",
            [
                person(1, regions.village),
                person(2, regions.township),
                person(3, regions.village, phone="12345"),
                person(4, regions.village, display_name=""),
            ],
        )
        assert job.status == Job.Status.SUCCEEDED
        assert (job.result["valid"], job.result["invalid"], job.result["new"]) == (2, 2, 2)
        assert errors_of(job) == {(4, "phone"), (5, "display_name")}
        assert job.result["bad_rows_file"]
        assert not Official.objects.exists()  # the check writes nothing

        written = commit(county_staff, job)
        assert written.status == Job.Status.SUCCEEDED, written.error_message
        assert written.result["created"] == 2
        made = Official.objects.select_related("user").order_by("phone")
        assert [o.phone for o in made] == ["+8613700000001", "+8613700000002"]
        # No password yet: the clerk's sheet issues them.
        assert not any(o.user.has_usable_password() for o in made)
        event = AuditEvent.objects.get(action=AuditAction.OFFICIAL_CREATED, target_id=made[0].pk)
        assert event.data == {"import_job": written.pk, "check_job": job.pk, "line": 2}
        assert AuditEvent.objects.filter(action=AuditAction.OFFICIALS_IMPORTED).count() == 1

    def test_all_or_nothing_is_refused_with_a_bad_row(self, county_staff, regions):
        job = check(
            county_staff,
            "officials",
            [person(1, regions.village), person(2, regions.village, phone="1")],
        )
        with pytest.raises(Conflict) as exc:
            engine.table_import_commit(actor=county_staff, check_job=job, mode="all_or_nothing")
        assert exc.value.code == "import_has_invalid_rows"
        assert not Official.objects.exists()

    def test_re_import_updates_by_mobile_number(self, county_staff, regions):
        existing = make_official(actor=county_staff, division=regions.village, serial=1)
        phone = existing.phone.removeprefix("+86")
        same = {
            "display_name": existing.user.display_name,
            "phone": phone,
            "division_code": regions.village.code,
            "position": existing.position,
        }
        job = check(
            county_staff,
            "officials",
            [same, {**same, "phone": "13700000009", "display_name": "新"}],
        )
        assert (job.result["unchanged"], job.result["new"]) == (1, 1)
        job = check(county_staff, "officials", [{**same, "position": "村支书"}])
        assert job.result["changed"] == 1
        written = commit(county_staff, job)
        assert written.result["updated"] == 1
        existing.refresh_from_db()
        assert existing.position == "村支书"
        assert Official.objects.filter(phone=existing.phone).count() == 1

    def test_a_county_clerk_cannot_import_outside_their_subtree(
        self, county_staff, outsider, regions
    ):
        job = check(county_staff, "officials", [person(1, regions.neighbour_village)])
        assert errors_of(job) == {(2, "division_code")}
        # Nor update the neighbour county's official through their mobile number.
        theirs = make_official(actor=outsider, division=regions.neighbour_village, serial=7)
        row = person(2, regions.village, phone=theirs.phone.removeprefix("+86"))
        job = check(county_staff, "officials", [row])
        assert (2, "phone") in errors_of(job)
        assert job.result["valid"] == 0

    def test_a_plan_that_no_longer_holds_writes_nothing(self, county_staff, regions):
        job = check(county_staff, "officials", [person(1, regions.village)])
        # The login the new official would get taken meanwhile.
        User.objects.create(username="13700000001", display_name="x")
        written = commit(county_staff, job)
        assert written.status == Job.Status.FAILED
        assert not Official.objects.filter(phone="+8613700000001").exists()


class TestPasswordSheet:
    def test_the_sheet_is_shown_once_to_the_clerk(self, client_for, county_staff, regions):
        job = commit(
            county_staff,
            check(
                county_staff, "officials", [person(1, regions.village), person(2, regions.township)]
            ),
        )
        client = client_for(county_staff)
        page = client.get(f"/jobs/{job.pk}/").content.decode()
        assert 'data-testid="open-password-sheet"' in page
        url = f"/officials/import/{job.pk}/passwords/"
        response = client.post(url)
        assert response.status_code == 200
        shown = [password for _official, password in response.context["issued"]]
        assert len(shown) == 2
        for official, password in response.context["issued"]:
            official.user.refresh_from_db()
            assert official.user.check_password(password.replace(" ", ""))
            assert official.user.must_change_password
            assert not set(password.replace(" ", "")) & set("0O1lI")
            assert " " in password  # grouped
        assert (
            response["Cache-Control"].startswith("max-age=0")
            or "no-cache" in response["Cache-Control"]
        )
        again = client.post(url)
        assert again.status_code == 302  # nothing more to show
        assert (
            'data-testid="open-password-sheet"'
            not in client.get(f"/jobs/{job.pk}/").content.decode()
        )
        assert AuditEvent.objects.filter(action=AuditAction.OFFICIAL_PASSWORD_ISSUED).count() == 2

    def test_nobody_else_opens_the_sheet(self, client_for, county_staff, township_staff, regions):
        job = commit(county_staff, check(county_staff, "officials", [person(1, regions.village)]))
        assert (
            client_for(township_staff).post(f"/officials/import/{job.pk}/passwords/").status_code
            == 404
        )
        assert (
            client_for(county_staff).get(f"/officials/import/{job.pk}/passwords/").status_code
            == 405
        )
        assert not Official.objects.get().user.has_usable_password()


class TestAssignmentImport:
    def test_good_and_bad_rows_and_re_import(self, county_staff, officials, regions, shop):
        other = make_business(actor=county_staff, division=regions.village, serial=2, grade="C")
        rows = [
            {"official_phone": "13900000004", "business_code": shop.uscc},
            {"official_phone": "13900000004", "business_code": other.uscc},  # grade C: township
            {"official_phone": "13900009999", "business_code": "X"},
        ]
        job = check(county_staff, "assignments", rows)
        assert errors_of(job) == {
            (3, "official_phone"),
            (4, "official_phone"),
            (4, "business_code"),
        }
        assert job.result["new"] == 1
        written = commit(county_staff, job)
        assert written.status == Job.Status.SUCCEEDED, written.error_message
        assert written.result["created"] == 1
        assignment = Assignment.objects.get(business=shop, ends_on__isnull=True)
        assert assignment.official == officials.village
        event = AuditEvent.objects.get(action=AuditAction.ASSIGNMENT_CREATED, target_id=shop.pk)
        assert event.data["line"] == 2 and event.data["import_job"] == written.pk
        again = check(county_staff, "assignments", rows[:1])
        assert (again.result["unchanged"], again.result["valid"]) == (1, 1)
        # Another official of the village takes it over: "changed".
        moved = check(county_staff, "assignments", [{**rows[0], "official_phone": "13900000005"}])
        assert errors_of(moved) == {(2, "official_phone")}  # other_village's post: outside

    def test_a_county_clerk_cannot_assign_outside_their_subtree(
        self, county_staff, outsider, officials, regions
    ):
        theirs = make_business(
            actor=outsider, division=regions.neighbour_village, serial=3, grade="D"
        )
        job = check(
            county_staff,
            "assignments",
            [{"official_phone": "13900000004", "business_code": theirs.uscc}],
        )
        assert errors_of(job) == {(2, "business_code")}
        assert job.result["valid"] == 0
        ours = make_business(actor=county_staff, division=regions.village, serial=4, grade="D")
        job = check(
            outsider, "assignments", [{"official_phone": "13900000004", "business_code": ours.uscc}]
        )
        assert errors_of(job) == {(2, "business_code")}
        assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("county_staff", 200), ("village_official", 403), ("regulator", 403), ("public", 302)],
)
@pytest.mark.parametrize("path", ["/officials/import/", "/officials/assignments/import/"])
def test_import_pages_by_persona(persona, status, path, request, client_for, regions):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(path).status_code == status
    assert client.get(path + "template.xlsx").status_code == status


def test_the_list_page_links_both_imports(client_for, county_staff, regions):
    page = client_for(county_staff).get("/officials/").content.decode()
    assert 'href="/officials/import/"' in page
    assert 'href="/officials/assignments/import/"' in page


def test_the_upload_page_starts_a_check(client_for, county_staff, regions):
    response = client_for(county_staff).post(
        "/officials/import/",
        {"file": SimpleUploadedFile("o.xlsx", xlsx("officials", [person(1, regions.village)]))},
    )
    job = Job.objects.get(kind=imports.OFFICIAL_IMPORT_CHECK)
    assert response["Location"] == f"/jobs/{job.pk}/"


def test_the_api_starts_a_check(client_for, county_staff, village_official, regions):
    data = xlsx("assignments", [{"official_phone": "13900000004", "business_code": "X"}])
    response = client_for(county_staff).post(
        "/api/v1/assignments/import", {"file": SimpleUploadedFile("a.xlsx", data)}
    )
    assert response.status_code == 202
    assert Job.objects.get(pk=response.json()["job_id"]).kind == imports.ASSIGNMENT_IMPORT_CHECK
    refused = client_for(village_official).post(
        "/api/v1/officials/import", {"file": SimpleUploadedFile("o.xlsx", data)}
    )
    assert refused.status_code == 403
