"""A notice as a Word document (python-docx) and an Excel workbook (xlsxwriter), in the style of a
government notice: title, period, summary, a ranked table of direct sub-regions per rate with
numerator and denominator, the units below 100%, the closing paragraph. Rendered from the frozen
rows only, so a published notice always renders the same content."""

import io
from collections import defaultdict

import xlsxwriter
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from liangze.dashboards.models import Notice
from liangze.figures.rates import Rate


def notice_sections(notice: Notice):
    """[(code, label, region Rate, [Ranking…])] in the notice's measure order."""
    rankings = defaultdict(list)
    for ranking in notice.rankings.all():
        rankings[ranking.measure].append(ranking)
    return [
        (code, label, Rate(numerator, denominator), rankings.get(code, []))
        for code, (label, numerator, denominator) in notice.totals.items()
    ]


def _rank(ranking) -> str:
    return "—" if ranking.rank is None else str(ranking.rank)


def notice_docx(notice: Notice) -> bytes:
    document = Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(notice.title)
    run.bold = True
    run.font.size = Pt(18)
    document.add_paragraph(
        _("Period: %(period)s · figures as of %(day)s")
        % {"period": notice.period, "day": notice.figures_as_of.isoformat()}
    )
    for paragraph in notice.summary.splitlines():
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())
    for _code, label, rate, rankings in notice_sections(notice):
        document.add_heading(f"{label}：{rate.display}（{rate.numerator}/{rate.denominator}）", 2)
        if not rankings:
            continue
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            (_("Rank"), _("Region"), _("Numerator"), _("Denominator"), _("Rate")),
            strict=True,
        ):
            cell.text = str(text)
        for ranking in rankings:
            value = Rate(ranking.numerator, ranking.denominator)
            cells = table.add_row().cells
            for cell, text in zip(
                cells,
                (
                    _rank(ranking),
                    ranking.division_name,
                    str(ranking.numerator),
                    str(ranking.denominator),
                    value.display,
                ),
                strict=True,
            ):
                cell.text = text
        below = [r.division_name for r in rankings if r.rank and r.numerator < r.denominator]
        if below:
            document.add_paragraph(_("Below 100%%: %(units)s") % {"units": "、".join(below)})
    if notice.closing:
        for paragraph in notice.closing.splitlines():
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def notice_xlsx(notice: Notice) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    summary = book.add_worksheet(_("Summary")[:31])
    summary.write_row(0, 0, [notice.title], bold)
    summary.write_row(1, 0, [_("Period"), notice.period])
    summary.write_row(2, 0, [_("Rate"), _("Numerator"), _("Denominator"), "%"], bold)
    for row, (_code, label, rate, _rankings) in enumerate(notice_sections(notice), start=3):
        summary.write_row(row, 0, [str(label), rate.numerator, rate.denominator, rate.display])
    for index, (_code, label, _rate, rankings) in enumerate(notice_sections(notice), start=1):
        sheet = book.add_worksheet(f"{index} {label}"[:31])
        sheet.write_row(
            0,
            0,
            [_("Rank"), _("Division code"), _("Region"), _("Numerator"), _("Denominator"), "%"],
            bold,
        )
        for row, ranking in enumerate(rankings, start=1):
            sheet.write_row(
                row,
                0,
                [
                    _rank(ranking),
                    ranking.division_code,
                    ranking.division_name,
                    ranking.numerator,
                    ranking.denominator,
                    Rate(ranking.numerator, ranking.denominator).display,
                ],
            )
    book.close()
    return out.getvalue()
