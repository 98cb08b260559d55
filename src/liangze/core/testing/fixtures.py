"""Shared fixtures: one small region tree (a region per level plus a neighbouring county) and the
personas of docs/architecture.md#tests on it. `client_for(user)` returns a logged-in test client."""

import pytest
from django.test import Client

from liangze.accounts.models import Role, RoleGrant, User
from liangze.core.tables import TableRow
from liangze.regions.models import Division
from liangze.regions.services import division_table_import

TEST_PASSWORD = "correct-horse-battery"

TREE_ROWS = [
    ("630000000000", "青海省", ""),
    ("632800000000", "海西蒙古族藏族自治州", "630000000000"),
    ("632801000000", "格尔木市", "632800000000"),
    ("632801100000", "郭勒木德镇", "632801000000"),
    ("632801100200", "中村委会", "632801100000"),
    ("632801100201", "南村委会", "632801100000"),
    ("632802000000", "德令哈市（邻县）", "632800000000"),
    ("632802100000", "邻县某镇", "632802000000"),
    ("632802100200", "邻县某村", "632802100000"),
]


class RegionTree:
    def __init__(self):
        self.by_code = {d.code: d for d in Division.objects.all()}
        self.province = self.by_code["630000000000"]
        self.city = self.by_code["632800000000"]
        self.county = self.by_code["632801000000"]
        self.township = self.by_code["632801100000"]
        self.village = self.by_code["632801100200"]
        self.other_village = self.by_code["632801100201"]
        self.neighbour_county = self.by_code["632802000000"]
        self.neighbour_township = self.by_code["632802100000"]
        self.neighbour_village = self.by_code["632802100200"]


@pytest.fixture
def regions(db) -> RegionTree:
    rows = [
        TableRow(line=i + 2, values={"code": c, "name": n, "parent_code": p})
        for i, (c, n, p) in enumerate(TREE_ROWS)
    ]
    division_table_import(actor=None, rows=rows, vintage=2023)
    return RegionTree()


def make_user(username: str, role: str | None, division: Division | None, **extra) -> User:
    user = User(
        username=username,
        display_name=extra.pop("display_name", username),
        division=division,
        **extra,
    )
    user.set_password(TEST_PASSWORD)
    user.save()
    if role:
        RoleGrant.objects.create(user=user, role=role, division=division)
    return user


@pytest.fixture
def user_factory(regions):
    return make_user


@pytest.fixture
def admin_user(regions):
    return make_user("admin", Role.ADMIN, None)


@pytest.fixture
def province_staff(regions):
    return make_user("province_staff", Role.OFFICE_STAFF, regions.province)


@pytest.fixture
def county_staff(regions):
    return make_user("county_staff", Role.OFFICE_STAFF, regions.county)


@pytest.fixture
def township_staff(regions):
    return make_user("township_staff", Role.OFFICE_STAFF, regions.township)


@pytest.fixture
def city_official(regions):
    return make_user("city_official", Role.OFFICIAL, regions.city)


@pytest.fixture
def county_official(regions):
    return make_user("county_official", Role.OFFICIAL, regions.county)


@pytest.fixture
def township_official(regions):
    return make_user("township_official", Role.OFFICIAL, regions.township)


@pytest.fixture
def village_official(regions):
    return make_user("village_official", Role.OFFICIAL, regions.village)


@pytest.fixture
def regulator(regions):
    return make_user("regulator", Role.REGULATOR, regions.township)


@pytest.fixture
def leader(regions):
    return make_user("leader", Role.LEADER, regions.county)


@pytest.fixture
def business_director(regions):
    return make_user("business_director", Role.BUSINESS_DIRECTOR, regions.village)


@pytest.fixture
def outsider(regions):
    """Office staff of the neighbouring county: anything of ours they can see is a leak."""
    return make_user("outsider", Role.OFFICE_STAFF, regions.neighbour_county)


@pytest.fixture
def public():
    return None


PERSONAS = [
    "admin_user",
    "province_staff",
    "county_staff",
    "township_staff",
    "city_official",
    "county_official",
    "township_official",
    "village_official",
    "regulator",
    "leader",
    "business_director",
    "outsider",
    "public",
]


@pytest.fixture
def client_for():
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
