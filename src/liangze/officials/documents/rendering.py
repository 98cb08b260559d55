"""Word documents from .docx templates (docs/domain.md §1.4; docs/documents.md).

Templates may be uploaded by office staff, so they are untrusted code: every template is rendered
by docxtpl in Jinja's *immutable sandbox*, with autoescaping (a business called "A & B" must not
break the XML), and the context holds only strings, numbers, lists and dicts, never a model
instance, so even a sandbox escape would find no ORM to reach. What a template can still do is
loop for a long time: a new template is tried on a sample before it is accepted
(`template_check`), and the sandbox caps `range()`.
"""

import io
from pathlib import Path
from zipfile import BadZipFile

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
KINDS = ("commitment", "task_list", "responsibility_list", "inspection_list")

# Document content, not interface text: the four tasks of the task list (docs/domain.md §1.4),
# sample visit checklist items for trying a template (a real task list prints its province's
# checklist, §1.5) and what the office checks when it inspects officials. A replaced template
# may print them or write its own.
TASKS = (
    "督促包保主体建立健全并落实食品安全管理制度，配备食品安全总监、食品安全员，落实日管控、周排查、月调度。",
    "督促包保主体做好日常风险防控，对照风险管控清单排查食品安全风险隐患。",
    "督促包保主体强化应急处置，制定食品安全事故处置方案，发现问题及时报告、处置。",
    "推动食品安全宣传和培训，督促从业人员学习食品安全知识。",
)
SAMPLE_CHECKLIST = (
    "食品安全总监、食品安全员配备到位，岗位职责公示",
    "风险管控清单建立",
    "日管控、周排查、月调度记录齐全",
    "许可证件在有效期内并公示",
    "从业人员健康证明",
    "进货查验、索证索票",
    "贮存条件和温度控制",
    "清洗消毒",
    "食品留样（食堂）",
    "明厨亮灶运行",
    "投诉举报处理",
    "应急处置方案",
    "培训考核",
)
INSPECTION_ITEMS = (
    "包保干部签订《食品安全责任与任务承诺书》情况",
    "责任清单、任务清单建立和备案情况",
    "包保干部每季度督导包保主体全覆盖情况",
    "督导记录真实、完整，无弄虚作假",
    "发现问题当场整改或推送属地市场监管部门情况",
    "问题整改跟踪、回头看和销号情况",
    "包保主体日管控、周排查、月调度落实情况",
    "包保关系随主体状态变化及时调整情况",
)

# Who countersigns an official's letter: the Party or government head of the official's level
# (the village head for a village official).
COUNTERSIGNER_TITLES = {
    "province": "省级党委或政府负责人",
    "city": "市级党委或政府负责人",
    "county": "县级党委或政府负责人",
    "township": "乡镇（街道）党委或政府负责人",
    "village": "村（社区）党组织书记或村（居）委会主任",
}


class TemplateRejected(Exception):
    """A template that is not a .docx or that fails to render; `reason` says why, in English,
    for the log (the caller shows its own message)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(autoescape=True)


def default_template(kind: str) -> bytes:
    """The shipped Chinese template of a kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    return (DEFAULTS_DIR / f"{kind}.docx").read_bytes()


def document_render(*, template: bytes, context: dict) -> bytes:
    """The .docx made from `template` with `context` (plain data only), rendered in the sandbox.

    Raises TemplateRejected when the template is not a Word document or its tags fail, including
    a sandbox refusal (a template reaching for Python internals)."""
    try:
        document = DocxTemplate(io.BytesIO(template))
        document.render(context, jinja_env=_environment(), autoescape=True)
        output = io.BytesIO()
        document.save(output)
    except TemplateError as exc:  # SecurityError is a TemplateError
        raise TemplateRejected(f"{type(exc).__name__}: {exc}") from None
    except (PackageNotFoundError, BadZipFile, KeyError) as exc:
        raise TemplateRejected(f"not a Word document: {type(exc).__name__}") from None
    except Exception as exc:  # the context is our plain data: any other failure is the template's
        raise TemplateRejected(f"{type(exc).__name__}: {exc}") from None
    return output.getvalue()


def sample_context(kind: str) -> dict:
    """A context of every field a kind's template receives, for trying a new template."""
    official = {
        "name": "张三",
        "post": "镇党委委员",
        "level": "乡镇级",
        "division": "示例镇",
        "phone": "13800000000",
    }
    businesses = [
        {"name": "示例餐馆", "grade": "C", "address": "示例路1号", "code": "A1"},
        {"name": "示例超市 & 便利店", "grade": "C", "address": "示例路2号", "code": "A2"},
    ]
    return document_context(
        kind=kind,
        year=2026,
        generated_on="2026-01-01",
        official=official,
        businesses=businesses,
        unit={"name": "示例镇", "level": "乡镇级"},
        rows=[
            {
                "official": "张三",
                "post": "镇党委委员",
                "level": "乡镇级",
                "business": b["name"],
                "grade": b["grade"],
                "address": b["address"],
            }
            for b in businesses
        ],
        officials_count=1,
        countersigner_level="township",
        checklist=list(SAMPLE_CHECKLIST),
    )


def document_context(
    *,
    kind: str,
    year: int,
    generated_on: str,
    official: dict | None = None,
    businesses: list[dict] | None = None,
    unit: dict | None = None,
    rows: list[dict] | None = None,
    officials_count: int = 0,
    countersigner_level: str = "",
    checklist: list[str] | None = None,
    type_checklists: list[dict] | None = None,
) -> dict:
    """The one shape of a template's context: plain data, the same keys for every kind.
    `checklist` is the visit checklist of the holder's province (visits/checklist.py) for
    every business type; `type_checklists` the whole list of each type of the holder's
    businesses that has items of its own (`type`, `checks`)."""
    return {
        "kind": kind,
        "year": year,
        "generated_on": generated_on,
        "official": official or {},
        "businesses": businesses or [],
        "countersigner_title": COUNTERSIGNER_TITLES.get(countersigner_level, ""),
        "tasks": list(TASKS),
        "checklist": list(checklist or []),
        "type_checklists": list(type_checklists or []),
        "unit": unit or {},
        "office": unit or {},
        "rows": rows or [],
        "items": list(INSPECTION_ITEMS),
        "officials_count": officials_count,
    }


def template_check(*, kind: str, template: bytes) -> None:
    """Render `template` with the kind's sample context; raises TemplateRejected if it fails."""
    document_render(template=template, context=sample_context(kind))
