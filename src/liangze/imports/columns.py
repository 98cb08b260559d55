"""The columns of the business spreadsheet: the import template, the bad-rows report and the
export share them, so an exported list re-imports as unchanged.

Each column has a Chinese header and an English key; an upload may use either (read_table takes
both). Headers are data, not messages: a sheet made in one language imports in the other.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils import translation

from liangze.businesses.models import Grade, RiskLevel
from liangze.businesses.types import BusinessType, Scale


@dataclass(frozen=True)
class Column:
    key: str  # the English header, and the field name clean_business_fields takes
    header: str  # the Chinese header
    width: int = 14
    text: bool = False  # an identifier: the template formats the column as text


COLUMNS = (
    Column("platform_id", "平台编号", 10),
    Column("name", "名称", 28),
    Column("uscc", "统一社会信用代码", 22, text=True),
    Column("registration_number", "登记/备案号", 18, text=True),
    Column("license_number", "许可证号", 20, text=True),
    Column("business_type", "业态", 18),
    Column("chain_hq", "连锁总部", 8),
    Column("key", "重点主体", 8),
    Column("scale", "规模", 8),
    Column("staff_count", "从业人数", 9),
    Column("annual_revenue_yuan", "年营业额（元）", 14),
    Column("grade", "包保等级", 8),
    Column("grade_reason", "定级理由", 20),
    Column("risk_level", "风险等级", 8),
    Column("division_code", "区划代码", 24, text=True),
    Column("address", "地址", 30),
    Column("latitude", "纬度", 11),
    Column("longitude", "经度", 11),
    Column("contact_name", "联系人", 10),
    Column("contact_phone", "联系电话", 15, text=True),
    Column("open_kitchen", "明厨亮灶", 8),
)
BY_KEY = {column.key: column for column in COLUMNS}
KEYS = tuple(column.key for column in COLUMNS)
# read_table's mapping: canonical key → the other spellings accepted in the header row.
TABLE_COLUMNS = {column.key: (column.header,) for column in COLUMNS}

BOOL_COLUMNS = ("chain_hq", "key", "open_kitchen")
CHOICE_COLUMNS = {
    "business_type": BusinessType,
    "scale": Scale,
    "grade": Grade,
    "risk_level": RiskLevel,
}
# Yes and no as written into sheets, per language; both are among validation.TRUE_WORDS and
# FALSE_WORDS (data, like the Chinese headers).
BOOL_WORDS = {"zh": ("是", "否"), "en": ("Yes", "No")}

# A cell a spreadsheet program could take for a formula: written as text with a leading
# apostrophe (see workbooks.safe_text), which the importer takes off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LEADING_CODE = re.compile(r"\A\s*([0-9]{6,12})(?:\s+\S.*)?\Z", re.S)


def header(column: Column, language: str | None = None) -> str:
    """The header in a language: Chinese headers for Chinese, the English keys otherwise."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return column.header if language.startswith("zh") else column.key


def bool_words(language: str | None = None) -> tuple[str, str]:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return BOOL_WORDS["zh" if language.startswith("zh") else "en"]


@lru_cache(maxsize=1)
def choice_values() -> dict[str, dict[str, str]]:
    """For each choice column, every accepted spelling → the value: the value itself and its
    label in each of the site's languages. Built once per process."""
    spellings: dict[str, dict[str, str]] = {}
    for key, choices in CHOICE_COLUMNS.items():
        known = {value: value for value in choices.values}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for member in choices:
                    known.setdefault(str(member.label), member.value)
        spellings[key] = known
    return spellings


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet might evaluate, and for such text already guarded (leading
    apostrophes are skipped), so that guarding and unguarding undo each other for any text."""
    return text.lstrip("'").startswith(FORMULA_START)


def unguard(text: str) -> str:
    """Undo the export's formula guard: "'=x" → "=x", "''=x" → "'=x". Any other apostrophe
    is data."""
    if text.startswith("'") and looks_like_formula(text):
        return text[1:]
    return text


def division_code_text(text: str) -> str:
    """The code out of a drop-down entry "632801100200 中村委会"; any other text as it is."""
    match = _LEADING_CODE.match(text)
    return match[1] if match else text
