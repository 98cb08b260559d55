"""Writes of the visits app (docs/domain.md §1.2, §1.3, §1.5, §1.10, §2).

Tasks: `tasks_sync` is the one writer of `VisitTask` membership. For the current quarter it makes
the tasks agree with the rule of §2 as it stands now: one task per (business, official) where the
business is operating and the official holds its open assignment; any other task of the quarter
is cancelled, never deleted. The quarterly job calls it for every business (`tasks_generate`),
the assignment and registry hooks (hooks.py) for the businesses that changed; a second run
changes nothing. A past quarter's membership is frozen: only its counts and statuses move
(a late visit, a closed window).

Visits: `visit_submit` checks who, when and what, writes the visit with its exceptional items,
records its problems through the closed loop's `problem_record_many`, the re-checks of earlier
problems it carries through `problem_recheck`, and refreshes the tasks.
"""

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.audit.models import AuditAction
from liangze.audit.services import audit_event_record, changes_between, snapshot
from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.types import BusinessType
from liangze.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from liangze.core.tree import SEGMENT_WIDTH
from liangze.officials.access import can_manage_division, can_set_province_rules
from liangze.officials.models import Assignment, Official
from liangze.officials.selectors import official_of
from liangze.rectification.models import Problem
from liangze.rectification.rules import Action
from liangze.rectification.services import (
    ProblemDraft,
    problem_authorise,
    problem_recheck,
    problem_record_many,
)
from liangze.regions.models import Division
from liangze.visits.checklist import ORDER_STEP, checklist_for, default_rows
from liangze.visits.figures import mark_officials, mark_posts
from liangze.visits.models import (
    ChecklistItem,
    EntryWindow,
    ItemResult,
    LocationState,
    TaskStatus,
    Visit,
    VisitItem,
    VisitMode,
    VisitPhoto,
    VisitRule,
    VisitTask,
    WindowReopening,
)
from liangze.visits.periods import Quarter
from liangze.visits.rules import (
    DEFAULT_PER_QUARTER,
    default_close,
    entry_state,
    exempt_days,
    haversine_m,
    visit_rules,
    window_close,
)

# A phone's clock a little ahead of the server's is not a visit in the future.
CLOCK_TOLERANCE = timedelta(minutes=2)


# --- tasks ----------------------------------------------------------------------------------


@dataclass
class SyncResult:
    created: int = 0
    cancelled: int = 0
    updated: int = 0


def task_status(*, required: int, made: int, exempt: bool, closed: bool) -> str:
    if made >= required:
        return TaskStatus.DONE
    if exempt:
        return TaskStatus.EXEMPT
    if closed:
        return TaskStatus.MISSED
    return TaskStatus.DUE


def _visit_counts(quarter: Quarter, business_ids: Iterable[int] | None) -> dict[int, int]:
    """Valid visits on distinct days per business in the quarter (a replaced visit is out)."""
    visits = Visit.objects.valid().filter(period=quarter.first_day)
    if business_ids is not None:
        visits = visits.filter(business_id__in=list(business_ids))
    return dict(
        visits.values("business_id")
        .annotate(n=Count("visited_on", distinct=True))
        .values_list("business_id", "n")
    )


class _Closes:
    """Whether a quarter's window is closed for an official (reopenings included), cached per
    post path."""

    def __init__(self, quarter: Quarter, now: datetime):
        self.quarter, self.now = quarter, now
        self.rules = visit_rules()
        self.by_path: dict[str, bool] = {}
        self.reopened = set(
            WindowReopening.objects.filter(period=quarter.first_day, ends_at__gt=now).values_list(
                "official_id", flat=True
            )
        )

    def path_closed(self, path: str) -> bool:
        """Closed for the post at `path`, reopenings aside."""
        if path not in self.by_path:
            self.by_path[path] = self.now >= window_close(self.quarter, path, rules=self.rules)
        return self.by_path[path]

    def closed(self, official_id: int, path: str) -> bool:
        return self.path_closed(path) and official_id not in self.reopened


