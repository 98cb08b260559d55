"""`make bench`: build a throwaway database, measure, and write BENCHMARKS.md.

Each measurement stands beside a baseline measured in the same run on the same machine, so the
ratio means something on a noisy 2-core box. Never collected by `make test`.
"""

import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

BUSINESSES = int(os.environ.get("BENCH_BUSINESSES", "100000"))
# BENCH_ONLY=lists,public runs only those groups (import, export, lists, public, figures,
# visits, enterprise, documents, assign, province); the other
# sections of BENCHMARKS.md are kept as they were.
ONLY = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}


def wanted(group: str) -> bool:
    return not ONLY or group in ONLY


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="liangze-bench-"))
    try:
        run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path) -> None:
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ["LIANGZE_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangze.settings")
    os.environ["LIANGZE_STATIC_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        os.environ.pop("DATABASE_URL", None)
        print(
            "Running on SQLite (`make bench BENCH_DATABASE_URL=postgres://…/liangze_bench` adds "
            "the PostgreSQL leg after it).",
            flush=True,
        )

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The upload probe's time limit (30 s) is for a server; on a crowded benchmark machine the
    # probe of the 100,000-row file may pass it and end the run without a figure. The probe's
    # time still counts in the check job's.
    settings.LIANGZE_SPREADSHEET_CHECK_SECONDS = int(os.environ.get("BENCH_PROBE_SECONDS", "300"))
    clear_url_caches()

    from benchmarks import bench_lists, data, report
    from benchmarks.harness import Sample

    print(f"database: {connection.vendor}, work dir {workdir}", flush=True)
    call_command("migrate", verbosity=0)
    from liangze.core.tables import read_table
    from liangze.demo.services import DIVISION_VINTAGE, DIVISIONS_FILE
    from liangze.regions.imports import DIVISION_COLUMNS
    from liangze.regions.services import division_table_import

    division_table_import(
        actor=None,
        rows=read_table(
            name=DIVISIONS_FILE.name, data=DIVISIONS_FILE.read_bytes(), columns=DIVISION_COLUMNS
        ),
        vintage=DIVISION_VINTAGE,
    )
    from liangze.accounts.models import Role, RoleGrant, User
    from liangze.regions.models import Division

    golmud = Division.objects.get(code="632801000000")
    viewer, _created = User.objects.get_or_create(
        username="bench_office", defaults={"display_name": "bench", "division": golmud}
    )
    RoleGrant.objects.get_or_create(user=viewer, role=Role.OFFICE_STAFF, division=golmud)
    if connection.vendor == "sqlite":  # the state a registry is generated from
        from liangze.core import backups

        backups.sqlite_backup(
            source=Path(settings.DATABASES["default"]["NAME"]), target=workdir / "empty.sqlite3"
        )

    results: dict[str, list[Sample]] = {}
    if wanted("import") or wanted("export"):
        rows = data.business_rows(BUSINESSES)
        for module_name in ("bench_import", "bench_export"):
            if not wanted(module_name.removeprefix("bench_")):
                continue
            try:
                module = __import__(f"benchmarks.{module_name}", fromlist=["run"])
            except ImportError as exc:
                print(f"skipping {module_name}: {exc}", flush=True)
                continue
            print(f"running {module_name}…", flush=True)
            results[module_name] = module.run(viewer=viewer, rows=rows, workdir=workdir)

    if wanted("lists") or wanted("public"):
        viewer = use_registry(workdir)
        if wanted("lists"):
            print("running bench_lists…", flush=True)
            results["bench_lists"] = bench_lists.run(viewer=viewer, total=BUSINESSES)
        if wanted("public"):
            from benchmarks import bench_public

            print("running bench_public…", flush=True)
            results["bench_public"] = bench_public.run(workdir=workdir)

    if wanted("figures"):
        from benchmarks import bench_figures

        if not (wanted("lists") or wanted("public")):
            viewer = use_registry(workdir)
        print("running bench_figures…", flush=True)
        results["bench_figures"] = bench_figures.run(viewer=viewer)
    if wanted("visits"):
        from benchmarks import bench_visits

        if not (wanted("lists") or wanted("public")):
            viewer = use_registry(workdir)
        print("running bench_visits…", flush=True)
        results["bench_visits"], results["bench_visits_page"] = bench_visits.run(viewer=viewer)

    if wanted("province"):
        # PostgreSQL only: the generated province (benchmarks/province.py), built once and kept.
        from benchmarks import bench_figures, bench_province, province

        if connection.vendor != "postgresql":
            print("skipping bench_province: it runs on PostgreSQL only", flush=True)
        else:
            if province.ready(BUSINESSES):
                print(f"province of {BUSINESSES:,} businesses already built", flush=True)
            else:
                print(f"building a province of {BUSINESSES:,} businesses…", flush=True)
                print(f"built in {province.build(BUSINESSES):.1f} s", flush=True)
                # The build's TRUNCATE … CASCADE reaches the grants (a grant may name a business).
                RoleGrant.objects.get_or_create(
                    user=viewer, role=Role.OFFICE_STAFF, division=viewer.division
                )
            # BENCH_PROVINCE_PARTS=figures (or tasks) runs one half; each writes its sections.
            parts = os.environ.get("BENCH_PROVINCE_PARTS", "figures,tasks").split(",")
            print("running bench_province…", flush=True)
            if "figures" in parts:
                results["bench_province_figures"] = bench_province.notice(
                    figures=bench_figures.run(viewer=viewer)
                )
            if "tasks" in parts:
                tasks, page = bench_province.tasks(viewer=viewer)
                results["bench_province_tasks"], results["bench_province_page"] = tasks, page

    if wanted("enterprise"):
        from benchmarks import bench_enterprise

        print("running bench_enterprise…", flush=True)
        results["bench_enterprise"], results["bench_enterprise_page"] = bench_enterprise.run(
            viewer=viewer
        )

    if wanted("documents"):
        from benchmarks import bench_documents

        print("running bench_documents…", flush=True)
        results["bench_documents"] = bench_documents.run(viewer=viewer, rows=None, workdir=workdir)

    if wanted("assign"):
        # Last: it adds its own businesses, which the list figures above must not count.
        from benchmarks import bench_assign

        print("running bench_assign…", flush=True)
        results["bench_assign"] = bench_assign.run(viewer=viewer)

    out = Path(os.environ.get("BENCH_OUT", ROOT / "BENCHMARKS.md"))
    previous = out.read_text(encoding="utf-8") if out.exists() else ""
    out.write_text(
        report.render(
            results,
            businesses=BUSINESSES,
            vendor=connection.vendor,
            previous=previous,
            checks=bench_enterprise_checks(connection.vendor),
        ),
        encoding="utf-8",
    )
    print(f"wrote {out}")


def bench_enterprise_checks(vendor: str) -> int:
    from benchmarks.bench_enterprise import checks_wanted

    return checks_wanted(vendor)


def use_registry(workdir: Path):
    """Switch to the generated registry of BUSINESSES businesses (benchmarks/registry.py), built
    once and reused; returns the viewer, office staff of Golmud."""
    from django.conf import settings
    from django.db import connection

    from benchmarks import registry
    from liangze.accounts.models import Role, RoleGrant, User
    from liangze.businesses.models import Business
    from liangze.regions.models import Division

    if connection.vendor == "sqlite":
        database = Path(settings.DATABASES["default"]["NAME"])
        cached = registry.sqlite_cached(ROOT / "var", BUSINESSES)
        if cached.exists():
            registry.sqlite_restore(cached, database)
            print(f"registry of {BUSINESSES:,} from {cached}", flush=True)
        else:
            if Business.objects.exists():  # the import benchmark's rows: start again
                registry.sqlite_restore(workdir / "empty.sqlite3", database)
            seconds = registry.build(BUSINESSES)
            print(f"built a registry of {BUSINESSES:,} in {seconds:.1f} s", flush=True)
            registry.sqlite_keep(database, cached)
    elif registry.postgresql_ready(BUSINESSES):
        print(f"registry of {BUSINESSES:,} already in PostgreSQL", flush=True)
    else:
        registry.postgresql_clear()
        seconds = registry.build(BUSINESSES)
        registry.postgresql_mark(BUSINESSES)
        print(f"built a registry of {BUSINESSES:,} in {seconds:.1f} s", flush=True)
    golmud = Division.objects.get(code="632801000000")
    viewer, _created = User.objects.get_or_create(
        username="bench_office", defaults={"display_name": "bench", "division": golmud}
    )
    RoleGrant.objects.get_or_create(user=viewer, role=Role.OFFICE_STAFF, division=golmud)
    return viewer


if __name__ == "__main__":
    main()
