"""The measures of the figures, registered by the apps that own their facts.

The figures machinery names no domain app (docs/architecture.md#figures): each workflow app
registers its measures from its `AppConfig.ready()`: a code (docs/domain.md §5), a label, the side
that decides where a fact counts (the business's division or the official's post, docs/domain.md
§2), and `compute(on, division_ids)`, which returns, for the smallest regions where facts sit,
{division id: (division path, numerator, denominator)} as of the day `on`. `division_ids` None
means every division; otherwise only those (a division with no facts is simply absent).

A measure counting what happened within the period (problems found, visits entered, records
kept) is `windowed`: its `compute(on, division_ids, start)` also receives the period's first day,
so a quarter and its year differ. Others are a state as of `on`.

`rows_url(division_id, period_code)`, optional, is the page listing the rows behind a figure
(e.g. the uncovered businesses).
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.functional import Promise


class Side(StrEnum):
    BUSINESS = "business"  # counted at the business's division
    OFFICIAL = "official"  # counted at the division of the official's post


Computed = dict[int, tuple[str, int, int]]
Compute = Callable[..., Computed]  # (on, division_ids) or, windowed, (on, division_ids, start)


@dataclass(frozen=True)
class Measure:
    code: str
    label: str | Promise
    side: Side
    compute: Compute
    order: int = 100
    rows_url: Callable[[int, str], str | None] | None = None
    help: str | Promise = ""
    windowed: bool = False

    def evaluate(self, *, start: date, on: date, division_ids: Collection[int] | None) -> Computed:
        if self.windowed:
            return self.compute(on, division_ids, start)
        return self.compute(on, division_ids)


_MEASURES: dict[str, Measure] = {}


def measure_register(measure: Measure) -> Measure:
    """Add a measure; the same code registered again replaces it (ready() may run twice)."""
    _MEASURES[measure.code] = measure
    return measure


def measure_unregister(code: str) -> None:
    """For tests that register a measure of their own."""
    _MEASURES.pop(code, None)


def measures() -> list[Measure]:
    return sorted(_MEASURES.values(), key=lambda m: (m.order, m.code))


def measure(code: str) -> Measure:
    """The registered measure; ValueError for an unknown code."""
    try:
        return _MEASURES[code]
    except KeyError:
        raise ValueError(f"{code!r} is not a registered measure") from None


def measures_of(side: Side) -> list[Measure]:
    return [m for m in measures() if m.side == side]
