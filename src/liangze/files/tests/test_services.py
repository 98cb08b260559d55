import hashlib
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.errors import Invalid
from liangze.files import services
from liangze.files.models import StoredFile
from liangze.files.services import stored_file_save
from liangze.files.tests import samples
from liangze.files.tests.conftest import stored_files_on_disk

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class TestStoredFileSave:
    def test_it_stores_the_content_under_a_name_it_derives(
        self, county_staff, regions, file_storage
    ):
        upload = SimpleUploadedFile("../../承诺书.pdf", samples.pdf(), "image/png")

        stored = stored_file_save(
            actor=county_staff, division=regions.village, kind="scan", upload=upload
        )

        assert re.fullmatch(rf"scan/\d{{4}}/\d{{2}}/{UUID}\.pdf", stored.storage_name)
        assert stored.storage_name.endswith(f"/{stored.public_id}.pdf")
        assert (file_storage / stored.storage_name).read_bytes() == samples.pdf()
        assert stored.content_type == "application/pdf"  # sniffed, not the declared image/png
        assert stored.original_name == "承诺书.pdf"
        assert stored.size == len(samples.pdf())
        assert stored.sha256 == hashlib.sha256(samples.pdf()).hexdigest()
        assert stored.kind == "scan"
        assert stored.division == regions.village
        assert stored.uploaded_by == county_staff

    def test_it_never_uses_the_clients_name_as_a_path(self, county_staff, regions, file_storage):
        upload = ContentFile(samples.pdf(), name="../../../../etc/cron.d/evil.sh")

        stored = stored_file_save(
            actor=county_staff, division=regions.village, kind="scan", upload=upload
        )

        assert stored.storage_name.endswith(".pdf")
        assert "evil" not in stored.storage_name
        assert [
            p.relative_to(file_storage).as_posix() for p in stored_files_on_disk(file_storage)
        ] == [stored.storage_name]

    def test_it_stores_the_reencoded_image(self, county_staff, regions, file_storage):
        original = samples.jpeg(exif=samples.exif(orientation=6))

        stored = stored_file_save(
            actor=county_staff,
            division=regions.village,
            kind="photo",
            upload=ContentFile(original, name="IMG_0001.JPG"),
        )

        kept = (file_storage / stored.storage_name).read_bytes()
        assert kept != original
        assert b"PhoneMaker" not in kept
        assert stored.sha256 == hashlib.sha256(kept).hexdigest()
        assert stored.size == len(kept)
        with Image.open(io.BytesIO(kept)) as image:
            assert dict(image.getexif()) == {}
        assert stored.download_name == "IMG_0001.jpg"

    def test_it_records_the_event(self, county_staff, regions):
        stored = stored_file_save(
            actor=county_staff,
            division=regions.village,
            kind="scan",
            upload=ContentFile(samples.pdf(), name="a.pdf"),
        )

        event = AuditEvent.objects.get(action=AuditAction.FILE_STORED)
        assert event.actor == county_staff
        assert event.target_type == "files.storedfile"
        assert event.target_id == str(stored.pk)
        assert event.division_path == regions.village.path
        assert event.data["sha256"] == stored.sha256
        assert event.data["public_id"] == str(stored.public_id)

    def test_it_stores_system_exports_without_an_actor(self, regions):
        stored = stored_file_save(
            actor=None,
            division=regions.county,
            kind="export",
            upload=ContentFile(samples.xlsx(), name="rates.xlsx"),
        )
        assert stored.uploaded_by is None
        assert stored.storage_name.endswith(".xlsx")

    def test_it_stores_nothing_for_a_refused_file(self, county_staff, regions, file_storage):
        with pytest.raises(Invalid) as caught:
            stored_file_save(
                actor=county_staff,
                division=regions.village,
                kind="photo",
                upload=ContentFile(b"#!/bin/sh\nrm -rf /\n", name="photo.jpg"),
            )

        assert caught.value.code == "file_type_refused"
        assert not StoredFile.objects.exists()
        assert stored_files_on_disk(file_storage) == []
        assert not AuditEvent.objects.filter(action=AuditAction.FILE_STORED).exists()

    def test_it_logs_a_refusal_to_the_security_log(self, county_staff, regions, caplog):
        with pytest.raises(Invalid):
            stored_file_save(
                actor=county_staff,
                division=regions.village,
                kind="import",
                upload=ContentFile(samples.sparse_xlsx(), name="a.xlsx"),
            )
        [record] = [r for r in caplog.records if r.name == "liangze.security"]
        assert "code=spreadsheet_too_large" in record.getMessage()

    def test_it_removes_the_bytes_when_the_transaction_fails(
        self, county_staff, regions, file_storage, monkeypatch
    ):
        def broken_audit(**kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr(services, "audit_event_record", broken_audit)

        with pytest.raises(RuntimeError):
            stored_file_save(
                actor=county_staff,
                division=regions.village,
                kind="scan",
                upload=ContentFile(samples.pdf(), name="a.pdf"),
            )

        assert not StoredFile.objects.exists()
        assert stored_files_on_disk(file_storage) == []

    def test_it_keeps_two_uploads_of_the_same_content_apart(self, county_staff, regions):
        first, second = (
            stored_file_save(
                actor=county_staff,
                division=regions.village,
                kind="scan",
                upload=ContentFile(samples.pdf(), name="a.pdf"),
            )
            for _ in range(2)
        )
        assert first.storage_name != second.storage_name
        assert first.sha256 == second.sha256
