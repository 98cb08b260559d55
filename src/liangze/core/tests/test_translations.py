"""The Chinese catalogue is complete and clean, and templates hold no text outside gettext.

Extraction here is pure Python (no GNU gettext on a fresh server): msgids are read from
`{% translate %}` / `{% blocktranslate %}` tags and from gettext calls in the Python sources,
the way `makemessages` reads them.
"""

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

SRC = Path(settings.SRC_DIR)
CATALOGUE = SRC / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
}

TRANSLATE_TAG = re.compile(
    r"""{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<text>.*?)(?P=q)(?:\s+[^%]*)?%}""", re.S
)
BLOCK_TAG = re.compile(
    r"{%\s*blocktrans(?:late)?(?P<args>[^%]*)%}(?P<body>.*?){%\s*endblocktrans(?:late)?\s*%}", re.S
)
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")
TEMPLATE_SYNTAX = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
VISIBLE_ATTRIBUTES = re.compile(r"""\b(?:placeholder|title|aria-label|alt)=(["'])(.*?)\1""", re.S)
LETTER = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def template_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("templates/**/*.html"))


def python_files() -> list[Path]:
    return sorted(
        p for p in SRC.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts
    )


def template_msgids(text: str) -> set[str]:
    ids = {m["text"] for m in TRANSLATE_TAG.finditer(text)}
    for block in BLOCK_TAG.finditer(text):
        body = re.split(r"{%\s*plural\s*%}", block["body"])[0]  # the singular is the msgid
        if "trimmed" in block["args"]:
            body = " ".join(line.strip() for line in body.strip().splitlines())
        ids.add(VARIABLE.sub(lambda m: f"%({m[1]})s", body))
    return ids


def python_msgids(source: str) -> set[str]:
    ids = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in GETTEXT_NAMES
        ):
            args = node.args[1:] if node.func.id.startswith("pgettext") else node.args
            if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                ids.add(args[0].value)
    return ids


def bare_text(text: str) -> list[str]:
    """Visible words in a template that no gettext tag covers."""
    stripped = BLOCK_TAG.sub(" ", text)
    stripped = TRANSLATE_TAG.sub(" ", stripped)
    found = []
    for match in VISIBLE_ATTRIBUTES.finditer(stripped):
        value = TEMPLATE_SYNTAX.sub(" ", match[2])
        if LETTER.search(value):
            found.append(value.strip())
    stripped = re.sub(r"<(script|style)\b.*?</\1>", " ", stripped, flags=re.S)
    stripped = TEMPLATE_SYNTAX.sub(" ", stripped)
    stripped = TAG.sub(" ", stripped)
    stripped = re.sub(r"&\w+;|&#\d+;", " ", stripped)
    found += [chunk.strip() for chunk in re.split(r"\s{2,}|\n", stripped) if LETTER.search(chunk)]
    return found


@pytest.fixture(scope="module")
def catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="zh_Hans")


def test_catalogue_has_no_empty_or_fuzzy_message(catalogue):
    bad = [
        m.id
        for m in catalogue
        if m.id and (m.fuzzy or not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert not bad, f"empty or fuzzy in zh_Hans: {bad[:20]}"


def test_every_marked_string_has_a_chinese_translation(catalogue):
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    wanted = set()
    for path in template_files():
        wanted |= template_msgids(path.read_text(encoding="utf-8"))
    for path in python_files():
        wanted |= python_msgids(path.read_text(encoding="utf-8"))
    missing = sorted(wanted - known)
    assert not missing, (
        f"{len(missing)} string(s) missing from zh_Hans (run `make messages`): {missing[:20]}"
    )


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_template_has_no_untranslated_text(path):
    assert bare_text(path.read_text(encoding="utf-8")) == []


def test_the_checker_sees_bare_text():
    assert bare_text('<p>Hello</p><input placeholder="Name">') == ["Name", "Hello"]
    assert bare_text('<p>{% translate "Hello" %}</p>') == []
    assert template_msgids("{% blocktranslate with n=x %}Hi {{ n }}{% endblocktranslate %}") == {
        "Hi %(n)s"
    }
