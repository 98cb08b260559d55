import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from liangze.accounts.models import Role, RoleGrant
from liangze.businesses.testing import make_business
from liangze.core.testing.fixtures import make_user
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.files.tests import samples
from liangze.rectification.services import ProblemDraft, problem_record_many


def photo(actor, division, name="p.jpg"):
    return stored_file_save(
        actor=actor,
        division=division,
        kind=FileKind.PHOTO,
        upload=ContentFile(samples.jpeg(), name),
    )


@pytest.fixture
def shop(county_staff, regions):
    return make_business(actor=county_staff, division=regions.village, serial=1, grade="D")


@pytest.fixture
def director(regions, shop):
    user = make_user("shop_director", None, None)
    RoleGrant.objects.create(
        user=user, role=Role.BUSINESS_DIRECTOR, business=shop, division=shop.division
    )
    return user


@pytest.fixture
def record(county_staff, regions, shop):
    """Record one problem at the shop (as the village official would), routed at once."""

    def record(*, severity="general", actor=None, business=None):
        business = business or shop
        (problem,) = problem_record_many(
            actor=actor or county_staff,
            business=business,
            source="visit",
            source_id=1,
            found_at=timezone.now(),
            drafts=[
                ProblemDraft(
                    description="后厨地面积水",
                    severity=severity,
                    photos=[photo(county_staff, business.division)],
                )
            ],
        )
        problem.refresh_from_db()
        return problem

    return record
