import uuid
from datetime import date, datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from liangze.businesses.testing import make_business
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.files.tests import samples
from liangze.officials.services import assignment_create
from liangze.officials.testing import make_official
from liangze.visits.checklist import checklist_for
from liangze.visits.services import ItemAnswer, VisitInput

SHANGHAI = timezone.get_default_timezone()


def at(*args) -> datetime:
    """An aware Shanghai datetime."""
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def file_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }


def photo(actor, division, name="p.jpg"):
    return stored_file_save(
        actor=actor,
        division=division,
        kind=FileKind.PHOTO,
        upload=ContentFile(samples.jpeg(), name),
    )


@pytest.fixture
def village_officials(county_staff, regions):
    made = (
        make_official(actor=county_staff, division=regions.village, serial=1),
        make_official(actor=county_staff, division=regions.village, serial=2),
    )
    for official in made:  # as after their first login
        official.user.must_change_password = False
        official.user.save(update_fields=["must_change_password"])
    return made


@pytest.fixture
def shop(county_staff, regions):
    business = make_business(actor=county_staff, division=regions.village, serial=1, grade="D")
    type(business).objects.filter(pk=business.pk).update(lat_e6=36_400_000, lng_e6=94_900_000)
    business.refresh_from_db()
    return business


@pytest.fixture
def covered(county_staff, shop, village_officials):
    """The shop covered by the first village official since 1 January 2026."""
    assignment_create(
        actor=county_staff, official=village_officials[0], business=shop, starts_on=date(2026, 1, 1)
    )
    return shop, village_officials[0]


def clean_input(business, visited_at, **fields) -> VisitInput:
    values = {
        "business": business,
        "visited_at": visited_at,
        "mode": "remote",
        "answers": {i.key: ItemAnswer() for i in checklist_for(business)},
        "idempotency_key": uuid.uuid4(),
        **fields,
    }
    return VisitInput(**values)


def form_data(business, **extra) -> dict:
    """The visit form's fields as a phone posts them: a clean remote visit, now, every item
    passed, location denied; `extra` adds or replaces fields."""
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "mode": "remote",
        "location": "denied",
        **{f"item-{i.key}": "pass" for i in checklist_for(business)},
    }
    data.update(extra)
    return data
