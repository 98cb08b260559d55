"""The kinds of job, registered by the apps that own them.

The jobs app runs work it does not know: each domain app registers its kinds from its
`AppConfig.ready()` (code, label, the task that runs a job of the kind, who may start one and,
optionally, what the job page adds). `Job.kind` holds the code with no database choices, so a new
kind needs no migration of this app; like `AuditAction`, an unknown code is a programming error
(`job_kind` raises ValueError). The system check `jobs.E001` resolves every dotted path at start-up.
See docs/architecture.md#layers.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core import checks
from django.utils.functional import Promise
from django.utils.module_loading import import_string

CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")  # fits Job.kind (40 characters)


@dataclass(frozen=True)
class JobKind:
    """`task`: dotted path of a django-tasks task taking the job's id (a path, because the tasks
    module usually imports the services that start the job). `may_start(viewer)`: whether that
    person may start such a job, the question the starting page asks (`job_kinds_startable`
    lists a viewer's kinds). `page_context`: dotted path of
    `f(request, job) -> dict` adding to the job page, naming in "result_template" what its status
    fragment includes."""

    code: str
    label: str | Promise
    task: str
    may_start: Callable[[object], bool]
    page_context: str = ""


_KINDS: dict[str, JobKind] = {}


def job_kind_register(kind: JobKind) -> JobKind:
    """Add a kind. Registering the same kind twice is harmless (ready() may run twice in tests);
    two different kinds under one code are refused."""
    if not CODE.fullmatch(kind.code):
        raise ValueError(f"job kind code {kind.code!r} must be 1-40 of a-z, 0-9 and _")
    known = _KINDS.get(kind.code)
    if known is not None and known != kind:
        raise ValueError(f"job kind {kind.code!r} is already registered as {known!r}")
    _KINDS[kind.code] = kind
    return kind


def job_kind_unregister(code: str) -> None:
    """For tests that register a kind of their own."""
    _KINDS.pop(code, None)


def job_kind(code: str) -> JobKind:
    """The registered kind; ValueError for an unknown code (a programming error)."""
    try:
        return _KINDS[code]
    except KeyError:
        raise ValueError(f"{code!r} is not a registered job kind") from None


def job_kinds() -> tuple[JobKind, ...]:
    return tuple(_KINDS.values())


def job_kinds_startable(viewer) -> tuple[JobKind, ...]:
    """The kinds the viewer may start (none for an anonymous viewer)."""
    if not getattr(viewer, "is_authenticated", False):
        return ()
    return tuple(kind for kind in _KINDS.values() if kind.may_start(viewer))


def job_kind_label(code: str) -> str:
    """The kind's label; the code itself for a kind no longer registered (an old row)."""
    known = _KINDS.get(code)
    return str(known.label) if known is not None else code


def job_kind_page_context(code: str) -> Callable | None:
    """The kind's page hook `f(request, job) -> dict`, or None."""
    known = _KINDS.get(code)
    if known is None or not known.page_context:
        return None
    return import_string(known.page_context)


@checks.register()
def job_kinds_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every registered task and page hook must import."""
    errors = []
    for kind in _KINDS.values():
        for attribute in ("task", "page_context"):
            path = getattr(kind, attribute)
            if not path:
                continue
            try:
                import_string(path)
            except ImportError as exc:
                errors.append(
                    checks.Error(
                        f"job kind {kind.code!r}: {attribute} {path!r} does not import ({exc})",
                        id="jobs.E001",
                    )
                )
    return errors
