import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from liangze.audit.models import AuditEvent
from liangze.businesses.testing import make_business
from liangze.core.errors import Invalid
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.files.tests import samples
from liangze.rectification.models import CloseReason, Problem, ProblemStatus
from liangze.rectification.services import ProblemDraft, problem_record_many


@pytest.fixture(autouse=True)
def file_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }


@pytest.fixture
def shop(county_staff, regions):
    return make_business(actor=county_staff, division=regions.village, serial=1, grade="D")


def photo(actor, division, name="p.jpg"):
    return stored_file_save(
        actor=actor,
        division=division,
        kind=FileKind.PHOTO,
        upload=ContentFile(samples.jpeg(), name),
    )


def test_problems_open_or_close_on_the_spot_with_their_evidence(county_staff, regions, shop):
    now = timezone.now()
    before, after, other = (photo(county_staff, regions.village) for _ in range(3))
    found, fixed = problem_record_many(
        actor=county_staff,
        business=shop,
        source="visit",
        source_id=7,
        found_at=now,
        drafts=[
            ProblemDraft(description="后厨地面积水", severity="serious", photos=[other]),
            ProblemDraft(
                description="留样未标注", fixed_on_spot=True, photos=[before], after_photos=[after]
            ),
        ],
    )
    assert found.status == ProblemStatus.OPEN and found.closed_at is None
    assert fixed.status == ProblemStatus.CLOSED
    assert fixed.close_reason == CloseReason.FIXED_ON_SPOT and fixed.closed_at == now
    assert sorted(fixed.photos.values_list("stage", flat=True)) == ["after", "before"]
    assert found.division == regions.village and found.source_id == 7
    assert AuditEvent.objects.filter(action="problem_recorded").count() == 2


@pytest.mark.parametrize(
    ("draft", "code"),
    [
        ({"description": "  "}, "problem_description_required"),
        ({"description": "x", "photos": []}, "problem_photo_required"),
        ({"description": "x", "fixed_on_spot": True}, "problem_after_photo_required"),
        ({"description": "x", "severity": "mild"}, "problem_severity"),
    ],
)
def test_a_bad_draft_records_nothing(county_staff, regions, shop, draft, code):
    good = ProblemDraft(description="好的问题", photos=[photo(county_staff, regions.village)])
    values = {"photos": [photo(county_staff, regions.village)], **draft}
    with pytest.raises(Invalid) as caught:
        problem_record_many(
            actor=county_staff,
            business=shop,
            source="visit",
            source_id=None,
            found_at=timezone.now(),
            drafts=[good, ProblemDraft(**values)],
        )
    assert caught.value.code == code
    assert not Problem.objects.exists()
