"""Callables that apps above the registry run inside a business change's transaction.

The registry sits below the apps that hang work on a business (the assignments of officials,
docs/architecture.md#layers), so it may not import them. Instead they register here, in their
AppConfig.ready(), and the registry's services call `run_business_changed` after writing the
change and before their transaction commits: a hook that raises undoes the whole change.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class BusinessChange(StrEnum):
    REGRADED = "regraded"
    MOVED = "moved"
    STATUS_CHANGED = "status_changed"


@dataclass(frozen=True)
class BusinessChanged:
    """What happened to `businesses` (already written, fields in memory current) and from when."""

    actor: object
    change: BusinessChange
    businesses: Sequence
    effective_on: date
    # A regrade or a move may name who covers the business from now on, in the same action
    # (docs/domain.md §1.7): the id of an official, taken by the app that keeps them.
    successor: int | None = None


BusinessHook = Callable[[BusinessChanged], None]
_hooks: list[BusinessHook] = []


def register_business_hook(hook: BusinessHook) -> None:
    """Idempotent: registering the same callable twice keeps one."""
    if hook not in _hooks:
        _hooks.append(hook)


def registered_business_hooks() -> tuple[BusinessHook, ...]:
    return tuple(_hooks)


def run_business_changed(
    *,
    actor,
    change: BusinessChange,
    businesses: Sequence,
    effective_on: date,
    successor: int | None = None,
) -> None:
    if not businesses:
        return
    event = BusinessChanged(
        actor=actor,
        change=change,
        businesses=tuple(businesses),
        effective_on=effective_on,
        successor=successor,
    )
    for hook in _hooks:
        hook(event)


@dataclass(frozen=True)
class CoveringOfficial:
    """Who covers a business, as the registry's pages name them (docs/domain.md §3.5:
    the public sees the phone masked)."""

    name: str
    position: str
    post: str
    phone: str


CoveringProvider = Callable[[Sequence[int]], dict[int, CoveringOfficial]]
_covering: list[CoveringProvider] = []


def register_covering_provider(provider: CoveringProvider) -> None:
    if provider not in _covering:
        _covering.append(provider)


def covering_officials(business_ids: Sequence[int]) -> dict[int, CoveringOfficial]:
    """{business id: its covering official} for the businesses that have one (none registered:
    empty)."""
    found: dict[int, CoveringOfficial] = {}
    ids = list(business_ids)
    for provider in _covering:
        found.update(provider(ids))
    return found


# 应包尽包 as a list filter (docs/domain.md §1.7): narrows businesses to the operating ones no
# official covers. Registered by the app that keeps assignments.
UncoveredFilter = Callable[[object], object]
_uncovered: list[UncoveredFilter] = []


def register_uncovered_filter(narrow: UncoveredFilter) -> None:
    if narrow not in _uncovered:
        _uncovered.append(narrow)


def uncovered_filter_available() -> bool:
    return bool(_uncovered)


def uncovered_only(businesses):
    """`businesses` (a queryset) narrowed to the uncovered (unchanged when nothing keeps
    assignments)."""
    for narrow in _uncovered:
        businesses = narrow(businesses)
    return businesses


# Who may take a business over in a regrade or a move (docs/domain.md §1.7): (id, label) of
# the officials the viewer may assign whose post holds `division`, nearest post first.
SuccessorProvider = Callable[[object, object], list[tuple[int, str]]]
_successors: list[SuccessorProvider] = []


def register_successor_provider(provider: SuccessorProvider) -> None:
    if provider not in _successors:
        _successors.append(provider)


def successor_choices(viewer, division) -> list[tuple[int, str]]:
    """The officials a regrade or a move may name for a business at `division` (none
    registered: an empty list, and the forms offer no choice)."""
    found: list[tuple[int, str]] = []
    for provider in _successors:
        found.extend(provider(viewer, division))
    return found


@dataclass(frozen=True)
class SelfCheckSummary:
    """A business's own checks as its public page shows them (docs/domain.md §1.14, §1.8): the
    date of its last daily check and whether this week's review is done."""

    last_daily_check: date | None
    week_review_done: bool


SelfCheckProvider = Callable[[Sequence[int]], dict[int, SelfCheckSummary]]
_self_checks: list[SelfCheckProvider] = []


def register_self_check_provider(provider: SelfCheckProvider) -> None:
    if provider not in _self_checks:
        _self_checks.append(provider)


def self_check_summaries(business_ids: Sequence[int]) -> dict[int, SelfCheckSummary]:
    """{business id: its self-check summary} for the businesses that have one."""
    found: dict[int, SelfCheckSummary] = {}
    ids = list(business_ids)
    for provider in _self_checks:
        found.update(provider(ids))
    return found


# The level whose officials cover a business's grade where it lies (docs/domain.md §1.2: set
# per province, a municipality's grade A at province level): a `regions.Level` value, or None
# when the provider cannot say. The business carries its grade and its division's path.
CoveringLevelProvider = Callable[[object], str | None]
_covering_levels: list[CoveringLevelProvider] = []


def register_covering_level_provider(provider: CoveringLevelProvider) -> None:
    if provider not in _covering_levels:
        _covering_levels.append(provider)


def covering_level(business) -> str | None:
    """The level that covers `business`'s grade (none registered, or no answer: None)."""
    for provider in _covering_levels:
        level = provider(business)
        if level:
            return level
    return None


@dataclass(frozen=True)
class LastVisit:
    """A business's last supervision visit as its public page shows it (docs/domain.md §1.14):
    the day, how many problems it found and how many of them are still being fixed."""

    visited_on: date
    problems_found: int
    problems_open: int


LastVisitProvider = Callable[[Sequence[int]], dict[int, LastVisit]]
_last_visits: list[LastVisitProvider] = []


def register_last_visit_provider(provider: LastVisitProvider) -> None:
    if provider not in _last_visits:
        _last_visits.append(provider)


def last_visits(business_ids: Sequence[int]) -> dict[int, LastVisit]:
    """{business id: its last visit} for the businesses that have one (none registered: empty)."""
    found: dict[int, LastVisit] = {}
    ids = list(business_ids)
    for provider in _last_visits:
        found.update(provider(ids))
    return found
