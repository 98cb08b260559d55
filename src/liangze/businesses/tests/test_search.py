"""Search as Chinese users search (businesses/search.py): parts of credit codes, several words,
pinyin and initials; the trigram index returns exactly what the plain scan returns; every write
path stores the name's keys."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin

from liangze.businesses import selectors, services
from liangze.businesses.models import Business
from liangze.businesses.search import FTS_TABLE, business_search, name_search_fields
from liangze.businesses.testing import make_business, make_uscc
from liangze.demo.businesses import demo_businesses

NAMES = [
    ("格尔木市昆仑路惠民超市", "昆仑路12号"),
    ("盐湖便利超市", "格尔木市河西街道盐湖路3号"),
    ("重庆火锅店", "柴达木路8号"),
    ("KFC 肯德基（昆仑店）", "昆仑路1号"),
    ("银行食堂", "格尔木市金峰路"),
    ("德令哈市老张牛肉面馆", "德令哈市长江路"),
    ("乌兰县7天快餐", "乌兰县希里沟镇"),
    ("河西农贸市场", "格尔木市河西街道"),
]


@pytest.fixture
def shops(county_staff, regions):
    return {
        name: make_business(
            actor=county_staff,
            division=regions.village,
            serial=serial,
            name=name,
            address=address,
            uscc=make_uscc(serial * 7919, area="632801"),
        )
        for serial, (name, address) in enumerate(NAMES, start=1)
    }


def found(viewer, query: str, **kwargs) -> set[str]:
    return set(
        selectors.business_list(viewer=viewer, search=query, **kwargs).values_list(
            "name", flat=True
        )
    )


class TestNameKeys:
    def test_it_reads_names_as_pypinyin_does(self):
        keys = name_search_fields("格尔木KFC 7天超市")
        assert keys["name_pinyin"] == "geermukfc7tianchaoshi"
        assert keys["name_initials"] == "gemkfc7tcs"
        # Phrases take their reading in context: 重庆 is chongqing, 银行 yinhang.
        assert name_search_fields("重庆银行")["name_pinyin"] == "chongqingyinhang"
        assert name_search_fields("ＫＦＣ")["name_pinyin"] == "kfc"

    def test_it_agrees_with_lazy_pinyin_on_every_demo_name(self, regions):
        units = [
            (division.code, division.name)
            for division in (regions.township, regions.village, regions.other_village)
        ]
        names = {row.name for row in demo_businesses(units)}
        assert len(names) > 50
        for name in names:
            expected = "".join(part.lower() for part in lazy_pinyin(name) if part.isalnum())
            assert name_search_fields(name)["name_pinyin"] == expected, name

    @given(st.text(max_size=40))
    def test_it_gives_keys_for_any_name(self, name):
        keys = name_search_fields(name)
        assert set(keys) == {"name_pinyin", "name_initials", "name_grams"}
        assert keys["name_pinyin"] == keys["name_pinyin"].lower()
        assert len(keys["name_initials"]) <= len(keys["name_pinyin"])


@pytest.mark.django_db
class TestSearch:
    @pytest.mark.parametrize(
        ("query", "names"),
        [
            ("超市", {"格尔木市昆仑路惠民超市", "盐湖便利超市"}),  # two characters
            ("格尔木 超市", {"格尔木市昆仑路惠民超市", "盐湖便利超市"}),  # the address says 格尔木
            ("昆仑 超市", {"格尔木市昆仑路惠民超市"}),
            ("chongqing", {"重庆火锅店"}),  # full pinyin, in context
            ("huoguo", {"重庆火锅店"}),
            ("cqhg", {"重庆火锅店"}),  # initials
            ("cs", {"格尔木市昆仑路惠民超市", "盐湖便利超市"}),
            ("YINHANG", {"银行食堂"}),
            ("kfc", {"KFC 肯德基（昆仑店）"}),
            ("牛肉面", {"德令哈市老张牛肉面馆"}),
            ("7天", {"乌兰县7天快餐"}),
            ("超市 火锅", set()),
        ],
    )
    def test_it_finds_words_in_names_pinyin_and_addresses(self, query, names, shops, county_staff):
        assert found(county_staff, query) == names

    def test_it_finds_a_part_of_a_credit_code(self, shops, county_staff):
        shop = shops["重庆火锅店"]
        part = shop.uscc[8:13]
        assert found(county_staff, part) == {"重庆火锅店"}
        assert found(county_staff, part.lower()) == {"重庆火锅店"}
        assert found(county_staff, shop.uscc) == {"重庆火锅店"}

    def test_it_keeps_to_the_viewers_jurisdiction(self, shops, outsider):
        assert found(outsider, "超市") == set()

    def test_it_sorts_by_pinyin(self, shops, county_staff):
        names = list(
            selectors.business_list(viewer=county_staff, sort="pinyin").values_list(
                "name", flat=True
            )
        )
        # c(hongqing: 重 read in context) d(elingha) g(eermu) h(exi) k(fc) w(ulan) y(anhu, inhang)
        assert names[:3] == ["重庆火锅店", "德令哈市老张牛肉面馆", "格尔木市昆仑路惠民超市"]
        assert names == sorted(names, key=lambda name: name_search_fields(name)["name_pinyin"])
        backwards = selectors.business_list(viewer=county_staff, sort="-pinyin")
        assert list(backwards.values_list("name", flat=True)) == names[::-1]

    def test_the_api_searches_the_same_way(self, shops, county_staff, client_for):
        response = client_for(county_staff).get("/api/v1/businesses", {"q": "geermu chaoshi"})
        assert response.status_code == 200
        assert [item["name"] for item in response.json()["items"]] == ["格尔木市昆仑路惠民超市"]

    def test_the_list_page_searches_the_same_way(self, shops, county_staff, client_for):
        response = client_for(county_staff).get("/businesses/", {"q": "cqhg", "sort": "pinyin"})
        assert response.status_code == 200
        assert [b.name for b in response.context["page"].object_list] == ["重庆火锅店"]


def _pieces(shops) -> list[str]:
    pieces = []
    for shop in shops.values():
        for text in (shop.name, shop.name_pinyin, shop.name_initials, shop.uscc, shop.address):
            pieces += [text[at : at + size] for size in (1, 2, 3, 5) for at in range(len(text))]
    return pieces


@pytest.mark.django_db
class TestIndexedEqualsPlain:
    """The indexed path returns exactly the rows the plain scan returns."""

    @settings(
        max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(data=st.data())
    def test_it_returns_what_the_plain_scan_returns(self, data, shops, county_staff):
        piece = st.sampled_from(_pieces(shops))
        word = st.one_of(piece, piece, st.text(min_size=1, max_size=4).filter(str.strip))
        words = data.draw(st.lists(word, min_size=1, max_size=3))
        query = " ".join(words)
        everything = Business.objects.all()
        indexed = set(business_search(everything, query).values_list("pk", flat=True))
        plain = set(business_search(everything, query, indexed=False).values_list("pk", flat=True))
        assert indexed == plain, query

    def test_the_index_follows_renames_and_other_changes(self, shops, county_staff):
        shop = shops["重庆火锅店"]
        services.business_update(
            actor=county_staff, business=shop, fields={"name": "青海湖鱼庄", "address": "湖滨路"}
        )
        assert found(county_staff, "火锅") == set()
        assert found(county_staff, "qinghaihu") == {"青海湖鱼庄"}
        assert found(county_staff, "湖滨路") == {"青海湖鱼庄"}
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:  # the index holds one row per business, no more
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")  # noqa: S608
            assert cursor.fetchone()[0] == Business.objects.count()

    def test_the_indexed_path_reads_the_index(self, shops):
        sql = str(business_search(Business.objects.all(), "超市").query)
        # PostgreSQL: on the table itself, as the index's expression, not through a self-join.
        expected = f"{FTS_TABLE} MATCH" if connection.vendor == "sqlite" else '"name_grams") ILIKE'
        assert expected in sql


@pytest.mark.django_db
class TestEveryWritePathStoresTheKeys:
    def _assert_keys_match(self):
        for business in Business.objects.all():
            stored = {
                f: getattr(business, f) for f in ("name_pinyin", "name_initials", "name_grams")
            }
            assert stored == name_search_fields(business.name), business.name

    def test_the_services_store_them(self, shops, county_staff):
        services.business_update(
            actor=county_staff, business=shops["盐湖便利超市"], fields={"name": "察汗便利店"}
        )
        self._assert_keys_match()
        assert Business.objects.get(name="察汗便利店").name_initials == "chbld"

    def test_the_import_stores_them_for_new_and_renamed_businesses(self, shops, county_staff):
        from liangze.businesses.tests.imports.helpers import check, commit, row, xlsx

        renamed = shops["河西农贸市场"]
        rows = [row(1, name="昆仑路重庆小面"), row(2, uscc=renamed.uscc, name="河东农贸市场")]
        commit(county_staff, check(county_staff, xlsx(rows)), mode="all_or_nothing")
        assert Business.objects.filter(name__in=["昆仑路重庆小面", "河东农贸市场"]).count() == 2
        self._assert_keys_match()
        assert found(county_staff, "hedong") == {"河东农贸市场"}
        assert found(county_staff, "chongqingxiaomian") == {"昆仑路重庆小面"}
