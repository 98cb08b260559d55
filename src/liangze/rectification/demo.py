"""Demo problems (docs/domain.md §1.6): public reports on businesses of the regulator's township
become problems, and every problem there that is still pushed (a visit's too, once visits have
made some) is walked on through the real services to a spread of states: pushed, accepted, overdue
(past the deadline and past the overdue notice), case filed, rectified and waiting, sent back,
closed by verification and by re-check, void, and closed with its business. A few reports stay in
the inbox, and one business the village official covers has a fix reported and awaiting the
official's re-check, so that the official's visit form shows it. Deterministic; a rerun finds the
reports handled and changes nothing."""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from liangze.accounts.models import BUSINESS_ROLES, Role, RoleGrant, User
from liangze.businesses.models import Business, BusinessStatus, PublicReport
from liangze.businesses.services import business_status_change
from liangze.core.scoping import subtrees_q
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.officials.models import Assignment
from liangze.rectification import reports, services
from liangze.rectification.access import acting_as
from liangze.rectification.models import Problem, ProblemStatus, PublicReportHandling
from liangze.rectification.rules import Actor

REPORTS = [
    "后厨地面有积水，餐具消毒柜未开启",
    "冷藏柜温度显示12℃，生熟食品混放",
    "从业人员未戴口罩和帽子",
    "店内有苍蝇，垃圾桶未加盖",
    "购买的面包已过保质期",
    "凉菜间无人专间操作",
    "营业执照和许可证未公示",
    "油烟大，排风设施损坏",
    "使用一次性餐具但无进货票据",
    "留样柜内无当日留样",
]
# What each problem (in order) is walked to.
PLAN = [
    "pushed",
    "accepted",
    "overdue",
    "escalated",
    "rectified",
    "closed_verified",
    "sent_back",
    "void",
    "closed_recheck",
    "overdue_notice",
    "accepted",
    "rectified",
    "business_closed",
    "closed_verified",
]


def _photo(actor, division):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 140, 90)).save(buffer, format="JPEG")
    return stored_file_save(
        actor=actor,
        division=division,
        kind=FileKind.PHOTO,
        upload=ContentFile(buffer.getvalue(), "after.jpg"),
        evidence=True,
    )


def _fixer(problem, regulator):
    """The business's own staff when it has an account, else the regulator records the fix."""
    grant = (
        RoleGrant.objects.filter(
            business=problem.business, role__in=BUSINESS_ROLES, revoked_at__isnull=True
        )
        .select_related("user")
        .first()
    )
    return grant.user if grant else regulator


def _backdate(problem, days: int) -> None:
    """Demo only: move an accepted problem's deadline into the past to show it overdue."""
    deadline = timezone.localdate() - timedelta(days=days)
    Problem.objects.filter(pk=problem.pk).update(deadline=deadline)
    problem.deadline = deadline


