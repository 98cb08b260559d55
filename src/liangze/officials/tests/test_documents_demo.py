"""The demo's documents: every holder's, most signed, the demo village's to sign in Word."""

import pytest

from liangze.businesses.testing import make_business
from liangze.officials.documents.demo import demo_documents_load
from liangze.officials.documents.models import DutyDocument
from liangze.officials.documents.services import document_holders
from liangze.officials.testing import make_official
from liangze.officials.tests.document_helpers import assigned


def test_the_demo_gives_every_holder_a_document_and_signs_most(county_staff, regions):
    villages = [regions.village, regions.other_village]
    for serial in range(1, 13):
        village = villages[serial % 2]
        official = make_official(actor=county_staff, division=village, serial=serial)
        shop = make_business(actor=county_staff, division=village, serial=serial, grade="D")
        assigned(county_staff, official, shop)
    result = demo_documents_load(region=regions.province, rendered_posts=[regions.village])
    documents = DutyDocument.objects.all()
    holders = document_holders(region=regions.province, kinds=DutyDocument.Kind.values, year=2026)
    assert result.documents == len(holders) == documents.count()
    assert {(h.kind, h.official, h.division) for h in holders} == {
        (d.kind, d.official, d.division) for d in documents
    }
    # The demo village's letters stay to sign, in Word; most of the rest is signed.
    for letter in documents.filter(kind="commitment", division=regions.village):
        assert letter.status == "generated" and letter.document_id
    signed = documents.filter(status="signed")
    assert result.signed == signed.count() >= len(holders) * 2 // 3
    assert all(d.official_signature_id or d.scan_id for d in signed)
    again = demo_documents_load(region=regions.province, rendered_posts=[])
    assert again.documents == result.documents


@pytest.mark.django_db
def test_the_demo_load_signs_about_95_percent_of_golmuds_documents(demo_loaded):
    # The demo stays loaded to the module's end (demo.testing): keep this test the last.
    documents = DutyDocument.objects.all()
    total, signed = documents.count(), documents.filter(status="signed").count()
    officials_with_tasks = documents.filter(kind="commitment").count()
    assert officials_with_tasks > 400  # Golmud's 429 and the prefecture's, less the idle ones
    assert 92 * total <= 100 * signed <= 97 * total
    demo_village_letter = documents.get(
        kind="commitment", official__user__username="village_official"
    )
    assert demo_village_letter.status == "generated" and demo_village_letter.document_id
