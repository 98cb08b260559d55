"""Periods of the figures: calendar quarters and years in Shanghai time (docs/domain.md §1.3, §2).

A period is written "2026Q2" or "2026". A period that has not ended is "open": its figures are as
of today. An ended period is evaluated at its last day.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

PATTERN = re.compile(r"(?P<year>\d{4})(?:Q(?P<quarter>[1-4]))?")


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None  # None: the whole year

    def __lt__(self, other: "Period") -> bool:
        """By year, a year's quarters before the year itself."""
        return (self.year, self.quarter or 5) < (other.year, other.quarter or 5)

    @classmethod
    def parse(cls, text: str) -> "Period":
        match = PATTERN.fullmatch((text or "").strip().upper())
        if match is None:
            raise ValueError(f"not a period: {text!r}")
        quarter = match["quarter"]
        return cls(int(match["year"]), int(quarter) if quarter else None)

    @classmethod
    def quarter_of(cls, day: date) -> "Period":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    def __str__(self) -> str:
        return self.code

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.is_year else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        if self.is_year or self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.quarter + 1, 1) - timedelta(days=1)

    def as_of(self, today: date) -> date:
        """The day the period's figures are evaluated on: its end, or today while it is open."""
        return min(self.end, today)

    def is_open(self, today: date) -> bool:
        return self.start <= today <= self.end

    def previous(self) -> "Period":
        if self.is_year:
            return Period(self.year - 1)
        if self.quarter == 1:
            return Period(self.year - 1, 4)
        return Period(self.year, self.quarter - 1)


def today() -> date:
    return timezone.localdate()


def open_periods(day: date | None = None) -> list[Period]:
    """The current quarter and the current year."""
    day = day or today()
    return [Period.quarter_of(day), Period(day.year)]


def recent_quarters(count: int, day: date | None = None) -> list[Period]:
    """The last `count` quarters up to the current one, oldest first."""
    current = Period.quarter_of(day or today())
    out = [current]
    while len(out) < count:
        out.append(out[-1].previous())
    return out[::-1]
