"""Backups: one archive holds the database, the private files and a manifest of checksums.

`liangze-YYYYmmdd-HHMMSS.tar.gz` (UTC) has these members:

    database.sqlite3   SQLite: a snapshot made by SQLite's online backup API, safe while the app runs
    database.pgdump    PostgreSQL: `pg_dump --format=custom --no-owner`
    files/...          settings.FILES_ROOT, when it exists
    manifest.json      format version, created_at (UTC), database vendor, migration state and the
                       sha256 of every other member

A restore reads and checks the whole archive before it writes anything, so a damaged archive, or
one with an unsafe member, changes nothing. The `backup` and `restore` commands are thin wrappers
around `backup_create` and `backup_restore`.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Mapping
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "liangze-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_DIR = "files"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
SQLITE_TIMEOUT_SECONDS = 20
_CHUNK = 1024 * 1024
_READ_ERRORS = (OSError, EOFError, tarfile.TarError, zlib.error)
# tarfile's extraction filters arrived in Python 3.11.4; before that, _check_member stands alone.
_FILTER_ERRORS = (tarfile.FilterError,) if hasattr(tarfile, "FilterError") else ()


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


# --- Archive names and manifest ------------------------------------------------------------------


def archive_name(created_at: datetime) -> str:
    return f"liangze-{created_at.astimezone(UTC):%Y%m%d-%H%M%S}.tar.gz"


def migration_state(connection: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    """(app, latest applied migration) per app, sorted by app; migration names sort by number."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(name, latest.get(app, name))
    return sorted(latest.items())


def archive_check_vendor(manifest: Mapping[str, Any], vendor: str) -> None:
    """Raise BackupError unless the archive was made from a database of `vendor`."""
    archived = manifest["database"]["vendor"]
    if archived != vendor:
        raise BackupError(
            f"the archive holds a {archived} database but this site runs on {vendor}; "
            "restore it on a site of the same kind"
        )


def archive_verify(archive: Path) -> dict[str, Any]:
    """Read the whole archive, check every member against the manifest and return the manifest.

    Writes nothing. Raises BackupError for an unreadable archive, an unsafe member (absolute path,
    '..', link or device), an unexpected, duplicated or missing member, or a checksum that differs.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist")
    digests: dict[str, str] = {}
    seen: set[str] = set()
    manifest_bytes = None
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                _check_member(member)
                if member.name in seen:
                    raise BackupError(f"archive member {member.name!r} appears twice")
                seen.add(member.name)
                if member.isdir():
                    continue
                reader = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest_bytes = reader.read()
                else:
                    digests[member.name] = _sha256(reader)
    except _READ_ERRORS as exc:
        raise BackupError(f"{archive} is not a readable backup archive: {exc}") from exc
    if manifest_bytes is None:
        # tarfile takes a damaged header for the end of the archive: the manifest, last, is lost.
        raise BackupError(f"{archive} has no {MANIFEST}: damaged, or not a Liangze backup")
    manifest = _manifest_parse(manifest_bytes)
    _compare_digests(manifest, digests)
    return manifest


def _manifest_parse(raw: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        raise BackupError(f"{MANIFEST} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} does not describe a Liangze backup")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"archive format version {manifest.get('format_version')!r}; "
            f"this version of Liangze reads version {FORMAT_VERSION}"
        )
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("vendor") not in DATABASE_MEMBERS:
        raise BackupError(f"{MANIFEST} names no database Liangze can restore")
    if database.get("member") != DATABASE_MEMBERS[database["vendor"]]:
        raise BackupError(f"{MANIFEST} names an unexpected database member")
    if not isinstance(manifest.get("members"), dict):
        raise BackupError(f"{MANIFEST} lists no members")
    return manifest


def _compare_digests(manifest: Mapping[str, Any], digests: Mapping[str, str]) -> None:
    expected: Mapping[str, str] = manifest["members"]
    if manifest["database"]["member"] not in expected:
        raise BackupError("the archive holds no database")
    missing = sorted(set(expected) - set(digests))
    if missing:
        raise BackupError(f"the archive lacks members listed in {MANIFEST}: {', '.join(missing)}")
    unlisted = sorted(set(digests) - set(expected))
    if unlisted:
        raise BackupError(f"the archive holds members not in {MANIFEST}: {', '.join(unlisted)}")
    damaged = sorted(name for name, digest in digests.items() if expected[name] != digest)
    if damaged:
        raise BackupError(f"checksum mismatch, the archive is damaged: {', '.join(damaged)}")


def _check_member(member: tarfile.TarInfo) -> None:
    """Refuse anything the archive layout does not allow; tarfile's data filter checks again."""
    name = member.name
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or any(part in ("", ".", "..") for part in parts):
        raise BackupError(f"archive member {name!r} has an unsafe path")
    if not (member.isfile() or member.isdir()):
        raise BackupError(f"archive member {name!r} is a link or special file")
    allowed = (
        parts[0] == FILES_DIR
        if member.isdir()
        else name == MANIFEST or name in DATABASE_MEMBERS.values() or parts[0] == FILES_DIR
    )
    if not allowed:
        raise BackupError(f"archive member {name!r} does not belong in a Liangze backup")


