"""Replace the database and the private files with a backup archive's (core/backups.py)."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from liangze.core import backups


class Command(BaseCommand):
    help = (
        "Restore ARCHIVE (made by the backup command): verify its checksums, then replace the "
        "database and the private files folder. Asks first unless --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="restore without asking for confirmation"
        )

    def handle(self, *args, archive: Path, yes: bool, **options):
        stdin = options.get("stdin", sys.stdin)  # tests may pass their own
        connection = connections[DEFAULT_DB_ALIAS]
        files_root = Path(settings.FILES_ROOT)
        try:
            manifest = backups.archive_verify(archive)
            backups.archive_check_vendor(manifest, connection.vendor)
        except backups.BackupError as exc:
            raise CommandError(f"restore refused, nothing was changed: {exc}") from exc
        if not yes:
            self._confirm(stdin, manifest, connection.settings_dict["NAME"], files_root)
        connections.close_all()
        try:
            backups.backup_restore(
                archive=archive,
                vendor=connection.vendor,
                database=connection.settings_dict,
                files_root=files_root,
            )
        except (backups.BackupError, OSError) as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        self.stdout.write(
            f"Restored {archive} (made {manifest['created_at']}). "
            "If the code is newer than the archive, run: manage.py migrate"
        )

    def _confirm(self, stdin, manifest, database_name, files_root: Path) -> None:
        if not stdin.isatty():
            raise CommandError(
                "standard input is not a terminal: pass --yes to restore without asking"
            )
        self.stdout.write(
            f"This replaces the {manifest['database']['vendor']} database {database_name} and "
            f"the files folder {files_root} with the backup made {manifest['created_at']}."
        )
        self.stdout.write("Type 'yes' to continue: ", ending="")
        self.stdout.flush()
        if stdin.readline().strip().lower() != "yes":
            raise CommandError("restore cancelled, nothing was changed")
