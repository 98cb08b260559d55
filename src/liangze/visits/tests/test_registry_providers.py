"""What the visits app tells the pages below it: the public page's last visit (docs/domain.md
§1.14, counts only) and an official's next visit due (§1.2 frequency, §1.3 quarters)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from liangze.businesses.public_selectors import public_business_card
from liangze.businesses.testing import make_business
from liangze.officials.services import assignment_bulk_create
from liangze.rectification.services import ProblemDraft
from liangze.visits.models import TaskStatus, VisitTask
from liangze.visits.periods import Quarter
from liangze.visits.services import ItemAnswer, visit_submit
from liangze.visits.tests.conftest import clean_input, photo


def public_page(business) -> str:
    client = Client(headers={"Accept-Language": "en"})
    return client.get(f"/p/{business.public_token}").content.decode()


def with_problems(shop, official, regions, **fields):
    data = clean_input(shop, timezone.now(), **fields)
    before, after = photo(official.user, regions.village), photo(official.user, regions.village)
    data.answers["storage"] = ItemAnswer(
        result="problem", problem=ProblemDraft(description="冷柜温度过高", photos=[before])
    )
    data.answers["cleaning"] = ItemAnswer(
        result="problem",
        problem=ProblemDraft(
            description="抹布未消毒", fixed_on_spot=True, photos=[before], after_photos=[after]
        ),
    )
    return data


class TestPublicLastVisit:
    def test_without_visits_nothing_is_shown(self, covered):
        shop, _official = covered
        assert public_business_card(token=shop.public_token).last_visit is None
        assert 'data-testid="visit-empty"' in public_page(shop)

    def test_a_clean_visit_shows_its_date(self, covered):
        shop, official = covered
        visit = visit_submit(actor=official.user, data=clean_input(shop, timezone.now()))
        body = public_page(shop)
        assert 'data-testid="visit-empty"' not in body
        assert f"{visit.visited_on:%Y-%m-%d} · no problems found" in body

    def test_problems_are_counted_never_described(self, covered, regions):
        shop, official = covered
        visit_submit(actor=official.user, data=with_problems(shop, official, regions))
        body = public_page(shop)
        assert "2 problems found, 1 being fixed" in body
        assert "冷柜" not in body and "抹布" not in body

    def test_a_corrected_visit_gives_way_to_its_correction(self, covered, regions):
        shop, official = covered
        first = visit_submit(actor=official.user, data=with_problems(shop, official, regions))
        fixed = visit_submit(
            actor=official.user,
            data=clean_input(
                shop,
                timezone.now() - timedelta(minutes=30),
                replaces=first,
                correction_reason="记错了",
            ),
        )
        with translation.override("en"):
            card = public_business_card(token=shop.public_token)
        assert (card.last_visit.on, card.last_visit.outcome) == (
            fixed.visited_on,
            "no problems found",
        )
        body = public_page(shop)
        assert "no problems found" in body and "being fixed" not in body


def my_page_dues(official) -> list[str]:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(official.user)
    body = client.get("/officials/mine/").content.decode()
    return [line for line in body.splitlines() if 'data-testid="next-visit"' in line]


class TestNextVisitDue:
    def test_a_task_still_due_is_due_by_this_quarters_end(self, covered):
        _shop, official = covered
        this_end = Quarter.current().last_day
        assert my_page_dues(official) == [
            f'    <p data-testid="next-visit">Next visit due by {this_end:%Y-%m-%d}</p>'
        ]

    def test_a_done_task_moves_the_due_date_to_the_next_quarters_end(self, covered, client_for):
        shop, official = covered
        visit_submit(actor=official.user, data=clean_input(shop, timezone.now()))
        assert VisitTask.objects.get(business=shop).status == TaskStatus.DONE
        next_end = Quarter.current().next().last_day
        assert f"Next visit due by {next_end:%Y-%m-%d}" in my_page_dues(official)[0]
        mine = client_for(official.user).get("/api/v1/officials/me/businesses").json()["items"]
        assert mine[0]["next_visit_due"] == f"{next_end:%Y-%m-%d}"

    def test_an_exempt_task_is_due_next_quarter(self, covered):
        shop, official = covered
        VisitTask.objects.filter(business=shop).update(status=TaskStatus.EXEMPT, exempt=True)
        next_end = Quarter.current().next().last_day
        assert f"Next visit due by {next_end:%Y-%m-%d}" in my_page_dues(official)[0]

    def test_without_the_visits_app_every_business_is_due_this_quarter(self, covered, monkeypatch):
        from liangze.officials import hooks

        shop, official = covered
        visit_submit(actor=official.user, data=clean_input(shop, timezone.now()))
        monkeypatch.setattr(hooks, "_settled", [])
        this_end = Quarter.current().last_day
        assert f"Next visit due by {this_end:%Y-%m-%d}" in my_page_dues(official)[0]

    @pytest.mark.parametrize("api", [False, True])
    def test_the_page_reads_the_tasks_once_whatever_its_length(
        self, api, county_staff, regions, village_officials
    ):
        official = village_officials[0]
        client = Client()
        client.force_login(official.user)
        url = "/api/v1/officials/me/businesses" if api else "/officials/mine/"

        def queries_with(count: int) -> int:
            shops = [
                make_business(actor=county_staff, division=regions.village, serial=n, grade="D")
                for n in range(len(official.assignments.all()) + 1, count + 1)
            ]
            assignment_bulk_create(actor=county_staff, official=official, businesses=shops)
            VisitTask.objects.filter(business__in=shops[::2]).update(status=TaskStatus.DONE)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            return len(queries)

        assert queries_with(2) == queries_with(6)


def _last_visits_by_the_orm(business_ids) -> dict:
    """The public page's last visits read through the ORM: what the hand-written statement of
    last_visits_for_registry must answer."""
    from django.db.models import OuterRef, Subquery

    from liangze.businesses.hooks import LastVisit
    from liangze.rectification.models import Problem, ProblemSource, ProblemStatus
    from liangze.visits.models import Visit

    valid = Visit.objects.valid()
    latest = valid.filter(business_id=OuterRef("business_id")).order_by("-visited_at", "-pk")
    found = {}
    for visit in valid.filter(business_id__in=business_ids, pk=Subquery(latest.values("pk")[:1])):
        problems = Problem.objects.filter(source=ProblemSource.VISIT, source_id=visit.pk).exclude(
            status=ProblemStatus.VOID
        )
        found[visit.business_id] = LastVisit(
            visited_on=visit.visited_on,
            problems_found=problems.count(),
            problems_open=problems.exclude(status=ProblemStatus.CLOSED).count(),
        )
    return found


def test_the_hand_written_last_visits_answer_as_the_orm_does(covered, regions, county_staff):
    from liangze.rectification.models import Problem, ProblemStatus
    from liangze.visits.hooks import last_visits_for_registry

    shop, official = covered
    unvisited = make_business(actor=county_staff, division=regions.village, serial=9)
    ids = [shop.pk, unvisited.pk]
    seen = []

    def same():
        answer = last_visits_for_registry(ids)
        assert answer == _last_visits_by_the_orm(ids)
        seen.append(answer.get(shop.pk))

    same()
    first = visit_submit(actor=official.user, data=with_problems(shop, official, regions))
    same()
    Problem.objects.filter(status=ProblemStatus.OPEN).update(status=ProblemStatus.VOID)
    same()
    Problem.objects.filter(status=ProblemStatus.VOID).update(
        status=ProblemStatus.CLOSED, closed_at=timezone.now()
    )
    same()
    visit_submit(
        actor=official.user,
        data=clean_input(
            shop, timezone.now() - timedelta(minutes=30), replaces=first, correction_reason="记错了"
        ),
    )
    same()
    assert seen[0] is None
    assert [(v.problems_found, v.problems_open) for v in seen[1:]] == [
        (2, 1),
        (1, 0),
        (2, 0),
        (0, 0),
    ]
    assert unvisited.pk not in last_visits_for_registry(ids)
    assert last_visits_for_registry([]) == {}