def tasks_sync(
    *,
    quarter: Quarter | None = None,
    business_ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> SyncResult:
    """Bring the quarter's tasks in line with the rule (all businesses when `business_ids` is
    None). Membership changes only for the current quarter; counts and statuses for any."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    current = Quarter.of(today)
    quarter = quarter or current
    if (
        business_ids is None
        and quarter == current
        and not VisitTask.objects.filter(period=quarter.first_day).exists()
    ):
        return _tasks_insert_all(quarter=quarter, now=now)
    result = SyncResult()
    tasks = VisitTask.objects.filter(period=quarter.first_day)
    if business_ids is not None:
        tasks = tasks.filter(business_id__in=list(business_ids))
    existing = {(t.business_id, t.official_id): t for t in tasks}
    expected: dict[tuple[int, int], tuple[int, bool, str]] = {}
    rules = visit_rules()
    if quarter == current:
        assignments = Assignment.objects.filter(
            ends_on__isnull=True, business__status=BusinessStatus.OPERATING
        )
        if business_ids is not None:
            assignments = assignments.filter(business_id__in=list(business_ids))
        exempt_from = quarter.last_day - timedelta(days=exempt_days() - 1)
        for business_id, official_id, starts_on, grade, path in assignments.values_list(
            "business_id",
            "official_id",
            "starts_on",
            "business__grade",
            "official__grant__division__path",
        ):
            # The business's grade and the official's post give the province's frequency.
            expected[(business_id, official_id)] = (
                rules.required(grade=grade, path=path),
                starts_on >= exempt_from,
                path,
            )
    else:
        for t in existing.values():
            if t.status != TaskStatus.CANCELLED:
                expected[(t.business_id, t.official_id)] = (t.required, t.exempt, "")
        paths = dict(
            Official.objects.filter(pk__in={o for _b, o in expected}).values_list(
                "pk", "grant__division__path"
            )
        )
        expected = {k: (r, e, paths[k[1]]) for k, (r, e, _p) in expected.items()}
    counts = _visit_counts(quarter, business_ids)
    closes = _Closes(quarter, now)
    new: list[VisitTask] = []
    changed: list[VisitTask] = []
    for key, (required, exempt, path) in expected.items():
        made = counts.get(key[0], 0)
        status = task_status(
            required=required,
            made=made,
            exempt=exempt,
            closed=closes.closed(key[1], path),
        )
        task = existing.get(key)
        if task is None:
            new.append(
                VisitTask(
                    business_id=key[0],
                    official_id=key[1],
                    period=quarter.first_day,
                    status=status,
                    required=required,
                    visits_made=made,
                    exempt=exempt,
                )
            )
        elif (task.status, task.required, task.visits_made, task.exempt) != (
            status,
            required,
            made,
            exempt,
        ):
            task.status, task.required, task.visits_made, task.exempt = (
                status,
                required,
                made,
                exempt,
            )
            task.updated_at = now
            changed.append(task)
    for key, task in existing.items():
        if key not in expected and task.status != TaskStatus.CANCELLED:
            task.status = TaskStatus.CANCELLED
            task.updated_at = now
            changed.append(task)
            result.cancelled += 1
    VisitTask.objects.bulk_create(new, batch_size=2000)
    # One UPDATE per distinct outcome (a handful), not Django's bulk_update, whose CASE per row
    # made a quarter's sync of ten thousand tasks take seconds.
    by_outcome: dict[tuple[str, int, int, bool], list[int]] = defaultdict(list)
    for task in changed:
        by_outcome[(task.status, task.required, task.visits_made, task.exempt)].append(task.pk)
    for (status, required, made, exempt), ids in by_outcome.items():
        for start in range(0, len(ids), 2000):
            VisitTask.objects.filter(pk__in=ids[start : start + 2000]).update(
                status=status, required=required, visits_made=made, exempt=exempt, updated_at=now
            )
    mark_officials({t.official_id for t in (*new, *changed)})
    result.created = len(new)
    result.updated = len(changed) - result.cancelled
    return result


def _tasks_insert_all(*, quarter: Quarter, now: datetime) -> SyncResult:
    """A quarter's first generation in one INSERT … SELECT: the rows `tasks_sync`'s loop would
    bulk-create when no task of the quarter exists yet (a test holds the two equal), with
    the frequency, the visits already made, the exemption and the window's close decided by the
    database. The window is decided per post in Python first (a few thousand distinct posts):
    only the closed posts and the reopened officials enter the statement, as integer lists."""
    closes = _Closes(quarter, now)
    posts = (
        Assignment.objects.filter(ends_on__isnull=True, business__status=BusinessStatus.OPERATING)
        .values_list("official__grant__division_id", "official__grant__division__path")
        .distinct()
    )
    closed_posts = sorted({pk for pk, path in posts if closes.path_closed(path)})
    closed = "false"
    if closed_posts:
        closed = f"(g.division_id IN ({','.join(str(int(pk)) for pk in closed_posts)})"
        if closes.reopened:
            reopened = ",".join(str(int(pk)) for pk in sorted(closes.reopened))
            closed += f" AND a.official_id NOT IN ({reopened})"
        closed += ")"
    ops = connection.ops
    period = ops.adapt_datefield_value(quarter.first_day)
    stamp = ops.adapt_datetimefield_value(now)
    exempt_from = ops.adapt_datefield_value(quarter.last_day - timedelta(days=exempt_days() - 1))
    # The province's frequency per grade (visits/rules.py `VisitRules.required`): the rule of
    # the province of the official's post, whose id is the post path's first segment.
    required = "CASE b.grade " + " ".join(
        f"WHEN '{g}' THEN COALESCE(r.per_quarter_{g.lower()}, {DEFAULT_PER_QUARTER})"
        for g in "ABCD"
    )
    required += f" ELSE {DEFAULT_PER_QUARTER} END"
    sql = f"""
        INSERT INTO {VisitTask._meta.db_table}
            (created_at, updated_at, business_id, official_id, period, status, required,
             visits_made, exempt)
        SELECT %s, %s, t.business_id, t.official_id, %s,
            CASE WHEN t.made >= t.required THEN '{TaskStatus.DONE}'
                 WHEN t.exempt THEN '{TaskStatus.EXEMPT}'
                 WHEN t.closed THEN '{TaskStatus.MISSED}'
                 ELSE '{TaskStatus.DUE}' END,
            t.required, t.made, t.exempt
        FROM (
            SELECT a.business_id, a.official_id, {required} AS required,
                COALESCE(v.n, 0) AS made, a.starts_on >= %s AS exempt, {closed} AS closed
            FROM officials_assignment a
            JOIN businesses_business b ON b.id = a.business_id
            JOIN officials_official o ON o.id = a.official_id
            JOIN accounts_rolegrant g ON g.id = o.grant_id
            JOIN regions_division d ON d.id = g.division_id
            LEFT JOIN visits_visitrule r
                ON r.province_id = CAST(substr(d.path, 1, {SEGMENT_WIDTH}) AS bigint)
            LEFT JOIN (
                SELECT v.business_id, COUNT(DISTINCT v.visited_on) AS n
                FROM visits_visit v
                WHERE v.period = %s
                    AND NOT EXISTS (SELECT 1 FROM visits_visit c WHERE c.replaces_id = v.id)
                GROUP BY v.business_id
            ) v ON v.business_id = a.business_id
            WHERE a.ends_on IS NULL AND b.status = %s
        ) t
    """  # noqa: S608 (model metadata, integers and constants)
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [stamp, stamp, period, exempt_from, period, BusinessStatus.OPERATING.value]
        )
        created = cursor.rowcount
    if created:
        mark_posts(
            VisitTask.objects.filter(period=quarter.first_day)
            .values_list("official__grant__division_id", flat=True)
            .distinct()
        )
    return SyncResult(created=created)


@transaction.atomic
def tasks_generate(*, quarter: Quarter | None = None, now: datetime | None = None) -> SyncResult:
    """The quarterly job: every business's tasks for the quarter (idempotent)."""
    return tasks_sync(quarter=quarter, now=now)


def tasks_follow_assignments(business_ids: list[int]) -> None:
    """Registered with the officials' assignment hook and the registry's business hook."""
    tasks_sync(business_ids=business_ids)


@transaction.atomic
def tasks_close_past(*, now: datetime | None = None) -> SyncResult:
    """Daily: the previous quarter's due tasks become missed once its window closed for their
    official (a reopening keeps them due); done ones stay done."""
    now = now or timezone.now()
    return tasks_sync(quarter=Quarter.of(timezone.localdate(now)).previous(), now=now)


# --- entry windows --------------------------------------------------------------------------


@transaction.atomic
def window_close_early(*, actor, division, quarter: Quarter, closes_at: datetime) -> EntryWindow:
    """An office closes a quarter's entry for its subtree at `closes_at`, never after the
    default close (§1.3)."""
    if not can_manage_division(actor, division):
        raise Forbidden(
            code="window_out_of_reach",
            message=_("Your office can close entry only for its own regions."),
        )
    latest = default_close(quarter, division.path)
    if closes_at > latest:
        message = _("An office may close entry earlier, never later than %(close)s.") % {
            "close": timezone.localtime(latest).strftime("%Y-%m-%d %H:%M")
        }
        raise Invalid(code="window_later", message=message, fields={"closes_at": message})
    window, _created = EntryWindow.objects.update_or_create(
        division=division,
        period=quarter.first_day,
        defaults={"closes_at": closes_at, "created_by": actor},
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.ENTRY_WINDOW_CLOSED,
        target=window,
        division=division,
        data={"quarter": str(quarter), "closes_at": closes_at.isoformat()},
    )
    return window


@transaction.atomic
def window_reopen(
    *,
    actor,
    official: Official,
    quarter: Quarter,
    reason: str,
    ends_at: datetime | None = None,
    now: datetime | None = None,
) -> WindowReopening:
    """Reopen a closed quarter for one named official until `ends_at` (default 7 days), with a
    reason; audited. Entries through it are marked late."""
    now = now or timezone.now()
    if not can_manage_division(actor, official.grant.division):
        raise Forbidden(
            code="window_out_of_reach",
            message=_("Your office can reopen entry only for officials of its regions."),
        )
    reason = reason.strip()
    if not reason:
        raise Invalid(
            code="reason_required",
            message=_("Give a reason."),
            fields={"reason": _("Give a reason.")},
        )
    ends_at = ends_at or now + timedelta(days=settings.LIANGZE_WINDOW_REOPEN_DAYS)
    if ends_at <= now:
        message = _("The reopened window must end in the future.")
        raise Invalid(code="reopen_end", message=message, fields={"ends_at": message})
    reopening = WindowReopening.objects.create(
        official=official,
        period=quarter.first_day,
        reason=reason,
        ends_at=ends_at,
        created_by=actor,
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.ENTRY_WINDOW_REOPENED,
        target=official,
        data={"quarter": str(quarter), "ends_at": ends_at.isoformat(), "reason": reason},
    )
    # Missed tasks of the quarter become due again while the window is open.
    _reopen_tasks(official=official, quarter=quarter, now=now)
    return reopening


def _reopen_tasks(*, official: Official, quarter: Quarter, now: datetime) -> None:
    ids = list(
        VisitTask.objects.filter(official=official, period=quarter.first_day)
        .exclude(status=TaskStatus.CANCELLED)
        .values_list("business_id", flat=True)
    )
    if ids:
        tasks_sync(quarter=quarter, business_ids=ids, now=now)


@transaction.atomic
def visit_rule_set(*, actor, province, per_quarter: Mapping[str, int], grace_days: int):
    """A province office sets its frequencies (raise only: never below 1 a quarter) and grace."""
    if not can_manage_division(actor, province) or province.parent_id is not None:
        raise Forbidden(
            code="visit_rule_out_of_reach",
            message=_("Only the province's office sets its visit rules."),
        )
    if any(int(n) < 1 for n in per_quarter.values()):
        message = _("Every grade is visited at least once a quarter.")
        raise Invalid(code="frequency_too_low", message=message, fields={"per_quarter": message})
    rule, _created = VisitRule.objects.update_or_create(
        province=province,
        defaults={
            **{f"per_quarter_{g.lower()}": int(n) for g, n in per_quarter.items()},
            "grace_days": grace_days,
        },
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.VISIT_RULE_CHANGED,
        target=rule,
        division=province,
        data={"per_quarter": dict(per_quarter), "grace_days": grace_days},
    )
    return rule


# --- checklist templates (docs/domain.md §1.5, §1.12) ---------------------------------------

CHECKLIST_ORDER_MAX = 32767  # PositiveSmallIntegerField
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _checklist_refuse_unless_allowed(actor, province) -> None:
    if not can_set_province_rules(actor, province):
        raise Forbidden(
            code="province_rules_out_of_reach",
            message=_(
                "Only the province's food safety office changes its settings; its leaders may "
                "read them."
            ),
        )


def _checklist_rows_start(province) -> int:
    """Lock the province's checklist (one writer at a time) and, while it has no rows, copy
    the defaults into its set for every type, in the platform's language whoever writes
    first. Returns how many rows were copied."""
    list(Division.objects.select_for_update().filter(pk=province.pk).values_list("pk"))
    if ChecklistItem.objects.filter(province=province).exists():
        return 0
    rows = default_rows(province)
    ChecklistItem.objects.bulk_create(rows)
    return len(rows)


def _checklist_label(label) -> str:
    label = " ".join(str(label or "").split())
    limit = ChecklistItem._meta.get_field("label").max_length
    if not label or len(label) > limit:
        message = _("Write the item in 1 to %(limit)d characters.") % {"limit": limit}
        raise Invalid(code="checklist_label_invalid", message=message, fields={"label": message})
    return label


def _checklist_business_type(business_type: str) -> str:
    if business_type and business_type not in BusinessType.values:
        message = _("Choose a business type, or every type.")
        raise Invalid(
            code="checklist_type_invalid", message=message, fields={"business_type": message}
        )
    return business_type


def _checklist_row(province, business_type: str, key: str) -> ChecklistItem:
    row = (
        ChecklistItem.objects.select_for_update()
        .filter(province=province, business_type=business_type, key=key)
        .first()
    )
    if row is None:
        raise NotFound(code="checklist_item_not_found", message=_("Checklist item not found."))
    return row


@transaction.atomic
def checklist_item_create(
    *, actor, province, business_type: str = "", label: str, key: str = ""
) -> ChecklistItem:
    """Add an item to the province's set for `business_type` (`""`: every type), after every
    item a visit of the type checks. A province still on the defaults gets them copied first.
    `key` names the item in visits; a type's item under a key of the set for every type
    replaces that item for the type, in its place. Left blank, a new key is made. Raises
    Forbidden (not the province's office) or Invalid."""
    _checklist_refuse_unless_allowed(actor, province)
    business_type = _checklist_business_type(business_type)
    label = _checklist_label(label)
    key = str(key or "").strip()
    if key and (len(key) > 40 or not SLUG.fullmatch(key)):
        message = _("A key is up to 40 letters, digits, hyphens or underscores.")
        raise Invalid(code="checklist_key_invalid", message=message, fields={"key": message})
    copied = _checklist_rows_start(province)
    same_set = ChecklistItem.objects.filter(province=province, business_type=business_type)
    taken = set(ChecklistItem.objects.filter(province=province).values_list("key", flat=True))
    if key and same_set.filter(key=key).exists():
        message = _("This set already has an item with this key.")
        raise Invalid(code="checklist_key_taken", message=message, fields={"key": message})
    if not key:
        n = len(taken) + 1
        while f"item-{n}" in taken:
            n += 1
        key = f"item-{n}"
    # Last of what a visit of the type checks, not only of its own set.
    last = (
        ChecklistItem.objects.filter(province=province, business_type__in={"", business_type})
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
        or 0
    )
    # An item replacing one for every type takes its place.
    replaced = (
        ChecklistItem.objects.filter(province=province, business_type="", key=key)
        .values_list("order", flat=True)
        .first()
        if business_type
        else None
    )
    item = ChecklistItem.objects.create(
        province=province,
        business_type=business_type,
        key=key,
        label=label,
        order=replaced if replaced is not None else min(last + ORDER_STEP, CHECKLIST_ORDER_MAX),
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.CHECKLIST_ITEM_ADDED,
        target=item,
        division=province,
        data={"business_type": business_type, "key": key, "label": label, "copied": copied},
    )
    return item


@transaction.atomic
def checklist_item_update(
    *,
    actor,
    province,
    business_type: str = "",
    key: str,
    label: str | None = None,
    order: int | None = None,
    active: bool | None = None,
) -> ChecklistItem:
    """Rename, renumber, take out of use or put back one item of the province's set for
    `business_type`; what is None stays. Rows are never deleted: a visit keeps the key and
    wording it was recorded with, and its figures stay. The set for every type keeps at least
    one item in use, so no visit has nothing to check. A province still on the defaults gets
    them copied first. Raises Forbidden, NotFound (no such item) or Invalid."""
    _checklist_refuse_unless_allowed(actor, province)
    business_type = _checklist_business_type(business_type)
    label = None if label is None else _checklist_label(label)
    if order is not None and not (isinstance(order, int) and 0 <= order <= CHECKLIST_ORDER_MAX):
        message = _("The order is a whole number from 0 to %(max)d.") % {"max": CHECKLIST_ORDER_MAX}
        raise Invalid(code="checklist_order_invalid", message=message, fields={"order": message})
    copied = _checklist_rows_start(province)
    item = _checklist_row(province, business_type, key)
    if active is False and item.active and business_type == "":
        others = ChecklistItem.objects.filter(province=province, business_type="", active=True)
        if not others.exclude(pk=item.pk).exists():
            message = _("Keep at least one item in use for every type.")
            raise Invalid(code="checklist_empty", message=message, fields={"active": message})
    fields = ("label", "order", "active")
    before = snapshot(item, fields)
    for name, value in (("label", label), ("order", order), ("active", active)):
        if value is not None:
            setattr(item, name, value)
    changes = changes_between(before, snapshot(item, fields))
    if not changes and not copied:
        return item  # nothing to record
    if changes:
        item.save(update_fields=[*changes, "updated_at"])
    audit_event_record(
        actor=actor,
        action=AuditAction.CHECKLIST_ITEM_CHANGED,
        target=item,
        division=province,
        changes=changes,
        data={"business_type": business_type, "key": key, "copied": copied},
    )
    return item


@transaction.atomic
def checklist_item_move(
    *, actor, province, business_type: str = "", key: str, up: bool
) -> ChecklistItem:
    """Move one item a place up or down in its set (in use or not) by swapping order numbers
    with its neighbour, so the set keeps its place among the items for every type (a set with
    equal numbers is first numbered again from its smallest, 10 apart). The first item moved
    up, or the last down, stays. Raises as `checklist_item_update` does."""
    _checklist_refuse_unless_allowed(actor, province)
    business_type = _checklist_business_type(business_type)
    copied = _checklist_rows_start(province)
    item = _checklist_row(province, business_type, key)
    rows = list(
        ChecklistItem.objects.select_for_update()
        .filter(province=province, business_type=business_type)
        .order_by("order", "pk")
    )
    before = {row.pk: row.order for row in rows}
    if len({row.order for row in rows}) < len(rows):
        base = rows[0].order
        for n, row in enumerate(rows):
            row.order = min(base + n * ORDER_STEP, CHECKLIST_ORDER_MAX)
    at = next(n for n, row in enumerate(rows) if row.pk == item.pk)
    to = at - 1 if up else at + 1
    if 0 <= to < len(rows):
        rows[at].order, rows[to].order = rows[to].order, rows[at].order
        rows[at], rows[to] = rows[to], rows[at]
    now = timezone.now()
    moved = [row for row in rows if row.order != before[row.pk]]
    for row in moved:
        row.updated_at = now
    ChecklistItem.objects.bulk_update(moved, ["order", "updated_at"])
    item = next(row for row in rows if row.pk == item.pk)
    if not moved and not copied:
        return item  # the first item up or the last down: nothing changed, nothing recorded
    audit_event_record(
        actor=actor,
        action=AuditAction.CHECKLIST_ITEM_CHANGED,
        target=item,
        division=province,
        data={
            "business_type": business_type,
            "key": key,
            "moved": "up" if up else "down",
            "order": [row.key for row in rows],
            "copied": copied,
        },
    )
    return item


# --- visits ---------------------------------------------------------------------------------


@dataclass
class ItemAnswer:
    result: str = ItemResult.PASS
    note: str = ""
    problem: ProblemDraft | None = None


@dataclass
class RecheckAnswer:
    """One earlier problem of the business re-checked on this visit (回头看, docs/domain.md §1.6):
    fixed or not, a note, and the photos after the fix where the re-check records the fix."""

    problem: Problem
    fixed: bool
    note: str = ""
    photos: Sequence = field(default_factory=tuple)


@dataclass
class VisitInput:
    business: Business
    visited_at: datetime
    mode: str
    answers: Mapping[str, ItemAnswer]
    idempotency_key: uuid.UUID
    representative: str = ""
    signature: object = None  # a files.StoredFile
    signature_refused: bool = False
    refusal_note: str = ""
    lat_e6: int | None = None
    lng_e6: int | None = None
    location: str = LocationState.UNAVAILABLE
    photos: Sequence = field(default_factory=tuple)
    replaces: Visit | None = None
    correction_reason: str = ""
    rechecks: Sequence[RecheckAnswer] = field(default_factory=tuple)


def _invalid(code: str, name: str, message: str) -> Invalid:
    return Invalid(code=code, message=message, fields={name: message})


def _assigned_on(official: Official, business: Business, day) -> bool:
    return (
        Assignment.objects.filter(official=official, business=business, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .exists()
    )


EARLIEST_VISIT = datetime(1949, 1, 1, tzinfo=UTC)  # docs/domain.md §3.6


def _check(data: VisitInput, *, official: Official, now: datetime) -> None:
    if timezone.is_naive(data.visited_at) or data.visited_at < EARLIEST_VISIT:
        raise _invalid("visit_date", "visited_at", _("Give the date and time of the visit."))
    if data.mode not in VisitMode.values:
        raise _invalid("visit_mode", "mode", _("Choose on site or remote."))
    if data.visited_at > now + CLOCK_TOLERANCE:
        raise _invalid("visit_in_future", "visited_at", _("A visit cannot be in the future."))
    day = timezone.localdate(data.visited_at)
    if not _assigned_on(official, data.business, day):
        raise Forbidden(
            code="visit_not_assigned",
            message=_("Only the official assigned to the business on the visit date records it."),
        )
    if data.signature_refused and not data.refusal_note.strip():
        raise _invalid(
            "refusal_note_required", "refusal_note", _("Note why the representative refused.")
        )
    if data.mode == VisitMode.ON_SITE:
        if not data.representative.strip():
            raise _invalid(
                "representative_required", "representative", _("Name the representative.")
            )
        if data.signature is None and not data.signature_refused:
            raise _invalid(
                "signature_required",
                "signature",
                _("The representative signs, or note that they refused."),
            )
    if (data.lat_e6 is None) != (data.lng_e6 is None):
        raise _invalid("location", "location", _("A location needs both coordinates."))
    if data.lat_e6 is not None and not (
        -90_000_000 <= data.lat_e6 <= 90_000_000 and -180_000_000 <= data.lng_e6 <= 180_000_000
    ):
        raise _invalid("location", "location", _("The location is out of range."))


def recheck_field(problem) -> str:
    """The form field (and the refusal's key) of one re-check on the visit form."""
    return f"recheck-{problem.pk}"


def _recheck_refused(problem, exc: DomainError) -> DomainError:
    """A refused re-check refuses the whole visit, its reason on that problem's field."""
    reasons = [exc.message, *(t for t in exc.fields.values() if t != exc.message)]
    message = _("Re-check of “%(problem)s”: %(reason)s") % {
        "problem": problem.description[:40],
        "reason": " ".join(reasons),
    }
    return type(exc)(code=exc.code, message=message, fields={recheck_field(problem): message})


def _check_rechecks(business: Business, rechecks: Sequence[RecheckAnswer]) -> None:
    seen: set[int] = set()
    for answer in rechecks:
        problem = answer.problem
        if problem.business_id != business.pk:
            raise _invalid(
                "recheck_other_business",
                recheck_field(problem),
                _("A visit re-checks only the problems of the business visited."),
            )
        if problem.pk in seen:
            raise _invalid(
                "recheck_twice", recheck_field(problem), _("A problem is re-checked once a visit.")
            )
        seen.add(problem.pk)


def visit_rechecks_authorise(
    *, actor, business: Business, idempotency_key: uuid.UUID, rechecks: Sequence[RecheckAnswer]
) -> None:
    """Refuse the re-checks a visit may not carry, before the caller opens its transaction (a
    refusal's audit event is kept): a problem of another business, one named twice, or one the
    actor may not re-check from its state now. A key already used passes: `visit_submit` returns
    the first visit as it stands."""
    if not rechecks or Visit.objects.filter(idempotency_key=idempotency_key).exists():
        return
    _check_rechecks(business, rechecks)
    for answer in rechecks:
        action = Action.RECHECK if answer.fixed else Action.REJECT
        try:
            problem_authorise(actor=actor, problem=answer.problem, action=action)
        except DomainError as exc:
            raise _recheck_refused(answer.problem, exc) from None


@transaction.atomic
def visit_submit(*, actor, data: VisitInput, now: datetime | None = None) -> Visit:
    """Record a visit (immutable once written). Submitting the same idempotency key again
    returns the first visit; the server's receipt time decides whether the window is open.
    Each re-check it carries goes through the closed loop's `problem_recheck`, linked to the
    visit; one refused (the problem moved meanwhile, evidence missing) refuses the whole visit
    and nothing is written. Callers run `visit_rechecks_authorise` before their transaction."""
    now = now or timezone.now()
    official = official_of(actor)
    if official is None:
        raise Forbidden(code="visit_not_official", message=_("Only officials record visits."))
    earlier = Visit.objects.filter(idempotency_key=data.idempotency_key).first()
    if earlier is not None:
        if earlier.official_id != official.pk:
            raise Conflict(code="visit_key_taken", message=_("This visit was already submitted."))
        return earlier
    _check(data, official=official, now=now)
    quarter = Quarter.of(timezone.localdate(data.visited_at))
    state = entry_state(official, quarter, now)
    if not state.open:
        raise _invalid(
            "window_closed",
            "visited_at",
            _("Entry for %(quarter)s is closed.") % {"quarter": str(quarter)},
        )
    business = data.business
    items = checklist_for(business)
    keys = [i.key for i in items]
    unknown = set(data.answers) - set(keys)
    missing = [k for k in keys if k not in data.answers]
    if unknown:
        # A form (or an offline draft) made before the province changed its checklist.
        raise _invalid(
            "checklist_changed",
            "items",
            _(
                "The checklist has changed since this form was opened. Open the form again "
                "and answer its items."
            ),
        )
    if missing:
        raise _invalid("visit_items", "items", _("Answer every item of the checklist."))
    for key, answer in data.answers.items():
        if answer.result not in ItemResult.values:
            raise _invalid("visit_items", key, _("Choose pass, problem or not applicable."))
        if answer.result == ItemResult.PROBLEM and answer.problem is None:
            raise _invalid("problem_required", key, _("Describe the problem."))
    replaces = data.replaces
    if replaces is not None:
        if replaces.official_id != official.pk or replaces.business_id != business.pk:
            raise Forbidden(
                code="visit_correction", message=_("Only your own visit can be corrected.")
            )
        if not data.correction_reason.strip():
            raise _invalid("reason_required", "correction_reason", _("Give a reason."))
    _check_rechecks(data.business, data.rechecks)
    location = data.location
    distance = None
    if data.lat_e6 is not None:
        location = LocationState.GIVEN
        if business.lat_e6 is not None and business.lng_e6 is not None:
            distance = haversine_m(data.lat_e6, data.lng_e6, business.lat_e6, business.lng_e6)
    elif location == LocationState.GIVEN:
        location = LocationState.UNAVAILABLE
    task = (
        VisitTask.objects.filter(business=business, period=quarter.first_day)
        .exclude(status=TaskStatus.CANCELLED)
        .order_by("-pk")
        .first()
    )
    problems = [(k, a) for k, a in data.answers.items() if a.result == ItemResult.PROBLEM]
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                official=official,
                business=business,
                task=task,
                period=quarter.first_day,
                visited_at=data.visited_at,
                visited_on=timezone.localdate(data.visited_at),
                received_at=now,
                mode=data.mode,
                location=location,
                lat_e6=data.lat_e6,
                lng_e6=data.lng_e6,
                distance_m=distance,
                representative=data.representative.strip(),
                signature=data.signature,
                signature_refused=data.signature_refused,
                refusal_note=data.refusal_note.strip(),
                checklist=keys,
                problem_count=len(problems),
                idempotency_key=data.idempotency_key,
                late=state.late,
                replaces=replaces,
                correction_reason=data.correction_reason.strip(),
            )
    except IntegrityError:
        # The same key arrived twice at once, or the visit was already corrected.
        raise Conflict(
            code="visit_conflict", message=_("This visit was submitted or corrected meanwhile.")
        ) from None
    found = problem_record_many(
        actor=actor,
        business=business,
        source="visit",
        source_id=visit.pk,
        found_at=data.visited_at,
        drafts=[a.problem for _k, a in problems],
    )
    problem_of = {k: p for (k, _a), p in zip(problems, found, strict=True)}
    labels = {i.key: i.label for i in items}
    VisitItem.objects.bulk_create(
        [
            VisitItem(
                visit=visit,
                key=key,
                label=labels[key][:200],
                result=answer.result,
                note=answer.note.strip()[:500],
                problem=problem_of.get(key),
            )
            for key, answer in data.answers.items()
            if answer.result != ItemResult.PASS or answer.note.strip()
        ]
    )
    VisitPhoto.objects.bulk_create([VisitPhoto(visit=visit, file=f) for f in data.photos])
    for answer in data.rechecks:
        try:
            problem_recheck(
                actor=actor,
                problem=answer.problem,
                fixed=answer.fixed,
                note=answer.note,
                photos=answer.photos,
                visit=visit,
            )
        except DomainError as exc:
            raise _recheck_refused(answer.problem, exc) from None
    audit_event_record(
        actor=actor,
        action=AuditAction.VISIT_CORRECTED if replaces else AuditAction.VISIT_RECORDED,
        target=visit,
        division=business.division,
        data={
            "business": business.pk,
            "quarter": str(quarter),
            "mode": data.mode,
            "problems": len(problems),
            "rechecks": len(data.rechecks),
            "late": state.late,
            "replaces": replaces.pk if replaces else None,
            "distance_m": distance,
        },
    )
    mark_officials({official.pk, replaces.official_id if replaces else None})
    tasks_sync(quarter=quarter, business_ids=[business.pk], now=now)
    return visit
