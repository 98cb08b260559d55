"""Pages of the business list with names in no particular order (as imports write them): every
page, by either path of core.pagination and from either end, lists exactly the rows of the plain
ordered list, and a list row reads the same as the business read alone."""

import pytest
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangze.businesses import selectors
from liangze.businesses.models import Business
from liangze.businesses.search import name_search_fields
from liangze.businesses.selectors import SORTS
from liangze.businesses.services import business_tally_fold
from liangze.businesses.testing import make_business
from liangze.core import pagination
from liangze.core.pagination import page_slice

URL = "/api/v1/businesses"
# Few letters: names repeat and share prefixes, so ties fall to the primary key.
NAME = st.text(alphabet="格尔木超市面馆ab", min_size=1, max_size=4)
ROWS = st.lists(
    st.tuples(NAME, st.sampled_from("ABCD"), st.integers(min_value=0, max_value=3)),
    min_size=1,
    max_size=40,
)


def _replace_registry(rows, places, actor) -> None:
    """The businesses, inserted in the order drawn (not by name), as set-based data would be."""
    Business.objects.all().delete()
    Business.objects.bulk_create(
        Business(
            name=name,
            **name_search_fields(name),
            uscc=f"92632801MA{serial:07d}X",
            business_type="restaurant",
            scale="micro",
            grade=grade,
            status="operating" if serial % 5 else "suspended",
            status_since="2024-01-01",
            division=places[place],
            created_by=actor,
        )
        for serial, (name, grade, place) in enumerate(rows)
    )


@pytest.mark.django_db
class TestDeepPagesWithNamesInNoOrder:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        rows=ROWS,
        sort=st.sampled_from(sorted(SORTS)),
        grade=st.sampled_from(["", "B", "C"]),
        per_page=st.integers(min_value=1, max_value=7),
        short_list=st.sampled_from([0, 1000]),
        viewer_name=st.sampled_from(["county_staff", "township_staff", "admin_user"]),
    )
    def test_every_page_is_the_plain_slice(
        self, request, regions, monkeypatch, rows, sort, grade, per_page, short_list, viewer_name
    ):
        viewer = request.getfixturevalue(viewer_name)
        places = [
            regions.village,
            regions.other_village,
            regions.township,
            regions.neighbour_village,
        ]
        _replace_registry(rows, places, viewer)
        business_tally_fold()  # PostgreSQL: the replaced rows' changes, folded as every 5 minutes
        monkeypatch.setattr(pagination, "SHORT_LIST", short_list)
        listed = selectors.business_list(viewer=viewer, sort=sort, grade=grade)
        everything = list(listed)
        # The plain statement of the list, in Python: the viewer's businesses in the ordering.
        # What the viewer sees, stated plainly: all three see the county's places, not the
        # neighbour's; an administrator sees everything.
        expected = sorted(
            pk
            for pk, division_id, row_grade in Business.objects.values_list(
                "pk", "division_id", "grade"
            )
            if (viewer_name == "admin_user" or division_id != places[3].pk)
            and (not grade or row_grade == grade)
        )
        assert sorted(b.pk for b in everything) == expected
        # Stepped over without the jurisdiction's test exactly when it would keep every row.
        of_grade = Business.objects.filter(grade=grade) if grade else Business.objects.all()
        walk = vars(listed)["_cheaper_walk"]()
        assert (walk is not None) == (len(expected) == of_grade.count())
        count = len(everything)
        pages = [
            page_slice(listed, start, start + per_page, count=count)
            for start in range(0, count + per_page, per_page)
        ]
        assert [b.pk for page in pages for b in page] == [b.pk for b in everything]
        assert [b.name for b in everything] == [b.name for b in listed.order_by(*SORTS[sort])]

    @pytest.mark.parametrize("short_list", [0, 1000])
    def test_rows_in_no_order_page_through_the_api(
        self, short_list, county_staff, regions, client_for, monkeypatch
    ):
        names = ["面馆b", "a", "超市", "格尔木", "aa", "面", "超市", "b", "格尔", "a"] * 3
        places = [regions.village, regions.other_village]
        _replace_registry([(n, "C", i % 2) for i, n in enumerate(names)], places, county_staff)
        monkeypatch.setattr(pagination, "SHORT_LIST", short_list)
        client = client_for(county_staff)
        listed = [
            (item["name"], item["id"])
            for page in range(1, 9)
            for item in client.get(URL, {"page": page, "page_size": 4}).json()["items"]
        ]
        assert listed == sorted(Business.objects.values_list("name", "id"))


@pytest.mark.django_db
def test_a_list_row_reads_as_the_business_alone(county_staff, regions, client_for):
    from liangze.businesses.testing import make_business

    make_business(actor=county_staff, division=regions.village, serial=1, name="昆仑超市")
    suspended = make_business(actor=county_staff, division=regions.township, serial=2)
    Business.objects.filter(pk=suspended.pk).update(status="suspended", lat_e6=F("pk"))
    client = client_for(county_staff)
    items = client.get(URL).json()["items"]
    assert len(items) == 2
    for item in items:
        assert item == client.get(f"{URL}/{item['id']}").json()
    assert {item["in_scope"] for item in items} == {True, False}


class TestBoundedSearchPage:
    """A search on the list page counts up to pagination.COUNT_LIMIT, then says "more than"."""

    @pytest.fixture
    def five(self, county_staff, regions, monkeypatch):
        monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
        for serial in range(1, 6):
            make_business(actor=county_staff, division=regions.village, serial=serial)

    def test_more_than_the_bound_says_so(self, five, county_staff, client_for):
        response = client_for(county_staff).get("/businesses/", {"q": "餐馆"})
        body = response.content.decode()
        assert 'data-count="3" data-more="true"' in body
        assert "超过 3 个" in body
        assert len(response.context["page"].object_list) == 3

    def test_fewer_are_counted_exactly(self, five, county_staff, client_for):
        client = client_for(county_staff)
        narrow = client.get("/businesses/", {"q": "餐馆2"}).content.decode()
        assert 'data-count="1">' in narrow
        assert "data-more" not in narrow
        plain = client.get("/businesses/").content.decode()  # no search: the whole count
        assert 'data-count="5">' in plain
        assert "data-more" not in plain

    def test_in_english_too(self, five, county_staff, client_for):
        client = client_for(county_staff)
        client.cookies["liangze_language"] = "en"
        body = client.get("/businesses/", {"q": "餐馆"}).content.decode()
        assert "More than 3 found" in body
