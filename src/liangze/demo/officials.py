"""Golmud's 429 officials (docs/domain.md §4: B 16, C 36, D 377) and the two
prefecture (海西州) officials who cover its four grade A businesses, as demo rows; and who covers
which business.

A pure function of the division list and the demo businesses: the same input gives the same
officials, numbers and assignments every time. Names and numbers are made up; the mobile numbers
all begin 198 6328, a block the demo businesses never use.
"""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass

from liangze.businesses.models import BusinessStatus, Grade
from liangze.demo.businesses import DemoBusiness
from liangze.demo.people import GOLMUD, GUOLEMUDE, HAIXI
from liangze.demo.words import GIVEN, SURNAMES

SEED = 632801_0012
PHONE_BLOCK = "1986328"  # + 4 digits: 198 6328 nnnn
LEVEL_COUNTS = {"county": 16, "township": 36, "village": 377}
PREFECTURE_OFFICIALS = 2
# Businesses left without an official, so that the gap lists show something.
LEFT_UNCOVERED = {Grade.C: 1, Grade.D: 5}
POSITIONS = {
    "city": ("州人民政府副州长", "州市场监管局局长", "州食安办主任"),
    "county": (
        "市人民政府副市长",
        "市市场监管局局长",
        "市教育局局长",
        "市卫健委主任",
        "市商务局局长",
    ),
    "township": ("镇长", "副镇长", "党委副书记", "街道办事处主任", "街道办事处副主任"),
    "village": ("村党支部书记", "村委会主任", "社区书记", "社区主任", "食品安全协管员"),
}
# The demo's people who are officials (demo.people): username → the post they hold.
DEMO_PERSON_POSTS = {
    "haixi_official": HAIXI,
    "golmud_official": GOLMUD,
    "guolemude_official": GUOLEMUDE,
    "village_official": None,  # the first village of 郭勒木德镇, as the people loader places them
}


@dataclass(frozen=True)
class DemoOfficial:
    display_name: str
    phone: str  # 11 digits, as typed into a sheet
    division_code: str
    position: str
    username: str = ""  # a demo person who is this official

    def values(self) -> dict[str, str]:
        """The row as official_import_rows reads it."""
        return {
            "display_name": self.display_name,
            "phone": self.phone,
            "division_code": self.division_code,
            "position": self.position,
            "username": self.username,
        }


def _township_of(code: str) -> str:
    return code[:9] + "000"


def _is_village(code: str) -> bool:
    return code[9:] != "000"


def _share(total: int, weights: dict[str, int], floor: int) -> dict[str, int]:
    """`total` spread over the keys: `floor` each, the rest by weight (largest remainder, ties by
    key), so that the counts are exact."""
    counts = dict.fromkeys(weights, floor)
    rest = total - floor * len(weights)
    weight_sum = sum(weights.values()) or 1
    exact = {key: rest * weight / weight_sum for key, weight in weights.items()}
    for key, value in exact.items():
        counts[key] += int(value)
    left = total - sum(counts.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - int(exact[k])), k))[:left]:
        counts[key] += 1
    return counts


def demo_officials(
    units: list[tuple[str, str]], businesses: list[DemoBusiness], *, demo_village: str
) -> list[DemoOfficial]:
    """Prefecture officials first, then county, township and village ones; each post's first
    official is the demo person who holds it, where there is one."""
    rng = random.Random(SEED)  # noqa: S311 - demo data, reproducible on purpose
    townships = sorted(code for code, _name in units if not _is_village(code))
    villages = sorted(code for code, _name in units if _is_village(code))
    c_by_township = Counter(_township_of(b.division_code) for b in businesses if b.grade == "C")
    d_by_village = Counter(b.division_code for b in businesses if b.grade == "D")
    posts = (
        [(HAIXI, "city")] * PREFECTURE_OFFICIALS
        + [(GOLMUD, "county")] * LEVEL_COUNTS["county"]
        + [
            (code, "township")
            for code, count in _share(
                LEVEL_COUNTS["township"], {t: c_by_township[t] for t in townships}, 2
            ).items()
            for _ in range(count)
        ]
        + [
            (code, "village")
            for code, count in _share(
                LEVEL_COUNTS["village"], {v: d_by_village[v] for v in villages}, 1
            ).items()
            for _ in range(count)
        ]
    )
    person_at = {(code or demo_village): username for username, code in DEMO_PERSON_POSTS.items()}
    officials = []
    for serial, (code, level) in enumerate(posts, start=1):
        username = person_at.pop(code, "")
        officials.append(
            DemoOfficial(
                display_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                phone=f"{PHONE_BLOCK}{serial:04d}",
                division_code=code,
                position=rng.choice(POSITIONS[level]),
                username=username,
            )
        )
    return officials


def demo_usernames(officials: list[DemoOfficial]) -> set[str]:
    """The logins the demo's officials get (their mobile numbers) besides the demo people's."""
    return {o.phone for o in officials if not o.username}


def demo_assignments(
    businesses: list[DemoBusiness], officials: list[DemoOfficial]
) -> list[tuple[DemoBusiness, DemoOfficial]]:
    """Who covers each live business: an official of its grade's level whose post holds it, in
    turn among that post's officials; a few (LEFT_UNCOVERED) are left for the gap lists."""
    rng = random.Random(SEED + 1)  # noqa: S311 - demo data, reproducible on purpose
    by_post = defaultdict(list)
    for official in officials:
        by_post[official.division_code].append(official)
    live = [b for b in businesses if b.status != BusinessStatus.CLOSED]
    skipped = set()
    for grade, count in LEFT_UNCOVERED.items():
        candidates = [
            b.name for b in live if b.grade == grade and b.status == BusinessStatus.OPERATING
        ]
        skipped.update(rng.sample(candidates, count))
    turn = Counter()
    plan = []
    for business in live:
        if business.name in skipped:
            continue
        post = {
            Grade.A: HAIXI,
            Grade.B: GOLMUD,
            Grade.C: _township_of(business.division_code),
            Grade.D: business.division_code,
        }[Grade(business.grade)]
        candidates = by_post.get(post)
        if not candidates:  # a grade D business on a township: no village official's post
            continue
        plan.append((business, candidates[turn[post] % len(candidates)]))
        turn[post] += 1
    return plan
