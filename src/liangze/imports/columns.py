"""Cells of an entity's table as the engine writes and reads them: yes/no words, the formula
guard of written text and its undoing on import, a code picked from a drop-down entry.

Headers and yes/no words are data, not messages: a sheet made in one language imports in the
other.
"""

import re

from django.conf import settings
from django.utils import translation

from liangze.imports.specs import header  # noqa: F401 (re-exported: the engine's one header rule)

# Yes and no as written into sheets, per language; the entities' validators accept both.
BOOL_WORDS = {"zh": ("是", "否"), "en": ("Yes", "No")}

# A cell a spreadsheet program could take for a formula: written as text with a leading
# apostrophe (see workbooks.safe_text), which the importer takes off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LEADING_CODE = re.compile(r"\A\s*([0-9]{6,12})(?:\s+\S.*)?\Z", re.S)


def bool_words(language: str | None = None) -> tuple[str, str]:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return BOOL_WORDS["zh" if language.startswith("zh") else "en"]


def choice_spellings(choices_by_key: dict) -> dict[str, dict[str, str]]:
    """For each choice column (key → a TextChoices), every accepted spelling → the value: the
    value itself and its label in each of the site's languages."""
    spellings: dict[str, dict[str, str]] = {}
    for key, choices in choices_by_key.items():
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


def any_guarded(column) -> bool:
    """Whether a cell starts with an apostrophe, the export's formula guard (unguard); one
    search of the joined column instead of a call per cell."""
    joined = "\n".join(column)
    return joined.startswith("'") or "\n'" in joined


def unguarded(column: list[str]) -> list[str]:
    """The column with every formula guard undone (the same list when none is)."""
    if not any_guarded(column):
        return column
    return [unguard(text) if text[:1] == "'" else text for text in column]


def leading_code_text(text: str) -> str:
    """The code out of a drop-down entry "632801100200 中村委会"; any other text as it is."""
    match = _LEADING_CODE.match(text)
    return match[1] if match else text
