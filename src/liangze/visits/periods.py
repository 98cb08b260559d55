"""Calendar quarters in Shanghai time (docs/domain.md §1.3).

A quarter is not a table: it is fully given by the calendar, so it is named by its first day
(`VisitTask.period`, `Visit.period`) and every bound is computed here. What an office may change
about a quarter (closing its window early, reopening it for one official) is data of its own
(`EntryWindow`, `WindowReopening`).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1–4

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def starting(cls, first_day: date) -> "Quarter":
        quarter = cls.of(first_day)
        if quarter.first_day != first_day:
            raise ValueError(f"{first_day} is not the first day of a quarter")
        return quarter

    @classmethod
    def current(cls) -> "Quarter":
        return cls.of(timezone.localdate())

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> "Quarter":
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> "Quarter":
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def opens_at(self) -> datetime:
        """First day 00:00, Shanghai."""
        return local_midnight(self.first_day)

    @property
    def ends_at(self) -> datetime:
        """Last day 24:00, Shanghai (the next quarter's first instant)."""
        return local_midnight(self.next().first_day)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.get_default_timezone())
