"""The closed loop as one table (docs/domain.md §1.6): (from-state, action) → (to-state, who may do
it). Every status move of a `Problem` goes through `services.problem_transition`, which looks the
move up here; a pair missing from the table is refused. Overdue is shown, never a state.

Who acts, by the role they act in (decided per problem by `access.acting_as`):
`regulator` the regulator holding the business's division; `office` its food safety office staff;
`official` a responsible official holding it; `business` the business's director or officer;
`system` the platform itself (routing, a business closing).
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from liangze.core.tree import SEGMENT_WIDTH
from liangze.rectification.models import ProblemStatus as S


class Action(StrEnum):
    ROUTE = "route"
    ACCEPT = "accept"
    ESCALATE = "escalate"
    RECTIFY = "rectify"
    VERIFY = "verify"
    REJECT = "reject"
    RECHECK = "recheck"
    VOID = "void"
    BUSINESS_CLOSED = "business_closed"


class Actor(StrEnum):
    REGULATOR = "regulator"
    OFFICE = "office"
    OFFICIAL = "official"
    BUSINESS = "business"
    SYSTEM = "system"


@dataclass(frozen=True)
class Move:
    to: str
    by: frozenset[Actor]


_R, _O, _F, _B, _SYS = Actor.REGULATOR, Actor.OFFICE, Actor.OFFICIAL, Actor.BUSINESS, Actor.SYSTEM

# Not closed, not void: the states a problem may still leave.
UNCLOSED = (S.OPEN, S.PUSHED, S.ACCEPTED, S.ESCALATED, S.RECTIFIED)

TRANSITIONS: dict[tuple[str, Action], Move] = {
    (S.OPEN, Action.ROUTE): Move(S.PUSHED, frozenset({_SYS})),
    (S.PUSHED, Action.ACCEPT): Move(S.ACCEPTED, frozenset({_R})),
    (S.PUSHED, Action.ESCALATE): Move(S.ESCALATED, frozenset({_R})),
    (S.ACCEPTED, Action.ESCALATE): Move(S.ESCALATED, frozenset({_R})),
    (S.ACCEPTED, Action.RECTIFY): Move(S.RECTIFIED, frozenset({_B, _R})),
    (S.ESCALATED, Action.RECTIFY): Move(S.RECTIFIED, frozenset({_B, _R})),
    # The regulator's verification or the official's re-check closes it (销号); either may find
    # the fix wanting and send it back with a reason.
    (S.RECTIFIED, Action.VERIFY): Move(S.CLOSED, frozenset({_R})),
    (S.RECTIFIED, Action.RECHECK): Move(S.CLOSED, frozenset({_F})),
    (S.RECTIFIED, Action.REJECT): Move(S.ACCEPTED, frozenset({_R, _F})),
    # A re-check visit that finds the fix done records it and closes at once.
    (S.ACCEPTED, Action.RECHECK): Move(S.CLOSED, frozenset({_F})),
    **{(s, Action.VOID): Move(S.VOID, frozenset({_R, _O})) for s in UNCLOSED},
    **{(s, Action.BUSINESS_CLOSED): Move(S.CLOSED, frozenset({_SYS})) for s in UNCLOSED},
}

STATES = frozenset(S.values)

# Where the official's re-check (回头看) applies: the states the table lets `recheck` leave.
RECHECK_STATES = tuple(s for (s, action) in TRANSITIONS if action == Action.RECHECK)


def recheck_records_fix(status: str) -> bool:
    """A re-check that finds the fix done before anyone reported it (from `accepted`) records
    the fix itself, so it needs the evidence a reported fix needs: a note and a photo after the
    fix (docs/domain.md §1.6, §1.10)."""
    return status == S.ACCEPTED


def move_for(status: str, action: Action) -> Move | None:
    return TRANSITIONS.get((status, Action(action)))


def actions_from(status: str) -> list[Action]:
    return [action for (state, action) in TRANSITIONS if state == status]


# Defaults of docs/domain.md §1.12, per province in `LoopRule`.
DEFAULT_DEADLINE_DAYS = {"serious": 7, "general": 15}
DEFAULT_REMINDER_DAYS = 3
DEFAULT_ACCEPT_REMINDER_DAYS = 3
DEFAULT_OVERDUE_NOTICE_DAYS = 7


@dataclass(frozen=True)
class LoopSettings:
    serious_days: int = DEFAULT_DEADLINE_DAYS["serious"]
    general_days: int = DEFAULT_DEADLINE_DAYS["general"]
    reminder_days: int = DEFAULT_REMINDER_DAYS
    accept_reminder_days: int = DEFAULT_ACCEPT_REMINDER_DAYS
    overdue_notice_days: int = DEFAULT_OVERDUE_NOTICE_DAYS

    def deadline_delta(self, severity: str) -> timedelta:
        return timedelta(days=self.serious_days if severity == "serious" else self.general_days)


def rule_for(path: str) -> LoopSettings:
    """The settings of the province at the root of `path` (the defaults without a row)."""
    from liangze.rectification.models import LoopRule

    rule = LoopRule.objects.filter(province_id=int(path[:SEGMENT_WIDTH])).first()
    if rule is None:
        return LoopSettings()
    return LoopSettings(
        serious_days=rule.serious_days,
        general_days=rule.general_days,
        reminder_days=rule.reminder_days,
        accept_reminder_days=rule.accept_reminder_days,
        overdue_notice_days=rule.overdue_notice_days,
    )


LOOP_FIELDS = (
    "serious_days",
    "general_days",
    "reminder_days",
    "accept_reminder_days",
    "overdue_notice_days",
)
LOOP_DAYS_RANGE = (1, 365)


def province_loop(province) -> tuple[LoopSettings, bool]:
    """A province's settings and whether they are the defaults (no row yet)."""
    from liangze.rectification.models import LoopRule

    has_row = LoopRule.objects.filter(province=province).exists()
    return rule_for(province.path), not has_row
