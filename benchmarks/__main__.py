"""`make bench`: build a throwaway database, measure, and write BENCHMARKS.md.

Each measurement stands beside a baseline measured in the same run on the same machine, so the
ratio means something on a noisy 2-core box. Never collected by `make test`.
"""

import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

BUSINESSES = int(os.environ.get("BENCH_BUSINESSES", "100000"))


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
    viewer = User.objects.create(username="bench_office", display_name="bench", division=golmud)
    RoleGrant.objects.create(user=viewer, role=Role.OFFICE_STAFF, division=golmud)

    results: dict[str, list[Sample]] = {}
    rows = data.business_rows(BUSINESSES)

    for module_name in ("bench_import", "bench_export"):
        try:
            module = __import__(f"benchmarks.{module_name}", fromlist=["run"])
        except ImportError as exc:
            print(f"skipping {module_name}: {exc}", flush=True)
            continue
        print(f"running {module_name}…", flush=True)
        results[module_name] = module.run(viewer=viewer, rows=rows, workdir=workdir)

    from liangze.businesses.models import Business

    if not Business.objects.exists():  # the import benchmark, when it ran, already filled them
        start = time.perf_counter()
        data.bulk_insert_businesses(rows)
        print(f"filled {BUSINESSES} businesses in {time.perf_counter() - start:.1f} s", flush=True)
    print("running bench_lists…", flush=True)
    results["bench_lists"] = bench_lists.run(viewer=viewer, total=BUSINESSES)

    out = ROOT / "BENCHMARKS.md"
    out.write_text(
        report.render(results, businesses=BUSINESSES, vendor=connection.vendor), encoding="utf-8"
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
