"""Who reads the audit trail.

The answer is a domain rule (the people who manage accounts), so the app that owns it registers
it from its `AppConfig.ready()`; the trail itself names no domain app. Until one is registered,
nobody reads it. See docs/architecture.md#layers.
"""

from collections.abc import Callable

_readers: list[Callable[[object], bool]] = []


def audit_readers_register(predicate: Callable[[object], bool]) -> None:
    """Set the one answer to "may this viewer read the audit trail?"; registering the same
    function again is harmless, a second, different one is refused."""
    if _readers and _readers[0] is not predicate:
        raise ValueError("who reads the audit trail is already registered")
    _readers[:] = [predicate]


def can_read_audit(viewer) -> bool:
    return bool(_readers) and bool(_readers[0](viewer))
