"""Which level covers which grade, and the load warning: per province, as data (CoveringRule),
with the defaults of docs/domain.md §1.2 and §1.12 where a province has no row.

A business's province is the root of its division path, so the rules of every business are found
without a query per business.
"""

from dataclasses import dataclass, field

from liangze.accounts.access import MUNICIPALITY_CODES
from liangze.core.sql import fetch
from liangze.core.tree import SEGMENT_WIDTH
from liangze.regions.models import Division, Level

DEFAULT_LEVELS = {"A": Level.CITY, "B": Level.COUNTY, "C": Level.TOWNSHIP, "D": Level.VILLAGE}
DEFAULT_LOAD_WARNING = 30
# CoveringRule's column for each grade.
_GRADE_COLUMNS = {grade: f"grade_{grade.lower()}_level" for grade in DEFAULT_LEVELS}


def province_pk_of(path: str) -> int:
    return int(path[:SEGMENT_WIDTH])


@dataclass
class RuleBook:
    """The rules of every province, read once (a few rows)."""

    levels: dict[int, dict[str, str]] = field(default_factory=dict)
    loads: dict[int, int] = field(default_factory=dict)
    municipalities: frozenset[int] = frozenset()

    def required_level(self, *, grade: str, path: str) -> str:
        province = province_pk_of(path)
        levels = self.levels.get(province)
        if levels is not None:
            return levels[grade]
        if grade == "A" and province in self.municipalities:
            return Level.PROVINCE
        return DEFAULT_LEVELS[grade]

    def load_warning(self, path: str) -> int:
        return self.loads.get(province_pk_of(path), DEFAULT_LOAD_WARNING)


def rule_book() -> RuleBook:
    from liangze.officials.models import CoveringRule

    book = RuleBook(
        municipalities=frozenset(
            Division.objects.filter(level=Level.PROVINCE, code__in=MUNICIPALITY_CODES).values_list(
                "pk", flat=True
            )
        )
    )
    for rule in CoveringRule.objects.all():
        book.levels[rule.province_id] = {g: rule.level_for(g) for g in DEFAULT_LEVELS}
        book.loads[rule.province_id] = rule.load_warning
    return book


def required_level_at(*, grade: str, path: str) -> str:
    """`RuleBook.required_level` for one business, reading only its province (one query)."""
    province = province_pk_of(path)
    # Hand-written SQL (core.sql): the public page asks it for every page it renders. The
    # column is one of four fixed names, chosen by the grade.
    column = _GRADE_COLUMNS[grade]
    rows = fetch(
        f"SELECT d.level, d.code, r.{column} FROM regions_division d"  # noqa: S608
        " LEFT JOIN officials_coveringrule r ON r.province_id = d.id WHERE d.id = %s",
        [province],
    )
    book = RuleBook()
    if rows:
        level, code, rule_level = rows[0]
        if level == Level.PROVINCE and code in MUNICIPALITY_CODES:
            book.municipalities = frozenset({province})
        if rule_level:
            book.levels[province] = {grade: rule_level}
    return book.required_level(grade=grade, path=path)


@dataclass(frozen=True)
class ProvinceCovering:
    """One province's covering levels and load warning as the page and the API show them;
    `is_default` when the province has no row yet (docs/domain.md §1.12)."""

    levels: dict[str, str]
    load_warning: int
    is_default: bool


def default_levels(province: Division) -> dict[str, str]:
    levels = dict(DEFAULT_LEVELS)
    if province.code in MUNICIPALITY_CODES:
        levels["A"] = Level.PROVINCE
    return levels


def province_covering(province: Division) -> ProvinceCovering:
    from liangze.officials.models import CoveringRule

    rule = CoveringRule.objects.filter(province=province).first()
    if rule is None:
        return ProvinceCovering(default_levels(province), DEFAULT_LOAD_WARNING, is_default=True)
    return ProvinceCovering(
        {g: rule.level_for(g) for g in DEFAULT_LEVELS}, rule.load_warning, is_default=False
    )