def demo_problems_load() -> dict:
    if PublicReportHandling.objects.exists():
        return {"problems": Problem.objects.count(), "created": 0}
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "guolemude_regulator",
                "guolemude_office",
                "village_official",
                "business_director",
            ]
        )
    }
    regulator, office = people.get("guolemude_regulator"), people.get("guolemude_office")
    if regulator is None or office is None:
        return {"problems": 0, "created": 0}
    township = next(g.division for g in regulator.active_grants() if g.role == Role.REGULATOR)
    director = people.get("business_director")
    first = [
        g.business
        for g in (director.active_grants() if director else [])
        if g.role in BUSINESS_ROLES and g.business is not None
    ]
    others = list(
        Business.objects.filter(subtrees_q([township.path], path_field="division__path"))
        .filter(status=BusinessStatus.OPERATING)
        .exclude(pk__in=[b.pk for b in first])
        .select_related("division")
        .order_by("pk")[:14]
    )
    # The director's business first, twice: its staff have something to fix on their phone; a
    # business of the village official's village where the plan has a re-check.
    targets = first * 2 + others
    official = people.get("village_official")
    village = official.division if official is not None else None
    local = next((b for b in others if village is not None and b.division_id == village.pk), None)
    if local is None and village is not None:
        local = (
            Business.objects.filter(division=village, status=BusinessStatus.OPERATING)
            .exclude(pk__in=[b.pk for b in first])
            .order_by("pk")
            .first()
        )
    if local is not None:
        targets = [b for b in targets if b.pk != local.pk]
        targets.insert(PLAN.index("closed_recheck"), local)
    made = []
    for index, business in enumerate(targets[: len(PLAN) + 3]):
        report = PublicReport.objects.create(
            business=business,
            description=REPORTS[index % len(REPORTS)],
            contact_phone=f"1390979{index:04d}",
        )
        if index < len(PLAN) - 1:
            made.append(
                reports.public_report_to_problem(
                    actor=regulator if index % 2 else office,
                    report=report,
                    severity="serious" if index % 3 == 0 else "general",
                )
            )
        elif index == len(PLAN) - 1:
            reports.public_report_handle(actor=office, report=report, note="已电话回复，非食品问题")
    problems = list(
        Problem.objects.filter(status=ProblemStatus.PUSHED, regulator_division=township)
        .select_related("business__division")
        .order_by("pk")
    )
    closing = []
    for index, problem in enumerate(problems):
        step = PLAN[index % len(PLAN)]
        _walk(problem, step, regulator=regulator, office=office, people=people, closing=closing)
    _awaiting_recheck(
        people.get("village_official"),
        regulator=regulator,
        office=office,
        closing={p.business_id for p in closing},
    )
    for business in {p.business_id: p.business for p in closing}.values():
        business_status_change(
            actor=office,
            business=business,
            to_status=BusinessStatus.CLOSED,
            effective_on=timezone.localdate(),
            reason="注销",
        )
    return {"problems": Problem.objects.count(), "created": len(made)}


def _awaiting_recheck(official, *, regulator, office, closing: set[int]) -> None:
    """A problem at the first business the official covers (one that stays open), its fix
    reported and awaiting the official's re-check (回头看, docs/domain.md §1.6)."""
    if official is None:
        return
    assignment = (
        Assignment.objects.filter(
            official__user=official,
            ends_on__isnull=True,
            business__status=BusinessStatus.OPERATING,
        )
        .exclude(business_id__in=closing)
        .select_related("business__division")
        .order_by("business_id")
        .first()
    )
    if assignment is None:
        return
    report = PublicReport.objects.create(
        business=assignment.business,
        description="餐具消毒柜未通电，碗筷未消毒",
        contact_phone="13909799999",
    )
    problem = reports.public_report_to_problem(actor=office, report=report, severity="general")
    if problem.status != ProblemStatus.PUSHED or Actor.REGULATOR not in acting_as(
        regulator, problem
    ):
        return
    services.problem_accept(actor=regulator, problem=problem)
    fixer = _fixer(problem, regulator)
    services.problem_rectify(
        actor=fixer,
        problem=problem,
        note="已维修消毒柜并通电，餐具每餐消毒",
        photos=[_photo(fixer, problem.business.division)],
    )


def _walk(problem, step, *, regulator, office, people, closing) -> None:
    if step == "pushed":
        return
    if step == "void":
        services.problem_void(
            actor=office, problem=problem, kind="duplicate", reason="与另一条反映重复"
        )
        return
    if step == "business_closed":
        closing.append(problem)
        return
    if step == "escalated":
        services.problem_escalate(
            actor=regulator, problem=problem, case_number=f"格市监立〔2026〕{problem.pk}号"
        )
        return
    services.problem_accept(actor=regulator, problem=problem)
    if step == "overdue":
        _backdate(problem, 2)
        return
    if step == "overdue_notice":
        _backdate(problem, 9)
        return
    if step == "accepted":
        return
    if step == "closed_recheck":
        official = people.get("village_official")
        if official is not None and Actor.OFFICIAL in acting_as(official, problem):
            services.problem_recheck(
                actor=official,
                problem=problem,
                fixed=True,
                note="回头看：已整改到位",
                photos=[_photo(official, problem.business.division)],
            )
            return
        step = "closed_verified"
    fixer = _fixer(problem, regulator)
    services.problem_rectify(
        actor=fixer,
        problem=problem,
        note="已按要求整改",
        photos=[_photo(fixer, problem.business.division)],
    )
    if step == "closed_verified":
        services.problem_verify(actor=regulator, problem=problem, fixed=True)
    elif step == "sent_back":
        services.problem_verify(
            actor=regulator, problem=problem, fixed=False, note="整改照片不清晰，请重新整改"
        )
