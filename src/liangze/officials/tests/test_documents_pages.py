"""The documents' pages by persona: the office's board and archive, signing, rejecting, the
official's home panel, templates."""

import base64
import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from liangze.audit.models import AuditAction, AuditEvent
from liangze.files.tests import samples
from liangze.jobs.models import Job
from liangze.officials.documents.models import DutyDocument, DutyDocumentTemplate
from liangze.officials.tests.document_helpers import PNG, assigned, generate

PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()
Kind = DutyDocument.Kind


@pytest.fixture
def documents(county_staff, regions, officials, shop, village_official):
    type(officials.village).objects.filter(pk=officials.village.pk).update(user=village_official)
    assigned(county_staff, officials.village, shop)
    generate(county_staff, regions.county)
    return DutyDocument.objects.all()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_staff", 200),
        ("leader", 200),
        ("regulator", 200),
        ("village_official", 302),  # to their own documents
        ("public", 302),  # to the login page
    ],
)
def test_the_board_by_persona(persona, status, request, client_for, documents):
    response = client_for(request.getfixturevalue(persona)).get("/documents/")
    assert response.status_code == status


def test_the_board_shows_who_signed_and_the_rates(client_for, county_staff, regions, documents):
    letter = documents.get(kind=Kind.COMMITMENT)
    client = client_for(county_staff)
    response = client.post(
        f"/documents/{letter.pk}/",
        {"scan": SimpleUploadedFile("s.pdf", samples.pdf())},
    )
    assert response.status_code == 302
    page = client.get(f"/documents/?within={regions.county.pk}").content.decode()
    assert 'data-kind="commitment"><a href' in page and 'data-status="signed"' in page
    assert 'data-status="generated"' in page  # the task list is not signed
    total = page[page.index('data-testid="rates-total"') :]
    assert "100.00%" in total and "1/1" in total  # letters
    assert "0.00%" in total and "0/1" in total  # task lists


def test_an_outsiders_region_is_not_found(client_for, outsider, regions, documents):
    response = client_for(outsider).get(f"/documents/?within={regions.county.pk}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("county_staff", 302), ("leader", 403), ("outsider", 404), ("village_official", 404)],
)
def test_generating_from_the_page(persona, status, request, client_for, regions, documents):
    response = client_for(request.getfixturevalue(persona)).post(
        "/documents/generate/",
        {
            "within": regions.county.pk,
            "kinds": ["commitment", "task_list"],
            "year": documents[0].year,
        },
    )
    assert response.status_code == status
    assert Job.objects.exists() == (status == 302)


@pytest.mark.parametrize(("persona", "status"), [("county_staff", 200), ("leader", 403)])
def test_the_archive_page(persona, status, request, client_for, regions, documents):
    response = client_for(request.getfixturevalue(persona)).get(
        f"/documents/archive/?within={regions.county.pk}"
    )
    assert response.status_code == status
    if status == 200:
        assert len(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == 4


class TestSigningPage:
    def test_the_official_signs_on_screen_from_the_home_page(
        self, client_for, village_official, documents
    ):
        client = client_for(village_official)
        home = client.get("/").content.decode()
        assert 'data-testid="documents-to-sign"' in home
        letter = documents.get(kind=Kind.COMMITMENT)
        response = client.post(
            f"/documents/{letter.pk}/",
            {
                "official_signature": PNG_URL,
                "countersigner_signature": PNG_URL,
                "countersigner_name": "村主任",
            },
        )
        assert response.status_code == 302
        letter.refresh_from_db()
        assert letter.status == DutyDocument.Status.SIGNED
        assert letter.countersigner_name == "村主任"

    def test_a_missing_countersignature_shows_inline(self, client_for, village_official, documents):
        letter = documents.get(kind=Kind.COMMITMENT)
        response = client_for(village_official).post(
            f"/documents/{letter.pk}/", {"official_signature": PNG_URL}
        )
        assert response.status_code == 200
        assert "countersigner_signature" in response.context["form"].errors
        letter.refresh_from_db()
        assert letter.status == DutyDocument.Status.GENERATED

    @pytest.mark.parametrize(
        ("persona", "status"), [("leader", 403), ("township_official", 404), ("outsider", 404)]
    )
    def test_others_cannot_sign(self, persona, status, request, client_for, documents):
        letter = documents.get(kind=Kind.COMMITMENT)
        response = client_for(request.getfixturevalue(persona)).post(
            f"/documents/{letter.pk}/", {"scan": SimpleUploadedFile("s.pdf", samples.pdf())}
        )
        assert response.status_code == status
        letter.refresh_from_db()
        assert letter.status == DutyDocument.Status.GENERATED

    def test_the_office_rejects_and_the_official_sees_why(
        self, client_for, county_staff, village_official, documents
    ):
        letter = documents.get(kind=Kind.COMMITMENT)
        office = client_for(county_staff)
        office.post(
            f"/documents/{letter.pk}/", {"scan": SimpleUploadedFile("s.pdf", samples.pdf())}
        )
        assert (
            office.post(f"/documents/{letter.pk}/reject/", {"reason": "未盖章"}).status_code == 302
        )
        letter.refresh_from_db()
        assert letter.status == DutyDocument.Status.REJECTED
        official = client_for(village_official)
        assert "未盖章" in official.get("/documents/mine/").content.decode()
        assert "未盖章" in official.get("/").content.decode()
        assert official.post(f"/documents/{letter.pk}/reject/", {"reason": "x"}).status_code == 403


class TestTemplates:
    def _docx(self, text: str) -> bytes:
        document = docx.Document()
        document.add_paragraph(text)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    def test_the_province_office_replaces_a_template(self, client_for, province_staff, regions):
        response = client_for(province_staff).post(
            "/documents/templates/",
            {
                "kind": "commitment",
                "file": SimpleUploadedFile("t.docx", self._docx("{{ official.name }}")),
            },
        )
        assert response.status_code == 302
        assert DutyDocumentTemplate.objects.get().province == regions.province
        assert AuditEvent.objects.filter(
            action=AuditAction.DUTY_DOCUMENT_TEMPLATE_UPLOADED
        ).exists()

    def test_a_malicious_template_is_refused_inline(self, client_for, province_staff, regions):
        response = client_for(province_staff).post(
            "/documents/templates/",
            {
                "kind": "commitment",
                "file": SimpleUploadedFile("t.docx", self._docx("{{ ''.__class__.__mro__[1] }}")),
            },
        )
        assert response.status_code == 200
        assert "file" in response.context["form"].errors
        assert not DutyDocumentTemplate.objects.exists()

    def test_a_county_office_cannot_replace_the_provinces(self, client_for, county_staff, regions):
        response = client_for(county_staff).post(
            "/documents/templates/",
            {"kind": "commitment", "file": SimpleUploadedFile("t.docx", self._docx("x"))},
        )
        assert response.status_code == 403
        assert not DutyDocumentTemplate.objects.exists()
