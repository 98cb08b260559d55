"""The import layers (docs/architecture.md#layers): the contracts of pyproject.toml hold, they
would catch a machinery app importing a domain app, and, independently of that configuration,
no module of core, audit, files or jobs names a domain app."""

import ast
from copy import deepcopy
from pathlib import Path

import grimp
import pytest
from django.conf import settings
from importlinter import api
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract

SRC = Path(settings.SRC_DIR)
PYPROJECT = Path(settings.BASE_DIR) / "pyproject.toml"
CONTRACT_TYPES = {"layers": LayersContract, "forbidden": ForbiddenContract}
# Machinery that names no domain app, with no exception at all (imports/ has a listed few
# until its engine lands; the contracts hold it to that list).
STRICT_MACHINERY = ("core", "audit", "files", "jobs")
DOMAIN_APPS = {
    "regions",
    "accounts",
    "businesses",
    "officials",
    "visits",
    "rectification",
    "enterprise",
    "feeds",
    "dashboards",
    "demo",
}


@pytest.fixture(scope="module")
def contracts():
    configuration = api.read_configuration(str(PYPROJECT))
    return [
        CONTRACT_TYPES[options["type"]](
            name=options["name"],
            session_options=configuration["session_options"],
            contract_options=options,
        )
        for options in configuration["contracts_options"]
    ]


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("liangze", cache_dir=None)


def _broken(contracts, graph) -> list[str]:
    """Each contract checks its own copy, as lint-imports does: checking removes ignored imports."""
    return [
        contract.name for contract in contracts if not contract.check(deepcopy(graph), False).kept
    ]


def test_every_contract_is_kept(contracts, graph):
    assert {type(contract) for contract in contracts} == {LayersContract, ForbiddenContract}
    assert _broken(contracts, graph) == []


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("liangze.jobs.services", "liangze.accounts.access"),
        ("liangze.core.views", "liangze.regions.selectors"),
        ("liangze.audit.selectors", "liangze.businesses.models"),
        ("liangze.files.services", "liangze.demo.services"),
        ("liangze.imports.tasks", "liangze.businesses.services"),  # not one of the listed edges
        ("liangze.regions.services", "liangze.accounts.models"),  # a domain app, one layer up
    ],
)
def test_an_import_against_the_layers_breaks_a_contract(contracts, graph, importer, imported):
    changed = deepcopy(graph)
    changed.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
    assert _broken(contracts, changed)


def _liangze_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("liangze.")}


def _app_of(name: str) -> str:
    return name.split(".")[1]


@pytest.mark.parametrize("app", STRICT_MACHINERY)
def test_machinery_source_names_no_domain_app(app):
    """Every import statement, top level or inside a function, of the app's own code (its tests
    and shared test fixtures may use any app)."""
    offending = []
    for path in sorted((SRC / app).rglob("*.py")):
        parts = path.relative_to(SRC / app).parts
        if parts[0] in ("tests", "testing", "migrations"):
            continue
        for name in _liangze_imports(path):
            if name == "liangze" or _app_of(name) in DOMAIN_APPS:
                offending.append(f"{app}/{'/'.join(parts)}: {name}")
    assert offending == []
