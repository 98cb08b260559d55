"""The figures pages: the dashboard of a region (its figures, sub-regions ranked, drill-down,
trend, charts with their numbers beside them) and the leaders' large-type summary
(docs/domain.md §2, §1.10: outcomes only, no app activity)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from liangze.core.errors import Forbidden
from liangze.dashboards import selectors
from liangze.dashboards.access import can_read_figures
from liangze.figures.periods import today
from liangze.regions.selectors import division_ancestors


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _board(request):
    if not can_read_figures(request.user):
        raise Forbidden(code="figures_forbidden", message=_("Your role does not read figures."))
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
    }
    return render(request, "dashboards/region.html", context)


@login_required
@require_GET
def leader_summary(request):
    board = _board(request)
    context = {
        "board": board,
        "ancestors": division_ancestors(board.region),
        "periods": selectors.period_choices(),
        "is_open": board.period.end >= today(),
        # The quarter before the last one of the trend (the chosen quarter).
        "previous": {
            m.code: rates[m.code] for m in board.measures for _p, rates in board.trend[-2:-1]
        },
    }
    return render(request, "dashboards/summary.html", context)
