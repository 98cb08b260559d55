"""Writes of the closed loop (docs/domain.md §1.6).

`problem_record_many` is the one way a problem comes into being, whatever found it: a visit's
problem items, later a public report, a self-check or a complaint. A problem fixed on the spot is
recorded `closed` at once with its after photo; every other one starts `open` and is handed to
`problems_route`, which pushes it to the regulator.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record
from liangze.businesses.models import Business
from liangze.core.errors import Invalid
from liangze.rectification.models import (
    CloseReason,
    Problem,
    ProblemPhoto,
    ProblemSource,
    ProblemStatus,
    Severity,
)


@dataclass
class ProblemDraft:
    """One problem as its source found it; photos are saved `files.StoredFile` rows."""

    description: str
    severity: str = Severity.GENERAL
    category: str = ""
    fixed_on_spot: bool = False
    photos: Sequence = field(default_factory=tuple)
    after_photos: Sequence = field(default_factory=tuple)


def _check_draft(draft: ProblemDraft) -> None:
    if not draft.description.strip():
        raise Invalid(
            code="problem_description_required",
            message=_("Describe the problem."),
            fields={"description": _("Describe the problem.")},
        )
    if draft.severity not in Severity.values:
        raise Invalid(
            code="problem_severity",
            message=_("Choose the problem's severity."),
            fields={"severity": _("Choose the problem's severity.")},
        )
    # Photos are evidence where they are needed (docs/domain.md §1.10): a problem found needs
    # one, a fix on the spot needs its after photo.
    if not draft.photos:
        raise Invalid(
            code="problem_photo_required",
            message=_("A problem needs a photo of what was found."),
            fields={"photos": _("A problem needs a photo of what was found.")},
        )
    if draft.fixed_on_spot and not draft.after_photos:
        raise Invalid(
            code="problem_after_photo_required",
            message=_("A fix on the spot needs a photo after the fix."),
            fields={"after_photos": _("A fix on the spot needs a photo after the fix.")},
        )


@transaction.atomic
def problem_record_many(
    *,
    actor,
    business: Business,
    source: str,
    source_id: int | None,
    found_at: datetime,
    drafts: Sequence[ProblemDraft],
) -> list[Problem]:
    """Record the problems one source found at one business, in the caller's transaction."""
    source = ProblemSource(source)
    for draft in drafts:
        _check_draft(draft)
    problems = []
    for draft in drafts:
        closed = draft.fixed_on_spot
        problem = Problem.objects.create(
            business=business,
            division=business.division,
            source=source,
            source_id=source_id,
            category=draft.category,
            description=draft.description.strip(),
            severity=draft.severity,
            status=ProblemStatus.CLOSED if closed else ProblemStatus.OPEN,
            found_at=found_at,
            found_by=actor if getattr(actor, "is_authenticated", False) else None,
            fixed_on_spot=closed,
            closed_at=found_at if closed else None,
            close_reason=CloseReason.FIXED_ON_SPOT if closed else "",
            status_changed_at=found_at,
        )
        ProblemPhoto.objects.bulk_create(
            [
                ProblemPhoto(problem=problem, file=f, stage=ProblemPhoto.Stage.BEFORE)
                for f in draft.photos
            ]
            + [
                ProblemPhoto(problem=problem, file=f, stage=ProblemPhoto.Stage.AFTER)
                for f in draft.after_photos
            ]
        )
        audit_event_record(
            actor=actor,
            action=AuditAction.PROBLEM_RECORDED,
            target=problem,
            division=business.division,
            data={
                "source": source.value,
                "source_id": source_id,
                "severity": draft.severity,
                "fixed_on_spot": closed,
            },
        )
        problems.append(problem)
    problems_route(actor=actor, problems=[p for p in problems if p.status == ProblemStatus.OPEN])
    return problems


def problems_route(*, actor, problems: Sequence[Problem]) -> None:
    """Push open problems to the regulator of the nearest division holding the business
    (docs/domain.md §1.6). Until the closed loop's routing lands they stay `open`."""
    return None
