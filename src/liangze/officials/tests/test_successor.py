"""A regrade or a move names the business's new official in the same action, through the
registry's API and its page (docs/domain.md §1.7); a successor who does not fit undoes it all."""

import pytest

from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses.models import Business
from liangze.officials.models import Assignment
from liangze.officials.services import assignment_create


def open_assignment(business):
    return Assignment.objects.filter(business=business, ends_on__isnull=True).first()


@pytest.fixture
def covered(county_staff, officials, shop):
    assignment_create(actor=county_staff, official=officials.village, business=shop)
    return shop


def test_the_api_regrades_and_hands_over_in_one_action(
    client_for, county_staff, officials, covered
):
    response = client_for(county_staff).post(
        f"/api/v1/businesses/{covered.pk}/grade",
        {"grade": "B", "reason": "扩大经营", "successor": officials.county.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["grade"] == "B"
    assert open_assignment(covered).official == officials.county
    ended = Assignment.objects.get(business=covered, official=officials.village)
    assert ended.end_reason == Assignment.EndReason.REGRADED


def test_a_successor_of_the_wrong_level_undoes_the_regrade(
    client_for, county_staff, officials, covered
):
    response = client_for(county_staff).post(
        f"/api/v1/businesses/{covered.pk}/grade",
        {"grade": "B", "reason": "扩大经营", "successor": officials.township.pk},
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "assignment_refused"
    assert body["fields"]["successor"]
    covered.refresh_from_db()
    assert covered.grade == "D"
    assert open_assignment(covered).official == officials.village
    assert not AuditEvent.objects.filter(action=AuditAction.BUSINESS_REGRADED).exists()


def test_an_unknown_successor_is_refused(client_for, county_staff, covered):
    response = client_for(county_staff).post(
        f"/api/v1/businesses/{covered.pk}/grade",
        {"grade": "C", "reason": "扩大经营", "successor": 999999},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "official_unknown"
    assert Business.objects.get(pk=covered.pk).grade == "D"


def test_the_api_moves_and_hands_over_in_one_action(
    client_for, county_staff, officials, regions, covered
):
    response = client_for(county_staff).post(
        f"/api/v1/businesses/{covered.pk}/move",
        {
            "division_id": regions.other_village.pk,
            "reason": "搬迁",
            "successor": officials.other_village.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert open_assignment(covered).official == officials.other_village
    moved = Assignment.objects.get(business=covered, official=officials.village)
    assert moved.end_reason == Assignment.EndReason.MOVED


def test_the_detail_page_offers_the_officials_whose_post_holds_the_business(
    client_for, county_staff, officials, covered
):
    page = client_for(county_staff).get(f"/businesses/{covered.pk}/")
    options = page.context["regrade_form"].fields["successor"].widget.choices
    offered = {pk for pk, _label in options if pk}
    # The village's, township's and county's officials; not the other village's, and not the
    # city's, whom only the city's office assigns.
    assert offered == {
        str(officials.village.pk),
        str(officials.township.pk),
        str(officials.county.pk),
    }


def test_the_regrade_form_hands_over_in_one_action(client_for, county_staff, officials, covered):
    response = client_for(county_staff).post(
        f"/businesses/{covered.pk}/grade/",
        {
            "regrade-grade": "C",
            "regrade-reason": "扩大经营",
            "regrade-successor": officials.township.pk,
        },
    )
    assert response.status_code == 302
    assert open_assignment(covered).official == officials.township


def test_the_regrade_form_shows_why_a_successor_does_not_fit(
    client_for, county_staff, officials, covered
):
    response = client_for(county_staff).post(
        f"/businesses/{covered.pk}/grade/",
        {
            "regrade-grade": "B",
            "regrade-reason": "扩大经营",
            "regrade-successor": officials.village.pk,
        },
        headers={"Accept-Language": "zh-hans"},
    )
    assert response.status_code == 200
    assert response.context["regrade_form"].errors["successor"]
    covered.refresh_from_db()
    assert covered.grade == "D"


def test_the_move_form_lists_the_new_places_officials(
    client_for, county_staff, officials, regions, covered
):
    client = client_for(county_staff)
    options = client.get(
        f"/businesses/{covered.pk}/successors/", {"move-division": regions.other_village.pk}
    )
    assert options.status_code == 200
    html = options.content.decode()
    assert f'value="{officials.other_village.pk}"' in html
    assert f'value="{officials.village.pk}"' not in html
    response = client.post(
        f"/businesses/{covered.pk}/move/",
        {
            "move-division": regions.other_village.pk,
            "move-reason": "搬迁",
            "move-successor": officials.other_village.pk,
        },
    )
    assert response.status_code == 302
    assert open_assignment(covered).official == officials.other_village


def test_the_successor_list_is_for_those_who_may_edit(client_for, village_official, covered):
    response = client_for(village_official).get(f"/businesses/{covered.pk}/successors/")
    assert response.status_code == 403
