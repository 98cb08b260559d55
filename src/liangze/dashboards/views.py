"""The figures pages: the dashboard of a region (its figures, sub-regions ranked, drill-down,
trend, charts with their numbers beside them) and the leaders' large-type summary
(docs/domain.md §2, §1.10: outcomes only, no app activity)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from liangze.accounts.access import can_manage_division
from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden
from liangze.dashboards import rendering, selectors, services
from liangze.dashboards.access import can_read_figures
from liangze.dashboards.models import Notice
from liangze.figures.periods import today
from liangze.regions.selectors import division_ancestors


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _board(request):
    if not can_read_figures(request.user):
        raise access_refuse(
            Forbidden(code="figures_forbidden", message=_("Your role does not read figures.")),
            viewer=request.user,
            target_type="figures",
        )
    region = selectors.dashboard_region(request.user, _int(request.GET.get("within")))
    period = selectors.dashboard_period(request.GET.get("period"))
    return selectors.dashboard(viewer=request.user, region=region, period=period)


def _links(board) -> dict:
    return {
        m.code: m.rows_url(board.region.pk, board.period.code) if m.rows_url else None
        for m in board.measures
    }


def _chart_data(board) -> dict:
    def value(rate):
        return None if rate.percent is None else float(rate.percent)

    return {
        "measures": [
            {
                "code": m.code,
                "label": str(m.label),
                "bars": [
                    {"name": place.item.division.name, "value": value(place.rate)}
                    for place in board.ranked[m.code]
                    if place.rank is not None
                ],
                "trend": [
                    {"period": p.code, "value": value(rates[m.code])} for p, rates in board.trend
                ],
            }
            for m in board.measures
        ]
    }


@login_required
@require_GET
def region_dashboard(request):
    board = _board(request)
    context = {
        "board": board,
        "ancestors": division_ancestors(board.region),
        "periods": selectors.period_choices(),
        "links": _links(board),
        "chart_data": _chart_data(board),
        "is_open": board.period.end >= today(),
        "notices": selectors.notice_list(viewer=request.user, region=board.region),
        "can_issue": can_manage_division(request.user, board.region),
        "ended_periods": selectors.ended_periods(),
    }
    return render(request, "dashboards/region.html", context)


SUMMARY_SHORTFALLS = 3


def _shortfalls(board) -> list[dict]:
    """Per measure, the sub-regions below 100%: the lowest few, worst first, and how many more
    (a leader reads this on a phone; the full ranking is on the dashboard)."""
    out = []
    for m in board.measures:
        below = [
            place
            for place in board.ranked.get(m.code, [])
            if place.rank and place.rate.numerator < place.rate.denominator
        ]
        if below:
            below.sort(key=lambda place: (place.rate.fraction, place.item.code))
            out.append(
                {
                    "measure": m,
                    "places": below[:SUMMARY_SHORTFALLS],
                    "more": len(below) - SUMMARY_SHORTFALLS,
                }
            )
    return out


@login_required
@require_GET
def leader_summary(request):
    board = _board(request)
    context = {
        "board": board,
        "shortfalls": _shortfalls(board),
        "ancestors": division_ancestors(board.region),
        "periods": selectors.period_choices(),
        "is_open": board.period.end >= today(),
        # The quarter before the last one of the trend (the chosen quarter).
        "previous": {
            m.code: rates[m.code]
            for m in board.measures
            for _p, rates in board.trend[-2:-1]
            if not board.period.is_year
        },
    }
    return render(request, "dashboards/summary.html", context)


# --- Notices ---------------------------------------------------------------------------------


def job_page_context(request, job) -> dict:
    """The generation job's page links to the notice it made."""
    return {"result_template": "dashboards/_job_result.html"}


@login_required
@require_POST
def notice_generate(request):
    region = selectors.dashboard_region(request.user, _int(request.POST.get("within")))
    if not can_manage_division(request.user, region):
        raise access_refuse(
            Forbidden(
                code="notice_forbidden", message=_("Only the region's office issues its notices.")
            ),
            viewer=request.user,
            target_type="regions.division",
            target_id=region.pk,
        )
    period = selectors.dashboard_period(request.POST.get("period"))
    supersedes = None
    if _int(request.POST.get("supersedes")):
        supersedes = selectors.access_notice_by_id(request.user, _int(request.POST["supersedes"]))
    job = services.notice_generate_start(
        actor=request.user, region=region, period=period, supersedes=supersedes
    )
    return redirect("jobs:detail", job_id=job.pk)


@login_required
@require_GET
def notice_detail(request, notice_id: int):
    notice = selectors.access_notice_by_id(request.user, notice_id)
    can_manage = can_manage_division(request.user, notice.region)
    context = {
        "notice": notice,
        "sections": rendering.notice_sections(notice),
        "can_edit": can_manage and notice.status == Notice.Status.DRAFT,
        "can_correct": can_manage and notice.status == Notice.Status.PUBLISHED,
    }
    return render(request, "dashboards/notice_detail.html", context)


def _managed_notice(request, notice_id: int) -> Notice:
    notice = selectors.access_notice_by_id(request.user, notice_id)
    if not can_manage_division(request.user, notice.region):
        raise access_refuse(
            Forbidden(
                code="notice_forbidden", message=_("Only the region's office issues its notices.")
            ),
            viewer=request.user,
            target_type="dashboards.notice",
            target_id=notice.pk,
        )
    return notice


@login_required
@require_POST
def notice_edit(request, notice_id: int):
    notice = _managed_notice(request, notice_id)
    services.notice_narrative_update(
        actor=request.user,
        notice=notice,
        summary=request.POST.get("summary", ""),
        closing=request.POST.get("closing", ""),
    )
    messages.success(request, _("Narrative saved."))
    return redirect("dashboards:notice", notice_id=notice.pk)


@login_required
@require_POST
def notice_publish(request, notice_id: int):
    notice = _managed_notice(request, notice_id)
    services.notice_publish(actor=request.user, notice=notice)
    messages.success(request, _("Notice published."))
    return redirect("dashboards:notice", notice_id=notice.pk)


DOWNLOADS = {
    "docx": (
        rendering.notice_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        rendering.notice_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@login_required
@require_GET
def notice_download(request, notice_id: int, extension: str):
    notice = selectors.access_notice_by_id(request.user, notice_id)
    if extension not in DOWNLOADS:
        raise Http404
    render_file, content_type = DOWNLOADS[extension]
    response = HttpResponse(render_file(notice), content_type=content_type)
    name = f"notice-{notice.region.code}-{notice.period}-{notice.pk}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
