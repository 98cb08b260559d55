"""A small sniffer: the type of a file from its first bytes (and, for a ZIP, its member names),
whatever its name or declared content type says. Only the types Liangze keeps are recognised."""

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    name: str  # stable, used in ACCEPTED
    label: str  # shown to people in "upload one of …"
    content_type: str
    extension: str


JPEG = FileType("jpeg", "JPEG", "image/jpeg", "jpg")
PNG = FileType("png", "PNG", "image/png", "png")
WEBP = FileType("webp", "WebP", "image/webp", "webp")
GIF = FileType("gif", "GIF", "image/gif", "gif")
PDF = FileType("pdf", "PDF", "application/pdf", "pdf")
XLSX = FileType(
    "xlsx",
    "Excel (.xlsx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
)
DOCX = FileType(
    "docx",
    "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
)
XLS = FileType("xls", "Excel 97-2003 (.xls)", "application/vnd.ms-excel", "xls")
CSV_UTF8 = FileType("csv", "CSV", "text/csv; charset=utf-8", "csv")
CSV_GB18030 = FileType("csv", "CSV", "text/csv; charset=gb18030", "csv")

ALL_TYPES = (JPEG, PNG, WEBP, GIF, PDF, XLSX, DOCX, XLS, CSV_UTF8)
IMAGES = frozenset({JPEG, PNG, WEBP, GIF})
ARCHIVES = frozenset({XLSX, DOCX})
SPREADSHEETS = frozenset({XLSX, XLS})
TEXT_ENCODINGS = {CSV_UTF8: "utf-8-sig", CSV_GB18030: "gb18030"}
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP", GIF: "GIF"}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A workbook's compound file names its stream "Workbook" (BIFF8) or "Book" (BIFF5), in UTF-16.
OLE_WORKBOOK_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


def _sniff_zip(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {name.lower() for name in archive.namelist()}
    except Exception:  # zipfile raises many exception types for damaged archives
        return None
    if "[content_types].xml" not in names:
        return None
    if "xl/workbook.xml" in names:
        return XLSX
    if "word/document.xml" in names:
        return DOCX
    return None


def _sniff_text(data: bytes) -> FileType | None:
    if b"\x00" in data:
        return None
    for file_type in (CSV_UTF8, CSV_GB18030):
        try:
            data.decode(TEXT_ENCODINGS[file_type])
        except UnicodeDecodeError:
            continue
        return file_type
    return None


def sniff_type(data: bytes) -> FileType | None:
    """The type the content says it is, from its first bytes (and, for a ZIP, its member names);
    None when it is none of the types we keep."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data.startswith(OLE_MAGIC):
        return XLS if any(stream in data for stream in OLE_WORKBOOK_STREAMS) else None
    return _sniff_text(data)
