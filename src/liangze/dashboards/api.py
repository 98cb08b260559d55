"""Figures under /api/v1/figures: a region of the caller's jurisdiction, a period and optionally
one measure; the region's totals and its direct sub-regions with each rate and rank, all from the
summary tables (docs/domain.md §2; docs/architecture.md#figures)."""

from django.utils.translation import gettext as _
from ninja import Field, Router

from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden
from liangze.core.schemas import DictOut, ErrorOut
from liangze.dashboards import selectors
from liangze.dashboards.access import can_read_figures
from liangze.figures.measures import measures
from liangze.figures.schemas import RateOut

router = Router(tags=["figures"])
codes_4xx = frozenset({401, 403, 404, 422})


class MeasureOut(DictOut):
    code: str
    label: str
    side: str = Field(description="business: by the business's division; official: by the post.")


class FigureOut(DictOut):
    measure: str
    rate: RateOut
    rank: int | None = Field(None, description="Among the sibling regions; null when 0/0.")


class SubRegionOut(DictOut):
    division_id: int | None = Field(description="null: the region's own level (not ranked).")
    division_code: str
    division_name: str
    figures: list[FigureOut]


class FiguresOut(DictOut):
    division_id: int
    division_code: str
    division_name: str
    period: str
    figures: list[FigureOut]
    subregions: list[SubRegionOut]


def _rate(rate) -> dict:
    percent = rate.percent
    return {
        "numerator": rate.numerator,
        "denominator": rate.denominator,
        "percent": None if percent is None else str(percent),
    }


@router.get("/measures", response=list[MeasureOut])
def measure_list(request):
    """The measures the platform computes (codes of docs/domain.md §5)."""
    return [{"code": m.code, "label": str(m.label), "side": str(m.side)} for m in measures()]


@router.get("", response={200: FiguresOut, codes_4xx: ErrorOut})
def figures_read(
    request, within: int | None = None, period: str | None = None, measure: str | None = None
):
    """A region's figures for a period (default: the current quarter, as of today) and its direct
    sub-regions ranked. `within` defaults to the top of the caller's jurisdiction."""
    if not can_read_figures(request.user):
        raise access_refuse(
            Forbidden(code="figures_forbidden", message=_("Your role does not read figures.")),
            viewer=request.user,
            target_type="figures",
        )
    region = selectors.dashboard_region(request.user, within)
    chosen = selectors.dashboard_period(period)
    board = selectors.dashboard(viewer=request.user, region=region, period=chosen, code=measure)
    codes = [m.code for m in board.measures]
    return {
        "division_id": region.pk,
        "division_code": region.code,
        "division_name": region.name,
        "period": chosen.code,
        "figures": [{"measure": c, "rate": _rate(board.totals[c])} for c in codes],
        "subregions": [
            {
                "division_id": row.division.pk if row.division else None,
                "division_code": row.division.code if row.division else region.code,
                "division_name": row.division.name if row.division else region.name,
                "figures": [
                    {"measure": c, "rate": _rate(row.rates[c]), "rank": row.ranks.get(c)}
                    for c in codes
                ],
            }
            for row in [*board.rows, board.own_level]
        ],
    }
