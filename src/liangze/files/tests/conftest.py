import pytest
from django.core.files.base import ContentFile
from PIL import Image

from liangze.files.services import stored_file_save
from liangze.files.tests import samples


@pytest.fixture(autouse=True)
def file_storage(settings, tmp_path):
    """Private storage in a fresh folder per test; yields that folder."""
    location = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    return location


@pytest.fixture(autouse=True)
def _restore_pillow_pixel_limit():
    """validation.reencode_image sets Pillow's global limit from settings; other tests must not
    inherit a limit a test lowered."""
    before = Image.MAX_IMAGE_PIXELS
    yield
    Image.MAX_IMAGE_PIXELS = before


def stored_files_on_disk(location) -> list:
    return sorted(p for p in location.rglob("*") if p.is_file()) if location.exists() else []


@pytest.fixture
def village_pdf(county_staff, regions):
    """A PDF scan filed in the village, uploaded by the county office."""
    return stored_file_save(
        actor=county_staff,
        division=regions.village,
        kind="scan",
        upload=ContentFile(samples.pdf(), name="承诺书.pdf"),
    )


@pytest.fixture
def village_photo(county_staff, regions):
    return stored_file_save(
        actor=county_staff,
        division=regions.village,
        kind="photo",
        upload=ContentFile(samples.png(), name="kitchen.png"),
    )
