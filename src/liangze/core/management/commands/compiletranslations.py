"""Compile every .po catalogue to .mo with Babel: no GNU gettext needed on the server."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


def compile_catalogue(po_path: Path) -> Path:
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file)
    mo_path = po_path.with_suffix(".mo")
    with mo_path.open("wb") as mo_file:
        write_mo(mo_file, catalog, use_fuzzy=False)
    return mo_path


class Command(BaseCommand):
    help = "Compile the .po translation catalogues to .mo files (pure Python)."

    def handle(self, *args, **options):
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                compile_catalogue(po_path)
                count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
