"""Golmud's 2,397 covered businesses (docs/domain.md §4: A 4, B 21, C 59, D 2,313) as demo rows.

A pure function of the division list and one seed: the same input gives the same rows, names and
codes every time, which is what makes `demo_load` idempotent. Every name, person, phone number and
code is made up (the codes well-formed, check digits right), and the points are approximate demo
data, not surveyed locations.
"""

import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from liangze.businesses.codes import USCC_ALPHABET, uscc_check_digit
from liangze.businesses.models import BusinessStatus, Grade
from liangze.businesses.types import (
    SCALE_THRESHOLDS,
    TYPE_GROUP,
    BusinessGroup,
    BusinessType,
    Scale,
)
from liangze.demo.words import (
    CLOSE_REASONS,
    GIVEN,
    INDUSTRIES,
    KINDS,
    MOBILE_PREFIXES,
    NUMERALS,
    OTHER_NAMES,
    ROADS,
    SC_CATEGORIES,
    SURNAMES,
    SUSPEND_REASONS,
    WORDS,
    WORKPLACES,
)

SEED = 632801_2023
COUNTY = "632801"  # registration area of every code below (GB/T 2260, docs/domain.md §3.3)
GRADE_COUNTS = {Grade.A: 4, Grade.B: 21, Grade.C: 59, Grade.D: 2313}
SUSPENDED = 24  # about 1 %
CLOSED = 12  # about 0.5 %
FIRST_DAY = date(2023, 1, 1)
LEDGER_DAY = date(2023, 6, 30)  # the county's first ledger (seed 001, July 2023)
LAST_REGISTRATION = date(2026, 9, 30)
LAST_DAY = date(2026, 10, 31)

T = BusinessType
GRADE_SCALE = {
    Grade.A: Scale.LARGE,
    Grade.B: Scale.MEDIUM,
    Grade.C: Scale.SMALL,
    Grade.D: Scale.MICRO,
}
# Exact type counts for the few large ones; grade D is drawn by weight.
TYPE_COUNTS = {
    Grade.A: {
        T.FOOD_PRODUCER: 1,
        T.SPECIAL_FOOD_PRODUCER: 1,
        T.CENTRAL_KITCHEN: 1,
        T.SUPERMARKET: 1,
    },
    Grade.B: {
        T.RESTAURANT: 6,  # the first one is the demo business director's
        T.FOOD_PRODUCER: 4,
        T.SUPERMARKET: 5,
        T.SCHOOL_CANTEEN: 4,
        T.MEAL_DELIVERY_UNIT: 2,
    },
    Grade.C: {
        T.RESTAURANT: 14,
        T.SCHOOL_CANTEEN: 8,
        T.CHILDCARE_CANTEEN: 6,
        T.ELDERLY_CARE_CANTEEN: 3,
        T.HOSPITAL_CANTEEN: 3,
        T.WORKPLACE_CANTEEN: 5,
        T.CONSTRUCTION_SITE_CANTEEN: 4,
        T.WHOLESALER: 6,
        T.MARKET: 5,
        T.BAKERY: 5,
    },
}
D_TYPE_WEIGHTS = {
    T.GROCERY: 22,
    T.SNACK_BAR: 17,
    T.STREET_VENDOR: 12,
    T.RESTAURANT: 11,  # 小餐饮: the family eatery is micro too
    T.CONVENIENCE_STORE: 9,
    T.FAST_FOOD: 9,
    T.DRINKS_SHOP: 8,
    T.SMALL_WORKSHOP: 6,
    T.RURAL_BANQUET_VENUE: 3,
}


@dataclass(frozen=True)
class Township:
    place: str  # the place word used in names
    lat_e6: int
    lng_e6: int
    spread_e6: int  # how far its villages lie from the centre
    weight: int  # relative share of the county's grade C and D businesses
    urban: bool = False
    producers: int = 0  # relative share of the county's larger producers


