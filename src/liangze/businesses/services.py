"""Writes to the business registry. Each service is one transaction with its audit event(s)."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, DateTimeField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.audit.models import AuditAction, AuditEvent
from liangze.audit.services import audit_event_record, build_audit_event, changes_between, snapshot
from liangze.businesses.hooks import BusinessChange, run_business_changed
from liangze.businesses.models import (
    LIST_FILTER_FIELDS,
    Business,
    BusinessStatus,
    BusinessTally,
    BusinessTallyChange,
    StatusChange,
    new_public_token,
    new_public_tokens,
)
from liangze.businesses.register import register_match_businesses, register_match_codes
from liangze.businesses.search import SEARCH_FIELDS, name_search_fields
from liangze.businesses.validation import CLEANED_FIELDS, clean_business_fields, reason_problem
from liangze.core.dates import check_user_dates, date_bounds_errors
from liangze.core.errors import Conflict, Invalid
from liangze.core.locks import transaction_lock
from liangze.figures.measures import Side
from liangze.figures.services import figures_mark
from liangze.imports.bulk import (
    Inserter,
    db_value,
    json_adapter,
    json_text,
    json_text_adapter,
    update_rows,
)
from liangze.imports.events import EVENT_FIELDS, event_common, event_row, json_object_texts
from liangze.imports.selectors import listed
from liangze.regions.models import Division, Level

BUSINESS_LEVELS = (Level.TOWNSHIP, Level.VILLAGE)
# Status moves allowed (docs/domain.md §1.7). Closed is final: a reopened business is a new record.
TRANSITIONS = {
    BusinessStatus.OPERATING: {
        BusinessStatus.SUSPENDED,
        BusinessStatus.CLOSED,
        BusinessStatus.MOVED_OUT,
    },
    BusinessStatus.SUSPENDED: {
        BusinessStatus.OPERATING,
        BusinessStatus.CLOSED,
        BusinessStatus.MOVED_OUT,
    },
    BusinessStatus.MOVED_OUT: {BusinessStatus.OPERATING},
    BusinessStatus.CLOSED: set(),
}
TRACKED = (*CLEANED_FIELDS, "status", "status_since", "division")


def registration_changes(values: Iterable[tuple[str, object]]) -> dict:
    """A registration's audit changes: [None, value] for each field registered with a value.
    Blank fields (None, "", False) are left out: they say nothing, and an import writes one of
    these for each of 100,000 businesses."""
    return {
        name: (None, value)
        for name, value in values
        if value is not None and value is not False and value != ""
    }


def _check_division(division: Division) -> None:
    if division.level not in BUSINESS_LEVELS:
        raise Invalid(
            code="business_division_level",
            message=_("A business belongs to a township or a village."),
            fields={"division": _("Choose a township or a village.")},
        )


def _check_identity_free(
    *, uscc: str, registration_number: str, exclude_pk: int | None = None
) -> None:
    # The filters repeat the conditions of the unique indexes on live businesses (SQLite uses a
    # partial index only for a query that states its condition).
    live = Business.objects.exclude(status=BusinessStatus.CLOSED).exclude(pk=exclude_pk)
    if uscc and live.filter(uscc__gt="", uscc=uscc).exists():
        raise Invalid(
            code="uscc_taken",
            message=_("A live business with this credit code is already on the platform."),
            fields={"uscc": _("A live business with this credit code is already on the platform.")},
        )
    if (
        not uscc
        and registration_number
        and live.filter(
            uscc="", registration_number__gt="", registration_number=registration_number
        ).exists()
    ):
        raise Invalid(
            code="registration_taken",
            message=_("A live business with this registration number is already on the platform."),
            fields={
                "registration_number": _(
                    "A live business with this registration number is already on the platform."
                )
            },
        )


def _reason(reason: str, *, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise Invalid(
            code="reason_required",
            message=_("Give a reason."),
            fields={field: _("Give a reason.")},
        )
    problem = reason_problem(text)
    if problem:
        raise Invalid(code="reason_invalid", message=problem, fields={field: problem})
    return text


def grade_reason_problem(text: str, *, required: bool) -> str:
    """Why a registration's (or a regrade's) grade reason, stripped, cannot be kept, or "".
    The rule of the form, the API and the import alike."""
    if not text and required:
        return _("Say why the business has this grade.")
    return reason_problem(text)


@dataclass(frozen=True)
class Registration:
    """One business to register, already checked: `values` in CLEANED_FIELDS order (what
    clean_business_fields gives), its township or village, the grade's reason, the date it
    operates from (today when None) and what its audit event adds to `data` (an import's line).
    """

    values: tuple
    division_id: int
    division_path: str
    grade_reason: str
    status_since: date | None = None
    data: Mapping = field(default_factory=dict)


# Rows per group of statements of the set-based registration, and so between progress reports.
REGISTER_CHUNK = 2000


def _after_row(index: int) -> None:
    """Called after each row a set-based write has written (before the commit). A no-op: tests
    put a failure here to prove that one bad row leaves the database as it was."""


@transaction.atomic
def business_register_many(
    *,
    actor,
    rows: Sequence[Registration],
    data: Mapping | None = None,
    progress: Callable[[int], None] | None = None,
    set_based: bool | None = None,
) -> list[int]:
    """Register checked businesses; their ids in the order of `rows`. What registering a
    business means, for the form, the API, the import and the demo alike:

    - the business, operating from its `status_since` (today by default), with a new public
      token, created by the actor;
    - its first status change ("" → operating, from that date, reason "Registered");
    - one audit event BUSINESS_CREATED on it: `changes` the registered state
      (registration_changes of TRACKED), `data` the shared `data`, the row's own, and the grade's
      reason.

    The callers have checked the rows (clean_business_fields, the division's level, the
    actor's jurisdiction, grade_reason_problem); a credit code or registration number taken
    meanwhile raises IntegrityError from the set-based path and Conflict from the plain one.

    Two ways, one result: the plain path saves each row through the ORM; the set-based path
    (`set_based`, by default for more than one row) writes the same rows with bulk.py's
    statements, because the ORM's per-object cost was most of a large import's time. A test
    holds them equal, row for row and event for event. `progress(done)` after each chunk.
    """
    if set_based is None:
        set_based = len(rows) > 1
    shared = dict(data or {})
    # The figures of the divisions gained businesses (docs/architecture.md#figures).
    figures_mark(side=Side.BUSINESS, division_ids={row.division_id for row in rows})
    if set_based:
        ids = _register_set_based(actor=actor, rows=rows, data=shared, progress=progress)
        _match_register(rows)
        return ids
    ids = []
    writer = actor if getattr(actor, "pk", None) else None
    registered = _("Registered")
    name_at = CLEANED_FIELDS.index("name")
    divisions = {d.pk: d for d in Division.objects.filter(pk__in={r.division_id for r in rows})}
    for done, row in enumerate(rows, start=1):
        business = Business(
            **dict(zip(CLEANED_FIELDS, row.values, strict=True)),
            **name_search_fields(row.values[name_at]),
            division=divisions[row.division_id],
            status=BusinessStatus.OPERATING,
            status_since=row.status_since or timezone.localdate(),
            created_by=writer,
        )
        try:
            with transaction.atomic():
                business.save()
        except IntegrityError:
            raise Conflict(
                code="business_identity_taken",
                message=_("A live business with this identity was registered meanwhile."),
            ) from None
        StatusChange.objects.create(
            business=business,
            from_status="",
            to_status=BusinessStatus.OPERATING,
            effective_on=business.status_since,
            reason=registered,
            actor=writer,
        )
        audit_event_record(
            actor=actor,
            action=AuditAction.BUSINESS_CREATED,
            target=business,
            changes=registration_changes(snapshot(business, TRACKED).items()),
            data={**shared, **row.data, "grade_reason": row.grade_reason},
        )
        ids.append(business.pk)
        _after_row(done - 1)
        if progress is not None:
            progress(done)
    _match_register(rows)
    return ids


# The codes a register row is matched by (register.py): the keyword of register_match_codes
# and the business's field.
MATCHED_CODES = (
    ("usccs", "uscc"),
    ("licenses", "license_number"),
    ("registrations", "registration_number"),
)


def _match_register(rows: Sequence[Registration]) -> None:
    """Register rows missing from the platform that name these new businesses are theirs now
    (register.py)."""
    register_match_codes(
        **{
            key: [row.values[CLEANED_FIELDS.index(name)] for row in rows]
            for key, name in MATCHED_CODES
        }
    )


def _register_set_based(*, actor, rows, data: dict, progress) -> list[int]:
    """business_register_many's rows through bulk.py's statements (see there)."""
    today, now = timezone.localdate(), timezone.now()
    now_db = db_value(Business, "updated_at", now)
    dates: dict = {}

    def since(row: Registration) -> tuple:
        day = row.status_since or today
        if day not in dates:
            dates[day] = (db_value(Business, "status_since", day), day.isoformat())
        return dates[day]

    writer_id = actor.pk if getattr(actor, "pk", None) else None
    operating = BusinessStatus.OPERATING.value
    registered = _("Registered")
    from_text = json_text_adapter()
    target_type = Business._meta.label_lower  # as audit_event_record names a target
    businesses = Inserter(
        Business,
        (
            *CLEANED_FIELDS,
            *SEARCH_FIELDS,
            "status",
            "status_since",
            "division_id",
            "public_token",
            "created_by_id",
            "created_at",
            "updated_at",
        ),
    )
    status_changes = Inserter(
        StatusChange,
        (
            "business_id",
            "from_status",
            "to_status",
            "effective_on",
            "reason",
            "actor_id",
            "created_at",
            "updated_at",
        ),
    )
    events = Inserter(AuditEvent, EVENT_FIELDS)
    common = event_common(actor=actor, action=AuditAction.BUSINESS_CREATED)
    name_at = CLEANED_FIELDS.index("name")
    # The row's data keys: the shared ones, the row's own, then the grade's reason (as the
    # plain path's dict orders them; a row's own key overrides a shared one in place).
    all_ids: list[int] = []
    done = 0
    for start in range(0, len(rows), REGISTER_CHUNK):
        batch = rows[start : start + REGISTER_CHUNK]
        ids = businesses.insert_returning_ids(
            [
                (
                    *row.values,
                    *name_search_fields(row.values[name_at]).values(),
                    operating,
                    since(row)[0],
                    row.division_id,
                    token,
                    writer_id,
                    now_db,
                    now_db,
                )
                for row, token in zip(batch, new_public_tokens(len(batch)), strict=True)
            ]
        )
        status_changes.insert_selected(
            Business.objects.filter(pk__in=listed(ids, "bigint"))
            .order_by()
            .values_list(
                "pk",
                Value(""),
                "status",
                "status_since",
                Value(registered),
                Cast(Value(writer_id), BigIntegerField()),
                Value(now, output_field=DateTimeField()),
                Value(now, output_field=DateTimeField()),
            )
        )
        # The registered state, as TRACKED orders it: the values, then the status, its date and
        # the division (registration_changes' shape, built by column).
        changes = json_object_texts(
            TRACKED,
            [(*row.values, operating, since(row)[1], row.division_id) for row in batch],
            registration=True,
        )
        keys = tuple({**data, **batch[0].data, "grade_reason": ""}) if batch else ()
        if all(tuple({**data, **row.data, "grade_reason": ""}) == keys for row in batch):
            texts = json_object_texts(
                keys,
                [
                    tuple({**data, **row.data, "grade_reason": row.grade_reason}.values())
                    for row in batch
                ],
            )
        else:  # rows whose data differ in keys: each dict encoded on its own
            texts = [
                json_text({**data, **row.data, "grade_reason": row.grade_reason}) for row in batch
            ]
        events.insert(
            [
                event_row(
                    common,
                    target_type=target_type,
                    target_id=pk,
                    name=row.values[name_at],
                    path=row.division_path,
                    changes=from_text(change_text),
                    data=from_text(data_text),
                )
                for pk, row, change_text, data_text in zip(ids, batch, changes, texts, strict=True)
            ]
        )
        for _row in batch:
            _after_row(done)
            done += 1
        all_ids.extend(ids)
        if progress is not None:
            progress(done)
    return all_ids


@dataclass(frozen=True)
class Change:
    """A checked change of a business's fields by a table: `after` the new values of the
    changed fields only (the division as `division`, its id), `before` their old values."""

    business_id: int
    name: str
    division_path: str
    after: Mapping
    before: Mapping
    data: Mapping = field(default_factory=dict)


@transaction.atomic
def business_change_many(
    *,
    actor,
    rows: Sequence[Change],
    data: Mapping | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write checked changes (the caller compared them with the stored businesses): the fields
    and updated_at, one BUSINESS_UPDATED event per business with the changes and `data` plus the
    row's own. Set-based, as business_register_many's fast path; `progress(done)` per chunk."""
    now_db = db_value(Business, "updated_at", timezone.now())
    to_json = json_adapter()
    target_type = Business._meta.label_lower
    events = Inserter(AuditEvent, EVENT_FIELDS)
    shared = dict(data or {})
    done = 0
    for start in range(0, len(rows), REGISTER_CHUNK):
        batch = rows[start : start + REGISTER_CHUNK]
        groups: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
        common = event_common(actor=actor, action=AuditAction.BUSINESS_UPDATED)
        changed = []
        for row in batch:
            names = tuple(sorted(row.after))
            columns = tuple("division_id" if name == "division" else name for name in names)
            # A renamed business gets its name's search keys with the name (search.py).
            keys = name_search_fields(row.after["name"]) if "name" in row.after else {}
            columns += tuple(keys)
            groups[columns].append(
                (*(row.after[name] for name in names), *keys.values(), now_db, row.business_id)
            )
            changed.append(
                event_row(
                    common,
                    target_type=target_type,
                    target_id=row.business_id,
                    name=row.name,
                    path=row.division_path,
                    changes=to_json({name: [row.before[name], row.after[name]] for name in names}),
                    data=to_json({**shared, **row.data}),
                )
            )
        for columns, values in groups.items():
            update_rows(Business, (*columns, "updated_at"), values)
        events.insert(changed)
        for _row in batch:
            _after_row(done)
            done += 1
        if progress is not None:
            progress(done)
    # Figures of both divisions of a moved business, and of every changed one (its codes and
    # licence count for the data collection rate); the hook marks the rest.
    figures_mark(
        side=Side.BUSINESS,
        division_ids={row.before["division"] for row in rows if "division" in row.before},
    )
    if rows:
        figures_mark(
            side=Side.BUSINESS,
            division_ids=Business.objects.filter(
                pk__in=listed([row.business_id for row in rows], "bigint")
            )
            .values_list("division_id", flat=True)
            .distinct(),
        )
    # Register rows missing from the platform that a new code or licence names (register.py).
    register_match_codes(
        **{
            key: [row.after[name] for row in rows if row.after.get(name)]
            for key, name in MATCHED_CODES
        }
    )
    # What a table changes is a regrade or a move like any other: the apps above the registry
    # (assignments) follow it in this transaction, as they do for the single-row services.
    for change, name in ((BusinessChange.REGRADED, "grade"), (BusinessChange.MOVED, "division")):
        ids = [row.business_id for row in rows if name in row.after]
        if ids:
            run_business_changed(
                actor=actor,
                change=change,
                businesses=list(Business.objects.filter(pk__in=ids).select_related("division")),
                effective_on=timezone.localdate(),
            )
    return done


@transaction.atomic
def business_create(
    *,
    actor,
    division: Division,
    fields: Mapping[str, object],
    grade_reason: str,
    status_since: date | None = None,
    allow_pilot: bool = False,
) -> Business:
    """Register a business (operating from `status_since`, today by default): one row of
    business_register_many, checked here.

    `fields` is raw input (see validation.INPUT_FIELDS); Invalid lists every bad field."""
    cleaned, errors = clean_business_fields(fields, allow_pilot=allow_pilot)
    grade_reason = (grade_reason or "").strip()
    problem = grade_reason_problem(grade_reason, required=True)
    if problem:
        errors["grade_reason"] = problem
    errors.update(date_bounds_errors(status_since=status_since))
    if errors:
        raise Invalid(
            code="business_invalid", message=_("Please correct the marked fields."), fields=errors
        )
    _check_division(division)
    _check_identity_free(uscc=cleaned["uscc"], registration_number=cleaned["registration_number"])
    [pk] = business_register_many(
        actor=actor,
        rows=[
            Registration(
                values=tuple(cleaned[name] for name in CLEANED_FIELDS),
                division_id=division.pk,
                division_path=division.path,
                grade_reason=grade_reason,
                status_since=status_since,
            )
        ],
        set_based=False,
    )
    return Business.objects.select_related("division").get(pk=pk)


@transaction.atomic
def business_update(
    *, actor, business: Business, fields: Mapping[str, object], allow_pilot: bool = False
) -> Business:
    """Change descriptive fields. Grade, status and division have services of their own."""
    allowed = {k: v for k, v in fields.items() if k not in ("grade", "status", "division")}
    cleaned, errors = clean_business_fields(allowed, partial=True, allow_pilot=allow_pilot)
    if errors:
        raise Invalid(
            code="business_invalid", message=_("Please correct the marked fields."), fields=errors
        )
    before = snapshot(business, TRACKED)
    for name, value in cleaned.items():
        setattr(business, name, value)
    after = snapshot(business, TRACKED)
    changes = changes_between(before, after)
    if not changes:
        return business
    _check_identity_free(
        uscc=business.uscc, registration_number=business.registration_number, exclude_pk=business.pk
    )
    keys = name_search_fields(business.name) if "name" in changes else {}
    for name, value in keys.items():
        setattr(business, name, value)
    business.save(update_fields=[*changes, *keys, "updated_at"])
    audit_event_record(
        actor=actor, action=AuditAction.BUSINESS_UPDATED, target=business, changes=changes
    )
    # Its codes and licence count for the data collection rate (docs/domain.md §2).
    figures_mark(side=Side.BUSINESS, division_ids=[business.division_id])
    register_match_businesses([business])
    return business


def _regrade_one(*, actor, business: Business, grade: str, reason: str) -> AuditEvent | None:
    if business.grade == grade:
        return None
    now = timezone.now()
    moved = Business.objects.filter(pk=business.pk, grade=business.grade).update(
        grade=grade, updated_at=now
    )
    if not moved:
        raise Conflict(
            code="business_changed",
            message=_("The business was changed meanwhile; reload and try again."),
        )
    event = build_audit_event(
        actor=actor,
        action=AuditAction.BUSINESS_REGRADED,
        target=business,
        changes={"grade": [business.grade, grade]},
        data={"reason": reason},
    )
    business.grade = grade
    return event


@transaction.atomic
def business_regrade(
    *, actor, business: Business, grade: str, reason: str, successor: int | None = None
) -> Business:
    """Set the covering grade (the office decides, with a reason; docs/domain.md §1.2), and
    with `successor` (an official's id) hand the business to them in the same action (§1.7)."""
    from liangze.businesses.models import Grade

    if grade not in Grade.values:
        raise Invalid(
            code="grade_invalid",
            message=_("The grade is A, B, C or D."),
            fields={"grade": _("The grade is A, B, C or D.")},
        )
    event = _regrade_one(actor=actor, business=business, grade=grade, reason=_reason(reason))
    if event is not None:
        event.save()
        run_business_changed(
            actor=actor,
            change=BusinessChange.REGRADED,
            businesses=[business],
            effective_on=timezone.localdate(),
            successor=successor,
        )
    return business


def _status_one(
    *, actor, business: Business, to_status: str, effective_on: date, reason: str
) -> AuditEvent:
    if to_status not in TRANSITIONS.get(business.status, set()):
        raise Conflict(
            code="status_transition",
            message=_("A business that is %(current)s cannot become %(target)s.")
            % {"current": business.get_status_display(), "target": BusinessStatus(to_status).label},
        )
    now = timezone.now()
    moved = Business.objects.filter(pk=business.pk, status=business.status).update(
        status=to_status, status_since=effective_on, updated_at=now
    )
    if not moved:
        raise Conflict(
            code="business_changed",
            message=_("The business was changed meanwhile; reload and try again."),
        )
    StatusChange.objects.create(
        business=business,
        from_status=business.status,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    event = build_audit_event(
        actor=actor,
        action=AuditAction.BUSINESS_STATUS_CHANGED,
        target=business,
        changes={
            "status": [business.status, to_status],
            "status_since": [business.status_since.isoformat(), effective_on.isoformat()],
        },
        data={"reason": reason},
    )
    business.status, business.status_since = to_status, effective_on
    return event


@transaction.atomic
def business_status_change(
    *, actor, business: Business, to_status: str, effective_on: date, reason: str
) -> Business:
    """Move the status (compare-and-set). A closed business leaves the figures from `effective_on`."""
    if to_status not in BusinessStatus.values:
        raise Invalid(
            code="status_invalid",
            message=_("Unknown status."),
            fields={"to_status": _("Unknown status.")},
        )
    check_user_dates(effective_on=effective_on)
    _status_one(
        actor=actor,
        business=business,
        to_status=to_status,
        effective_on=effective_on,
        reason=_reason(reason),
    ).save()
    run_business_changed(
        actor=actor,
        change=BusinessChange.STATUS_CHANGED,
        businesses=[business],
        effective_on=effective_on,
    )
    return business


@transaction.atomic
def business_move(
    *, actor, business: Business, division: Division, reason: str, successor: int | None = None
) -> Business:
    """Move the business to another township or village of the actor's reach, and with
    `successor` (an official's id) hand it to them in the same action (docs/domain.md §1.7)."""
    _check_division(division)
    reason = _reason(reason)
    if division.pk == business.division_id:
        return business
    previous = business.division
    moved = Business.objects.filter(pk=business.pk, division=previous).update(
        division=division, updated_at=timezone.now()
    )
    if not moved:
        raise Conflict(
            code="business_changed",
            message=_("The business was changed meanwhile; reload and try again."),
        )
    business.division = division
    figures_mark(side=Side.BUSINESS, division_ids=[previous.pk])
    audit_event_record(
        actor=actor,
        action=AuditAction.BUSINESS_MOVED,
        target=business,
        changes={"division": [previous.code, division.code]},
        data={"reason": reason, "from_path": previous.path},
    )
    run_business_changed(
        actor=actor,
        change=BusinessChange.MOVED,
        businesses=[business],
        effective_on=timezone.localdate(),
        successor=successor,
    )
    return business


@transaction.atomic
def business_public_token_reissue(*, actor, business: Business) -> Business:
    """Revoke the QR code's token and issue a new one: old stickers stop working."""
    business.public_token = new_public_token()
    business.save(update_fields=["public_token", "updated_at"])
    audit_event_record(actor=actor, action=AuditAction.BUSINESS_QR_REISSUED, target=business)
    return business


@transaction.atomic
def business_bulk_regrade(*, actor, businesses: Iterable[Business], grade: str, reason: str) -> int:
    """Regrade a selection: all or nothing, one audit event per changed business."""
    from liangze.businesses.models import Grade

    if grade not in Grade.values:
        raise Invalid(
            code="grade_invalid",
            message=_("The grade is A, B, C or D."),
            fields={"grade": _("The grade is A, B, C or D.")},
        )
    reason = _reason(reason)
    changed = []
    events = []
    for business in businesses:
        event = _regrade_one(actor=actor, business=business, grade=grade, reason=reason)
        if event is not None:
            changed.append(business)
            events.append(event)
    AuditEvent.objects.bulk_create(events)
    run_business_changed(
        actor=actor,
        change=BusinessChange.REGRADED,
        businesses=changed,
        effective_on=timezone.localdate(),
    )
    return len(events)


@transaction.atomic
def business_bulk_status_change(
    *, actor, businesses: Iterable[Business], to_status: str, effective_on: date, reason: str
) -> int:
    """Change the status of a selection: all or nothing (one refused move refuses the batch)."""
    if to_status not in BusinessStatus.values:
        raise Invalid(
            code="status_invalid",
            message=_("Unknown status."),
            fields={"to_status": _("Unknown status.")},
        )
    check_user_dates(effective_on=effective_on)
    reason = _reason(reason)
    changed = [b for b in businesses if b.status != to_status]
    events = [
        _status_one(
            actor=actor, business=b, to_status=to_status, effective_on=effective_on, reason=reason
        )
        for b in changed
    ]
    AuditEvent.objects.bulk_create(events)
    run_business_changed(
        actor=actor,
        change=BusinessChange.STATUS_CHANGED,
        businesses=changed,
        effective_on=effective_on,
    )
    return len(events)


_TALLY_KEY = ", ".join(Business._meta.get_field(name).column for name in LIST_FILTER_FIELDS)


def business_tally_fold() -> int:
    """Add the tally's pending changes (models.BusinessTallyChange, which PostgreSQL's triggers
    append) to the tally, and forget them; returns how many keys moved. Periodic
    (apps.py). The count a list reads is the same before and after: it sums both
    tables in one statement (selectors._tally). One fold at a time (core.locks)."""
    tally = BusinessTally._meta.db_table
    changes = BusinessTallyChange._meta.db_table
    upsert = f"ON CONFLICT ({_TALLY_KEY}) DO UPDATE SET n = {tally}.n + EXCLUDED.n"
    with transaction.atomic(), connection.cursor() as cursor:
        transaction_lock("business_tally_fold")
        if connection.vendor == "postgresql":
            # One statement: it adds exactly the rows it deletes, even while writers append.
            cursor.execute(
                f"WITH moved AS (DELETE FROM {changes} RETURNING {_TALLY_KEY}, n) "  # noqa: S608
                f"INSERT INTO {tally} ({_TALLY_KEY}, n) SELECT {_TALLY_KEY}, SUM(n) FROM moved "
                f"GROUP BY {_TALLY_KEY} ORDER BY {_TALLY_KEY} {upsert}"
            )
            return cursor.rowcount
        # SQLite: the transaction holds the one write lock, so nothing is appended between.
        cursor.execute(
            f"INSERT INTO {tally} ({_TALLY_KEY}, n) SELECT {_TALLY_KEY}, SUM(n) "  # noqa: S608
            f"FROM {changes} WHERE true GROUP BY {_TALLY_KEY} {upsert}"
        )
        moved = cursor.rowcount
        cursor.execute(f"DELETE FROM {changes}")  # noqa: S608
        return moved
