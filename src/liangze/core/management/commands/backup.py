"""Write one archive with the database, the private files and a manifest (core/backups.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from liangze.core import backups


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump) and the private files into "
        "one liangze-YYYYmmdd-HHMMSS.tar.gz (UTC) and print its path."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="folder for the archive (default: var/backups/)",
        )

    def handle(self, *args, output: Path | None, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            archive = backups.backup_create(
                output_dir=output or Path(settings.VAR_DIR) / "backups",
                vendor=connection.vendor,
                database=connection.settings_dict,
                files_root=Path(settings.FILES_ROOT),
                migrations=backups.migration_state(connection),
            )
        except (backups.BackupError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        self.stdout.write(str(archive))
