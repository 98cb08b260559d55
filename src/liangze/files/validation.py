"""The checks every stored file passes, one function per check, each raising Invalid with a stable
code. `validate_upload` runs them in order and returns the bytes to store.

Nothing the client says is trusted: the type is sniffed from the content (sniffing.py), the
extension is derived from that type, images are decoded and re-encoded (so the stored bytes are
ours), ZIP containers are measured from their central directory before anything reads a member,
and spreadsheets are opened in a child process with capped memory and time, because
python-calamine allocates a sheet's whole rectangle at once and aborts the process (a Rust abort,
not an exception) when that fails: a 2 KB file naming cells A1 and XFD1048576 asks for 512 GiB.
"""

import array
import csv
import io
import json
import re
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from liangze.core.errors import Invalid
from liangze.files import conf
from liangze.files.models import FileKind
from liangze.files.sniffing import (
    ALL_TYPES,
    ARCHIVES,
    DOCX,
    IMAGES,
    JPEG,
    PILLOW_FORMATS,
    PNG,
    SPREADSHEETS,
    TEXT_ENCODINGS,
    XLSX,
    FileType,
    sniff_type,
)

ACCEPTED: dict[str, frozenset[str]] = {
    FileKind.SCAN: frozenset({"jpeg", "png", "webp", "pdf"}),
    FileKind.SIGNATURE: frozenset({"jpeg", "png", "webp"}),
    FileKind.PHOTO: frozenset({"jpeg", "png", "webp", "gif"}),
    FileKind.IMPORT: frozenset({"xlsx", "xls", "csv"}),
    FileKind.EXPORT: frozenset({"xlsx", "docx", "pdf", "csv"}),
    FileKind.TEMPLATE: frozenset({"docx"}),
}

# The main part's content type, as [Content_Types].xml declares it; a macro-enabled workbook or a
# template declares another one and is refused.
OFFICE_MAIN_CONTENT_TYPES = {
    XLSX: b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    DOCX: b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
}
CONTENT_TYPES_READ_LIMIT = 1024 * 1024
# Small members may compress well for innocent reasons; the ratio cap applies above this size.
RATIO_GRACE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ValidatedFile:
    data: bytes  # what to store: for images, the re-encoded bytes
    file_type: FileType
    original_name: str
    # A spreadsheet's first sheet as text, column by column from A1, when asked for.
    columns: list[list[str]] | None = None


def _refuse(code: str, message: str) -> Invalid:
    return Invalid(code=code, message=message, fields={"file": message})


# --- Names and kinds ------------------------------------------------------------------------------


def clean_original_name(name: str | None) -> str:
    """The client's file name reduced to something safe to display: no directories, no control
    characters, at most 255 characters. It is never used as a path."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if not unicodedata.category(ch).startswith("C")).strip()
    if len(base) > 255:
        suffix = PurePosixPath(base).suffix[:16]
        base = base[: 255 - len(suffix)] + suffix
    return base or "file"


def check_kind(kind: str) -> None:
    if kind not in FileKind.values:
        raise _refuse("file_kind_unknown", _("Unknown kind of file."))


def check_size(data: bytes, kind: str) -> None:
    """Refuses an empty file and one above the kind's limit (`conf.max_bytes`)."""
    if not data:
        raise _refuse("file_empty", _("The file is empty."))
    limit = conf.max_bytes(kind)
    if len(data) > limit:
        raise _refuse(
            "file_too_large",
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
        )


# --- Type ---------------------------------------------------------------------------------------


def check_type(data: bytes, kind: str) -> FileType:
    """The sniffed type, if the kind accepts it; the client's name and content type play no
    part."""
    file_type = sniff_type(data)
    if file_type is None or file_type.name not in ACCEPTED[kind]:
        accepted = ", ".join(t.label for t in ALL_TYPES if t.name in ACCEPTED[kind])
        raise _refuse(
            "file_type_refused",
            _("This type of file is not accepted here. Upload one of: %(types)s.")
            % {"types": accepted},
        )
    return file_type


# --- ZIP containers (XLSX, DOCX) -------------------------------------------------------------------


