"""/api/v1/documents by persona: office staff write, leaders and regulators read, an official
reads and signs only their own."""

import base64
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from liangze.files.tests import samples
from liangze.jobs.models import Job
from liangze.officials.documents.models import DutyDocument
from liangze.officials.tests.document_helpers import PNG, assigned, generate

PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()
Kind = DutyDocument.Kind


@pytest.fixture
def documents(county_staff, regions, officials, shop, village_official):
    """The village official's letter and task list, and the village's responsibility list.
    `village_official` (the persona) is made the holder: their own account is the official's."""
    officials.village.user = village_official
    type(officials.village).objects.filter(pk=officials.village.pk).update(user=village_official)
    assigned(county_staff, officials.village, shop)
    generate(county_staff, regions.county)
    return DutyDocument.objects.all()


@pytest.mark.parametrize(
    ("persona", "read", "sign", "reject"),
    [
        ("county_staff", 200, 200, 200),  # the office collects and rejects
        ("township_staff", 200, 200, 200),
        ("province_staff", 200, 200, 200),
        ("village_official", 200, 200, 403),  # the holder signs their own
        ("township_official", 404, 404, 404),  # another official: not theirs
        ("leader", 200, 403, 403),
        ("regulator", 200, 403, 403),
        ("business_director", 404, 404, 404),
        ("outsider", 404, 404, 404),
        ("public", 401, 401, 401),
    ],
)
def test_document_endpoints_by_persona(persona, read, sign, reject, request, client_for, documents):
    client = client_for(request.getfixturevalue(persona))
    letter = documents.get(kind=Kind.COMMITMENT)
    url = f"/api/v1/documents/{letter.pk}"
    assert client.get(url).status_code == read
    body = {"official_signature": PNG_URL, "countersigner_signature": PNG_URL}
    response = client.post(f"{url}/sign", body, content_type="application/json")
    assert response.status_code == sign
    letter.refresh_from_db()
    assert letter.status == (DutyDocument.Status.SIGNED if sign == 200 else "generated")
    if sign != 200:  # the office signs it, so that there is something to reject
        from liangze.officials.documents import services

        services.duty_document_sign(
            actor=None, document=letter, official_signature=PNG, countersigner_signature=PNG
        )
    response = client.post(f"{url}/reject", {"reason": "不清晰"}, content_type="application/json")
    assert response.status_code == reject
    letter.refresh_from_db()
    assert letter.status == ("rejected" if reject == 200 else "signed")


@pytest.mark.parametrize(
    ("persona", "count"),
    [
        ("county_staff", 4),
        ("leader", 4),
        ("regulator", 3),  # the township station: not the county's inspection list
        ("village_official", 2),  # their own letter and task list
        ("township_official", 0),
        ("outsider", 0),
    ],
)
def test_the_list_is_scoped(persona, count, request, client_for, documents):
    response = client_for(request.getfixturevalue(persona)).get("/api/v1/documents")
    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_staff", 202),
        ("township_staff", 404),  # the county is above their subtree
        ("leader", 403),
        ("regulator", 404),
        ("village_official", 404),
        ("outsider", 404),
        ("public", 401),
    ],
)
def test_generating_is_the_offices(persona, status, request, client_for, regions, documents):
    client = client_for(request.getfixturevalue(persona))
    response = client.post(
        "/api/v1/documents/generate",
        {"within": regions.county.pk, "kinds": ["commitment"]},
        content_type="application/json",
    )
    assert response.status_code == status
    assert Job.objects.filter(kind="duty_documents_generate").exists() == (status == 202)


def test_an_official_signs_by_scan_and_sees_their_list(client_for, village_official, documents):
    client = client_for(village_official)
    mine = client.get("/api/v1/documents/mine").json()
    assert {d["kind"] for d in mine} == {"commitment", "task_list"}
    task_list = documents.get(kind=Kind.TASK_LIST)
    response = client.post(
        f"/api/v1/documents/{task_list.pk}/scan",
        {
            "file": SimpleUploadedFile("scan.pdf", samples.pdf()),
            "signed_on": str(timezone.localdate()),
        },
    )
    assert response.status_code == 200
    assert response.json()["status"] == "signed"
    assert response.json()["scan_file_id"]
    assert [d["kind"] for d in client.get("/api/v1/documents/mine").json()] == ["commitment"]


def test_a_letter_drawn_by_the_official_alone_is_refused(client_for, village_official, documents):
    letter = documents.get(kind=Kind.COMMITMENT)
    response = client_for(village_official).post(
        f"/api/v1/documents/{letter.pk}/sign",
        {"official_signature": PNG_URL},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"countersigner_signature"}


def test_rates_give_numerator_and_denominator(client_for, county_staff, regions, documents):
    rows = client_for(county_staff).get(f"/api/v1/documents/rates?within={regions.county.pk}")
    total = rows.json()[-1]
    assert total["scope"] == "total"
    assert total["commitment_rate"] == {"numerator": 0, "denominator": 1, "percent": "0.00"}


@pytest.mark.parametrize(("persona", "status"), [("county_staff", 200), ("leader", 403)])
def test_the_archive_is_the_offices(persona, status, request, client_for, regions, documents):
    response = client_for(request.getfixturevalue(persona)).get(
        f"/api/v1/documents/archive?within={regions.county.pk}"
    )
    assert response.status_code == status
    if status == 200:
        assert len(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == 4
