from datetime import date

import pytest

from liangze.accounts.models import Role
from liangze.businesses.models import Business
from liangze.businesses.testing import make_business
from liangze.enterprise import services
from liangze.enterprise.testing import make_staff


@pytest.fixture
def shop(county_staff, regions):
    """An enterprise restaurant in the village with its starter risk list."""
    business = make_business(actor=county_staff, division=regions.village, serial=1, grade="D")
    # Operating long before any period the tests look at (records are due from the start).
    Business.objects.filter(pk=business.pk).update(status_since=date(2024, 1, 1))
    business.refresh_from_db()
    services.risk_list_save(actor=county_staff, business=business)
    return business


@pytest.fixture
def officer(shop):
    return make_staff(business=shop, username="shop_officer")


@pytest.fixture
def director(shop):
    return make_staff(business=shop, username="shop_director", role=Role.BUSINESS_DIRECTOR)


@pytest.fixture(autouse=True)
def file_storage(settings, tmp_path):
    """Signatures and photos go to a fresh folder per test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }
