"""The closed loop under /api/v1/problems: the lists, one endpoint per move, the public reports
inbox (docs/architecture.md, "The closed loop"). Every read goes through the selectors (the
scoping function); every move through the services, which refuse whoever the table does not
name."""

import uuid
from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden
from liangze.core.pagination import Pagination
from liangze.core.schemas import ErrorOut
from liangze.files.capture import CaptureIn
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.officials.selectors import access_rule_province
from liangze.rectification import reports, selectors, services
from liangze.rectification.access import acting_as, sees_reporter_phone
from liangze.rectification.models import ProblemStatus
from liangze.rectification.rules import LOOP_FIELDS, Action, province_loop

router = Router(tags=["problems"])
codes_4xx = frozenset({401, 403, 404, 409, 422})


class ProblemOut(Schema):
    id: int
    business_id: int
    business_name: str = Field(alias="business.name")
    division_id: int = Field(alias="business.division_id")
    source: str
    source_id: int | None
    category: str
    description: str
    severity: str
    status: str
    found_at: datetime
    fixed_on_spot: bool
    regulator_division_id: int | None
    pushed_at: datetime | None
    accepted_at: datetime | None
    deadline: date | None
    case_number: str
    closed_at: datetime | None
    close_reason: str
    void_kind: str
    void_reason: str
    dispute_reason: str
    overdue: bool = False

    @staticmethod
    def resolve_overdue(obj) -> bool:
        from django.utils import timezone

        return bool(
            obj.deadline and obj.status in selectors.RUNNING and obj.deadline < timezone.localdate()
        )


class EventOut(Schema):
    occurred_at: datetime
    actor: str = Field(alias="actor_name")
    action: str
    changes: dict
    data: dict


class ProblemDetailOut(Schema):
    problem: ProblemOut
    timeline: list[EventOut]
    actions: list[str] = Field(description="The moves the caller may make now.")


class QueueOut(Schema):
    new: list[ProblemOut]
    due_soon: list[ProblemOut]
    overdue: list[ProblemOut]
    verify: list[ProblemOut]


class AcceptIn(Schema):
    deadline: date | None = None


class AcceptManyIn(Schema):
    ids: list[int] = Field(max_length=500)


class AcceptedOut(Schema):
    accepted: list[int]


class EscalateIn(Schema):
    case_number: str = Field(max_length=1000)
    deadline: date | None = None


class DeadlineIn(Schema):
    deadline: date


class FixIn(Schema):
    note: str = Field(max_length=2000)
    photo_ids: list[uuid.UUID] = Field(max_length=10, description="Stored photo ids.")


class CheckIn(Schema):
    fixed: bool
    note: str = Field("", max_length=2000)
    photo_ids: list[uuid.UUID] = Field(default_factory=list, max_length=10)


class VoidIn(Schema):
    kind: str = Field(max_length=100, description="duplicate, error or dispute_upheld")
    reason: str = Field(max_length=1000)


class ReasonIn(Schema):
    reason: str = Field(max_length=1000)


class ReportOut(Schema):
    id: int
    business_id: int
    business_name: str = Field(alias="business.name")
    description: str
    contact_phone: str
    created_at: datetime
    held_for_review: bool


class HandleIn(Schema):
    note: str = Field("", max_length=2000)


class HandledOut(Schema):
    handled: int


class ToProblemIn(Schema):
    severity: str = Field("general", max_length=20)
    note: str = Field("", max_length=2000)


def _detail(request, problem) -> dict:
    return {
        "problem": problem,
        "timeline": selectors.problem_timeline(problem),
        "actions": [a.value for a in Action if services.problem_may(request.user, problem, a)],
    }


def _photos(request, ids):
    return selectors.own_photos(request.user, ids)


@router.get("", response=list[ProblemOut])
@paginate(Pagination, page_size=50)
def problem_list(request, status: str = "", overdue: bool = False):
    """Problems of the businesses the caller reads."""
    problems = selectors.problem_list(viewer=request.user)
    if status in ProblemStatus.values:
        problems = problems.filter(status=status)
    if overdue:
        problems = problems.filter(selectors.overdue_q())
    return problems


@router.get("/queue", response={200: QueueOut, codes_4xx: ErrorOut})
def regulator_queue(request):
    """The regulator's work queue (empty for anyone else)."""
    queue = selectors.regulator_queue(viewer=request.user)
    if not selectors.regulator_paths(request.user):
        return {key: [] for key in queue}
    return {key: list(rows[:100]) for key, rows in queue.items()}


@router.post("/accept-many", response={200: AcceptedOut, codes_4xx: ErrorOut})
def accept_many(request, payload: AcceptManyIn):
    """Accept with the default deadlines each of `ids` the caller may accept."""
    problems = selectors.problem_list(viewer=request.user).filter(pk__in=payload.ids)
    allowed = [p for p in problems if services.problem_may(request.user, p, Action.ACCEPT)]
    done = services.problems_accept_many(actor=request.user, problems=allowed)
    return {"accepted": [p.pk for p in done]}


@router.get("/reports", response=list[ReportOut])
@paginate(Pagination, page_size=50)
def report_inbox(request):
    """Public reports not yet handled, for the regulator and office staff of the business's
    division (with the reporter's phone); nobody else sees any."""
    return [
        r if sees_reporter_phone(request.user, r.business) else _without_phone(r)
        for r in reports.report_inbox(viewer=request.user)[:500]
    ]


def _without_phone(report):
    report.contact_phone = ""
    return report


@router.post("/reports/{report_id}/handle", response={200: HandledOut, codes_4xx: ErrorOut})
def report_handle(request, report_id: int, payload: HandleIn):
    report = reports.access_report_by_id(request.user, report_id)
    reports.public_report_handle(actor=request.user, report=report, note=payload.note)
    return {"handled": report.pk}


@router.post("/reports/{report_id}/problem", response={200: ProblemOut, codes_4xx: ErrorOut})
def report_to_problem(request, report_id: int, payload: ToProblemIn):
    report = reports.access_report_by_id(request.user, report_id)
    return reports.public_report_to_problem(
        actor=request.user, report=report, severity=payload.severity, note=payload.note
    )


@router.get("/{problem_id}", response={200: ProblemDetailOut, codes_4xx: ErrorOut})
def problem_detail(request, problem_id: int):
    """A problem with its whole timeline and the moves the caller may make."""
    return _detail(request, selectors.access_problem_by_id(request.user, problem_id))


@router.post("/{problem_id}/accept", response={200: ProblemDetailOut, codes_4xx: ErrorOut})
def problem_accept(request, problem_id: int, payload: AcceptIn):
    problem = selectors.access_problem_by_id(request.user, problem_id)
    services.problem_accept(actor=request.user, problem=problem, deadline=payload.deadline)
    return _detail(request, problem)


@router.post("/{problem_id}/escalate", response={200: ProblemDetailOut, codes_4xx: ErrorOut})
def problem_escalate(request, problem_id: int, payload: EscalateIn):
    problem = selectors.access_problem_by_id(request.user, problem_id)
    services.problem_escalate(
        actor=request.user,
        problem=problem,
        case_number=payload.case_number,
        deadline=payload.deadline,
    )
    return _detail(request, problem)


@router.post("/{problem_id}/deadline", response={200: ProblemDetailOut, codes_4xx: ErrorOut})
def problem_deadline(request, problem_id: int, payload: DeadlineIn):
    problem = selectors.access_problem_by_id(request.user, problem_id)
    services.problem_deadline_set(actor=request.user, problem=problem, deadline=payload.deadline)
    return _detail(request, problem)


class ProblemPhotoOut(Schema):
    id: uuid.UUID = Field(description="Name it in a fix's or a re-check's `photo_ids`.")


@router.post("/{problem_id}/photos", response={201: ProblemPhotoOut, codes_4xx: ErrorOut})
def problem_photo_upload(
    request,
    problem_id: int,
    file: File[UploadedFile],
    captured_at: Form[str] = "",
    lat_e6: Form[str] = "",
    lng_e6: Form[str] = "",
):
    """A photo of a fix or a re-check of the problem (checked, re-encoded, its SHA-256 kept),
    filed where the problem is; only someone who may act on the problem uploads one."""
    problem = selectors.access_problem_by_id(request.user, problem_id)
    if not acting_as(request.user, problem):
        raise access_refuse(
            Forbidden(code="problem_forbidden", message=_("You cannot act on this problem.")),
            viewer=request.user,
            target_type="rectification.problem",
            target_id=problem.pk,
        )
    stored = stored_file_save(
        actor=request.user,
        division=problem.division,
        kind=FileKind.PHOTO,
        upload=file,
        evidence=True,
        capture=CaptureIn(captured_at=captured_at, lat_e6=lat_e6, lng_e6=lng_e6),
    )
    return Status(201, {"id": stored.public_id})


@router.post("/{problem_id}/rectify", response={200: ProblemDetailOut, codes_4xx: ErrorOut})
def problem_rectify(request, problem_id: int, payload: FixIn):
    problem = selectors.access_problem_by_id(request.user, problem_id)
    services.problem_authorise(actor=request.user, problem=problem, action=Action.RECTIFY)
    services.problem_rectify(
        actor=request.user,
        problem=problem,
        note=payload.note,
        photos=_photos(request, payload.photo_ids),
    )
    return _detail(request, problem)


@router.post("/{problem_id}/verify", response={200: ProblemDetailOut, codes_4xx: ErrorOut})
def problem_verify(request, problem_id: int, payload: CheckIn):
    """The regulator's verification: closed, or back to accepted with the note as reason."""
    problem = selectors.access_problem_by_id(request.user, problem_id)
    services.problem_verify(
        actor=request.user, problem=problem, fixed=payload.fixed, note=payload.note
    )
    return _detail(request, problem)


@router.post("/{problem_id}/recheck", response={200: ProblemDetailOut, codes_4xx: ErrorOut})
def problem_recheck(request, problem_id: int, payload: CheckIn):
    """The official's re-check (回头看)."""
    problem = selectors.access_problem_by_id(request.user, problem_id)
    services.problem_recheck(
        actor=request.user,
        problem=problem,
        fixed=payload.fixed,
        note=payload.note,
        photos=_photos(request, payload.photo_ids),
    )
    return _detail(request, problem)


@router.post("/{problem_id}/void", response={200: ProblemDetailOut, codes_4xx: ErrorOut})
def problem_void(request, problem_id: int, payload: VoidIn):
    problem = selectors.access_problem_by_id(request.user, problem_id)
    services.problem_void(
        actor=request.user, problem=problem, kind=payload.kind, reason=payload.reason
    )
    return _detail(request, problem)


@router.post("/{problem_id}/dispute", response={200: ProblemDetailOut, codes_4xx: ErrorOut})
def problem_dispute(request, problem_id: int, payload: ReasonIn):
    problem = selectors.access_problem_by_id(request.user, problem_id)
    services.problem_dispute(actor=request.user, problem=problem, reason=payload.reason)
    return _detail(request, problem)


# --- a province's deadlines and reminders (docs/domain.md §1.6, §1.12) --------------------------

loop_rule_router = Router(tags=["province settings"])


class LoopRuleOut(Schema):
    province_id: int
    province_name: str
    serious_days: int
    general_days: int
    reminder_days: int
    accept_reminder_days: int
    overdue_notice_days: int
    is_default: bool = Field(description="True while the province has not set its own.")


class LoopRuleIn(Schema):
    serious_days: int = Field(description="Deadline of a serious problem, 1 to 365 days.")
    general_days: int = Field(description="Deadline of a general problem, 1 to 365 days.")
    reminder_days: int = Field(description="Fewer than the shortest deadline.")
    accept_reminder_days: int = Field(description="1 to 365 days.")
    overdue_notice_days: int = Field(description="Days past the deadline, 1 to 365.")


def _loop_out(province) -> LoopRuleOut:
    current, is_default = province_loop(province)
    return LoopRuleOut(
        province_id=province.pk,
        province_name=province.name,
        **{name: getattr(current, name) for name in LOOP_FIELDS},
        is_default=is_default,
    )


@loop_rule_router.get("/{province_id}", response={200: LoopRuleOut, codes_4xx: ErrorOut})
def loop_rule_detail(request, province_id: int):
    return _loop_out(access_rule_province(request.user, province_id))


@loop_rule_router.put("/{province_id}", response={200: LoopRuleOut, codes_4xx: ErrorOut})
def loop_rule_set(request, province_id: int, payload: LoopRuleIn):
    province = access_rule_province(request.user, province_id, for_write=True)
    services.loop_rule_set(actor=request.user, province=province, **payload.model_dump())
    return _loop_out(province)
