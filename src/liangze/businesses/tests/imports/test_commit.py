"""Committing a checked import: one transaction, all planned rows or none, audited per business."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from liangze.audit.models import AuditAction, AuditEvent
from liangze.audit.services import snapshot
from liangze.businesses import imports
from liangze.businesses import services as business_services
from liangze.businesses.models import Business, BusinessStatus, StatusChange
from liangze.businesses.services import TRACKED, registration_changes
from liangze.businesses.testing import make_business
from liangze.businesses.tests.imports.helpers import (
    NEIGHBOUR_VILLAGE,
    OTHER_VILLAGE,
    check,
    commit,
    exported_row,
    row,
    xlsx,
)
from liangze.core.errors import Conflict, Forbidden, Invalid
from liangze.imports import plans, services
from liangze.imports.models import TableImport
from liangze.jobs.models import Job


def _state() -> tuple:
    """Row counts and a checksum over every business field: equal states, equal tuples."""
    fields = [f.attname for f in Business._meta.concrete_fields]
    digest = hashlib.sha256()
    for values in Business.objects.order_by("pk").values_list(*fields):
        digest.update(repr(values).encode())
    return (
        Business.objects.count(),
        StatusChange.objects.count(),
        AuditEvent.objects.exclude(action__startswith="job_").count(),
        digest.hexdigest(),
    )


class TestCommit:
    def test_it_writes_every_valid_row_in_one_go(self, county_staff, regions):
        job = check(county_staff, xlsx([row(1), row(2), row(3)]))
        written = commit(county_staff, job, mode="all_or_nothing")
        assert written.status == Job.Status.SUCCEEDED
        assert (written.result["created"], written.result["updated"]) == (3, 0)
        business = Business.objects.get(name="导入餐馆2")
        assert business.division == regions.village
        assert business.status == BusinessStatus.OPERATING
        assert business.contact_phone == "+8613800000002"
        assert (business.lat_e6, business.annual_revenue_fen) == (36_416_300, 150_000_000)
        assert business.created_by == county_staff
        assert business.status_changes.get().to_status == BusinessStatus.OPERATING
        assert business.public_token  # each its own QR token
        assert Business.objects.values("public_token").distinct().count() == 3

    def test_one_audit_event_per_registered_or_changed_business_names_the_import(
        self, county_staff, regions
    ):
        kept = make_business(actor=county_staff, division=regions.village, serial=1)
        same = make_business(actor=county_staff, division=regions.village, serial=2)
        unchanged = exported_row(same)
        before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        job = check(
            county_staff,
            xlsx([row(1), row(2, uscc=kept.uscc, name="改名", grade="B"), unchanged]),
        )
        assert (job.result["new"], job.result["changed"], job.result["unchanged"]) == (1, 1, 1)
        written = commit(county_staff, job)
        events = AuditEvent.objects.filter(pk__gt=before, action__startswith="business_")
        assert sorted(events.values_list("action", "target_id")) == sorted(
            [
                (AuditAction.BUSINESS_CREATED, str(Business.objects.get(name="导入餐馆1").pk)),
                (AuditAction.BUSINESS_UPDATED, str(kept.pk)),
            ]
        )
        assert {e.data["import_job"] for e in events} == {written.pk}
        assert {e.data["check_job"] for e in events} == {job.pk}
        updated = events.get(action=AuditAction.BUSINESS_UPDATED)
        assert updated.changes["name"] == [kept.name, "改名"]
        assert updated.changes["grade"] == ["C", "B"]
        assert updated.data["grade_reason"] == "小餐饮"
        assert updated.division_path == regions.village.path
        assert updated.actor == county_staff
        kept.refresh_from_db()
        assert (kept.name, kept.grade) == ("改名", "B")
        registered = Business.objects.get(name="导入餐馆1")
        created = events.get(action=AuditAction.BUSINESS_CREATED)
        # As the registration form records one: each field registered with a value.
        expected = registration_changes(snapshot(registered, TRACKED).items())
        assert created.changes == {name: list(pair) for name, pair in expected.items()}
        assert "registration_number" not in created.changes  # blank in the row
        assert created.changes["license_number"] == [None, registered.license_number]
        summary = AuditEvent.objects.get(action=AuditAction.BUSINESSES_IMPORTED)
        assert (summary.data["created"], summary.data["updated"]) == (1, 1)

    def test_a_blank_scale_is_suggested_and_written(self, county_staff):
        rows = [
            row(1, scale=""),  # 12 staff, 1.5 million yuan: a small restaurant
            row(2, scale="", business_type="street_vendor", staff_count="", annual_revenue_yuan=""),
        ]
        job = check(county_staff, xlsx(rows))
        assert (job.status, job.result["valid"]) == (Job.Status.SUCCEEDED, 2)
        written = commit(county_staff, job)
        assert written.status == Job.Status.SUCCEEDED
        scales = dict(Business.objects.values_list("name", "scale"))
        assert scales == {"导入餐馆1": "small", "导入餐馆2": "micro"}

    def test_an_update_changes_only_the_fields_that_differ(self, county_staff, regions):
        business = make_business(
            actor=county_staff, division=regions.village, serial=5, contact_name="李四"
        )
        job = check(
            county_staff,
            xlsx([row(1, uscc=business.uscc, division_code=OTHER_VILLAGE, contact_name="李四")]),
        )
        commit(county_staff, job)
        event = AuditEvent.objects.get(action=AuditAction.BUSINESS_UPDATED)
        assert "contact_name" not in event.changes
        assert event.changes["division"] == [regions.village.pk, regions.other_village.pk]
        business.refresh_from_db()
        assert business.division == regions.other_village

    def test_valid_rows_mode_imports_only_the_valid_rows(self, county_staff):
        job = check(county_staff, xlsx([row(1), row(2, name=""), row(3)]))
        written = commit(county_staff, job, mode="valid_rows")
        assert written.result["created"] == 2
        assert sorted(Business.objects.values_list("name", flat=True)) == ["导入餐馆1", "导入餐馆3"]

    def test_all_or_nothing_is_refused_when_any_row_is_invalid(self, county_staff):
        job = check(county_staff, xlsx([row(1), row(2, name="")]))
        before = _state()
        with pytest.raises(Conflict) as refused:
            services.table_import_commit(actor=county_staff, check_job=job, mode="all_or_nothing")
        assert refused.value.code == "import_has_invalid_rows"
        assert _state() == before
        assert not Job.objects.filter(kind=imports.BUSINESS_IMPORT_WRITE).exists()

    def test_reimporting_the_same_file_changes_nothing(self, county_staff):
        data = xlsx([row(1), row(2, uscc="", registration_number="R-2")])
        commit(county_staff, check(county_staff, data))
        before = _state()
        again = check(county_staff, data)
        assert (again.result["new"], again.result["changed"], again.result["unchanged"]) == (
            0,
            0,
            2,
        )
        written = commit(county_staff, again)
        assert (written.result["created"], written.result["updated"]) == (0, 0)
        assert _state()[:2] == before[:2]
        assert _state()[3] == before[3]

    def test_a_failure_at_any_row_leaves_the_database_as_it_was(
        self, county_staff, regions, monkeypatch
    ):
        make_business(actor=county_staff, division=regions.village, serial=1)
        rows = [row(i) for i in range(1, 8)]
        rows[0] = row(1, uscc=Business.objects.get().uscc, name="改名")  # an update too
        job = check(county_staff, xlsx(rows))
        monkeypatch.setattr(
            business_services, "REGISTER_CHUNK", 2
        )  # several batches written before it
        before = _state()

        def fail(index):
            if index == 5:
                raise RuntimeError("injected")

        monkeypatch.setattr(business_services, "_after_row", fail)
        write_job = services.table_import_commit(
            actor=county_staff, check_job=job, mode="valid_rows"
        )
        from liangze.imports import tasks

        with pytest.raises(RuntimeError):
            tasks.table_import_write_run.call(write_job.pk)
        assert _state() == before
        write_job.refresh_from_db()
        assert (write_job.status, write_job.error_code) == (Job.Status.FAILED, "job_crashed")

    def test_the_write_reports_progress_to_the_total(self, county_staff, monkeypatch):
        job = check(county_staff, xlsx([row(i) for i in range(1, 6)]))
        monkeypatch.setattr(business_services, "REGISTER_CHUNK", 2)
        seen = []
        real = services.table_import_write

        def spy(**kwargs):
            progress = kwargs["progress"]
            kwargs["progress"] = lambda done, total: (
                seen.append((done, total)),
                progress(done, total),
            )
            return real(**kwargs)

        monkeypatch.setattr(services, "table_import_write", spy)
        written = commit(county_staff, job)
        assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]
        assert (written.progress_done, written.progress_total) == (5, 5)


class TestCommitRefusals:
    def test_it_commits_once(self, county_staff):
        job = check(county_staff, xlsx([row(1)]))
        services.table_import_commit(actor=county_staff, check_job=job, mode="valid_rows")
        with pytest.raises(Conflict) as refused:
            services.table_import_commit(actor=county_staff, check_job=job, mode="valid_rows")
        assert refused.value.code == "import_already_committed"
        assert Job.objects.filter(kind=imports.BUSINESS_IMPORT_WRITE).count() == 1

    def test_only_the_uploader_commits(self, county_staff, admin_user):
        job = check(county_staff, xlsx([row(1)]))
        with pytest.raises(Forbidden):
            services.table_import_commit(actor=admin_user, check_job=job, mode="valid_rows")
        assert TableImport.objects.get(check_job=job).write_job is None

    def test_a_failed_check_cannot_be_committed(self, county_staff):
        job = check(county_staff, b"kode,naam\n1,2\n", name="x.csv")
        with pytest.raises(Conflict) as refused:
            services.table_import_commit(actor=county_staff, check_job=job, mode="valid_rows")
        assert refused.value.code == "import_not_checked"

    def test_an_unknown_mode_is_refused(self, county_staff):
        job = check(county_staff, xlsx([row(1)]))
        with pytest.raises(Invalid):
            services.table_import_commit(actor=county_staff, check_job=job, mode="some")

    def test_a_business_changed_after_the_check_fails_the_whole_write(self, county_staff, regions):
        business = make_business(actor=county_staff, division=regions.village, serial=1)
        job = check(county_staff, xlsx([row(1, uscc=business.uscc, name="改名"), row(2)]))
        from liangze.businesses.services import business_update

        business_update(actor=county_staff, business=business, fields={"address": "新地址"})
        before = _state()
        written = commit(county_staff, job)
        assert (written.status, written.error_code) == (
            Job.Status.FAILED,
            "import_businesses_changed",
        )
        assert _state() == before

    def test_a_credit_code_registered_after_the_check_fails_the_whole_write(
        self, county_staff, regions
    ):
        job = check(county_staff, xlsx([row(1), row(2)]))
        make_business(
            actor=county_staff, division=regions.village, uscc=row(2)["uscc"], name="抢先"
        )
        before = _state()
        written = commit(county_staff, job)
        assert (written.status, written.error_code) == (Job.Status.FAILED, "import_identity_taken")
        assert _state() == before

    def test_a_lost_jurisdiction_fails_the_whole_write(self, county_staff):
        job = check(county_staff, xlsx([row(1)]))
        county_staff.grants.update(revoked_at="2026-01-01T00:00:00Z")
        county_staff.forget_cached_grants()
        before = _state()
        written = commit(county_staff, job)
        assert (written.status, written.error_code) == (
            Job.Status.FAILED,
            "import_jurisdiction_changed",
        )
        assert _state() == before

    def test_rows_of_another_county_never_reach_the_plan(self, county_staff):
        job = check(county_staff, xlsx([row(1, division_code=NEIGHBOUR_VILLAGE)]))
        written = commit(county_staff, job)
        assert written.result["created"] == 0
        assert not Business.objects.exists()


class TestPlanOnDisk:
    """The plan between check and write: signed, so the write reads only what a check wrote."""

    def _plan(self, job) -> str:
        return TableImport.objects.get(check_job=job).plan_name

    def _replace(self, name: str, data: bytes) -> None:
        default_storage.delete(name)
        assert default_storage.save(name, ContentFile(data)) == name

    def test_an_altered_plan_is_refused_and_nothing_is_written(self, county_staff):
        job = check(county_staff, xlsx([row(1), row(2)]))
        name = self._plan(job)
        with default_storage.open(name, "rb") as stored:
            data = bytearray(stored.read())
        data[-5] ^= 0x01  # one bit of the rows
        self._replace(name, bytes(data))
        before = _state()
        written = commit(county_staff, job)
        assert (written.status, written.error_code) == (Job.Status.FAILED, "import_plan_outdated")
        assert _state() == before

    def test_a_plan_of_another_format_is_refused(self, county_staff):
        job = check(county_staff, xlsx([row(1)]))
        self._replace(self._plan(job), plans.plan_dumps({"version": 2, "new": [], "changed": []}))
        written = commit(county_staff, job)
        assert (written.status, written.error_code) == (Job.Status.FAILED, "import_plan_outdated")

    def test_a_missing_plan_asks_for_the_file_again(self, county_staff):
        job = check(county_staff, xlsx([row(1)]))
        default_storage.delete(self._plan(job))
        written = commit(county_staff, job)
        assert (written.status, written.error_code) == (Job.Status.FAILED, "import_plan_missing")
        assert not Business.objects.exists()


def test_plans_round_trip_and_refuse_other_bytes():
    plan = {"version": 3, "fields": ("name",), "new": [[2, 7, "", ("甲", None, True, 1)]]}
    data = plans.plan_dumps(plan)
    assert plans.plan_loads(data) == plan
    for other in (data[:-1], data[:31], b"", data[:40] + b"x" + data[41:]):
        with pytest.raises(plans.PlanRefused):
            plans.plan_loads(other)
