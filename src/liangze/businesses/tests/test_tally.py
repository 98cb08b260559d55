"""The business list's count from the tally the database keeps (models.BusinessTally, migration
0010): whatever statements write the business table (many rows at once, moves, status and grade
changes, deletes, a change of an uncounted column), the tally equals counting the table, and the
list's count from it equals counting the list, for every viewer and filter."""

import datetime

import pytest
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangze.accounts.models import Role, RoleGrant
from liangze.businesses.models import (
    Business,
    BusinessStatus,
    BusinessTally,
    BusinessTallyChange,
    Grade,
)
from liangze.businesses.selectors import business_list
from liangze.businesses.services import business_tally_fold
from liangze.businesses.testing import make_business
from liangze.core.pagination import list_count, with_count
from liangze.core.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

KEY = ("division_id", "status", "grade", "business_type")
STATUSES = [choice.value for choice in BusinessStatus]
GRADES = [choice.value for choice in Grade]
TYPES = ["restaurant", "supermarket", "canteen"]
PLACES = ["village", "other_village", "township", "neighbour_village"]

kinds = st.tuples(st.sampled_from(STATUSES), st.sampled_from(GRADES), st.sampled_from(TYPES))
operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.sampled_from(PLACES), kinds, st.integers(1, 4)),
        st.tuples(st.just("status"), st.sampled_from(GRADES), st.sampled_from(STATUSES)),
        st.tuples(st.just("grade"), st.sampled_from(STATUSES), st.sampled_from(GRADES)),
        st.tuples(st.just("type"), st.sampled_from(GRADES), st.sampled_from(TYPES)),
        st.tuples(st.just("move"), st.sampled_from(PLACES), st.sampled_from(PLACES)),
        st.tuples(st.just("delete"), st.sampled_from(GRADES), st.sampled_from(STATUSES)),
        st.tuples(st.just("rename"), st.sampled_from(GRADES)),
        st.tuples(st.just("fold")),
    ),
    max_size=12,
)
filters = st.fixed_dictionaries(
    {
        "grade": st.sampled_from(["", *GRADES]),
        "status": st.sampled_from(["", *STATUSES]),
        "business_type": st.sampled_from(["", *TYPES]),
        "within": st.sampled_from([None, "township", "village", "neighbour_village"]),
    }
)


def apply(operation, regions) -> None:
    """One statement on the business table, as an import or a bulk change writes it, or a fold
    of the tally's pending changes."""
    kind, *args = operation
    if kind == "create":
        place, (status, grade, business_type), count = args
        Business.objects.bulk_create(
            Business(
                name=f"店{index}",
                business_type=business_type,
                scale="small",
                grade=grade,
                status=status,
                status_since=datetime.date(2026, 1, 1),
                division=getattr(regions, place),
            )
            for index in range(count)
        )
    elif kind == "status":
        Business.objects.filter(grade=args[0]).update(status=args[1])
    elif kind == "grade":
        Business.objects.filter(status=args[0]).update(grade=args[1])
    elif kind == "type":
        Business.objects.filter(grade=args[0]).update(business_type=args[1])
    elif kind == "move":
        source, target = (getattr(regions, place) for place in args)
        Business.objects.filter(division=source).update(division=target)
    elif kind == "delete":
        Business.objects.filter(grade=args[0], status=args[1]).delete()
    elif kind == "rename":
        Business.objects.filter(grade=args[0]).update(name="改名")
    elif kind == "fold":
        business_tally_fold()


def counted_by_hand() -> dict[tuple, int]:
    return {
        tuple(row[field] for field in KEY): row["n"]
        for row in Business.objects.values(*KEY).annotate(n=Count("pk")).order_by()
    }


def tallied() -> dict[tuple, int]:
    """The tally with its pending changes (PostgreSQL's triggers append those), by key."""
    found: dict[tuple, int] = {}
    for model in (BusinessTally, BusinessTallyChange):
        for row in model.objects.values(*KEY, "n"):
            key = tuple(row[field] for field in KEY)
            found[key] = found.get(key, 0) + row["n"]
    return {key: n for key, n in found.items() if n}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations, st.lists(filters, min_size=1, max_size=4))
def test_the_tally_and_the_list_count_equal_counting_whatever_wrote_the_table(
    regions, county_staff, township_staff, admin_user, outsider, history, asked
):
    with transaction.atomic():
        for operation in history:
            apply(operation, regions)
        assert tallied() == counted_by_hand()
        for viewer in (county_staff, township_staff, admin_user, outsider):
            for wanted in asked:
                place = wanted["within"]
                listed = business_list(
                    viewer=viewer,
                    **{**wanted, "within": getattr(regions, place) if place else None},
                )
                assert list_count(listed) == listed.count(), (viewer, wanted)
        transaction.set_rollback(True)


