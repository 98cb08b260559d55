"""The division-table import run as a job: pages, API, the task, progress, bad rows."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from liangze.audit.models import AuditAction, AuditEvent
from liangze.imports import tasks as import_tasks
from liangze.jobs import selectors, services, views
from liangze.jobs.models import Job
from liangze.jobs.tests.helpers import (
    HAIXI_CSV,
    HAIXI_ROWS,
    VINTAGE,
    bad_table,
    enqueued,
    start_import,
)
from liangze.regions import services as region_services
from liangze.regions.imports import DIVISION_COLUMNS
from liangze.regions.models import Division

POLLING = 'hx-trigger="every 1s"'


def _run(job: Job) -> Job:
    import_tasks.table_import_run.call(job.pk)
    job.refresh_from_db()
    return job


class TestImportJob:
    def test_it_imports_every_row_and_reaches_the_total(self, admin_user):
        job = _run(start_import(admin_user))
        assert job.status == Job.Status.SUCCEEDED
        assert Division.objects.filter(vintage=VINTAGE).count() == HAIXI_ROWS
        assert (job.progress_done, job.progress_total) == (HAIXI_ROWS, HAIXI_ROWS)
        assert job.result == {
            "vintage": VINTAGE,
            "rows": HAIXI_ROWS,
            "created": HAIXI_ROWS,
            "renamed": 0,
            "unchanged": 0,
        }
        assert job.started_at <= job.finished_at
        imported = AuditEvent.objects.get(
            action=AuditAction.DIVISIONS_IMPORTED, data__vintage=VINTAGE
        )
        assert imported.actor == admin_user  # on behalf of the starter

    def test_it_fails_with_every_bad_row_and_writes_nothing(self, admin_user):
        job = _run(start_import(admin_user, bad_table()))
        assert job.status == Job.Status.FAILED
        assert job.error_code == "division_import_rejected"
        assert [(e["line"], e["column"]) for e in job.result["errors"]] == [
            (3, "code"),
            (4, "name"),
            (5, "parent_code"),
        ]
        assert all(e["message"] for e in job.result["errors"])
        assert not Division.objects.filter(vintage=VINTAGE).exists()
        assert not AuditEvent.objects.filter(
            action=AuditAction.DIVISIONS_IMPORTED, data__vintage=VINTAGE
        ).exists()

    def test_it_fails_clearly_on_an_unreadable_table(self, admin_user):
        job = _run(start_import(admin_user, b"kode,naam\n1,2\n"))
        assert (job.status, job.error_code) == (Job.Status.FAILED, "table_columns")
        assert job.error_message

    @pytest.mark.parametrize(
        ("name", "make"), [("bomb.xls", "xls_bomb"), ("sparse.xlsx", "sparse_xlsx")]
    )
    def test_a_spreadsheet_that_would_abort_the_reader_fails_the_job_not_the_worker(
        self, admin_user, name, make
    ):
        from liangze.files.tests import samples

        job = _run(start_import(admin_user, getattr(samples, make)(), name=name))
        assert (job.status, job.error_code) == (Job.Status.FAILED, "spreadsheet_too_large")

    def test_it_fails_clearly_when_the_upload_is_gone(self, admin_user):
        job = start_import(admin_user)
        job.input_file.delete(save=False)
        job = _run(job)
        assert (job.status, job.error_code) == (Job.Status.FAILED, "job_input_missing")

    def test_it_shows_progress_between_start_and_end_while_the_import_writes(
        self, admin_user, monkeypatch
    ):
        monkeypatch.setattr(region_services, "WRITE_CHUNK", 20)
        job = start_import(admin_user)
        seen = []
        publish = services.progress_publish

        def publish_and_look(job_id, progress):
            publish(job_id, progress)
            # What the job page would show now, from the committed row plus the board.
            seen.append(selectors.job_progress(Job.objects.get(pk=job_id)).done)

        monkeypatch.setattr(services, "progress_publish", publish_and_look)
        _run(job)
        assert any(0 < done < HAIXI_ROWS for done in seen)
        assert seen == sorted(seen)
        assert seen[-1] == HAIXI_ROWS


def test_division_table_import_reports_progress_chunk_by_chunk(regions, monkeypatch):
    monkeypatch.setattr(region_services, "WRITE_CHUNK", 10)
    from liangze.core.tables import read_table

    rows = read_table(name="t.csv", data=HAIXI_CSV.read_bytes(), columns=DIVISION_COLUMNS)
    calls = []
    region_services.division_table_import(
        actor=None, rows=rows, vintage=VINTAGE, progress=lambda d, t: calls.append((d, t))
    )
    assert len(calls) > 5
    assert {total for _, total in calls} == {HAIXI_ROWS}
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (HAIXI_ROWS, HAIXI_ROWS)


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_import_end_to_end(admin_user, restore_signals):
    job = start_import(admin_user)  # autocommit: the task is enqueued at once
    assert len(enqueued("table_import_run")) == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (HAIXI_ROWS, HAIXI_ROWS)
    assert Division.objects.filter(vintage=VINTAGE).count() == HAIXI_ROWS
    [task] = enqueued("table_import_run")
    assert task.status == "SUCCESSFUL"


class TestImportPage:
    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("admin_user", 200),
            ("province_staff", 403),
            ("county_staff", 403),
            ("village_official", 403),
            ("business_director", 403),
            ("outsider", 403),
            ("public", 302),
        ],
    )
    def test_only_administrators_open_it(self, persona, status, request, client_for):
        response = client_for(request.getfixturevalue(persona)).get("/regions/import/")
        assert response.status_code == status

    def test_a_refused_upload_creates_no_job(self, county_staff, client_for):
        response = client_for(county_staff).post(
            "/regions/import/",
            {"file": SimpleUploadedFile("d.csv", HAIXI_CSV.read_bytes()), "vintage": VINTAGE},
        )
        assert response.status_code == 403
        assert not Job.objects.exists()
        assert AuditEvent.objects.filter(
            action=AuditAction.ACCESS_DENIED, data__code="division_import_forbidden"
        ).exists()

    def test_an_upload_queues_a_job_and_opens_its_page(
        self, admin_user, client_for, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(admin_user).post(
                "/regions/import/",
                {"file": SimpleUploadedFile("d.csv", HAIXI_CSV.read_bytes()), "vintage": VINTAGE},
            )
        job = Job.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/jobs/{job.pk}/"
        assert (job.created_by, job.status, job.params) == (
            admin_user,
            Job.Status.QUEUED,
            {"vintage": VINTAGE},
        )
        assert len(enqueued("table_import_run")) == 1

    def test_a_wrong_file_type_is_shown_on_the_form(self, admin_user, client_for):
        response = client_for(admin_user).post(
            "/regions/import/",
            {"file": SimpleUploadedFile("d.pdf", b"%PDF"), "vintage": VINTAGE},
        )
        assert response.status_code == 200
        assert response.context["form"].errors.keys() == {"file"}
        assert not Job.objects.exists()


class TestJobPage:
    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("admin_user", 200),  # the starter
            ("province_staff", 404),
            ("county_staff", 404),
            ("outsider", 404),
            ("public", 302),
        ],
    )
    def test_only_the_starter_sees_it(self, persona, status, request, admin_user, client_for):
        job = start_import(admin_user)
        response = client_for(request.getfixturevalue(persona)).get(f"/jobs/{job.pk}/")
        assert response.status_code == status

    def test_the_fragment_polls_while_the_job_runs_and_stops_when_it_has_finished(
        self, admin_user, client_for
    ):
        client = client_for(admin_user)
        job = start_import(admin_user)
        url = f"/jobs/{job.pk}/"
        queued = client.get(url, headers={"HX-Request": "true"})
        assert POLLING in queued.content.decode()
        assert "<html" not in queued.content.decode()
        assert "HX-Request" in queued["Vary"]
        assert "no-store" in queued["Cache-Control"]

        services.job_start(job_id=job.pk)
        services.job_progress_update(job_id=job.pk, done=33, total=99)
        running = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert POLLING in running
        assert 'value="33" max="99"' in running

        services.job_finish(job_id=job.pk, result={"rows": 99})
        finished = client.get(url, headers={"HX-Request": "true"})
        assert POLLING not in finished.content.decode()
        assert 'data-status="succeeded"' in finished.content.decode()

    def test_a_failed_import_lists_the_bad_rows(self, admin_user, client_for):
        job = _run(start_import(admin_user, bad_table()))
        response = client_for(admin_user).get(f"/jobs/{job.pk}/")
        body = response.content.decode()
        assert POLLING not in body
        assert 'data-code="division_import_rejected"' in body
        rows = re.findall(r'<td data-label="[^"]*">(\d+)</td>', body)
        assert rows == ["3", "4", "5"]

    def test_a_long_error_list_is_cut_on_the_page_and_says_so(
        self, admin_user, client_for, monkeypatch
    ):
        monkeypatch.setattr(views, "ERRORS_SHOWN", 2)
        job = _run(start_import(admin_user, bad_table()))
        response = client_for(admin_user).get(f"/jobs/{job.pk}/")
        assert len(response.context["errors"]) == 2
        assert response.context["errors_hidden"] == 1

    def test_the_list_shows_only_ones_own_jobs(self, admin_user, county_staff, client_for):
        start_import(admin_user)
        assert client_for(admin_user).get("/jobs/").context["page"].paginator.count == 1
        assert client_for(county_staff).get("/jobs/").context["page"].paginator.count == 0

    @pytest.mark.parametrize("jobs", [2, 20])
    def test_the_list_costs_the_same_queries_at_2_and_20_jobs(
        self, jobs, admin_user, client_for, django_assert_num_queries
    ):
        for _ in range(jobs):
            start_import(admin_user)
        client = client_for(admin_user)
        with django_assert_num_queries(5):
            assert client.get("/jobs/").status_code == 200


class TestApi:
    def test_an_administrator_queues_an_import_and_polls_it(self, admin_user, client_for):
        client = client_for(admin_user)
        response = client.post(
            "/api/v1/divisions/import",
            {"file": SimpleUploadedFile("d.csv", HAIXI_CSV.read_bytes()), "vintage": VINTAGE},
        )
        assert response.status_code == 202
        body = response.json()
        assert (body["status"], body["kind"]) == ("queued", "division_import")
        _run(Job.objects.get(pk=body["id"]))
        polled = client.get(f"/api/v1/jobs/{body['id']}").json()
        assert polled["status"] == "succeeded"
        assert polled["progress"] == {
            "done": HAIXI_ROWS,
            "total": HAIXI_ROWS,
            "percent": 100,
            "message": "",
        }
        assert polled["result"]["created"] == HAIXI_ROWS

    def test_the_bad_rows_come_back_with_the_failed_job(self, admin_user, client_for):
        job = _run(start_import(admin_user, bad_table()))
        body = client_for(admin_user).get(f"/api/v1/jobs/{job.pk}").json()
        assert body["status"] == "failed"
        assert body["error_code"] == "division_import_rejected"
        assert [e["line"] for e in body["result"]["errors"]] == [3, 4, 5]

    @pytest.mark.parametrize(
        ("persona", "status"), [("county_staff", 403), ("outsider", 403), ("public", 401)]
    )
    def test_others_may_not_import(self, persona, status, request, client_for, db):
        response = client_for(request.getfixturevalue(persona)).post(
            "/api/v1/divisions/import",
            {"file": SimpleUploadedFile("d.csv", HAIXI_CSV.read_bytes()), "vintage": VINTAGE},
        )
        assert response.status_code == status
        assert not Job.objects.exists()

    def test_an_invalid_year_names_the_field(self, admin_user, client_for):
        response = client_for(admin_user).post(
            "/api/v1/divisions/import",
            {"file": SimpleUploadedFile("d.csv", b"code,name,parent_code\n"), "vintage": 1900},
        )
        assert response.status_code == 422
        assert response.json()["fields"].keys() == {"vintage"}

    def test_a_job_is_404_to_another_user(self, admin_user, province_staff, client_for):
        job = start_import(admin_user)
        response = client_for(province_staff).get(f"/api/v1/jobs/{job.pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "job_not_found"
