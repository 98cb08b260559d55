"""A quarter's visits as a spreadsheet, one row per visit (docs/domain.md §1.10: one record serves
every duty, so an office never re-types a visit into another system)."""

import xlsxwriter
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from liangze.core.scoping import in_jurisdiction
from liangze.imports.workbooks import WORKBOOK_OPTIONS, safe_text
from liangze.rectification.models import Problem
from liangze.visits.models import ItemResult, Visit, VisitItem
from liangze.visits.periods import Quarter

# A direct download; a region with more visits in one quarter narrows by sub-region.
EXPORT_LIMIT = 50_000


def export_visits(*, viewer, quarter: Quarter):
    """The quarter's visits within the viewer's subtrees (replaced ones left out)."""
    return (
        in_jurisdiction(
            Visit.objects.valid().filter(period=quarter.first_day),
            viewer,
            via="business__division",
        )
        .select_related("business__division", "official__user", "official__grant__division")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=VisitItem.objects.filter(result=ItemResult.PROBLEM),
                to_attr="problem_items",
            )
        )
        .order_by("visited_at", "pk")
    )


def visits_workbook(target, *, visits) -> int:
    """Write the visits to `target`; returns the rows written."""
    visits = list(visits[:EXPORT_LIMIT])
    problems: dict[int, list[Problem]] = {}
    for p in Problem.objects.filter(source="visit", source_id__in=[v.pk for v in visits]).order_by(
        "pk"
    ):
        problems.setdefault(p.source_id, []).append(p)
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    sheet = workbook.add_worksheet(_("Visits")[:31])
    headers = [
        _("Official"),
        _("Post"),
        _("Business"),
        _("Credit code"),
        _("Region"),
        _("Date and time"),
        _("Mode"),
        _("Entered late"),
        _("Items with problems"),
        _("Problems and their state"),
    ]
    widths = [12, 16, 28, 22, 16, 18, 10, 8, 36, 48]
    for col, (title, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, bold)
    sheet.freeze_panes(1, 0)
    for row, visit in enumerate(visits, start=1):
        found = problems.get(visit.pk, [])
        cells = [
            str(visit.official),
            visit.official.grant.division.name,
            visit.business.name,
            visit.business.uscc or "",
            visit.business.division.name,
            timezone.localtime(visit.visited_at).strftime("%Y-%m-%d %H:%M"),
            visit.get_mode_display(),
            _("yes") if visit.late else "",
            "；".join(i.label for i in visit.problem_items),
            "；".join(f"{p.description}（{p.get_status_display()}）" for p in found),
        ]
        for col, value in enumerate(cells):
            if value:
                sheet.write_string(row, col, safe_text(value))
    workbook.close()
    return len(visits)
