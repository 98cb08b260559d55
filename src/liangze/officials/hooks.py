"""Callables of sibling apps above the officials, registered from their AppConfig.ready():
hooks run when assignments begin or end (the visits' tasks follow them), inside the assignment
service's transaction, and the providers the officials' pages read (when a visit is next due)."""

from collections.abc import Callable, Iterable
from datetime import date

AssignmentHook = Callable[[list[int]], None]
_hooks: list[AssignmentHook] = []


def register_assignment_hook(hook: AssignmentHook) -> None:
    """Idempotent: registering the same callable twice keeps one."""
    if hook not in _hooks:
        _hooks.append(hook)


def run_assignments_changed(business_ids: Iterable[int]) -> None:
    """Tell every hook the businesses whose open assignment began or ended."""
    ids = sorted(set(business_ids))
    if not ids:
        return
    for hook in _hooks:
        hook(ids)


# Which of an official's businesses need no more visits this quarter (docs/domain.md §1.2
# frequency, §1.3 periods): given the official's id and today, the ids of the businesses whose
# task for today's quarter is settled. The visits app answers from its tasks, in one query.
SettledProvider = Callable[[int, date], set[int]]
_settled: list[SettledProvider] = []


def register_visits_settled_provider(provider: SettledProvider) -> None:
    if provider not in _settled:
        _settled.append(provider)


def visits_settled(official_id: int, today: date) -> set[int] | None:
    """The businesses the official need not visit again this quarter; None when no app says."""
    if not _settled:
        return None
    settled: set[int] = set()
    for provider in _settled:
        settled |= provider(official_id, today)
    return settled
