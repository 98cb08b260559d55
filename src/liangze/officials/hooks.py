"""Callables that sibling apps run when assignments begin or end (the visits' tasks follow
them), inside the assignment service's transaction; registered from their AppConfig.ready()."""

from collections.abc import Callable, Iterable

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