def test_the_services_keep_the_tally(regions, county_staff):
    from liangze.businesses.services import business_move, business_status_change

    shop = make_business(actor=county_staff, division=regions.village, serial=1, grade="B")
    make_business(actor=county_staff, division=regions.village, serial=2, grade="B")
    business_status_change(
        actor=county_staff,
        business=shop,
        to_status=BusinessStatus.SUSPENDED,
        effective_on=datetime.date(2026, 3, 1),
        reason="停业整顿",
    )
    business_move(actor=county_staff, business=shop, division=regions.other_village, reason="搬迁")
    assert (
        tallied()
        == counted_by_hand()
        == {
            (regions.village.pk, "operating", "B", "restaurant"): 1,
            (regions.other_village.pk, "suspended", "B", "restaurant"): 1,
        }
    )
    listed = business_list(viewer=county_staff, status="suspended")
    assert list_count(listed) == 1


def test_a_list_narrowed_further_counts_its_own_rows(regions, county_staff):
    make_business(actor=county_staff, division=regions.village, serial=1)
    make_business(actor=county_staff, division=regions.village, serial=2)
    listed = with_count(Business.objects.order_by("pk"), lambda: 99)
    assert list_count(listed) == 99
    assert list_count(listed.filter(name="测试餐馆1")) == 1
    assert list_count(listed.all()) == 2


def test_searches_and_business_staff_count_their_rows(regions, county_staff):
    shop = make_business(actor=county_staff, division=regions.village, serial=1, name="盐湖拉面")
    make_business(actor=county_staff, division=regions.village, serial=2, name="昆仑超市")
    searched = business_list(viewer=county_staff, search="拉面")
    assert "_known_count" not in vars(searched)
    assert list_count(searched) == 1
    # Staff of one business read it by its id, which a tally by division cannot count.
    director = make_user("director", None, regions.village)
    RoleGrant.objects.create(
        user=director, role=Role.BUSINESS_DIRECTOR, division=regions.village, business=shop
    )
    own = business_list(viewer=director)
    assert "_known_count" not in vars(own)
    assert list_count(own) == 1


def test_a_fold_adds_the_pending_changes_and_forgets_them(regions, county_staff):
    make_business(actor=county_staff, division=regions.village, serial=1)
    make_business(actor=county_staff, division=regions.village, serial=2, grade="B")
    key = {"division": regions.village, "status": "operating", "business_type": "restaurant"}
    # Pending changes as PostgreSQL's triggers append them (SQLite's add to the tally at once).
    BusinessTallyChange.objects.create(**key, grade="C", n=2)
    BusinessTallyChange.objects.create(**key, grade="C", n=-1)
    BusinessTallyChange.objects.create(**key, grade="A", n=1)
    before = tallied()
    counted = list_count(business_list(viewer=county_staff))
    business_tally_fold()
    assert not BusinessTallyChange.objects.exists()
    assert tallied() == before
    assert list_count(business_list(viewer=county_staff)) == counted
    assert BusinessTally.objects.get(**key, grade="A").n == 1


def test_a_viewer_who_sees_nothing_counts_nothing(regions, county_staff):
    make_business(actor=county_staff, division=regions.village, serial=1)
    nobody = make_user("nobody", None, regions.village)
    listed = business_list(viewer=nobody)
    assert "_known_count" in vars(listed)
    assert list_count(listed) == 0


def test_the_fold_runs_every_five_minutes():
    from datetime import timedelta

    from liangze.businesses.tasks import business_tally_fold_run
    from liangze.jobs.schedule import PERIODIC_JOBS

    [fold] = [job for job in PERIODIC_JOBS if job.name == "business_tally_fold"]
    assert fold.task is business_tally_fold_run
    assert fold.every == timedelta(minutes=5)


