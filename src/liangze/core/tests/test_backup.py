"""Backup and restore (core/backups.py and the backup/restore commands).

pytest-django's SQLite test database lives in memory, so the SQLite round trips run on a real
temporary database file beside a temporary files folder, opened the way the app opens it (WAL).
"""

import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from liangze.core import backups
from liangze.core.tables import TableRow
from liangze.regions.models import Division
from liangze.regions.services import division_table_import

NAMES = ["格尔木市某餐馆", "郭勒木德镇食品店", "中村超市"]
PHOTO = bytes(range(256)) * 64
LETTER = "承诺书 v1".encode()
MIGRATIONS = [("audit", "0002_append_only_trigger"), ("regions", "0001_initial")]


@dataclass
class Site:
    database: Path
    files: Path
    output: Path
    app: sqlite3.Connection  # stands for the running app: stays open across backup and restore


@pytest.fixture
def site(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    database = var / "liangze.sqlite3"
    app = sqlite3.connect(database, isolation_level=None)
    app.execute("PRAGMA journal_mode=WAL")
    app.execute("CREATE TABLE business (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    app.executemany("INSERT INTO business (name) VALUES (?)", [(name,) for name in NAMES])
    files = var / "files"
    (files / "evidence" / "2026").mkdir(parents=True)
    (files / "evidence" / "2026" / "photo.jpg").write_bytes(PHOTO)
    (files / "letters").mkdir()
    (files / "letters" / "承诺书.txt").write_bytes(LETTER)
    (files / "empty").mkdir()
    yield Site(database=database, files=files, output=tmp_path / "backups", app=app)
    app.close()


def business_rows(site: Site) -> list[tuple[int, str]]:
    return site.app.execute("SELECT id, name FROM business ORDER BY id").fetchall()


def files_state(root: Path) -> dict[str, bytes | None]:
    """Every folder (None) and file (its bytes) under root; {} when root is missing."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes() if path.is_file() else None
        for path in sorted(root.rglob("*"))
    }


def backup(site: Site, **extra) -> Path:
    return backups.backup_create(
        output_dir=site.output,
        vendor="sqlite",
        database={"NAME": site.database},
        files_root=site.files,
        migrations=MIGRATIONS,
        **extra,
    )


def restore(site: Site, archive: Path, *, vendor: str = "sqlite") -> dict:
    return backups.backup_restore(
        archive=archive, vendor=vendor, database={"NAME": site.database}, files_root=site.files
    )


def staging_left_behind(site: Site) -> list[str]:
    return [path.name for path in site.files.parent.iterdir() if path.name.startswith(".")]


def change_everything(site: Site) -> None:
    site.app.execute("UPDATE business SET name = 'renamed' WHERE id = 1")
    site.app.execute("DELETE FROM business WHERE id = 2")
    site.app.execute("INSERT INTO business (name) VALUES ('added after the backup')")
    (site.files / "evidence" / "2026" / "photo.jpg").write_bytes(b"overwritten")
    (site.files / "letters" / "承诺书.txt").unlink()
    (site.files / "added.txt").write_bytes(b"added after the backup")


def rewrite_archive(archive: Path, target: Path, *, change=None, extra=()) -> Path:
    """Copy `archive` member by member, `change(name, data)` altering data; `extra` appended."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            if not member.isfile():
                copy.addfile(member)
                continue
            data = source.extractfile(member).read()
            if change is not None:
                data = change(member.name, data)
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
        for member, data in extra:
            copy.addfile(member, io.BytesIO(data) if data is not None else None)
    return target


def flip_byte(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


# --- SQLite round trip ------------------------------------------------------------------------------


def test_round_trip_brings_back_rows_and_files_while_the_app_runs(site):
    original_rows = business_rows(site)
    original_files = files_state(site.files)
    archive = backup(site)
    change_everything(site)
    assert business_rows(site) != original_rows

    restore(site, archive)

    assert business_rows(site) == original_rows  # read through the connection held open
    assert files_state(site.files) == original_files
    assert site.app.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert staging_left_behind(site) == []


def test_restore_into_a_database_with_other_pages_takes_its_page_size(site, tmp_path):
    original_rows = business_rows(site)
    archive = backup(site)  # 4 KiB pages: SQLite's default, and older sites'
    site.app.close()
    site.database.unlink()
    site.app = sqlite3.connect(site.database, isolation_level=None)
    site.app.execute("PRAGMA page_size=16384")
    site.app.execute("PRAGMA journal_mode=WAL")
    site.app.execute("CREATE TABLE business (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    site.app.execute("INSERT INTO business (name) VALUES ('a new site')")

    restore(site, archive)

    assert business_rows(site) == original_rows
    assert site.app.execute("PRAGMA page_size").fetchone() == (16384,)
    assert site.app.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_backup_holds_rows_still_in_the_wal(site, tmp_path):
    site.app.execute("PRAGMA wal_autocheckpoint=0")
    site.app.execute("INSERT INTO business (name) VALUES ('only in the WAL')")
    assert site.database.with_name("liangze.sqlite3-wal").stat().st_size > 0
    archive = backup(site)

    with tarfile.open(archive, "r:gz") as tar:
        tar.extract("database.sqlite3", tmp_path / "out", filter="data")
    with closing(sqlite3.connect(tmp_path / "out" / "database.sqlite3")) as copy:
        names = [row[0] for row in copy.execute("SELECT name FROM business ORDER BY id")]
    assert names == [*NAMES, "only in the WAL"]


def test_restore_recreates_a_missing_database_file(site):
    original_rows = business_rows(site)
    archive = backup(site)
    site.app.close()
    for suffix in ("", "-wal", "-shm"):
        site.database.with_name(site.database.name + suffix).unlink(missing_ok=True)

    restore(site, archive)

    site.app = sqlite3.connect(site.database, isolation_level=None)
    assert business_rows(site) == original_rows


def test_archive_without_files_restores_an_empty_files_folder(site, tmp_path):
    site.files = tmp_path / "no-files-yet"
    archive = backup(site)
    site.files.mkdir()
    (site.files / "later.txt").write_bytes(b"uploaded after the backup")

    manifest = restore(site, archive)

    assert manifest["files"] is False
    assert files_state(site.files) == {}


def test_archive_is_named_by_utc_time_and_lists_checksums(site):
    archive = backup(site, now=datetime(2026, 4, 1, 0, 30, 5, 999, tzinfo=UTC))

    assert archive == site.output / "liangze-20260401-003005.tar.gz"
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        database = tar.extractfile("database.sqlite3").read()
        letter = tar.extractfile("files/letters/承诺书.txt").read()
        assert "files/empty" in tar.getnames()
    assert manifest["format_version"] == backups.FORMAT_VERSION
    assert manifest["created_at"] == "2026-04-01T00:30:05+00:00"
    assert manifest["database"] == {"vendor": "sqlite", "member": "database.sqlite3"}
    assert manifest["migrations"] == [list(pair) for pair in MIGRATIONS]
    assert manifest["files"] is True
    assert set(manifest["members"]) == {
        "database.sqlite3",
        "files/evidence/2026/photo.jpg",
        "files/letters/承诺书.txt",
    }
    assert letter == LETTER
    assert manifest["members"]["database.sqlite3"] == _sha256(database)
    assert manifest["members"]["files/evidence/2026/photo.jpg"] == _sha256(PHOTO)


def test_second_backup_in_the_same_second_is_refused(site):
    now = datetime(2026, 4, 1, 0, 30, 5, tzinfo=UTC)
    first = backup(site, now=now)
    with pytest.raises(backups.BackupError, match="already exists"):
        backup(site, now=now)
    assert sorted(site.output.iterdir()) == [first]


def test_migration_state_names_the_latest_applied_migration_of_each_app(db):
    expected = sorted(MigrationLoader(connection).graph.leaf_nodes())

    assert backups.migration_state(connection) == expected


# --- Refused archives ------------------------------------------------------------------------------


def assert_refused_and_unchanged(site: Site, archive: Path, match: str) -> None:
    rows, files = business_rows(site), files_state(site.files)
    with pytest.raises(backups.BackupError, match=match):
        restore(site, archive)
    assert business_rows(site) == rows
    assert files_state(site.files) == files
    assert staging_left_behind(site) == []


@pytest.mark.parametrize("member", ["database.sqlite3", "files/evidence/2026/photo.jpg"])
def test_damaged_member_is_refused_and_nothing_changes(site, tmp_path, member):
    archive = backup(site)
    damaged = rewrite_archive(
        archive,
        tmp_path / "damaged.tar.gz",
        change=lambda name, data: flip_byte(data, 100) if name == member else data,
    )
    change_everything(site)

    assert_refused_and_unchanged(site, damaged, "checksum mismatch")
    with pytest.raises(backups.BackupError, match=re.escape(member)):
        backups.archive_verify(damaged)


def test_damaged_compressed_stream_is_refused(site, tmp_path):
    archive = backup(site)
    data = archive.read_bytes()
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(flip_byte(data, len(data) // 2))
    change_everything(site)

    assert_refused_and_unchanged(site, damaged, "checksum mismatch|not a readable|no manifest.json")


def test_member_missing_from_the_manifest_is_refused(site, tmp_path):
    archive = backup(site)
    extra = tarfile.TarInfo("files/smuggled.txt")
    extra.size = 4
    tampered = rewrite_archive(archive, tmp_path / "t.tar.gz", extra=[(extra, b"evil")])

    assert_refused_and_unchanged(site, tampered, "not in manifest.json: files/smuggled.txt")


def _unsafe_member(name: str, kind: bytes = tarfile.REGTYPE, target: str = "") -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.type = kind
    member.linkname = target
    member.size = 4 if kind == tarfile.REGTYPE else 0
    return member


@pytest.mark.parametrize(
    "member",
    [
        _unsafe_member("../evil"),
        _unsafe_member("files/../../evil"),
        _unsafe_member("/evil"),
        _unsafe_member("files/link", tarfile.SYMTYPE, "../../evil"),
        _unsafe_member("files/hard", tarfile.LNKTYPE, "manifest.json"),
        _unsafe_member("files/fifo", tarfile.FIFOTYPE),
    ],
    ids=lambda member: member.name,
)
def test_unsafe_member_is_refused_even_when_listed_in_the_manifest(site, tmp_path, member):
    archive = backup(site)
    data = b"evil" if member.isfile() else None

    def list_member(name, raw):
        if name != "manifest.json":
            return raw
        manifest = json.loads(raw)
        manifest["members"][member.name] = _sha256(b"evil")
        return json.dumps(manifest).encode()

    evil = rewrite_archive(
        archive, tmp_path / "evil.tar.gz", change=list_member, extra=[(member, data)]
    )

    assert_refused_and_unchanged(site, evil, "unsafe path|link or special file")
    assert not (tmp_path / "evil").exists()
    assert not (site.files.parent / "evil").exists()


def test_vendor_mismatch_is_refused(site):
    archive = backup(site)
    change_everything(site)
    rows = business_rows(site)

    with pytest.raises(backups.BackupError, match="holds a sqlite database"):
        restore(site, archive, vendor="postgresql")
    assert business_rows(site) == rows


# --- PostgreSQL tools, without a server ------------------------------------------------------------

FAKE_PG_DUMP = """#!/bin/sh
printf '%s\\n' "$@" > "$(dirname "$0")/argv"
env | grep '^PG' > "$(dirname "$0")/environment"
for arg; do case "$arg" in --file=*) printf 'PGDMP' > "${arg#--file=}";; esac; done
"""


def test_missing_pg_dump_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(backups.BackupError, match="pg_dump was not found on PATH"):
        backups.backup_create(
            output_dir=tmp_path / "backups",
            vendor="postgresql",
            database={"NAME": "liangze", "HOST": "127.0.0.1"},
            files_root=tmp_path / "files",
            migrations=[],
        )
    assert list((tmp_path / "backups").iterdir()) == []


def test_pg_dump_gets_the_connection_from_the_environment_never_the_command_line(
    tmp_path, monkeypatch
):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pg_dump").write_text(FAKE_PG_DUMP)
    (bin_dir / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE"):
        monkeypatch.delenv(name, raising=False)
    database = {
        "NAME": "liangze",
        "USER": "liangze_app",
        "PASSWORD": "s3cret-pass",
        "HOST": "db.internal",
        "PORT": 5433,
        "OPTIONS": {"sslmode": "require"},
    }

    archive = backups.backup_create(
        output_dir=tmp_path / "backups",
        vendor="postgresql",
        database=database,
        files_root=tmp_path / "files",
        migrations=[],
    )

    argv = (bin_dir / "argv").read_text().splitlines()
    assert argv[:2] == ["--format=custom", "--no-owner"]
    assert not any(value in " ".join(argv) for value in ("s3cret", "liangze_app", "db.internal"))
    assert sorted((bin_dir / "environment").read_text().splitlines()) == [
        "PGDATABASE=liangze",
        "PGHOST=db.internal",
        "PGPASSWORD=s3cret-pass",
        "PGPORT=5433",
        "PGSSLMODE=require",
        "PGUSER=liangze_app",
    ]
    assert backups.archive_verify(archive)["database"] == {
        "vendor": "postgresql",
        "member": "database.pgdump",
    }


# --- The commands, end to end on a SQLite site --------------------------------------------------


def manage(var: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LIANGZE_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_commands_round_trip_a_sqlite_site(tmp_path):
    var = tmp_path / "var"
    assert manage(var, "migrate", "--noinput", "-v0").returncode == 0
    (var / "files" / "letters").mkdir(parents=True)
    (var / "files" / "letters" / "承诺书.txt").write_bytes(LETTER)

    made = manage(var, "backup")
    assert made.returncode == 0, made.stderr
    archive = Path(made.stdout.strip())
    assert archive.parent == var / "backups"
    assert re.fullmatch(r"liangze-\d{8}-\d{6}\.tar\.gz", archive.name)

    with closing(sqlite3.connect(var / "liangze.sqlite3")) as db:
        migrations = db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        db.execute("DELETE FROM django_migrations")
        db.commit()
    (var / "files" / "letters" / "承诺书.txt").unlink()

    refused = manage(var, "restore", str(archive))
    assert refused.returncode != 0
    assert "--yes" in refused.stderr
    assert not (var / "files" / "letters" / "承诺书.txt").exists()

    restored = manage(var, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    with closing(sqlite3.connect(var / "liangze.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM django_migrations").fetchone()[0] == migrations
    assert (var / "files" / "letters" / "承诺书.txt").read_bytes() == LETTER


# --- PostgreSQL --------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_round_trip_removes_changes_made_after_the_backup(regions, tmp_path):
    database = connection.settings_dict
    archive = backups.backup_create(
        output_dir=tmp_path / "backups",
        vendor=connection.vendor,
        database=database,
        files_root=tmp_path / "files",
        migrations=backups.migration_state(connection),
    )
    before = list(Division.objects.values_list("code", "name"))
    new_village = TableRow(
        line=2, values={"code": "632801100202", "name": "北村委会", "parent_code": "632801100000"}
    )
    division_table_import(actor=None, rows=[new_village], vintage=2023)
    Division.objects.filter(code="630000000000").update(name="renamed")
    assert list(Division.objects.values_list("code", "name")) != before

    connections.close_all()
    manifest = backups.backup_restore(
        archive=archive, vendor="postgresql", database=database, files_root=tmp_path / "files"
    )

    assert list(Division.objects.values_list("code", "name")) == before
    leaves = sorted(MigrationLoader(connection).graph.leaf_nodes())
    assert manifest["migrations"] == [list(pair) for pair in leaves]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'audit_auditevent_append_only'")
        assert cursor.fetchone() == (1,)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
