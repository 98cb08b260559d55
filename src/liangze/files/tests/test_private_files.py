"""An export, a bad-rows report or an uploaded table is read only by the person who made it (and
administrators): not by an office colleague of the same county who learns its id. Other kinds
(a scan, a photo) stay readable by the division's jurisdiction."""

import pytest
from django.core.files.base import ContentFile

from liangze.accounts.models import Role
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.testing.fixtures import make_user
from liangze.files.services import stored_file_save
from liangze.files.tests import samples


@pytest.fixture
def county_colleague(regions):
    """Office staff of the same county as county_staff, who made the file."""
    return make_user("county_colleague", Role.OFFICE_STAFF, regions.county)


def made_by(user, division, kind: str, name: str):
    content = samples.pdf() if kind == "scan" else samples.xlsx()
    return stored_file_save(
        actor=user, division=division, kind=kind, upload=ContentFile(content, name=name)
    )


READERS = [
    # persona, private file (export, bad rows, upload), shared file (scan)
    ("county_staff", 200, 200),  # made them
    ("county_colleague", 404, 200),  # same office, same county: not theirs
    ("province_staff", 404, 200),
    ("township_staff", 404, 404),  # the files sit at county level, above the township
    ("admin_user", 200, 200),
    ("outsider", 404, 404),
]


@pytest.mark.parametrize(("persona", "private", "shared"), READERS)
@pytest.mark.parametrize(
    ("kind", "name"),
    [("export", "主体名录.xlsx"), ("export", "主体-bad-rows.xlsx"), ("import", "主体.xlsx")],
)
def test_private_files_are_their_makers_own(
    request, client_for, county_staff, regions, persona, private, shared, kind, name
):
    stored = made_by(county_staff, regions.county, kind, name)
    scan = made_by(county_staff, regions.county, "scan", "承诺书.pdf")
    client = client_for(request.getfixturevalue(persona))
    for url in (
        f"/files/{stored.public_id}/",
        f"/api/v1/files/{stored.public_id}",
        f"/api/v1/files/{stored.public_id}/content",
    ):
        assert client.get(url).status_code == private, url
    assert client.get(f"/files/{scan.public_id}/").status_code == shared


def test_a_colleague_is_answered_as_for_a_missing_file(
    client_for, county_staff, county_colleague, regions
):
    stored = made_by(county_staff, regions.county, "export", "主体名录.xlsx")
    client = client_for(county_colleague)
    theirs = client.get(f"/api/v1/files/{stored.public_id}")
    missing = client.get("/api/v1/files/00000000-0000-4000-8000-000000000000")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    denial = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).first()
    assert (denial.actor, denial.data["target_id"]) == (
        county_colleague,
        "00000000-0000-4000-8000-000000000000",
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, data__target_id=str(stored.public_id)
    ).exists()
