"""A write whose worker died is failed by the stale sweep; the same check may then be committed
again, once, from the page and the API alike."""

from datetime import timedelta

import pytest
from django.utils import timezone

from liangze.businesses.models import Business
from liangze.businesses.tests.imports.helpers import check, row, xlsx
from liangze.core.errors import Conflict
from liangze.imports import services, tasks
from liangze.jobs import services as job_services
from liangze.jobs.models import Job


def _lost_write(county_staff, job) -> Job:
    """Commit, let the worker take the write, then lose the worker (no heartbeat since)."""
    write = services.table_import_commit(actor=county_staff, check_job=job, mode="valid_rows")
    job_services.job_start(job_id=write.pk)
    long_ago = timezone.now() - timedelta(days=1)
    Job.objects.filter(pk=write.pk).update(started_at=long_ago, heartbeat_at=long_ago)
    assert job_services.job_fail_stale() == 1
    write.refresh_from_db()
    assert write.error_code == "job_worker_lost"
    return write


def test_a_lost_write_can_be_committed_again_and_only_once(county_staff):
    job = check(county_staff, xlsx([row(1), row(2)]))
    lost = _lost_write(county_staff, job)
    again = services.table_import_commit(actor=county_staff, check_job=job, mode="valid_rows")
    assert again.pk != lost.pk
    with pytest.raises(Conflict) as refused:
        services.table_import_commit(actor=county_staff, check_job=job, mode="valid_rows")
    assert refused.value.code == "import_already_committed"
    tasks.table_import_write_run.call(again.pk)
    again.refresh_from_db()
    assert again.status == Job.Status.SUCCEEDED
    assert Business.objects.count() == 2


def test_a_write_still_running_is_not_committed_again(county_staff):
    job = check(county_staff, xlsx([row(1)]))
    write = services.table_import_commit(actor=county_staff, check_job=job, mode="valid_rows")
    job_services.job_start(job_id=write.pk)
    with pytest.raises(Conflict):
        services.table_import_commit(actor=county_staff, check_job=job, mode="valid_rows")


def test_the_page_offers_the_commit_again_and_the_api_accepts_it(client_for, county_staff):
    job = check(county_staff, xlsx([row(1)]))
    client = client_for(county_staff)
    _lost_write(county_staff, job)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="commit-valid-rows"' in page
    response = client.post(
        f"/api/v1/businesses/import/{job.pk}/commit",
        {"mode": "valid_rows"},
        content_type="application/json",
    )
    assert response.status_code == 202
