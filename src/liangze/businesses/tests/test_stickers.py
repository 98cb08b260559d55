"""QR stickers in bulk (businesses/stickers.py, qr_views.qr_stickers): the ticked rows or the
filtered list, on the print sheet when few, by a background job when many."""

import io
import zipfile

import pytest

from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses import qr_views, stickers
from liangze.businesses.models import Business
from liangze.businesses.testing import make_business
from liangze.jobs.models import Job

URL = "/businesses/qr-stickers/"


@pytest.fixture
def township_shops(county_staff, regions):
    """Five businesses in the village, one in its township, one in the next village."""
    made = [
        make_business(actor=county_staff, division=regions.village, serial=n, name=f"昆仑餐馆{n}")
        for n in range(1, 6)
    ]
    made.append(
        make_business(actor=county_staff, division=regions.township, serial=6, name="河西超市")
    )
    made.append(
        make_business(
            actor=county_staff, division=regions.other_village, serial=7, name="外村小卖部"
        )
    )
    return made


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode()


class TestTicked:
    def test_ticked_rows_go_to_the_print_sheet(self, township_shops, county_staff, client_for):
        client = client_for(county_staff)
        ticked = [township_shops[0].pk, township_shops[6].pk]
        response = client.post(
            URL, {"stickers": "ticked", "bulk-ids": ticked, "bulk-next": "/businesses/?q=x"}
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/businesses/qr-sheet/?ids=")
        sheet = client.get(response["Location"])
        assert [s.name for s in sheet.context["stickers"]] == ["昆仑餐馆1", "外村小卖部"]

    def test_nothing_ticked_prints_nothing(self, township_shops, county_staff, client_for):
        response = client_for(county_staff).post(
            URL, {"stickers": "ticked", "bulk-next": "/businesses/?grade=C"}
        )
        assert response["Location"] == "/businesses/?grade=C"
        assert not Job.objects.exists()


class TestFiltered:
    def test_a_division_within_the_sheet_limit_goes_to_the_sheet(
        self, township_shops, county_staff, client_for, regions
    ):
        client = client_for(county_staff)
        response = client.post(URL, {"within": regions.village.pk, "next": "/businesses/"})
        sheet = client.get(response["Location"])
        assert [s.name for s in sheet.context["stickers"]] == [f"昆仑餐馆{n}" for n in range(1, 6)]

    def test_a_division_past_the_sheet_limit_is_printed_by_a_job(
        self, township_shops, county_staff, client_for, regions, monkeypatch
    ):
        """A township of 430 at once: past the sheet's limit (here 3) a job writes them all.
        Here the village's five."""
        monkeypatch.setattr(qr_views, "SHEET_MAX", 3)
        client = client_for(county_staff)
        response = client.post(URL, {"within": regions.village.pk, "next": "/businesses/"})
        job = Job.objects.get()
        assert response["Location"] == f"/jobs/{job.pk}/"
        assert job.kind == stickers.QR_STICKERS_KIND
        assert (job.params["within"], job.params["count"]) == (regions.village.pk, 5)
        assert AuditEvent.objects.filter(action=AuditAction.JOB_STARTED).count() == 1

        stickers.business_qr_stickers_run.call(job.pk)
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED, job.error_message
        assert job.result["stickers"] == 5
        page = client.get(f"/jobs/{job.pk}/")
        assert b'data-testid="stickers-file"' in page.content
        document = client.get(f"/businesses/qr-stickers/{job.pk}.docx")
        assert document.status_code == 200
        text = _docx_text(b"".join(document.streaming_content))
        for business in township_shops[:5]:
            assert business.name in text
        assert "外村小卖部" not in text
        assert "河西超市" not in text

    def test_closed_businesses_get_no_sticker(
        self, township_shops, county_staff, client_for, regions
    ):
        from datetime import date

        from liangze.businesses import services

        services.business_status_change(
            actor=county_staff,
            business=township_shops[4],
            to_status="closed",
            effective_on=date(2025, 3, 1),
            reason="注销",
        )
        client = client_for(county_staff)
        response = client.post(URL, {"within": regions.village.pk, "next": "/businesses/"})
        names = {s.name for s in client.get(response["Location"]).context["stickers"]}
        assert names == {f"昆仑餐馆{n}" for n in range(1, 5)}

    def test_more_than_a_job_takes_is_refused(
        self, township_shops, county_staff, client_for, regions, monkeypatch
    ):
        monkeypatch.setattr(qr_views, "SHEET_MAX", 3)
        monkeypatch.setattr(stickers, "STICKERS_JOB_MAX", 4)
        response = client_for(county_staff).post(
            URL, {"within": regions.village.pk, "next": "/businesses/"}
        )
        assert response["Location"] == "/businesses/"
        assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("county_staff", 302), ("county_official", 403), ("leader", 403), ("public", 302)],
)
def test_who_may_print_stickers(persona, status, request, client_for, township_shops):
    response = client_for(request.getfixturevalue(persona)).post(URL, {"next": "/businesses/"})
    assert response.status_code == status
    if persona == "public":
        assert "/accounts/login/" in response["Location"]
    assert not Job.objects.exists()


def test_only_the_starter_downloads_the_document(
    township_shops, county_staff, client_for, regions, monkeypatch, user_factory
):
    monkeypatch.setattr(qr_views, "SHEET_MAX", 3)
    client_for(county_staff).post(URL, {"within": regions.village.pk})
    job = Job.objects.get()
    stickers.business_qr_stickers_run.call(job.pk)
    colleague = user_factory("colleague", "office_staff", regions.county)
    assert client_for(colleague).get(f"/businesses/qr-stickers/{job.pk}.docx").status_code == 404
    assert Business.objects.count() == 7
