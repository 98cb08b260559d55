"""The repository documents itself: code cites docs/domain.md and docs/architecture.md by
section, every cited section exists, and nothing cites a rules file the repository does not hold.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOCS = ROOT / "docs"
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "var",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "test-results",
    "screenshots",
}
# Built from parts, so this file does not cite them itself.
OUTSIDE_FILES = ("DOMAIN" + ".md", "STYLE" + ".md")
D = "docs" + "/"  # the checker's own examples below must not be read as citations

SECTION_HEADING = re.compile(r"^#{1,6}\s+(\d+(?:\.\d+[a-z]?)?)\.?\s", re.MULTILINE)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
SECTION = r"§\d+(?:\.\d+[a-z]?)?"
# docs/domain.md §1.2, §1.2a  ·  docs/architecture.md#how-a-write-flows
SECTION_CITATION = re.compile(r"docs/([\w-]+)\.md((?:,? ?(?:and )?" + SECTION + r")+)")
ANCHOR_CITATION = re.compile(r"docs/([\w-]+)\.md#([\w-]+)")
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def repository_files():
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        if any(part in SKIPPED_DIRS for part in relative.parts) or not path.is_file():
            continue
        try:
            yield relative, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, fonts, compiled files


def slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def doc_sections(name: str) -> set[str]:
    return set(SECTION_HEADING.findall((DOCS / f"{name}.md").read_text(encoding="utf-8")))


def doc_anchors(path: Path) -> set[str]:
    return {slug(h) for h in HEADING.findall(path.read_text(encoding="utf-8"))}


def citation_errors(relative: Path, text: str) -> list[str]:
    errors = []
    for outside in OUTSIDE_FILES:
        if outside in text:
            errors.append(f"{relative}: cites {outside}, which the repository does not hold")
    for match in SECTION_CITATION.finditer(text):
        name = match.group(1)
        if not (DOCS / f"{name}.md").is_file():
            errors.append(f"{relative}: cites docs/{name}.md, which does not exist")
            continue
        for section in re.findall(SECTION, match.group(2)):
            if section[1:] not in doc_sections(name):
                errors.append(f"{relative}: docs/{name}.md {section} does not exist")
    for name, anchor in ANCHOR_CITATION.findall(text):
        path = DOCS / f"{name}.md"
        if not path.is_file() or anchor not in doc_anchors(path):
            errors.append(f"{relative}: docs/{name}.md#{anchor} does not exist")
    return errors


def test_no_file_cites_a_missing_rule_or_section():
    errors = [e for relative, text in repository_files() for e in citation_errors(relative, text)]
    assert errors == []


def test_domain_sections_cited_inside_domain_md_exist():
    text = (DOCS / "domain.md").read_text(encoding="utf-8")
    sections = doc_sections("domain")
    missing = sorted({s for s in re.findall(SECTION, text) if s[1:] not in sections})
    assert missing == []


@pytest.mark.parametrize("doc", ["README.md", "docs/domain.md", "docs/architecture.md"])
def test_links_of_the_docs_lead_somewhere(doc):
    source = ROOT / doc
    broken = []
    for target in MARKDOWN_LINK.findall(source.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # an address outside the repository
        file_part, _, anchor = target.partition("#")
        path = (source.parent / file_part).resolve() if file_part else source
        if not path.exists() or (anchor and anchor not in doc_anchors(path)):
            broken.append(target)
    assert broken == []


def test_the_architecture_keeps_a_section_for_the_import_engine():
    assert "the-import-engine" in doc_anchors(DOCS / "architecture.md")


class TestCitationCheck:
    """The check itself finds what it must: a test that cannot fail proves nothing."""

    def test_it_refuses_a_rules_file_from_outside(self):
        text = "# see " + OUTSIDE_FILES[0] + " 1.2"
        assert citation_errors(Path("x.py"), text)

    def test_it_refuses_a_missing_section(self):
        assert citation_errors(Path("x.py"), "# " + D + "domain.md §1.2, §99.9")
        assert citation_errors(Path("x.py"), "# " + D + "domain.md §1.99")

    def test_it_refuses_a_missing_anchor_or_file(self):
        assert citation_errors(Path("x.py"), "# " + D + "architecture.md#no-such-heading")
        assert citation_errors(Path("x.py"), "# " + D + "nowhere.md §1")

    def test_it_accepts_existing_sections_and_anchors(self):
        text = "# docs/domain.md §1.2, §1.2a and §3.6; docs/architecture.md#how-a-write-flows"
        assert citation_errors(Path("x.py"), text) == []
