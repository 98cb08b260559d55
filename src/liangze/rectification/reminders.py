"""The closed loop's daily reminders (docs/domain.md §1.12, docs/architecture.md "The closed
loop"): whoever acts next hears of a deadline `reminder_days` ahead and of a problem pushed and
not accepted after `accept_reminder_days`; the office one level above the regulator gets an
overdue notice (督办) `overdue_notice_days` past the deadline. The notice is not the `escalated`
state. Each rule matches one exact day, so a daily run tells each person once."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from liangze.accounts.models import Role
from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record
from liangze.notifications.services import Message, notifications_send
from liangze.rectification.models import LoopRule, Problem, ProblemStatus
from liangze.rectification.rules import LoopSettings, rule_for
from liangze.rectification.services import (
    _nearest_with,
    _users_with,
    business_staff,
    problem_url,
    regulators_of,
)

RUNNING = (ProblemStatus.ACCEPTED, ProblemStatus.ESCALATED)


def _offsets() -> list[LoopSettings]:
    """Every distinct set of settings in force (the defaults and each province's row)."""
    found = [LoopSettings()]
    for rule in LoopRule.objects.all():
        found.append(rule_for(rule.province.path))
    return found


def _office_above(problem):
    """Office staff one level above the regulator's division (else the nearest office above)."""
    base = problem.regulator_division or problem.business.division
    parent = base.parent if base.parent_id else base
    return _users_with(Role.OFFICE_STAFF, _nearest_with(Role.OFFICE_STAFF, parent))


@transaction.atomic
def problem_reminders_send(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    rules = _offsets()
    due_days = {today + timedelta(days=r.reminder_days) for r in rules}
    pushed_days = {today - timedelta(days=r.accept_reminder_days) for r in rules}
    overdue_days = {today - timedelta(days=r.overdue_notice_days) for r in rules}
    counts = {"due": 0, "not_accepted": 0, "overdue": 0}
    base = Problem.objects.select_related("business__division", "regulator_division__parent")

    for problem in base.filter(status__in=RUNNING, deadline__in=due_days):
        rule = rule_for(problem.business.division.path)
        if problem.deadline != today + timedelta(days=rule.reminder_days):
            continue
        counts["due"] += len(
            notifications_send(
                users=business_staff(problem.business),
                message=Message(
                    kind="problem_due_soon",
                    title=_("Rectify by %(deadline)s: %(business)s")
                    % {"deadline": problem.deadline.isoformat(), "business": problem.business.name},
                    body=problem.description[:200],
                    url=problem_url(problem),
                    sms=True,
                ),
            )
        )
    for problem in base.filter(status=ProblemStatus.PUSHED, pushed_at__isnull=False):
        rule = rule_for(problem.business.division.path)
        pushed_on = timezone.localdate(problem.pushed_at)
        if pushed_on not in pushed_days or pushed_on != today - timedelta(
            days=rule.accept_reminder_days
        ):
            continue
        counts["not_accepted"] += len(
            notifications_send(
                users=regulators_of(problem),
                message=Message(
                    kind="problem_not_accepted",
                    title=_("Pushed %(days)d days ago and not accepted: %(business)s")
                    % {"days": rule.accept_reminder_days, "business": problem.business.name},
                    body=problem.description[:200],
                    url=problem_url(problem),
                ),
            )
        )
    for problem in base.filter(status__in=RUNNING, deadline__in=overdue_days):
        rule = rule_for(problem.business.division.path)
        if problem.deadline != today - timedelta(days=rule.overdue_notice_days):
            continue
        counts["overdue"] += len(
            notifications_send(
                users=_office_above(problem),
                message=Message(
                    kind="problem_overdue_notice",
                    title=_("Overdue notice (督办): %(business)s, due %(deadline)s")
                    % {"deadline": problem.deadline.isoformat(), "business": problem.business.name},
                    body=problem.description[:200],
                    url=problem_url(problem),
                    sms=True,
                ),
            )
        )
    if any(counts.values()):
        audit_event_record(actor=None, action=AuditAction.PROBLEM_REMINDERS_SENT, data=counts)
    return counts


@task()
def problem_reminders_run() -> dict:
    """Periodic (registered in rectification/registration.py), daily."""
    return problem_reminders_send()
