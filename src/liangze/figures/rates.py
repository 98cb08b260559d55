"""Rate arithmetic, the one place it is done (docs/domain.md §2, "Common rules").

A rate is an exact fraction of two integers. It is shown as a percentage with 2 decimals rounded
half up once, "—" when nothing is due; rates are compared and ranked as exact fractions, never by
their rounded percentages. Roll-up adds numerators and denominators; a mean of percentages is
never taken.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TypeVar

DASH = "—"


@dataclass(frozen=True)
class Rate:
    """Integer numerator and denominator (docs/domain.md §2)."""

    numerator: int
    denominator: int

    @property
    def fraction(self) -> Fraction | None:
        if not self.denominator:
            return None
        return Fraction(self.numerator, self.denominator)

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        exact = Decimal(self.numerator * 100) / Decimal(self.denominator)
        return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def display(self) -> str:
        percent = self.percent
        return DASH if percent is None else f"{percent}%"

    @property
    def is_ranked(self) -> bool:
        return self.denominator > 0

    def __add__(self, other: "Rate") -> "Rate":
        return Rate(self.numerator + other.numerator, self.denominator + other.denominator)


def rate_sum(rates) -> Rate:
    """Σ numerators / Σ denominators."""
    total = Rate(0, 0)
    for rate in rates:
        total += rate
    return total


T = TypeVar("T")


@dataclass(frozen=True)
class Ranked:
    item: object
    rate: Rate
    rank: int | None  # None: denominator 0, not ranked


def rank(
    items: Sequence[T], *, rate: Callable[[T], Rate], code: Callable[[T], str]
) -> list[Ranked]:
    """Rank descending by exact fraction; equal fractions share a rank (1, 2, 2, 4) and are
    listed by division code; rates with denominator 0 are not ranked and come last, by code."""
    ranked = sorted(
        (item for item in items if rate(item).is_ranked),
        key=lambda item: (-rate(item).fraction, code(item)),
    )
    out: list[Ranked] = []
    previous = None
    for position, item in enumerate(ranked, start=1):
        fraction = rate(item).fraction
        place = out[-1].rank if out and fraction == previous else position
        previous = fraction
        out.append(Ranked(item, rate(item), place))
    unranked = sorted((item for item in items if not rate(item).is_ranked), key=code)
    out.extend(Ranked(item, rate(item), None) for item in unranked)
    return out
