import pytest

from liangze.regions import widgets


class TestDivisionPicker:
    def test_it_offers_only_the_viewers_divisions_matching_the_search(
        self, county_staff, regions, client_for
    ):
        response = client_for(county_staff).get(
            "/regions/picker/", {"field": "division", "division_search": "村委会"}
        )
        assert response.status_code == 200
        assert {d.pk for d in response.context["divisions"]} == {
            regions.village.pk,
            regions.other_village.pk,
        }

    def test_it_finds_by_code_prefix(self, county_staff, regions, client_for):
        response = client_for(county_staff).get(
            "/regions/picker/", {"field": "division", "division_search": "632801100"}
        )
        assert {d.pk for d in response.context["divisions"]} == {
            regions.township.pk,
            regions.village.pk,
            regions.other_village.pk,
        }

    def test_outsider_finds_none_of_ours(self, outsider, client_for):
        response = client_for(outsider).get(
            "/regions/picker/", {"field": "division", "division_search": "郭勒木德"}
        )
        assert list(response.context["divisions"]) == []

    def test_anonymous_is_sent_to_login(self, regions, client):
        response = client.get("/regions/picker/", {"division_search": "镇"})
        assert response.status_code == 302

    def test_form_select_renders_a_bounded_number_of_options(
        self, county_staff, regions, client_for, monkeypatch
    ):
        monkeypatch.setattr(widgets, "INITIAL_OPTIONS", 2)
        response = client_for(county_staff).get("/accounts/new/")
        html = response.content.decode()
        select = html[html.index('name="division"', html.index("<select")) :]
        select = select[: select.index("</select>")]
        assert select.count("<option") == 3  # the empty choice and the first two


@pytest.mark.parametrize("persona", ["county_staff", "township_staff"])
def test_create_form_accepts_a_division_outside_the_initial_options(
    persona, request, regions, client_for, monkeypatch
):
    monkeypatch.setattr(widgets, "INITIAL_OPTIONS", 1)
    response = client_for(request.getfixturevalue(persona)).post(
        "/accounts/new/",
        {
            "username": "picked",
            "display_name": "选中的人",
            "division": regions.other_village.pk,
            "role": "official",
        },
    )
    assert response.status_code == 200
    assert response.context["issued"].user.division == regions.other_village
