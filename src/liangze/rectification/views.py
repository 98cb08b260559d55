"""Pages of the closed loop (docs/architecture.md, "The closed loop"): the regulator's work queue,
the business's problems on a phone, a problem with its timeline (printable) and one form per
move; the public reports inbox. Each view: access → one service or selector → render."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from liangze.audit.services import access_refuse
from liangze.businesses.forms import add_domain_error
from liangze.core.errors import DomainError, Forbidden, Invalid, NotFound
from liangze.files.capture import capture_in_list
from liangze.files.models import FileKind
from liangze.files.services import stored_file_save
from liangze.officials.access import can_set_province_rules, rule_provinces
from liangze.officials.selectors import access_rule_province
from liangze.officials.views import province_id_of
from liangze.rectification import reports, selectors, services
from liangze.rectification.access import acting_as, is_regulator, sees_reporter_phone
from liangze.rectification.forms import LoopRuleForm
from liangze.rectification.models import ProblemStatus, VoidKind
from liangze.rectification.rules import LOOP_FIELDS, Action, Actor, province_loop


def _error_text(exc: DomainError) -> str:
    parts = [exc.message]
    parts += [text for text in list(exc.fields.values())[:5] if text not in parts]
    return " ".join(parts)


def _date(value: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(
            code="date_invalid",
            message=_("Enter a date as YYYY-MM-DD."),
            fields={"deadline": _("Enter a date as YYYY-MM-DD.")},
        ) from None


def _photos(request, problem) -> list:
    """Evidence photos of a fix, each with the capture time and place sent beside it or read
    from its own EXIF (files.capture)."""
    uploads = request.FILES.getlist("photos")[:10]
    captures = capture_in_list(request.POST, "photos", len(uploads))
    return [
        stored_file_save(
            actor=request.user,
            division=problem.business.division,
            kind=FileKind.PHOTO,
            upload=f,
            evidence=True,
            capture=capture,
        )
        for f, capture in zip(uploads, captures, strict=True)
    ]


@login_required
@require_GET
def problem_list(request):
    problems = selectors.problem_list(viewer=request.user)
    status = request.GET.get("status", "")
    if status in ProblemStatus.values:
        problems = problems.filter(status=status)
    if request.GET.get("overdue"):
        problems = problems.filter(selectors.overdue_q())
    return render(
        request,
        "rectification/problem_list.html",
        {
            "problems": problems[:200],
            "statuses": ProblemStatus.choices,
            "status": status,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def regulator_queue(request):
    if not is_regulator(request.user):
        raise access_refuse(
            Forbidden(code="queue_regulators_only", message=_("This queue is the regulator's.")),
            viewer=request.user,
        )
    queue = selectors.regulator_queue(viewer=request.user)
    return render(
        request,
        "rectification/queue.html",
        {
            "sections": [
                ("new", _("New"), queue["new"][:100]),
                ("due_soon", _("Due soon"), queue["due_soon"][:100]),
                ("overdue", _("Overdue"), queue["overdue"][:100]),
                ("verify", _("Waiting for verification"), queue["verify"][:100]),
            ],
            "today": timezone.localdate(),
            "reports": reports.report_inbox(viewer=request.user).count(),
        },
    )


@login_required
@require_POST
def bulk_accept(request):
    ids = [int(i) for i in request.POST.getlist("problem") if i.isdigit()]
    problems = list(selectors.problem_list(viewer=request.user).filter(pk__in=ids))
    allowed = [p for p in problems if services.problem_may(request.user, p, Action.ACCEPT)]
    done = services.problems_accept_many(actor=request.user, problems=allowed)
    messages.success(request, _("Accepted %(count)d problems.") % {"count": len(done)})
    return redirect("rectification:queue")


@login_required
@require_GET
def business_problems(request):
    return render(
        request,
        "rectification/business_problems.html",
        {
            "problems": selectors.business_problems(viewer=request.user)[:200],
            "today": timezone.localdate(),
        },
    )


def _detail_context(request, problem):
    roles = acting_as(request.user, problem)
    may = {a.value: services.problem_may(request.user, problem, a) for a in Action}
    return {
        "problem": problem,
        "may": may,
        "may_dispute": Actor.BUSINESS in roles and problem.status not in ("closed", "void"),
        "may_deadline": Actor.REGULATOR in roles and problem.status in selectors.RUNNING,
        "timeline": selectors.problem_timeline(problem),
        "photos": problem.photos.select_related("file__display_copy"),
        "rectifications": problem.rectifications.select_related("reported_by"),
        "rechecks": problem.rechecks.select_related("checked_by"),
        "void_kinds": VoidKind.choices,
        "today": timezone.localdate(),
        "default_deadline": services.default_deadline(problem),
        "report": getattr(problem, "public_report", None),
        "shows_phone": sees_reporter_phone(request.user, problem),
    }


@login_required
@require_GET
def problem_detail(request, problem_id: int):
    problem = selectors.access_problem_by_id(request.user, problem_id)
    return render(request, "rectification/problem_detail.html", _detail_context(request, problem))


@login_required
@require_GET
def problem_print(request, problem_id: int):
    problem = selectors.access_problem_by_id(request.user, problem_id)
    return render(request, "rectification/problem_print.html", _detail_context(request, problem))


def _act(request, problem, action: str) -> str:
    post, user = request.POST, request.user
    if action == "accept":
        services.problem_accept(actor=user, problem=problem, deadline=_date(post.get("deadline")))
        return _("Accepted.")
    if action == "escalate":
        services.problem_escalate(
            actor=user,
            problem=problem,
            case_number=post.get("case_number", ""),
            deadline=_date(post.get("deadline")),
        )
        return _("Case filed.")
    if action == "deadline":
        deadline = _date(post.get("deadline"))
        if deadline is None:
            raise Invalid(
                code="problem_deadline_required",
                message=_("Enter the deadline."),
                fields={"deadline": _("Enter the deadline.")},
            )
        services.problem_deadline_set(actor=user, problem=problem, deadline=deadline)
        return _("Deadline changed.")
    if action == "rectify":
        services.problem_authorise(actor=user, problem=problem, action=Action.RECTIFY)
        services.problem_rectify(
            actor=user, problem=problem, note=post.get("note", ""), photos=_photos(request, problem)
        )
        return _("Fix reported.")
    if action in ("verify", "reject_verification"):
        services.problem_verify(
            actor=user, problem=problem, fixed=action == "verify", note=post.get("note", "")
        )
        return _("Verification recorded.")
    if action in ("recheck", "reject_recheck"):
        fixed = action == "recheck"
        photos = (
            _photos(request, problem) if fixed and problem.status == ProblemStatus.ACCEPTED else ()
        )
        services.problem_recheck(
            actor=user, problem=problem, fixed=fixed, note=post.get("note", ""), photos=photos
        )
        return _("Re-check recorded.")
    if action == "void":
        services.problem_void(
            actor=user, problem=problem, kind=post.get("kind", ""), reason=post.get("reason", "")
        )
        return _("Problem voided.")
    if action == "dispute":
        services.problem_dispute(actor=user, problem=problem, reason=post.get("reason", ""))
        return _("Dispute sent to the regulator.")
    raise NotFound(code="problem_action", message=_("Unknown action."))


@login_required
@require_POST
def problem_act(request, problem_id: int, action: str):
    problem = selectors.access_problem_by_id(request.user, problem_id)
    try:
        messages.success(request, _act(request, problem, action))
    except (Invalid, Forbidden) as exc:
        messages.error(request, _error_text(exc))
    except DomainError as exc:  # Conflict: someone else moved it first
        messages.error(request, _error_text(exc))
    return redirect("rectification:detail", problem.pk)


@login_required
@require_GET
def report_inbox(request):
    inbox = reports.report_inbox(viewer=request.user)
    if not reports.may_handle_reports(request.user):
        raise access_refuse(
            Forbidden(
                code="reports_forbidden",
                message=_("Public reports are handled by the regulator and the office."),
            ),
            viewer=request.user,
        )
    return render(
        request,
        "rectification/report_inbox.html",
        {"reports": inbox.select_related("business__division")[:200]},
    )


@login_required
@require_POST
def report_handle(request, report_id: int):
    report = reports.access_report_by_id(request.user, report_id)
    try:
        if request.POST.get("as_problem"):
            problem = reports.public_report_to_problem(
                actor=request.user,
                report=report,
                severity=request.POST.get("severity", "general"),
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("The report became a problem."))
            return redirect("rectification:detail", problem.pk)
        reports.public_report_handle(
            actor=request.user, report=report, note=request.POST.get("note", "")
        )
        messages.success(request, _("Marked handled."))
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    return redirect("rectification:reports")


@login_required
@never_cache
def loop_rules(request):
    """A province's closed-loop deadlines and reminders (docs/domain.md §1.6, §1.12): read by
    its office staff and leaders, changed by its office staff."""
    viewer = request.user
    province = access_rule_province(viewer, province_id_of(request))
    if request.method == "POST":
        province = access_rule_province(viewer, province.pk, for_write=True)
    current, is_default = province_loop(province)
    can_write = can_set_province_rules(viewer, province)
    initial = {name: getattr(current, name) for name in LOOP_FIELDS}
    form = LoopRuleForm(request.POST or None, initial=initial) if can_write else None
    if request.method == "POST" and form.is_valid():
        try:
            services.loop_rule_set(actor=viewer, province=province, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Deadlines and reminders saved."))
            return redirect(f"{reverse('rectification:rules')}?province={province.pk}")
    labels = LoopRuleForm.base_fields
    context = {
        "province": province,
        "provinces": rule_provinces(viewer),
        "rows": [(name, labels[name].label, getattr(current, name)) for name in LOOP_FIELDS],
        "is_default": is_default,
        "form": form,
    }
    return render(request, "rectification/loop_rules.html", context)
