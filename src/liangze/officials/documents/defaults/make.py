"""Builds the Chinese default .docx templates shipped beside this file (docs/domain.md §1.4;
docs/documents.md). Run after changing it, and commit the .docx files it writes:

    .venv/bin/python -m liangze.officials.documents.defaults.make

The templates use docxtpl's tags: `{{ … }}` for a value, `{%p … %}` for a paragraph loop and
`{%tr … %}` for a table-row loop. Office staff may replace them with their own (rendering.py
renders every template in Jinja's sandbox); the context each kind receives is built by
`rendering.document_context` and documented in docs/documents.md.
"""

import sys
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"


def _document(*, landscape: bool = False) -> Document:
    document = Document()
    # Fixed metadata: no date or machine of the build inside the template.
    properties = document.core_properties
    properties.author = "Liangze"
    properties.last_modified_by = "Liangze"
    properties.title = ""
    properties.revision = 1
    properties.created = properties.modified = datetime(2026, 1, 1, tzinfo=UTC)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.2))
    style = document.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    return document


def _title(document: Document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(20)
    run.font.name = TITLE_FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), TITLE_FONT)


def _paragraph(document: Document, text: str, *, indent: bool = True, right: bool = False):
    paragraph = document.add_paragraph(text)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(28)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return paragraph


def _table(document: Document, headers: list[str], cells: list[str], loop: str):
    """A table with a header row and one row repeated by `{%tr for … %}` … `{%tr endfor %}`."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    return table


def _businesses_table(document: Document):
    """The official's businesses, one row each (the letter and the task list)."""
    return _table(
        document,
        ["序号", "主体名称", "包保等级", "地址"],
        ["{{ loop.index }}", "{{ b.name }}", "{{ b.grade }}", "{{ b.address }}"],
        "b in businesses",
    )


def _signatures(document: Document, *lines: str) -> None:
    """A blank line, then the signature and date lines, right-aligned."""
    document.add_paragraph()
    for text in lines:
        _paragraph(document, text, indent=False, right=True)


def commitment() -> Document:
    document = _document()
    _title(document, "食品安全责任与任务承诺书")
    _paragraph(
        document,
        "为落实食品安全属地管理责任，推动分层分级精准防控、末端发力终端见效，本人"
        "{{ official.name }}作为{{ official.division }}{{ official.level }}包保干部（{{ official.post }}），"
        "郑重承诺：",
    )
    for text in (
        "一、严格履行包保督导责任，熟悉所包保主体的基本情况和食品安全风险，做到“知责、明责、履责”。",
        "二、按照任务清单，每季度至少到每个包保主体督导一次，如实记录督导情况，不弄虚作假。",
        "三、督促包保主体建立健全食品安全管理制度，落实日管控、周排查、月调度工作机制。",
        "四、发现问题及时督促整改；不能当场整改的，及时推送属地市场监管部门处置，跟踪整改到位。",
        "五、加强食品安全宣传和培训，督促做好突发事件应急处置工作。",
    ):
        _paragraph(document, text)
    _paragraph(document, "本人包保主体共 {{ businesses|length }} 家：", indent=True)
    _businesses_table(document)
    _paragraph(document, "本承诺书自签订之日起一年内有效。", indent=True)
    _signatures(
        document,
        "包保干部（签字）：________________",
        "{{ countersigner_title }}（签字）：________________",
        "签订日期：______年____月____日",
    )
    return document


def task_list() -> Document:
    document = _document()
    _title(document, "食品安全包保干部任务清单")
    _paragraph(
        document,
        "包保干部：{{ official.name }}　职务：{{ official.post }}　"
        "层级：{{ official.level }}　所属区划：{{ official.division }}",
        indent=False,
    )
    _paragraph(document, "一、包保督导任务", indent=False)
    _paragraph(document, "{%p for task in tasks %}", indent=False)
    _paragraph(document, "{{ loop.index }}. {{ task }}")
    _paragraph(document, "{%p endfor %}", indent=False)
    _paragraph(
        document,
        "二、每季度至少到每个包保主体督导一次，对照下列检查项逐项检查并记录：",
        indent=False,
    )
    _table(
        document,
        ["序号", "督导检查项", "检查结果（符合/问题/不适用）"],
        ["{{ loop.index }}", "{{ item }}", ""],
        "item in checklist",
    )
    _paragraph(document, "{%p for own in type_checklists %}", indent=False)
    _paragraph(document, "{{ own.type }}的包保主体按本类检查项检查：{{ own.checks|join('；') }}。")
    _paragraph(document, "{%p endfor %}", indent=False)
    _paragraph(document, "三、包保主体（共 {{ businesses|length }} 家）", indent=False)
    _businesses_table(document)
    _signatures(document, "包保干部（签字）：________________", "日期：______年____月____日")
    return document


def responsibility_list() -> Document:
    document = _document(landscape=True)
    _title(document, "{{ unit.name }}{{ unit.level }}食品安全包保责任清单")
    _paragraph(
        document,
        "填报单位：{{ unit.name }}　包保干部 {{ officials_count }} 名，"
        "包保主体 {{ rows|length }} 家",
        indent=False,
    )
    _table(
        document,
        ["序号", "包保干部", "职务", "层级", "包保主体", "包保等级", "主体地址"],
        [
            "{{ loop.index }}",
            "{{ r.official }}",
            "{{ r.post }}",
            "{{ r.level }}",
            "{{ r.business }}",
            "{{ r.grade }}",
            "{{ r.address }}",
        ],
        "r in rows",
    )
    _signatures(document, "填报单位（盖章）：________________", "填报日期：______年____月____日")
    return document


def inspection_list() -> Document:
    document = _document()
    _title(document, "{{ office.name }}食品安全包保工作督查清单")
    _paragraph(
        document,
        "督查对象：本辖区各级包保干部（共 {{ officials_count }} 名）　督查单位：{{ office.name }}"
        "食品安全委员会办公室",
        indent=False,
    )
    _table(
        document,
        ["序号", "督查事项", "督查结果", "备注"],
        ["{{ loop.index }}", "{{ item }}", "", ""],
        "item in items",
    )
    _signatures(document, "督查人（签字）：________________", "督查日期：______年____月____日")
    return document


BUILDERS = {
    "commitment": commitment,
    "task_list": task_list,
    "responsibility_list": responsibility_list,
    "inspection_list": inspection_list,
}


def main() -> int:
    for kind, build in BUILDERS.items():
        path = HERE / f"{kind}.docx"
        build().save(path)
        sys.stdout.write(f"wrote {path.name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
