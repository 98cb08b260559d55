import pytest
from django.core.files.base import ContentFile

from liangze.files.services import stored_file_save
from liangze.files.tests import samples


def url(stored) -> str:
    return f"/files/{stored.public_id}/"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_staff", 200),  # the owner division's office
        ("province_staff", 200),
        ("township_official", 200),
        ("village_official", 200),
        ("leader", 200),
        ("admin_user", 200),
        ("outsider", 404),  # the neighbouring county: same answer as a missing id
        ("business_director", 404),
    ],
)
def test_download_by_persona(persona, status, request, client_for, village_pdf):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(village_pdf)).status_code == status


def test_download_sends_anonymous_visitors_to_log_in(client, village_pdf):
    response = client.get(url(village_pdf))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_download_of_a_missing_id_is_404(client_for, county_staff):
    response = client_for(county_staff).get("/files/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


class TestDownloadResponse:
    def test_it_streams_a_document_as_an_attachment(
        self, client_for, county_staff, village_pdf, settings
    ):
        settings.SECURE_CONTENT_TYPE_NOSNIFF = False  # the view sends nosniff on its own
        response = client_for(county_staff).get(url(village_pdf))

        assert b"".join(response.streaming_content) == samples.pdf()
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''%E6%89%BF%E8%AF%BA%E4%B9%A6.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"

    def test_it_shows_an_image_inline(self, client_for, county_staff, village_photo):
        response = client_for(county_staff).get(url(village_photo))

        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("inline;")
        assert 'filename="kitchen.jpg"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"

    def test_it_sends_a_csv_with_its_sniffed_charset_as_an_attachment(
        self, client_for, county_staff, regions
    ):
        data = "名称,代码\n甲,1\n".encode("gb18030")
        stored = stored_file_save(
            actor=county_staff,
            division=regions.village,
            kind="import",
            upload=ContentFile(data, name="名单.jpg"),
        )

        response = client_for(county_staff).get(url(stored))

        assert response["Content-Type"] == "text/csv; charset=gb18030"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == data

    def test_it_refuses_other_methods(self, client_for, county_staff, village_pdf):
        assert client_for(county_staff).post(url(village_pdf)).status_code == 405

    def test_it_answers_404_when_the_bytes_are_gone(
        self, client_for, county_staff, village_pdf, file_storage
    ):
        (file_storage / village_pdf.storage_name).unlink()
        assert client_for(county_staff).get(url(village_pdf)).status_code == 404


def test_storage_is_not_reachable_by_its_path(client_for, county_staff, village_pdf):
    client = client_for(county_staff)
    for path in (village_pdf.storage_name, f"files/{village_pdf.storage_name}"):
        assert client.get(f"/{path}").status_code == 404
