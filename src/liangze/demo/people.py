"""The demo's people: one account per role, on the real Golmud chain (docs/domain.md §4).

Each entry: username, full name, role, division code (12 digits, NBS 2023), what it shows.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from liangze.accounts.models import Role

QINGHAI = "630000000000"
HAIXI = "632800000000"
GOLMUD = "632801000000"
DELINGHA = "632802000000"
GUOLEMUDE = "632801100000"  # 郭勒木德镇
ZHONGCUN = "632801100200"  # first village committee of 郭勒木德镇 in the 2023 table


@dataclass(frozen=True)
class DemoPerson:
    username: str
    display_name: str
    role: str
    division_code: str | None
    description: str


DEMO_PEOPLE = [
    DemoPerson("admin", "平台管理员", Role.ADMIN, None, _("Platform administrator")),
    DemoPerson(
        "qinghai_office",
        "青海省食安办 王敏",
        Role.OFFICE_STAFF,
        QINGHAI,
        _("Province food safety office"),
    ),
    DemoPerson(
        "haixi_office",
        "海西州食安办 李强",
        Role.OFFICE_STAFF,
        HAIXI,
        _("Prefecture food safety office"),
    ),
    DemoPerson(
        "golmud_office",
        "格尔木市食安办 张丽",
        Role.OFFICE_STAFF,
        GOLMUD,
        _("County food safety office (Golmud)"),
    ),
    DemoPerson(
        "guolemude_office",
        "郭勒木德镇食安办 赵磊",
        Role.OFFICE_STAFF,
        GUOLEMUDE,
        _("Township food safety office"),
    ),
    DemoPerson(
        "haixi_official",
        "海西州包保干部 陈刚",
        Role.OFFICIAL,
        HAIXI,
        _("Prefecture-level official (grade A)"),
    ),
    DemoPerson(
        "golmud_official",
        "格尔木市包保干部 刘洋",
        Role.OFFICIAL,
        GOLMUD,
        _("County-level official (grade B)"),
    ),
    DemoPerson(
        "guolemude_official",
        "郭勒木德镇包保干部 杨帆",
        Role.OFFICIAL,
        GUOLEMUDE,
        _("Township-level official (grade C)"),
    ),
    DemoPerson(
        "village_official",
        "村级包保干部 马海",
        Role.OFFICIAL,
        None,
        _("Village-level official (grade D)"),
    ),
    DemoPerson(
        "guolemude_regulator",
        "郭勒木德市场监管所 孙静",
        Role.REGULATOR,
        GUOLEMUDE,
        _("Regulator, township station"),
    ),
    DemoPerson(
        "golmud_leader", "格尔木市分管领导 周建国", Role.LEADER, GOLMUD, _("Leader, read-only")
    ),
    DemoPerson(  # on the division of the demo business they direct (demo.businesses)
        "business_director",
        "食品安全总监 何芳",
        Role.BUSINESS_DIRECTOR,
        None,
        _("Business food-safety director"),
    ),
    DemoPerson(  # the officer of the same business
        "business_officer",
        "食品安全员 韩雪",
        Role.BUSINESS_OFFICER,
        None,
        _("Business food-safety officer"),
    ),
    DemoPerson(
        "delingha_office",
        "德令哈市食安办 吴涛",
        Role.OFFICE_STAFF,
        DELINGHA,
        _("Neighbouring county office (德令哈)"),
    ),
]
