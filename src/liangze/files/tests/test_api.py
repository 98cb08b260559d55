import pytest

from liangze.files.tests import samples


def detail_url(stored) -> str:
    return f"/api/v1/files/{stored.public_id}"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_staff", 200),
        ("village_official", 200),
        ("leader", 200),
        ("outsider", 404),
        ("business_director", 404),
        ("public", 401),
    ],
)
def test_file_endpoints_by_persona(persona, status, request, client_for, village_pdf):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(detail_url(village_pdf)).status_code == status
    assert client.get(detail_url(village_pdf) + "/content").status_code == status


def test_detail_returns_the_metadata(client_for, county_staff, village_pdf, regions):
    response = client_for(county_staff).get(detail_url(village_pdf))

    assert response.json() == {
        "id": str(village_pdf.public_id),
        "kind": "scan",
        "original_name": "承诺书.pdf",
        "content_type": "application/pdf",
        "size": len(samples.pdf()),
        "sha256": village_pdf.sha256,
        "division_id": regions.village.pk,
        "created_at": response.json()["created_at"],
    }
    assert "storage_name" not in response.json()


def test_detail_answers_a_neighbour_with_the_not_found_shape(client_for, outsider, village_pdf):
    response = client_for(outsider).get(detail_url(village_pdf))
    assert response.json()["code"] == "stored_file_not_found"


def test_content_streams_the_file_with_the_download_headers(
    client_for, county_staff, village_photo, file_storage
):
    response = client_for(county_staff).get(detail_url(village_photo) + "/content")

    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content)
        == (file_storage / village_photo.storage_name).read_bytes()
    )
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_content_of_a_document_is_an_attachment(client_for, county_staff, village_pdf):
    response = client_for(county_staff).get(detail_url(village_pdf) + "/content")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