# Approximate demo points (WGS-84 micro-degrees), not surveyed: the five streets are the city
# (about lat 36.40–36.43, lng 94.88–94.93); 唐古拉镇 is 沱沱河, some 400 km south on the
# Qinghai–Tibet road; 察尔汗 is the salt lake to the north; 大格勒 east, 乌图美仁 west.
TOWNSHIPS = {
    "632801001000": Township("昆仑路", 36_414_000, 94_905_000, 5_000, 170, urban=True),
    "632801002000": Township("黄河路", 36_418_000, 94_918_000, 5_000, 130, urban=True),
    "632801003000": Township("金峰路", 36_405_000, 94_898_000, 5_000, 140, urban=True),
    "632801004000": Township("河西", 36_412_000, 94_886_000, 5_000, 140, urban=True),
    "632801005000": Township("西藏路", 36_423_000, 94_896_000, 5_000, 120, urban=True),
    "632801100000": Township("郭勒木德", 36_440_000, 94_860_000, 40_000, 160, producers=4),
    "632801101000": Township("唐古拉", 34_216_000, 92_440_000, 60_000, 15),
    "632801200000": Township("大格勒", 36_450_000, 95_600_000, 40_000, 30, producers=2),
    "632801201000": Township("乌图美仁", 36_900_000, 93_200_000, 50_000, 25),
    "632801400000": Township("察尔汗", 36_800_000, 95_000_000, 10_000, 40, producers=2),
    "632801401000": Township("农垦", 36_350_000, 94_950_000, 20_000, 30, producers=2),
}
DIRECTOR_TOWNSHIP = "632801100000"  # 郭勒木德镇, where the demo's township staff work
URBAN_LAT = (36_400_000, 36_430_000)
URBAN_LNG = (94_880_000, 94_930_000)
VILLAGE_SUFFIXES = re.compile(r"(社区居委会|社区委员会|居委会|牧委会|农工商公司生活区)$")
VILLAGE_WEIGHTS = (("社区", 30), ("居委会", 30), ("生活区", 20), ("村委会", 15), ("牧委会", 4))
RURAL = ("村委会", "牧委会")  # where a rural banquet venue can be

RISK_WEIGHTS_HIGH = {"A": 1, "B": 3, "C": 4, "D": 2}
RISK_WEIGHTS_LOW = {"A": 4, "B": 4, "C": 2, "D": 0}
HIGH_RISK = {
    T.FOOD_PRODUCER,
    T.SPECIAL_FOOD_PRODUCER,
    T.CENTRAL_KITCHEN,
    T.MEAL_DELIVERY_UNIT,
    T.SCHOOL_CANTEEN,
    T.CHILDCARE_CANTEEN,
    T.CONSTRUCTION_SITE_CANTEEN,
    T.SMALL_WORKSHOP,
    T.RURAL_BANQUET_VENUE,
}
CANTEENS_FOR_CHILDREN = {T.SCHOOL_CANTEEN, T.CHILDCARE_CANTEEN}
LICENCE_FORM = {  # JY form digit (docs/domain.md §3.2): 1 sale, 2 catering, 3 canteen
    BusinessGroup.SALE: "1",
    BusinessGroup.CATERING: "2",
    BusinessGroup.CANTEEN: "3",
}
UNLICENSED = {T.MARKET, T.SMALL_WORKSHOP, T.STREET_VENDOR, T.RURAL_BANQUET_VENUE}
ORG_CODE_CHARS = USCC_ALPHABET  # so that the org code also fits the credit code's alphabet
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class DemoBusiness:
    """One demo business, in the model's field names; `registered_on` starts its status history."""

    name: str
    uscc: str
    registration_number: str
    license_number: str
    business_type: str
    grade: str
    scale: str
    staff_count: int
    annual_revenue_fen: int
    risk_level: str
    chain_hq: bool
    key: bool
    open_kitchen: bool
    division_code: str
    address: str
    lat_e6: int
    lng_e6: int
    contact_name: str
    contact_phone: str
    registered_on: date
    status: str
    status_since: date
    status_reason: str
    for_director: bool = False  # the business the demo's business director works for


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    place: str
    township: str  # township code
    weight: int
    rural: bool
    lat_e6: int
    lng_e6: int


def _place_of(name: str) -> str:
    if name.endswith("村委会"):
        return name.removesuffix("委会")
    return VILLAGE_SUFFIXES.sub("", name) or name


def _village_weight(name: str) -> int:
    return next((weight for suffix, weight in VILLAGE_WEIGHTS if suffix in name), 10)


def _clamp(value: int, bounds: tuple[int, int]) -> int:
    return max(bounds[0], min(bounds[1], value))


