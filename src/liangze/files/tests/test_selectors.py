import uuid

import pytest
from django.core.files.base import ContentFile

from liangze.accounts.models import User
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.errors import NotFound
from liangze.files.selectors import access_stored_file_by_id, stored_file_list
from liangze.files.services import stored_file_save
from liangze.files.tests import samples


class TestStoredFileList:
    def test_it_shows_files_of_the_viewers_subtree_only(self, county_staff, outsider, regions):
        ours = stored_file_save(
            actor=county_staff,
            division=regions.village,
            kind="scan",
            upload=ContentFile(samples.pdf(), name="ours.pdf"),
        )
        theirs = stored_file_save(
            actor=outsider,
            division=regions.neighbour_village,
            kind="scan",
            upload=ContentFile(samples.pdf(), name="theirs.pdf"),
        )

        assert list(stored_file_list(viewer=county_staff)) == [ours]
        assert list(stored_file_list(viewer=outsider)) == [theirs]
        assert list(stored_file_list(viewer=None)) == []

    def test_it_filters_by_kind(self, county_staff, regions):
        scan = stored_file_save(
            actor=county_staff,
            division=regions.village,
            kind="scan",
            upload=ContentFile(samples.pdf(), name="a.pdf"),
        )
        stored_file_save(
            actor=county_staff,
            division=regions.village,
            kind="photo",
            upload=ContentFile(samples.png(), name="a.png"),
        )
        assert list(stored_file_list(viewer=county_staff, kind="scan")) == [scan]

    @pytest.mark.parametrize("count", [2, 20])
    def test_it_reads_in_constant_queries(
        self, count, county_staff, regions, django_assert_num_queries
    ):
        for index in range(count):
            stored_file_save(
                actor=county_staff,
                division=regions.village,
                kind="scan",
                upload=ContentFile(samples.pdf(), name=f"{index}.pdf"),
            )
        viewer = User.objects.get(pk=county_staff.pk)
        with django_assert_num_queries(2):  # the viewer's grants, then the files
            files = list(stored_file_list(viewer=viewer))
            assert {f.division.name for f in files} == {regions.village.name}
            assert {f.uploaded_by.username for f in files} == {"county_staff"}
        assert len(files) == count


class TestAccessStoredFileById:
    def test_it_returns_a_file_in_the_viewers_subtree(self, county_staff, village_pdf):
        assert access_stored_file_by_id(county_staff, village_pdf.public_id) == village_pdf
        assert access_stored_file_by_id(county_staff, str(village_pdf.public_id)) == village_pdf

    @pytest.mark.parametrize(
        "file_id", [uuid.UUID(int=0), "not-a-uuid", None], ids=["missing", "malformed", "none"]
    )
    def test_it_raises_not_found_for_a_missing_id(self, county_staff, file_id):
        with pytest.raises(NotFound) as caught:
            access_stored_file_by_id(county_staff, file_id)
        assert caught.value.code == "stored_file_not_found"

    def test_it_answers_a_neighbour_as_if_the_file_did_not_exist(self, outsider, village_pdf):
        with pytest.raises(NotFound) as caught:
            access_stored_file_by_id(outsider, village_pdf.public_id)
        assert caught.value.code == "stored_file_not_found"

        denial = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
        assert denial.actor == outsider
        assert denial.data == {
            "code": "stored_file_not_found",
            "target_type": "files.storedfile",
            "target_id": str(village_pdf.public_id),
        }
