"""The figures pages and API read the summary tables: the county's figures, its sub-regions
ranked, drill-down, scoping, and the figures equal an independent count from the raw rows."""

import pytest
from django.utils import timezone

from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.testing import make_business
from liangze.figures.periods import Period
from liangze.figures.services import figures_rebuild
from liangze.officials import services
from liangze.officials.models import Assignment
from liangze.officials.testing import make_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_world(county_staff, regions):
    """Three grade-D shops in the village (two covered), one in the other village (covered),
    one in the neighbouring county (never seen by the county)."""
    village = make_official(actor=county_staff, division=regions.village, serial=1)
    other = make_official(actor=county_staff, division=regions.other_village, serial=2)
    shops = [
        make_business(actor=county_staff, division=regions.village, serial=n, grade="D")
        for n in (1, 2, 3)
    ]
    far = make_business(actor=county_staff, division=regions.other_village, serial=4, grade="D")
    for shop in shops[:2]:
        services.assignment_create(actor=county_staff, official=village, business=shop)
    services.assignment_create(actor=county_staff, official=other, business=far)
    figures_rebuild()
    return regions


def raw_coverage(path_prefix: str) -> tuple[int, int]:
    """Straight from the rows: operating businesses under the prefix, and those with an open
    assignment to an official posted at village level (grade D)."""
    scope = Business.objects.filter(
        status=BusinessStatus.OPERATING, division__path__startswith=path_prefix
    )
    covered = scope.filter(
        pk__in=Assignment.objects.filter(
            ends_on__isnull=True, official__grant__division__level="village"
        ).values("business_id")
    )
    return covered.count(), scope.count()


class TestDashboardPage:
    def test_county_staff_see_the_county_and_its_townships(
        self, county_world, county_staff, client_for
    ):
        regions = county_world
        response = client_for(county_staff).get("/dashboards/")
        assert response.status_code == 200
        board = response.context["board"]
        assert board.region == regions.county
        assert (
            (board.totals["coverage_rate"].numerator, board.totals["coverage_rate"].denominator)
            == raw_coverage(regions.county.path)
            == (3, 4)
        )
        html = response.content.decode()
        assert "75.00%" in html and "3/4" in html
        assert 'id="chart-data"' in html

    def test_drill_down_two_levels_ranks_the_villages(self, county_world, county_staff, client_for):
        regions = county_world
        client = client_for(county_staff)
        township = client.get(f"/dashboards/?within={regions.township.pk}").context["board"]
        ranks = {row.division.code: row.ranks["coverage_rate"] for row in township.rows}
        assert ranks == {regions.other_village.code: 1, regions.village.code: 2}
        village = client.get(f"/dashboards/?within={regions.village.pk}").context["board"]
        assert village.totals["coverage_rate"].display == "66.67%"
        assert village.rows == []

    def test_outside_the_jurisdiction_is_not_found(self, county_world, county_staff, client_for):
        response = client_for(county_staff).get(
            f"/dashboards/?within={county_world.neighbour_county.pk}"
        )
        assert response.status_code == 404

    def test_an_official_reads_no_figures(self, county_world, village_official, client_for):
        assert client_for(village_official).get("/dashboards/").status_code == 403

    def test_leader_summary(self, county_world, leader, client_for):
        response = client_for(leader).get("/dashboards/summary/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "75.00%" in html and "3 / 4" in html

    def test_a_future_period_is_refused(self, county_world, county_staff, client_for):
        response = client_for(county_staff).get(
            f"/dashboards/?period={timezone.localdate().year + 1}"
        )
        assert response.status_code == 422


class TestApi:
    def test_figures_with_ranks(self, county_world, county_staff, client_for):
        regions = county_world
        response = client_for(county_staff).get(
            f"/api/v1/figures?within={regions.township.pk}&measure=coverage_rate"
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["period"] == Period.quarter_of(timezone.localdate()).code
        assert body["figures"] == [
            {
                "measure": "coverage_rate",
                "rank": None,
                "rate": {"numerator": 3, "denominator": 4, "percent": "75.00"},
            }
        ]
        ranks = {s["division_code"]: s["figures"][0]["rank"] for s in body["subregions"]}
        assert ranks[regions.village.code] == 2
        assert ranks[regions.other_village.code] == 1

    def test_unknown_measure_and_bad_period(self, county_world, county_staff, client_for):
        client = client_for(county_staff)
        assert client.get("/api/v1/figures?measure=logins").status_code == 422
        assert client.get("/api/v1/figures?period=2026Q9").status_code == 422

    def test_measures_listed(self, county_world, county_staff, client_for):
        codes = [m["code"] for m in client_for(county_staff).get("/api/v1/figures/measures").json()]
        assert {"coverage_rate", "commitment_rate", "list_filing_rate"} <= set(codes)


class TestHomeTile:
    """The home page leads to the figures: a leader's large-type summary first, then the
    dashboard; people who do not read figures get neither."""

    def test_a_leader_gets_the_summary_and_the_dashboard(self, leader, client_for):
        page = client_for(leader).get("/").content.decode()
        assert 'href="/dashboards/summary/" data-testid="summary-tile"' in page
        assert 'data-testid="figures-tile"' in page
        assert page.index("summary-tile") < page.index("figures-tile")

    def test_office_staff_get_the_dashboard_only(self, county_staff, client_for):
        page = client_for(county_staff).get("/").content.decode()
        assert 'href="/dashboards/" data-testid="figures-tile"' in page
        assert "summary-tile" not in page

    def test_officials_get_no_figures(self, village_official, client_for):
        page = client_for(village_official).get("/", follow=True).content.decode()
        assert "figures-tile" not in page and "summary-tile" not in page


class TestLeaderShortfalls:
    """The leader's summary names, per measure, the lowest sub-regions below 100% (worst first,
    at most three) and counts the rest; complete and unranked ones are left out."""

    def board(self, rates):
        from types import SimpleNamespace

        from liangze.figures.rates import Rate, rank

        rows = [
            SimpleNamespace(code=f"{n:02d}", division=SimpleNamespace(pk=n, name=f"T{n}"), rate=r)
            for n, r in enumerate(rates, start=1)
        ]
        measure = SimpleNamespace(code="visit_completion_rate", label="visits")
        ranked = rank(rows, rate=lambda row: Rate(*row.rate), code=lambda row: row.code)
        return SimpleNamespace(measures=[measure], ranked={measure.code: ranked})

    def test_worst_first_capped_with_the_rest_counted(self):
        from liangze.dashboards.views import _shortfalls

        board = self.board([(9, 10), (1, 2), (4, 4), (0, 0), (3, 10), (7, 10), (8, 10)])
        (group,) = _shortfalls(board)
        assert [p.item.division.name for p in group["places"]] == ["T5", "T2", "T6"]
        assert group["more"] == 2  # T7 (80%) and T1 (90%); T3 is complete, T4 not ranked

    def test_nothing_when_every_sub_region_is_complete(self):
        from liangze.dashboards.views import _shortfalls

        assert _shortfalls(self.board([(4, 4), (0, 0)])) == []

    def test_the_page_shows_the_group(self, county_world, leader, client_for):
        html = client_for(leader).get("/dashboards/summary/").content.decode()
        assert 'data-measure="coverage_rate">' in html  # the township at 3 of 4 covered