def _unsafe_member_name(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name:
        return True
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in name.split("/")


def check_archive(data: bytes) -> None:
    """Zip-bomb checks from the central directory, before any member is read: member count,
    member names (no absolute paths, drive letters, `..`, backslashes or duplicates), total
    uncompressed size and each large member's compression ratio."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception:  # zipfile raises many exception types for damaged archives
        raise _refuse("archive_unreadable", _("The file is damaged and cannot be read.")) from None
    if len(members) > conf.limit("LIANGZE_ARCHIVE_MAX_MEMBERS"):
        raise _refuse(
            "archive_too_many_members", _("The document holds too many parts to be checked.")
        )
    seen = set()
    total = 0
    max_total = conf.limit("LIANGZE_ARCHIVE_MAX_BYTES")
    max_ratio = conf.limit("LIANGZE_ARCHIVE_MAX_RATIO")
    for info in members:
        name = info.orig_filename
        if _unsafe_member_name(name) or name.lower() in seen:
            raise _refuse(
                "archive_member_name", _("The document contains a part with an unsafe name.")
            )
        seen.add(name.lower())
        total += info.file_size
        if total > max_total:
            raise _refuse(
                "archive_too_large",
                _("The document unpacks to more than %(limit)s.")
                % {"limit": filesizeformat(max_total)},
            )
        if info.file_size > RATIO_GRACE_BYTES and info.file_size > max_ratio * max(
            info.compress_size, 1
        ):
            raise _refuse(
                "archive_ratio",
                _("The document is compressed suspiciously well (a possible zip bomb)."),
            )


def check_office_package(data: bytes, file_type: FileType) -> None:
    """An XLSX or DOCX must declare the plain main content type: macro-enabled documents and
    templates are refused. Runs after `check_archive`, so reading [Content_Types].xml is safe."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {name.lower(): name for name in archive.namelist()}
            with archive.open(names["[content_types].xml"]) as member:
                content_types = member.read(CONTENT_TYPES_READ_LIMIT)
    except Exception:  # zipfile raises many exception types for damaged archives
        raise _refuse("archive_unreadable", _("The file is damaged and cannot be read.")) from None
    has_macros = any(name.endswith("vbaproject.bin") for name in names)
    if (
        has_macros
        or b"macroEnabled" in content_types
        or OFFICE_MAIN_CONTENT_TYPES[file_type] not in content_types
    ):
        raise _refuse(
            "office_type_refused",
            _("Macro-enabled documents and templates are not accepted; save it as %(type)s.")
            % {"type": file_type.label},
        )


# --- Images -------------------------------------------------------------------------------------


def _too_many_pixels() -> Invalid:
    return _refuse("image_too_large", _("The image has too many pixels."))


def reencode_image(data: bytes, file_type: FileType) -> tuple[bytes, FileType]:
    """Decodes the image with Pillow's pixel limit, turns it upright by its EXIF orientation and
    re-encodes it without any metadata (EXIF, GPS, ICC, text): PNG when it has transparency,
    JPEG otherwise. Returns the new bytes and their type. Only the first frame of an animation
    is kept."""
    max_pixels = conf.limit("LIANGZE_IMAGE_MAX_PIXELS")
    # Pillow warns (DecompressionBombWarning) above this and raises above twice this; the
    # explicit size check below refuses the warning band too, without touching warning filters.
    Image.MAX_IMAGE_PIXELS = max_pixels
    formats = [PILLOW_FORMATS[file_type]]
    try:
        with Image.open(io.BytesIO(data), formats=formats) as probe:
            width, height = probe.size
            if width * height > max_pixels:
                raise _too_many_pixels()
            probe.verify()
        with Image.open(io.BytesIO(data), formats=formats) as image:
            image.load()
            try:
                upright = ImageOps.exif_transpose(image)
            except Exception:  # unreadable EXIF: keep the pixels as they are, drop the EXIF
                upright = image.copy()
            if upright.has_transparency_data:
                clean, output = upright.convert("RGBA"), PNG
            else:
                clean, output = upright.convert("RGB"), JPEG
    except Invalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except Exception:  # Pillow raises many exception types for damaged images
        raise _refuse("image_unreadable", _("The image is damaged and cannot be read.")) from None
    clean.info = {}  # convert() copies info (EXIF, ICC profile, text); nothing of it is kept
    buffer = io.BytesIO()
    if output is PNG:
        clean.save(buffer, format="PNG")
    else:
        clean.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue(), output


# --- Tables -------------------------------------------------------------------------------------

# Run by a fresh interpreter (-I: no environment, no user site): only python-calamine and the
# standard library, so an abort or an out-of-memory kills the child, never the web worker.
# The first line of its output is {"sheets": [[rows, columns], …]} (or {"error": …}). Given the
# row and cell limits, it then writes the first sheet's cells as text when the file is within
# them, so that an importer needs no parse of its own: column by column, each distinct text of
# a slice of rows once and where each row's text stands (the format: _sheet_columns). Most
# columns repeat a few words, so this is several times less to convert, send and decode than
# the cells one by one. A cell's text is core.tables._cell_text's (a test holds them equal).
_SHEET_PROBE = """
import array, gc, io, itertools, json, sys
gc.disable()  # a short life making lists without cycles: collections would only cost time
try:
    import resource
    limit = int(sys.argv[1])
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
except (ImportError, ValueError, OSError):
    pass
from python_calamine import CalamineWorkbook, SheetTypeEnum
data = sys.stdin.buffer.read()
first = None
try:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for index, meta in enumerate(workbook.sheets_metadata):
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        sheet = workbook.get_sheet_by_index(index)
        if index == 0:
            first = sheet
        end = sheet.end
        sheets.append([0, 0] if end is None else [end[0] + 1, end[1] + 1])
except Exception as exc:
    print(json.dumps({"error": type(exc).__name__}))
    sys.exit(0)
print(json.dumps({"sheets": sheets}), flush=True)
if len(sys.argv) < 4:
    sys.exit(0)
max_rows, max_cells = int(sys.argv[2]), int(sys.argv[3])
if any(rows > max_rows for rows, _ in sheets) or sum(r * c for r, c in sheets) > max_cells:
    sys.exit(0)
if first is None:
    first = workbook.get_sheet_by_index(0)
    if first.end is None or first.end[0] + 1 > max_rows:
        sys.exit(0)

def text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()

def column_part(cells):
    # Each distinct value once, and where it stands: most columns repeat a few words.
    if set(map(type, cells)) == {str}:
        keys = cells
    else:  # keyed by type as well: 1 == 1.0 == True, and their texts differ
        keys = [value if type(value) is str else (type(value), value) for value in cells]
    distinct = dict.fromkeys(keys)
    texts = [key.strip() if type(key) is str else text(key[1]) for key in distinct]
    places = b""
    if len(distinct) < len(keys):
        position = dict(zip(distinct, itertools.count()))
        places = array.array("H", map(position.__getitem__, keys)).tobytes()
    joined = "\\0".join(texts)
    if joined.count("\\0") == len(texts) - 1:
        return "s", joined.encode(), places
    return "j", json.dumps(texts).encode(), places  # a text holds the separator itself

# iter_rows() counts rows from A1 but columns from the first used one: the reader pads them.
out = sys.stdout.buffer
out.write(json.dumps({"pad": first.start[1] if first.start else 0}).encode() + b"\\n")
rows = first.iter_rows()
while True:
    chunk = list(itertools.islice(rows, 10000))  # so a place fits a uint16 (array "H")
    if not chunk:
        break
    parts = [column_part(cells) for cells in itertools.zip_longest(*chunk)]
    sizes = [[kind, len(texts), len(places)] for kind, texts, places in parts]
    out.write(json.dumps([len(chunk), sizes]).encode() + b"\\n")
    for _kind, texts, places in parts:
        out.write(texts)
        out.write(places)
"""


def _too_large_to_open() -> Invalid:
    return _refuse(
        "spreadsheet_too_large", _("The spreadsheet is too large or too complex to open.")
    )


def _unreadable_table() -> Invalid:
    return _refuse("spreadsheet_unreadable", _("The spreadsheet is damaged and cannot be read."))


@dataclass
class SheetProbe:
    sheets: list[tuple[int, int]]  # (rows, columns) of each worksheet, counted from A1
    # The first sheet as text, column by column from A1, when asked for and within limits.
    columns: list[list[str]] | None


def _sheet_columns(output: bytes) -> list[list[str]]:
    """The columns the child wrote, each as long as the sheet. ValueError (or IndexError) for
    output that does not add up.

    The child (_SHEET_PROBE) writes a line {"pad": blank columns before the first}, then for
    each slice of up to 10,000 rows a line [rows, [[kind, text bytes, place bytes] per column]]
    followed by each column's bytes: its distinct texts (kind "s": UTF-8 joined by NUL; "j": a
    JSON list, for a text holding a NUL), then where each row's text stands (uint16s; none when
    every row has its own text). Splitting and array reads decode a sheet several times faster
    than JSON did."""
    head, _newline, body = output.partition(b"\n")
    pad = json.loads(head)["pad"]
    view = memoryview(body)
    columns: list[list[str]] = []
    length = at = 0
    while at < len(body):
        end = body.index(b"\n", at)
        count, parts = json.loads(view[at:end].tobytes())
        at = end + 1
        for position, (kind, text_size, place_size) in enumerate(parts):
            if min(text_size, place_size) < 0 or at + text_size + place_size > len(body):
                raise ValueError("the sizes do not fit the output")
            blob, at = view[at : at + text_size], at + text_size
            if kind == "s":
                texts = str(blob, "utf-8").split("\0")
            elif kind == "j":
                texts = json.loads(blob.tobytes())
            else:
                raise ValueError(f"unknown column kind {kind!r}")
            places = array.array("H")
            places.frombytes(view[at : at + place_size])
            at += place_size
            if position == len(columns):
                columns.append([""] * length)
            if place_size:
                columns[position].extend(map(texts.__getitem__, places))
            else:
                columns[position].extend(texts)
            if len(columns[position]) != length + count:
                raise ValueError("a column of the slice has the wrong length")
        for column in columns[len(parts) :]:
            column.extend([""] * count)
        length += count
    return [[""] * length for _blank in range(pad)] + columns


def _run_probe(data: bytes, *limits: int) -> SheetProbe:
    try:
        finished = subprocess.run(  # noqa: S603 (fixed argv, the file goes to stdin)
            [
                sys.executable,
                "-I",
                "-c",
                _SHEET_PROBE,
                str(conf.limit("LIANGZE_SPREADSHEET_CHECK_MEMORY_BYTES")),
                *map(str, limits),
            ],
            input=data,
            capture_output=True,
            timeout=conf.limit("LIANGZE_SPREADSHEET_CHECK_SECONDS"),
            check=False,
            env={},
        )
    except subprocess.TimeoutExpired:
        raise _too_large_to_open() from None
    # Killed by a signal (a Rust abort, the OOM killer) or out of memory in Python: the file's
    # fault. Any other failure is the server's (calamine missing, say) and must not look like one.
    if finished.returncode < 0 or b"MemoryError" in finished.stderr:
        raise _too_large_to_open()
    if finished.returncode != 0:
        raise RuntimeError(f"spreadsheet probe failed: {finished.stderr[-2000:]!r}")
    head, _newline, rest = finished.stdout.partition(b"\n")
    try:
        answer = json.loads(head)
        sheets = [(int(rows), int(columns)) for rows, columns in answer["sheets"]]
        columns = _sheet_columns(rest) if rest else None
    except (ValueError, KeyError, TypeError, IndexError):
        raise _unreadable_table() from None
    return SheetProbe(sheets=sheets, columns=columns)


def probe_sheets(data: bytes) -> list[tuple[int, int]]:
    """(rows, columns) of each worksheet, counted from A1, as python-calamine reads them in a child
    process limited in memory and time. Refuses with `spreadsheet_too_large` when the child
    dies or overruns, `spreadsheet_unreadable` when calamine reports an error; raises
    RuntimeError when the child cannot run at all."""
    return _run_probe(data).sheets


def _count_csv_rows(data: bytes, file_type: FileType) -> int:
    text = data.decode(TEXT_ENCODINGS[file_type])
    try:
        return sum(1 for _row in csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise _unreadable_table() from None


def check_row_count(
    data: bytes, file_type: FileType, *, read_cells: bool = False
) -> list[list[str]] | None:
    """No sheet (or CSV file) has more rows than LIANGZE_SPREADSHEET_MAX_ROWS, and the sheets
    together span at most LIANGZE_SPREADSHEET_MAX_CELLS cells from A1.

    With `read_cells`, a spreadsheet's first sheet comes back as text, column by column from A1
    (see _SHEET_PROBE), read by the same child that counted it; None for a CSV file, which is
    safe to read in-process."""
    max_rows = conf.limit("LIANGZE_SPREADSHEET_MAX_ROWS")
    max_cells = conf.limit("LIANGZE_SPREADSHEET_MAX_CELLS")
    sheet_columns = None
    if file_type in SPREADSHEETS:
        probe = _run_probe(data, max_rows, max_cells) if read_cells else _run_probe(data)
        sheets, sheet_columns = probe.sheets, probe.columns
    else:
        sheets = [(_count_csv_rows(data, file_type), 0)]
    if any(rows > max_rows for rows, _columns in sheets):
        raise _refuse(
            "spreadsheet_too_many_rows",
            _("The file has more than %(max)d rows.") % {"max": max_rows},
        )
    if sum(rows * columns for rows, columns in sheets) > max_cells:
        raise _too_large_to_open()
    if read_cells and file_type in SPREADSHEETS and sheet_columns is None:
        raise _unreadable_table()  # within the limits, yet the child wrote no cells
    return sheet_columns


# --- All together -------------------------------------------------------------------------------


def read_upload(upload, kind: str) -> bytes:
    """At most one byte more than the kind allows, so an oversized upload is never read whole."""
    check_kind(kind)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read(conf.max_bytes(kind) + 1)


def validate_upload(
    *, kind: str, name: str | None, data: bytes, read_cells: bool = False
) -> ValidatedFile:
    """Every check in order; raises Invalid (with `fields["file"]`) at the first that fails.

    `read_cells`: for a spreadsheet, also keep its first sheet as text (ValidatedFile.columns),
    read by the child process that checks it."""
    check_kind(kind)
    check_size(data, kind)
    file_type = check_type(data, kind)
    if file_type in ARCHIVES:
        check_archive(data)
        check_office_package(data, file_type)
    if file_type in IMAGES:
        data, file_type = reencode_image(data, file_type)
    columns = None
    if file_type in SPREADSHEETS or file_type in TEXT_ENCODINGS:
        columns = check_row_count(data, file_type, read_cells=read_cells)
    return ValidatedFile(
        data=data, file_type=file_type, original_name=clean_original_name(name), columns=columns
    )
