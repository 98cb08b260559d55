"""Per-request facts that reach the audit trail without passing `request` into services."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


_EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("liangze_request", default=None)


def current_request_context() -> RequestContext:
    return _current.get() or _EMPTY


def set_request_context(context: RequestContext):
    """Returns a token for `reset_request_context`."""
    return _current.set(context)


def reset_request_context(token) -> None:
    _current.reset(token)