def _org_code(rng: random.Random) -> str:
    """A GB 11714 organisation code: 'MA' and 6 characters, then its own check character."""
    body = "MA" + "".join(rng.choice(ORG_CODE_CHARS) for _ in range(6))
    values = [int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, ORG_CODE_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


class _Builder:
    """The generator's state: the seeded RNG and what is taken (names, codes, sequence numbers)."""

    def __init__(self, units: Iterable[tuple[str, str]]):
        self.rng = random.Random(SEED)  # noqa: S311 demo data, not a secret
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.sequences: Counter[str] = Counter()
        self.townships: dict[str, _Unit] = {}
        self.villages: dict[str, list[_Unit]] = {}
        units = sorted(units)
        for code, name in units:
            if code[9:] == "000":
                profile = TOWNSHIPS[code]
                self.townships[code] = _Unit(
                    code, name, profile.place, code, profile.weight, False,
                    profile.lat_e6, profile.lng_e6,
                )  # fmt: skip
        for code, name in units:
            if code[9:] != "000":
                township = code[:9] + "000"
                self.villages.setdefault(township, []).append(self._village(code, name, township))

    def _village(self, code: str, name: str, township: str) -> _Unit:
        profile = TOWNSHIPS[township]
        lat = profile.lat_e6 + self.rng.randint(-profile.spread_e6, profile.spread_e6)
        lng = profile.lng_e6 + self.rng.randint(-profile.spread_e6, profile.spread_e6)
        if profile.urban:
            lat, lng = _clamp(lat, URBAN_LAT), _clamp(lng, URBAN_LNG)
        rural = name.endswith(RURAL)
        return _Unit(code, name, _place_of(name), township, _village_weight(name), rural, lat, lng)

    # Where: a township (grades A and B, and a few others) or one of its villages.

    def pick_township(self, business_type: str, grade: str) -> str:
        codes = list(self.townships)
        if business_type in (T.FOOD_PRODUCER, T.SPECIAL_FOOD_PRODUCER):
            weights = [TOWNSHIPS[c].producers for c in codes]
        elif grade in (Grade.A, Grade.B):  # the larger shops and canteens are in the city
            weights = [3 if TOWNSHIPS[c].urban else int(c == DIRECTOR_TOWNSHIP) for c in codes]
        elif business_type == T.RURAL_BANQUET_VENUE:
            weights = [
                TOWNSHIPS[c].weight if any(v.rural for v in self.villages.get(c, [])) else 0
                for c in codes
            ]
        else:
            weights = [TOWNSHIPS[c].weight for c in codes]
        return self.rng.choices(codes, weights)[0]

    def pick_village(self, township: str, business_type: str) -> _Unit:
        villages = self.villages[township]
        if business_type == T.RURAL_BANQUET_VENUE:
            villages = [v for v in villages if v.rural]
        return self.rng.choices(villages, [v.weight for v in villages])[0]

    def locate(self, unit: _Unit) -> tuple[int, int]:
        urban = TOWNSHIPS[unit.township].urban
        spread = 1_500 if urban else 8_000
        lat = unit.lat_e6 + self.rng.randint(-spread, spread)
        lng = unit.lng_e6 + self.rng.randint(-spread, spread)
        if urban:
            return _clamp(lat, URBAN_LAT), _clamp(lng, URBAN_LNG)
        return lat, lng

    def address(self, unit: _Unit) -> str:
        township = self.townships[unit.township]
        village = "" if unit.code == township.code else unit.place
        if TOWNSHIPS[unit.township].urban:
            return f"格尔木市{township.name}{self.rng.choice(ROADS)}{self.rng.randint(1, 300)}号"
        return f"格尔木市{township.name}{village}{self.rng.randint(1, 120)}号"

    # Who: names, people, phones.

    def person(self) -> str:
        if self.rng.random() < 0.1:
            return self.rng.choice(OTHER_NAMES)
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def phone(self) -> str:
        return f"+86{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randint(0, 99_999_999):08d}"

    def owner(self) -> str:
        surname = self.rng.choice(SURNAMES)
        return self.rng.choice((f"老{surname}家", f"{surname}记", f"{surname}师傅", f"{surname}姐"))

    def _name(self, business_type: str, grade: str, place: str) -> str:
        rng = self.rng
        word = rng.choice(WORDS)
        numeral = rng.choice(NUMERALS)
        industry = rng.choice(INDUSTRIES.get(business_type, [""]))
        kind = rng.choice(KINDS.get(business_type, [""]))
        match business_type:
            case T.FOOD_PRODUCER | T.SPECIAL_FOOD_PRODUCER | T.MEAL_DELIVERY_UNIT:
                return f"格尔木{word}{industry}有限公司"
            case T.CENTRAL_KITCHEN if industry == "中央厨房":
                return f"格尔木{word}中央厨房有限公司"
            case T.CENTRAL_KITCHEN:
                return f"格尔木{word}{industry}有限公司中央厨房"
            case T.SUPERMARKET:
                return f"格尔木{word}{industry}有限公司"
            case T.RESTAURANT if grade in (Grade.A, Grade.B):
                return rng.choice(
                    (
                        f"格尔木{word}大酒店",
                        f"格尔木{word}{industry}有限公司",
                        f"格尔木市{word}清真大饭店",
                    )
                )
            case T.CONSTRUCTION_SITE_CANTEEN:
                return f"格尔木{word}{industry}有限公司{place}项目部工地食堂"
            case T.SCHOOL_CANTEEN:
                school = rng.choice(
                    (f"{place}小学", f"{place}中学", f"第{numeral}中学", f"第{numeral}小学",
                     f"{place}寄宿制学校", f"{word}学校")
                )  # fmt: skip
                return f"格尔木市{school}食堂"
            case T.CHILDCARE_CANTEEN:
                nursery = rng.choice((f"{place}幼儿园", f"{word}幼儿园", f"第{numeral}幼儿园"))
                return f"格尔木市{nursery}食堂"
            case T.ELDERLY_CARE_CANTEEN:
                home = rng.choice((f"{place}敬老院", f"{place}养老服务中心", f"{word}养老院"))
                return f"格尔木市{home}食堂"
            case T.HOSPITAL_CANTEEN:
                hospital = rng.choice(
                    ("人民医院", "中医医院", "妇幼保健院", f"{place}卫生院", f"{word}医院")
                )
                return f"格尔木市{hospital}职工食堂"
            case T.WORKPLACE_CANTEEN:
                return f"{rng.choice(WORKPLACES)[0]}职工食堂"
            case T.WHOLESALER | T.MARKET | T.RURAL_BANQUET_VENUE:
                return f"格尔木市{place}{word if rng.random() < 0.5 else ''}{kind}"
            case T.STREET_VENDOR | T.SMALL_WORKSHOP:
                return f"格尔木市{place}{self.owner()}{kind}"
            case _:  # shops and eateries
                brand = word if rng.random() < 0.7 else self.owner()
                return f"格尔木市{place}{brand}{kind}"

    def unique_name(self, business_type: str, grade: str, place: str) -> str:
        for _attempt in range(20):
            name = self._name(business_type, grade, place)
            if name not in self.names:
                break
        number = 2
        base = name
        while name in self.names:  # a branch, as a second shop of a name is called
            suffix = NUMERALS[number - 1] if number <= len(NUMERALS) else str(number)
            name = f"{base}{suffix}分店"
            number += 1
        self.names.add(name)
        return name

    # Identity: credit code, local registration, licence.

    def uscc(self, prefix: str) -> str:
        while True:
            first17 = f"{prefix}{COUNTY}{_org_code(self.rng)}"
            code = first17 + uscc_check_digit(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def next_number(self, series: str) -> int:
        self.sequences[series] += 1
        return self.sequences[series]

    def licence(self, business_type: str, name: str) -> str:
        # The licence check digit is unpublished (docs/domain.md §3.2).
        check = self.rng.randint(0, 9)
        group = TYPE_GROUP[BusinessType(business_type)]
        if group == BusinessGroup.PRODUCTION:
            category = next(
                (c for word, c in SC_CATEGORIES.items() if name.endswith(f"{word}有限公司")), "24"
            )
            if business_type == T.SPECIAL_FOOD_PRODUCER:
                category = "27"  # 保健食品
            return f"SC1{category}{COUNTY}{self.next_number('SC'):04d}{check}"
        form = LICENCE_FORM[group]
        return f"JY{form}{COUNTY}{self.next_number('JY' + form):06d}{check}"

    def identity(
        self, business_type: str, grade: str, name: str, year: int
    ) -> tuple[str, str, str]:
        """(uscc, registration number, licence number) as such a business would hold them."""
        rng = self.rng
        registration = ""
        match business_type:
            case T.STREET_VENDOR:
                number = self.next_number(f"vendor{year}")
                return "", f"格食摊登字〔{year}〕第{number:04d}号", ""
            case T.RURAL_BANQUET_VENUE:
                number = self.next_number(f"banquet{year}")
                return "", f"格食聚备字〔{year}〕第{number:04d}号", ""
            case T.SMALL_WORKSHOP:
                registration = f"{COUNTY}XZF{year}{self.next_number(f'workshop{year}'):04d}"
                uscc = self.uscc("92") if rng.random() < 0.5 else ""
                return uscc, registration, ""
            case T.SCHOOL_CANTEEN | T.HOSPITAL_CANTEEN:
                prefix = "12"
            case T.CHILDCARE_CANTEEN | T.ELDERLY_CARE_CANTEEN:
                prefix = "12" if rng.random() < 0.6 else "52"  # public, or 民办非企业
            case T.WORKPLACE_CANTEEN:
                prefix = next(p for n, p in WORKPLACES if name.startswith(n))
            case _ if grade in (Grade.A, Grade.B) or "有限公司" in name:
                prefix = "91"
            case T.WHOLESALER | T.MARKET:
                prefix = "91"
            case _:
                prefix = "92" if rng.random() < 0.9 else "91"  # 个体工商户, mostly
        licence = "" if business_type in UNLICENSED else self.licence(business_type, name)
        return self.uscc(prefix), registration, licence

    # Size, dates, flags.

    def size(self, business_type: str, scale: str) -> tuple[int, int]:
        """(staff, revenue in fen) inside the NBS class of `scale` (docs/domain.md §1.2)."""
        group = TYPE_GROUP[BusinessType(business_type)]
        rng = self.rng
        if group not in SCALE_THRESHOLDS:  # workshops and stalls: micro by nature
            return rng.randint(1, 5), rng.randint(20, 500) * 1_000 * 100
        large, medium, small = SCALE_THRESHOLDS[group]
        bands = {
            Scale.LARGE: (large, (large[0] * 3 // 2, large[1] * 2)),
            Scale.MEDIUM: (medium, (large[0] - 1, large[1] - 1)),
            Scale.SMALL: (small, (medium[0] - 1, medium[1] - 1)),
            Scale.MICRO: ((1, 30_000 * 100), (small[0] - 1, small[1] - 1)),
        }
        (staff_min, revenue_min), (staff_max, revenue_max) = bands[scale]
        skew = rng.random() ** 2  # most are near the bottom of their class
        staff = staff_min + int((staff_max - staff_min) * skew)
        revenue_yuan = rng.randint(revenue_min // 100, revenue_max // 100)
        return staff, max(revenue_min, revenue_yuan // 1_000 * 1_000 * 100)

    def registered_on(self) -> date:
        if self.rng.random() < 0.6:
            first, last = FIRST_DAY, LEDGER_DAY
        else:
            first, last = LEDGER_DAY + timedelta(days=1), LAST_REGISTRATION
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def flags(self, business_type: str, grade: str) -> tuple[bool, bool, bool]:
        """(open_kitchen, key, chain_hq)."""
        rng = self.rng
        group = TYPE_GROUP[BusinessType(business_type)]
        if business_type in CANTEENS_FOR_CHILDREN:
            open_kitchen = rng.random() < 0.9
        elif business_type in (T.CENTRAL_KITCHEN, T.MEAL_DELIVERY_UNIT):
            open_kitchen = True
        elif group == BusinessGroup.CANTEEN:
            open_kitchen = rng.random() < 0.5
        elif group == BusinessGroup.CATERING and business_type != T.RURAL_BANQUET_VENUE:
            open_kitchen = rng.random() < {Grade.A: 1, Grade.B: 1, Grade.C: 0.4}.get(grade, 0.12)
        else:
            open_kitchen = False
        key = (
            grade == Grade.A
            or business_type in CANTEENS_FOR_CHILDREN
            or business_type == T.RURAL_BANQUET_VENUE
            or rng.random() < (0.5 if grade == Grade.B else 0.03)
        )
        chain_hq = grade in (Grade.A, Grade.B) and business_type in (T.SUPERMARKET, T.RESTAURANT)
        chain_hq = chain_hq and rng.random() < 0.4
        return open_kitchen, key, chain_hq

    def risk_level(self, business_type: str) -> str:
        weights = RISK_WEIGHTS_HIGH if business_type in HIGH_RISK else RISK_WEIGHTS_LOW
        return self.rng.choices(list(weights), list(weights.values()))[0]

    # One row.

    def business(
        self, *, grade: str, business_type: str, unit: _Unit, status: str, director: bool = False
    ) -> DemoBusiness:
        rng = self.rng
        township = self.townships[unit.township]
        place = unit.place if unit.code == township.code or rng.random() < 0.7 else township.place
        name = self.unique_name(business_type, grade, place)
        registered_on = self.registered_on()
        uscc, registration, licence = self.identity(business_type, grade, name, registered_on.year)
        scale = GRADE_SCALE[grade]
        staff, revenue = self.size(business_type, scale)
        open_kitchen, key, chain_hq = self.flags(business_type, grade)
        lat, lng = self.locate(unit)
        status_since, reason = registered_on, ""
        if status != BusinessStatus.OPERATING:
            start = registered_on + timedelta(days=30)
            status_since = start + timedelta(days=rng.randint(0, (LAST_DAY - start).days))
            reasons = SUSPEND_REASONS if status == BusinessStatus.SUSPENDED else CLOSE_REASONS
            reason = rng.choice(reasons)
        return DemoBusiness(
            name=name,
            uscc=uscc,
            registration_number=registration,
            license_number=licence,
            business_type=str(business_type),
            grade=str(grade),
            scale=str(scale),
            staff_count=staff,
            annual_revenue_fen=revenue,
            risk_level=self.risk_level(business_type),
            chain_hq=chain_hq,
            key=key,
            open_kitchen=open_kitchen,
            division_code=unit.code,
            address=self.address(unit),
            lat_e6=lat,
            lng_e6=lng,
            contact_name=self.person(),
            contact_phone=self.phone(),
            registered_on=registered_on,
            status=str(status),
            status_since=status_since,
            status_reason=reason,
            for_director=director,
        )


def _plan(rng: random.Random) -> list[tuple[str, str]]:
    """(grade, type) for every row: the fixed counts of A–C, then D drawn by weight."""
    plan = [
        (grade, business_type)
        for grade, counts in TYPE_COUNTS.items()
        for business_type, count in counts.items()
        for _ in range(count)
    ]
    d_types = rng.choices(
        list(D_TYPE_WEIGHTS), list(D_TYPE_WEIGHTS.values()), k=GRADE_COUNTS[Grade.D]
    )
    return plan + [(Grade.D, t) for t in d_types]


def demo_businesses(units: Iterable[tuple[str, str]]) -> list[DemoBusiness]:
    """The demo's businesses over Golmud's townships and villages, `units` as (code, name).

    Always the same rows for the same units, in the order A, B, C, D. Grade A and B belong to a
    township; C mostly and D always to a village; every village has at least one business.
    """
    builder = _Builder(units)
    rng = builder.rng
    plan = _plan(rng)
    large = GRADE_COUNTS[Grade.A] + GRADE_COUNTS[Grade.B]
    moved = rng.sample(range(large, len(plan)), SUSPENDED + CLOSED)
    statuses = dict.fromkeys(moved[:SUSPENDED], BusinessStatus.SUSPENDED)
    statuses.update(dict.fromkeys(moved[SUSPENDED:], BusinessStatus.CLOSED))
    # One grade D grocery in each village first, so that no village is empty.
    every_village = [v for villages in builder.villages.values() for v in villages]
    first_d = len(plan) - GRADE_COUNTS[Grade.D]
    rows = []
    director_made = False
    for index, (grade, business_type) in enumerate(plan):
        director = not director_made and grade == Grade.B and business_type == T.RESTAURANT
        director_made = director_made or director
        if index - first_d in range(len(every_village)):
            business_type = T.GROCERY
            unit = every_village[index - first_d]
        else:
            township = (
                DIRECTOR_TOWNSHIP if director else builder.pick_township(business_type, grade)
            )
            on_township = (
                grade in (Grade.A, Grade.B)
                or township not in builder.villages
                # Grade D always in a village: only a village official may cover it.
                or rng.random() < {Grade.C: 0.25}.get(grade, 0.0)
            ) and business_type != T.RURAL_BANQUET_VENUE
            unit = (
                builder.townships[township]
                if on_township
                else builder.pick_village(township, business_type)
            )
        rows.append(
            builder.business(
                grade=grade,
                business_type=business_type,
                unit=unit,
                status=statuses.get(index, BusinessStatus.OPERATING),
                director=director,
            )
        )
    return rows