def _sha256(reader: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := reader.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


# --- SQLite --------------------------------------------------------------------------------------


def _sqlite_path(database: Mapping[str, Any]) -> Path:
    name = str(database["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        raise BackupError("the SQLite database is in memory; there is no file to back up")
    return Path(name)


def sqlite_backup(*, source: Path, target: Path) -> None:
    """Copy the database file `source` into the new file `target` with SQLite's online backup API.

    The copy is one consistent snapshot, committed WAL frames included, taken under SQLite's own
    locks while the app keeps reading and writing. It is left in rollback-journal mode: one file.
    """
    if not source.is_file():
        raise BackupError(f"the SQLite database {source} does not exist")
    try:
        with (
            closing(sqlite3.connect(source, timeout=SQLITE_TIMEOUT_SECONDS)) as live,
            closing(sqlite3.connect(target)) as copy,
        ):
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup of {source} failed: {exc}") from exc


def sqlite_restore(*, source: Path, target: Path) -> None:
    """Make the database file `target` a copy of `source`, which must pass SQLite's quick_check.

    An existing `target` is overwritten page by page by the backup API, under SQLite's locks, so
    a process that still has it open reads the restored data, not a deleted file; it keeps its
    journal mode (WAL) and its page size (the backup API cannot change the page size of a WAL
    database, so an archive with other pages, from before databases got 16 KiB ones, is rebuilt
    with the target's first: `source` is a scratch copy). A missing `target` is created by an
    atomic rename, stale -wal and -shm files removed first.
    """
    try:
        with closing(sqlite3.connect(source)) as restored:
            check = restored.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the archived SQLite database fails its check: {check}")
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.restoring")
            shutil.copyfile(source, partial)
            for suffix in ("-wal", "-shm"):
                target.with_name(target.name + suffix).unlink(missing_ok=True)
            os.replace(partial, target)
            return
        with (
            closing(sqlite3.connect(source, isolation_level=None)) as restored,
            closing(sqlite3.connect(target, timeout=SQLITE_TIMEOUT_SECONDS)) as live,
        ):
            page_size = live.execute("PRAGMA page_size").fetchone()[0]
            if restored.execute("PRAGMA page_size").fetchone()[0] != page_size:
                restored.execute(f"PRAGMA page_size={int(page_size)}")
                restored.execute("VACUUM")
            restored.backup(live)
            live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite restore into {target} failed: {exc}") from exc


# --- PostgreSQL ----------------------------------------------------------------------------------

_PG_SETTINGS = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
_PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def postgres_environment(database: Mapping[str, Any]) -> dict[str, str]:
    """The process environment plus libpq's PG* variables for `database` (a DATABASES entry).

    Connection parameters travel in the environment, so no password shows in a process list.
    """
    env = dict(os.environ)
    options = database.get("OPTIONS") or {}
    for key, variable in _PG_SETTINGS.items():
        if database.get(key):
            env[variable] = str(database[key])
    for key, variable in _PG_OPTIONS.items():
        if options.get(key):
            env[variable] = str(options[key])
    if database.get("NAME"):
        env["PGDATABASE"] = str(database["NAME"])
    return env


def postgres_tool(name: str) -> str:
    """The path of a PostgreSQL client program; BackupError when it is not installed."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH. Install the PostgreSQL client programs of the "
            "server's major version or newer (Debian: apt-get install postgresql-client)."
        )
    return path


def postgres_dump(*, database: Mapping[str, Any], target: Path) -> None:
    """`pg_dump --format=custom --no-owner` of `database` into the file `target`."""
    tool = postgres_tool("pg_dump")
    _run([tool, "--format=custom", "--no-owner", f"--file={target}"], database=database)


def postgres_restore(*, database: Mapping[str, Any], source: Path) -> None:
    """Replace the objects of `database` with those of the custom-format dump `source`.

    One transaction: on any error pg_restore stops and the database is left as it was. Objects
    that are not in the dump (a table created after the backup) are left alone.
    """
    tool = postgres_tool("pg_restore")
    argv = [tool, "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    _run([*argv, f"--dbname={database['NAME']}", str(source)], database=database)


def _run(argv: list[str], *, database: Mapping[str, Any]) -> None:
    program = Path(argv[0]).name
    result = subprocess.run(  # noqa: S603 (argv is a list; no shell)
        argv, env=postgres_environment(database), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        message = f"{program} failed (exit {result.returncode}): {result.stderr.strip()}"
        if "version mismatch" in result.stderr:
            message += f"\nInstall a {program} of the server's major version or newer."
        raise BackupError(message)


# --- Backup --------------------------------------------------------------------------------------


class _HashingReader:
    """Hashes exactly the bytes tarfile copies into the archive, even if the file changes."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> str:
    info = tar.gettarinfo(path, arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as raw:
        reader = _HashingReader(raw)
        try:
            tar.addfile(info, reader)
        except OSError as exc:
            raise BackupError(f"{path} changed while it was being archived; run again") from exc
    return reader.digest.hexdigest()


def _add_tree(tar: tarfile.TarFile, root: Path, prefix: str) -> dict[str, str]:
    """Add `root` as `prefix/...`: folders (empty ones too) and regular files, nothing else."""
    digests = {}
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        here = Path(folder)
        relative = here.relative_to(root).as_posix()
        name = prefix if relative == "." else f"{prefix}/{relative}"
        info = tar.gettarinfo(here, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        tar.addfile(info)
        for entry in sorted(files):
            path = here / entry
            if path.is_symlink() or not path.is_file():
                raise BackupError(
                    f"{path} is a link or special file; the files folder may hold only "
                    "regular files and folders"
                )
            digests[f"{name}/{entry}"] = _add_file(tar, path, f"{name}/{entry}")
        for entry in subfolders:
            if (here / entry).is_symlink():
                raise BackupError(f"{here / entry} is a link; the files folder may not hold links")
    return digests


def backup_create(
    *,
    output_dir: Path,
    vendor: str,
    database: Mapping[str, Any],
    files_root: Path,
    migrations: list[tuple[str, str]],
    now: datetime | None = None,
) -> Path:
    """Write `liangze-YYYYmmdd-HHMMSS.tar.gz` into `output_dir` and return its path.

    The archive (mode 0600: it holds password hashes) appears under its name only once complete.
    Raises BackupError for an unsupported vendor, a missing database or pg_dump, or a name taken.
    """
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(
            f"cannot back up a {vendor} database: Liangze runs on SQLite or PostgreSQL"
        )
    output_dir = Path(output_dir)
    files_root = Path(files_root)
    if output_dir.resolve().is_relative_to(files_root.resolve()):
        raise BackupError("the output folder must lie outside the private files folder")
    created_at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    archive = output_dir / archive_name(created_at)
    if archive.exists():
        raise BackupError(f"{archive} already exists; run again in a second")
    db_member = DATABASE_MEMBERS[vendor]
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".liangze-backup-") as work:
        dump = Path(work) / db_member
        if vendor == "sqlite":
            sqlite_backup(source=_sqlite_path(database), target=dump)
        else:
            postgres_dump(database=database, target=dump)
        partial = Path(work) / archive.name
        with tarfile.open(partial, "w:gz") as tar:
            members = {db_member: _add_file(tar, dump, db_member)}
            has_files = files_root.is_dir()
            if has_files:
                members.update(_add_tree(tar, files_root, FILES_DIR))
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": created_at.isoformat(),
                "database": {"vendor": vendor, "member": db_member},
                "migrations": [list(pair) for pair in migrations],
                "files": has_files,
                "members": members,
            }
            raw = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(raw)
            info.mode = 0o600
            info.mtime = int(created_at.timestamp())
            tar.addfile(info, io.BytesIO(raw))
        partial.chmod(0o600)
        os.replace(partial, archive)
    return archive


# --- Restore -------------------------------------------------------------------------------------


def backup_restore(
    *, archive: Path, vendor: str, database: Mapping[str, Any], files_root: Path
) -> dict[str, Any]:
    """Replace the database and the files folder with the archive's; return its manifest.

    Before anything is written the archive is verified and its vendor must be `vendor`. Members
    are extracted into a staging folder beside `files_root` and checked again (what is restored
    is what was verified). Then the database is restored, and the files folder swapped in by two
    renames. An archive made without a files folder leaves an empty one. Close the Django
    connections first; on PostgreSQL, other sessions holding locks make pg_restore wait.
    """
    manifest = archive_verify(archive)
    archive_check_vendor(manifest, vendor)
    target = _sqlite_path(database) if vendor == "sqlite" else None
    files_root = Path(files_root)
    files_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(
        dir=files_root.parent, prefix=f".{files_root.name}-restore-"
    ) as work:
        staging = Path(work) / "archive"
        _extract(Path(archive), staging)
        _compare_digests(manifest, _digests_on_disk(staging))
        dump = staging / manifest["database"]["member"]
        if target is not None:
            sqlite_restore(source=dump, target=target)
        else:
            postgres_restore(database=database, source=dump)
        restored_files = staging / FILES_DIR
        restored_files.mkdir(exist_ok=True)
        _swap(new=restored_files, live=files_root, previous=Path(work) / "previous")
    return manifest


def _extract(archive: Path, staging: Path) -> None:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                _check_member(member)
            staging.mkdir()
            if hasattr(tarfile, "data_filter"):
                tar.extractall(staging, members=members, filter="data")
            else:  # every member passed _check_member above
                tar.extractall(staging, members=members)  # noqa: S202
    except _FILTER_ERRORS as exc:
        raise BackupError(f"unsafe archive member: {exc}") from exc
    except _READ_ERRORS as exc:
        raise BackupError(f"{archive} is not a readable backup archive: {exc}") from exc


def _digests_on_disk(staging: Path) -> dict[str, str]:
    digests = {}
    for path in staging.rglob("*"):
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            raise BackupError(f"unexpected entry {path.relative_to(staging)} after extraction")
        if path.is_file():
            with path.open("rb") as reader:
                digests[path.relative_to(staging).as_posix()] = _sha256(reader)
    digests.pop(MANIFEST, None)
    return digests


def _swap(*, new: Path, live: Path, previous: Path) -> None:
    """Put `new` in place of `live`; the old folder goes to `previous` (removed with staging)."""
    if live.exists():
        os.rename(live, previous)
    try:
        os.rename(new, live)
    except OSError:
        if previous.exists():
            os.rename(previous, live)
        raise
