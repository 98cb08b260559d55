from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liangze.core.errors import Invalid
from liangze.core.tables import read_table
from liangze.regions.imports import DIVISION_COLUMNS
from liangze.regions.services import DivisionImportRejected, division_table_import


class Command(BaseCommand):
    help = (
        "Import a division table (CSV/XLSX with columns code, name, parent_code): all rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--vintage", type=int, required=True, help="Year of the code table, e.g. 2023"
        )

    def handle(self, *args, file: Path, vintage: int, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        try:
            rows = read_table(name=file.name, data=data, columns=DIVISION_COLUMNS)
            result = division_table_import(actor=None, rows=rows, vintage=vintage)
        except DivisionImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(f"line {error.line}, {error.column}: {error.message}")
            raise CommandError(exc.message) from None
        except Invalid as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"{result.created} created, {result.renamed} renamed, {result.unchanged} unchanged"
        )
