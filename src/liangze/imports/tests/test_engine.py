"""The import engine names no entity: the entities register their specs, and both the business
import and the division import run on it."""

import ast
from pathlib import Path

from django.apps import apps

from liangze.imports.specs import import_spec, import_spec_of_kind
from liangze.jobs.kinds import job_kind

ENGINE = Path(__file__).resolve().parents[1]
MACHINERY = {"core", "jobs", "files", "imports", "audit"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_the_engine_imports_no_domain_app():
    domain = {
        config.name
        for config in apps.get_app_configs()
        if config.name.startswith("liangze.") and config.name.split(".")[1] not in MACHINERY
    }
    assert "liangze.businesses" in domain and "liangze.regions" in domain
    found = {
        (str(path.relative_to(ENGINE)), module)
        for path in ENGINE.rglob("*.py")
        for module in imported_modules(path)
        if any(module == app or module.startswith(app + ".") for app in domain)
    }
    assert found == set()


def test_the_business_and_division_imports_run_on_the_engine():
    businesses, divisions = import_spec("businesses"), import_spec("divisions")
    kinds = {
        "business_import_check": (businesses, "table_import_check_run"),
        "business_import_write": (businesses, "table_import_write_run"),
        "business_export": (businesses, "table_export_run"),
        "division_import": (divisions, "table_import_run"),
    }
    for code, (spec, task) in kinds.items():
        assert import_spec_of_kind(code) is spec
        # Registered by the entity's app, run by the engine's task.
        assert job_kind(code).task == f"liangze.imports.tasks.{task}"
    assert import_spec_of_kind("") is None


def test_each_spec_declares_its_columns_with_both_headers():
    for name in ("businesses", "divisions"):
        spec = import_spec(name)
        keys = [column.key for column in spec.columns]
        assert len(set(keys)) == len(keys)
        assert all(column.header and column.key.isascii() for column in spec.columns)
        assert spec.table_columns == {c.key: (c.header, *c.aliases) for c in spec.columns}
