"""The figures a viewer reads: a region of their jurisdiction, its direct sub-regions ranked, and
the trend over periods (docs/domain.md §2; docs/architecture.md#figures). Every number comes from
the summary tables; none is recomputed from the facts here."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from liangze.accounts.access import can_manage_division
from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden, Invalid, NotFound
from liangze.core.scoping import in_jurisdiction
from liangze.core.tree import SEGMENT_WIDTH, is_within
from liangze.dashboards.access import can_read_figures
from liangze.dashboards.models import Notice
from liangze.figures import selectors as figures
from liangze.figures.measures import Measure, measures
from liangze.figures.periods import Period, recent_quarters, today
from liangze.figures.rates import Ranked, Rate, rank
from liangze.regions.models import Division
from liangze.regions.selectors import access_division_by_id, division_roots

TREND_QUARTERS = 8


def dashboard_region(viewer, division_id: int | None) -> Division:
    """The region asked for (not found unless in the viewer's jurisdiction), else the top of it."""
    if division_id is not None:
        return access_division_by_id(viewer, division_id)
    root = division_roots(viewer=viewer).first()
    if root is None:
        raise access_refuse(
            Forbidden(code="no_region", message=_("You see no region.")),
            viewer=viewer,
            target_type="figures",
        )
    return root


def dashboard_period(text: str | None) -> Period:
    """The period asked for ("2026Q2", "2026"), else the current quarter; never a future one."""
    if not text:
        return Period.quarter_of(today())
    try:
        period = Period.parse(text)
    except ValueError:
        raise Invalid(
            code="period_invalid",
            message=_("A period is a quarter (2026Q2) or a year (2026)."),
            fields={"period": _("A period is a quarter (2026Q2) or a year (2026).")},
        ) from None
    if period.start > today():
        raise Invalid(
            code="period_future",
            message=_("That period has not begun."),
            fields={"period": _("That period has not begun.")},
        )
    return period


def period_choices() -> list[Period]:
    """The last eight quarters and the years they touch, newest first."""
    quarters = recent_quarters(TREND_QUARTERS)
    years = sorted({Period(q.year) for q in quarters}, reverse=True)
    return [*reversed(quarters), *years]


def chosen_measures(code: str | None = None) -> list[Measure]:
    known = measures()
    if not code:
        return known
    chosen = [m for m in known if m.code == code]
    if not chosen:
        raise Invalid(
            code="measure_invalid",
            message=_("Unknown measure."),
            fields={"measure": _("Unknown measure.")},
        )
    return chosen


def sub_regions(viewer, region: Division) -> QuerySet[Division]:
    return in_jurisdiction(Division.objects.filter(parent=region), viewer, via=".").order_by("code")


@dataclass
class SubRegion:
    division: Division | None  # None: the region's own level (officials posted at it)
    rates: dict[str, Rate] = field(default_factory=dict)
    ranks: dict[str, int | None] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.division.code if self.division else ""


@dataclass
class Dashboard:
    region: Division
    period: Period
    measures: list[Measure]
    totals: dict[str, Rate]
    rows: list[SubRegion]
    own_level: SubRegion
    trend: list[tuple[Period, dict[str, Rate]]]
    ranked: dict[str, list[Ranked]]


def dashboard(*, viewer, region: Division, period: Period, code: str | None = None) -> Dashboard:
    """The region's figures, its direct sub-regions with each rate and rank (docs/domain.md §2,
    "Rankings"), facts at the region itself apart (not ranked), and the trend over the last
    quarters. The caller obtained `region` through dashboard_region."""
    chosen = chosen_measures(code)
    codes = [m.code for m in chosen]
    # The quarters up to the one chosen (a year: up to its last quarter begun).
    last = period if not period.is_year else min(Period(period.year, 4), Period.quarter_of(today()))
    trend_periods = recent_quarters(TREND_QUARTERS, last.start)
    totals_by = figures.region_figures(
        path=region.path, periods=[period.code, *(p.code for p in trend_periods)], codes=codes
    )
    totals = {c: totals_by.get((period.code, c), Rate(0, 0)) for c in codes}
    trend = [(p, {c: totals_by.get((p.code, c), Rate(0, 0)) for c in codes}) for p in trend_periods]
    by_child = figures.child_figures(path=region.path, period=period.code, codes=codes)
    rows = [
        SubRegion(child, {c: by_child[(child.path, c)] for c in codes})
        for child in sub_regions(viewer, region)
    ]
    own = SubRegion(None, {c: by_child[(region.path, c)] for c in codes})
    ranked = {}
    for c in codes:
        ranked[c] = rank(rows, rate=lambda row, c=c: row.rates[c], code=lambda row: row.code)
        for place in ranked[c]:
            place.item.ranks[c] = place.rank
    return Dashboard(region, period, chosen, totals, rows, own, trend, ranked)


SUMMARY_SHORTFALLS = 3


def shortfalls(board: Dashboard, limit: int = SUMMARY_SHORTFALLS) -> list[dict]:
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
                    "places": below[:limit],
                    "more": len(below) - limit,
                }
            )
    return out


# --- Notices ---------------------------------------------------------------------------------


def _reads_notice(viewer, notice) -> bool:
    """Offices and leaders of the region and of its sub-regions (and administrators); a draft
    only its office."""

    if notice.status == Notice.Status.DRAFT:
        return can_manage_division(viewer, notice.region)
    if not can_read_figures(viewer):
        return False
    jurisdiction = viewer.jurisdiction()
    if jurisdiction.everything:
        return True
    path = notice.region.path
    return any(is_within(path, p) or is_within(p, path) for p in jurisdiction.paths)


def access_notice_by_id(viewer, notice_id: int):

    notice = (
        Notice.objects.select_related("region", "generated_by", "published_by")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None or not _reads_notice(viewer, notice):
        raise access_refuse(
            NotFound(code="notice_not_found", message=_("Notice not found.")),
            viewer=viewer,
            target_type="dashboards.notice",
            target_id=notice_id,
        )
    return notice


def notice_list(*, viewer, region: Division) -> list:
    """The notices of `region` and of the regions above it that the viewer reads, newest first."""

    prefixes = [
        region.path[:end] for end in range(SEGMENT_WIDTH, len(region.path) + 1, SEGMENT_WIDTH)
    ]
    notices = Notice.objects.filter(region__path__in=prefixes).select_related("region")
    return [n for n in notices if _reads_notice(viewer, n)]


def ended_periods() -> list[Period]:
    """The periods a notice may be generated for: ended quarters and years of the choices."""
    return [p for p in period_choices() if p.end < today()]
