"""A notice as a Word document (python-docx) and an Excel workbook (xlsxwriter), in the style of a
government notice: title, period, summary, a ranked table of direct sub-regions per rate with
numerator and denominator, the units below 100%, the laggards (officials who missed visit tasks,
problems overdue), the closing paragraph. Rendered from the frozen rows only, so a published
notice always renders the same content."""

import io
from collections import defaultdict
from dataclasses import dataclass

import xlsxwriter
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from liangze.dashboards.models import Notice
from liangze.figures.rates import Rate
from liangze.rectification.models import Severity
from liangze.regions.models import Level


def notice_sections(notice: Notice):
    """[(code, label, region Rate, [Ranking…])] in the notice's measure order."""
    rankings = defaultdict(list)
    for ranking in notice.rankings.all():
        rankings[ranking.measure].append(ranking)
    return [
        (code, label, Rate(numerator, denominator), rankings.get(code, []))
        for code, (label, numerator, denominator) in notice.totals.items()
    ]


@dataclass
class Laggards:
    """One list of a notice's laggards as frozen: its heading, column headings, the rows as
    text, and how many more there were than the rows named."""

    key: str
    heading: str
    sheet: str
    columns: list[str]
    rows: list[list[str | int]]
    more: int
    note: str = ""

    @property
    def labelled_rows(self) -> list[list[tuple[str, str | int]]]:
        """Each row's values beside their column headings (a table read as cards on a phone)."""
        return [list(zip(self.columns, row, strict=True)) for row in self.rows]

    @property
    def more_text(self) -> str:
        return _("and %(count)d more") % {"count": self.more} if self.more else ""


def _label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def notice_laggards(notice: Notice) -> list[Laggards]:
    """The notice's two lists of laggards (docs/domain.md §2 "Rankings"); none for a notice
    generated before laggards were named."""
    if not notice.laggards:
        return []
    officials = notice.laggards["officials"]
    problems = notice.laggards["problems"]
    return [
        Laggards(
            key="officials",
            heading=_("Officials who did not complete their visit tasks on time"),
            sheet=_("Missed visit tasks"),
            columns=[
                _("Full name"),
                _("Position"),
                _("Level"),
                _("Region"),
                _("Tasks missed"),
                _("Tasks due"),
            ],
            rows=[
                [
                    row["name"],
                    row["position"] or "—",
                    _label(Level, row["level"]),
                    row["region"],
                    row["missed"],
                    row["due"],
                ]
                for row in officials["rows"]
            ],
            more=officials["total"] - len(officials["rows"]),
        ),
        Laggards(
            key="problems",
            heading=_("Problems not rectified by their deadline"),
            sheet=_("Overdue problems"),
            columns=[
                _("Business name"),
                _("Credit code or registration number"),
                _("Region"),
                _("Problem"),
                _("Severity"),
                _("Deadline"),
                _("Days overdue"),
                _("Responsible regulator"),
            ],
            rows=[
                [
                    row["business"],
                    row["credit_code"] or "—",
                    row["region"],
                    row["description"],
                    _label(Severity, row["severity"]),
                    row["deadline"],
                    row["days_overdue"],
                    row["regulator"] or "—",
                ]
                for row in problems["rows"]
            ],
            more=problems["total"] - len(problems["rows"]),
            note=_("Problems past their deadline and still not rectified on %(day)s.")
            % {"day": notice.laggards["as_of"]},
        ),
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
    _docx_laggards(document, notice)
    if notice.closing:
        for paragraph in notice.closing.splitlines():
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_laggards(document, notice: Notice) -> None:
    for laggards in notice_laggards(notice):
        document.add_heading(laggards.heading, 2)
        if laggards.note:
            document.add_paragraph(laggards.note)
        if not laggards.rows:
            document.add_paragraph(_("None."))
            continue
        table = document.add_table(rows=1, cols=len(laggards.columns))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, laggards.columns, strict=True):
            cell.text = str(text)
        for row in laggards.rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = str(value)
        if laggards.more:
            document.add_paragraph(laggards.more_text)


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
    for laggards in notice_laggards(notice):
        sheet = book.add_worksheet(laggards.sheet[:31])
        sheet.write_row(0, 0, laggards.columns, bold)
        for row, values in enumerate(laggards.rows, start=1):
            sheet.write_row(row, 0, values)
        if laggards.more:
            sheet.write_row(len(laggards.rows) + 1, 0, [laggards.more_text])
    book.close()
    return out.getvalue()