class TestTheWalkWithoutTheJurisdictionsTest:
    """A deep page is stepped over without the jurisdiction's test when the tally shows every
    business of the list's division and kinds inside the jurisdiction (core.pagination)."""

    def test_offered_while_everything_of_those_kinds_is_inside(self, regions, county_staff):
        make_business(actor=county_staff, division=regions.village, serial=1)
        make_business(actor=county_staff, division=regions.township, serial=2, grade="B")
        walk = vars(business_list(viewer=county_staff))["_cheaper_walk"]()
        assert walk is not None
        assert "regions_division" not in str(walk.query)
        assert sorted(walk.values_list("pk", flat=True)) == sorted(
            Business.objects.values_list("pk", flat=True)
        )

    def test_refused_when_a_business_lies_outside(self, regions, county_staff):
        make_business(actor=county_staff, division=regions.village, serial=1)
        make_business(actor=None, division=regions.neighbour_village, serial=2, grade="B")
        assert vars(business_list(viewer=county_staff))["_cheaper_walk"]() is None
        # The list of grade C holds every business of grade C: the outside one is of grade B.
        narrowed = business_list(viewer=county_staff, grade="C")
        walk = vars(narrowed)["_cheaper_walk"]()
        assert walk is not None
        assert list(walk) == list(narrowed)
        within = business_list(viewer=county_staff, within=regions.township)
        assert vars(within)["_cheaper_walk"]() is not None

    def test_a_village_official_in_a_township_is_refused(self, regions, county_staff):
        make_business(actor=county_staff, division=regions.village, serial=1)
        make_business(actor=county_staff, division=regions.other_village, serial=2)
        village_official = make_user("village_official", Role.OFFICIAL, regions.village)
        listed = business_list(viewer=village_official)
        assert list_count(listed) == 1
        assert vars(listed)["_cheaper_walk"]() is None
        nobody = make_user("nobody", None, regions.village)
        assert vars(business_list(viewer=nobody))["_cheaper_walk"]() is None

    def test_deep_pages_equal_the_plain_slice_either_way(self, regions, county_staff, monkeypatch):
        from liangze.core import pagination
        from liangze.core.pagination import page_slice

        monkeypatch.setattr(pagination, "SHORT_LIST", 0)
        for serial in range(1, 8):
            make_business(actor=county_staff, division=regions.village, serial=serial)
        make_business(actor=None, division=regions.neighbour_village, serial=8)
        for grade in ("", "C"):
            listed = business_list(viewer=county_staff, grade=grade)
            everything = list(listed)
            pages = [page_slice(listed, s, s + 3, count=len(everything)) for s in range(0, 9, 3)]
            assert [b.pk for page in pages for b in page] == [b.pk for b in everything]


class TestTheWalkOnTheWire:
    """The list API's deep pages take the walk without the jurisdiction's test exactly when it
    keeps every row, and the page's rows are read through the whole list either way."""

    @pytest.fixture
    def six(self, regions, county_staff, monkeypatch):
        from liangze.core import pagination

        monkeypatch.setattr(pagination, "SHORT_LIST", 0)
        return [
            make_business(actor=county_staff, division=regions.village, serial=serial)
            for serial in range(1, 7)
        ]

    def page_query(self, client) -> tuple[str, str, list]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            items = client.get("/api/v1/businesses", {"page": 2, "page_size": 2}).json()["items"]
        [page] = [q["sql"] for q in queries.captured_queries if "LIMIT 2 OFFSET 2" in q["sql"]]
        outer, keys = page.split('"businesses_business"."id" IN (SELECT', 1)
        return outer, keys, [item["id"] for item in items]

    def test_taken_when_the_county_holds_every_business(self, six, county_staff, client_for):
        outer, keys, ids = self.page_query(client_for(county_staff))
        assert "regions_division" not in keys
        assert '"businesses_business"."division_id" IN (SELECT' in outer
        assert ids == [b.pk for b in sorted(six, key=lambda b: (b.name, b.pk))][2:4]

    def test_not_taken_with_a_business_outside(self, six, regions, county_staff, client_for):
        make_business(actor=None, division=regions.neighbour_village, serial=9)
        _outer, keys, ids = self.page_query(client_for(county_staff))
        assert "regions_division" in keys
        assert ids == [b.pk for b in sorted(six, key=lambda b: (b.name, b.pk))][2:4]

    def test_a_pending_change_outside_refuses_it_without_changing_the_count(
        self, six, regions, county_staff
    ):
        """A change not yet folded in that adds one outside (PostgreSQL appends them) is taken as
        a business outside: the walk is refused, which costs speed, never a row."""
        BusinessTallyChange.objects.create(
            division=regions.neighbour_village,
            status="operating",
            grade="C",
            business_type="restaurant",
            n=1,
        )
        BusinessTallyChange.objects.create(
            division=regions.neighbour_village,
            status="operating",
            grade="C",
            business_type="restaurant",
            n=-1,
        )
        listed = business_list(viewer=county_staff)
        assert list_count(listed) == 6
        assert vars(listed)["_cheaper_walk"]() is None

    def test_an_administrator_always_takes_it(self, six, regions, admin_user):
        make_business(actor=None, division=regions.neighbour_village, serial=9)
        listed = business_list(viewer=admin_user)
        assert list_count(listed) == 7
        assert vars(listed)["_cheaper_walk"]() is not None
