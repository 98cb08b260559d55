"""Limits for stored files. Each may be overridden by a setting of the same name; the defaults
suit a county office uploading phone photos, scanned letters and Excel tables."""

from django.conf import settings

MB = 1024 * 1024

DEFAULTS = {
    # Largest upload per kind, in bytes.
    "LIANGZE_FILE_MAX_BYTES": {
        "scan": 20 * MB,
        "signature": 10 * MB,
        "photo": 10 * MB,
        "import": 20 * MB,
        "export": 20 * MB,
        "template": 5 * MB,
    },
    # Pillow warns above this many pixels and refuses above twice as many; we refuse both.
    "LIANGZE_IMAGE_MAX_PIXELS": 40_000_000,
    # ZIP-based documents (XLSX, DOCX), checked from the central directory before any parsing.
    "LIANGZE_ARCHIVE_MAX_BYTES": 200 * MB,
    "LIANGZE_ARCHIVE_MAX_RATIO": 100,
    "LIANGZE_ARCHIVE_MAX_MEMBERS": 1000,
    # Spreadsheets and CSV: rows per sheet, and cells summed over sheets (rows x columns from A1,
    # which is what a reader that keeps empty cells allocates).
    "LIANGZE_SPREADSHEET_MAX_ROWS": 200_000,
    "LIANGZE_SPREADSHEET_MAX_CELLS": 10_000_000,
    # The spreadsheet is opened in a child process with this much address space and time.
    "LIANGZE_SPREADSHEET_CHECK_MEMORY_BYTES": 1024 * MB,
    "LIANGZE_SPREADSHEET_CHECK_SECONDS": 30,
}


def limit(name: str):
    return getattr(settings, name, DEFAULTS[name])


def max_bytes(kind: str) -> int:
    return {**DEFAULTS["LIANGZE_FILE_MAX_BYTES"], **limit("LIANGZE_FILE_MAX_BYTES")}[kind]
