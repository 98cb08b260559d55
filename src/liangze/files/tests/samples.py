"""Small files built in memory for the tests: good ones of every type, and hostile ones."""

import io
import struct
import zipfile

import xlsxwriter
from PIL import Image, ImageCms

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="{main}" ContentType="{main_type}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="{main}" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)
SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>{rows}</sheetData></worksheet>"
)


def png(size=(40, 30), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "red" if mode != "1" else 0).save(buffer, format="PNG", **save)
    return buffer.getvalue()


def jpeg(size=(40, 20), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, format="JPEG", **save)
    return buffer.getvalue()


def image_as(fmt: str, size=(16, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, format=fmt)
    return buffer.getvalue()


def exif(orientation: int | None = None) -> Image.Exif:
    data = Image.Exif()
    data[0x010F] = "PhoneMaker"  # Make
    data[0x0110] = "Phone 12"  # Model
    data[0x0131] = "SecretApp 1.0"  # Software
    if orientation is not None:
        data[0x0112] = orientation
    return data


def icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def xlsx(rows: int = 3, columns: int = 2) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Sheet1")
    for row in range(rows):
        for column in range(columns):
            sheet.write(row, column, f"r{row}c{column}")
    workbook.close()
    return buffer.getvalue()


def ooxml(
    members: dict[str, bytes | str] | None = None,
    *,
    main_type: str = XLSX_MAIN,
    cells: str = '<row r="1"><c r="A1"><v>1</v></c></row>',
) -> bytes:
    """A hand-made workbook package, so tests can add hostile members or cells."""
    main = "/word/document.xml" if main_type == DOCX_MAIN else "/xl/workbook.xml"
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES.format(main=main, main_type=main_type),
        "_rels/.rels": ROOT_RELS.format(main=main.lstrip("/")),
    }
    if main_type == DOCX_MAIN:
        parts["word/document.xml"] = "<w:document xmlns:w='urn:x'/>"
    else:
        parts["xl/workbook.xml"] = WORKBOOK
        parts["xl/_rels/workbook.xml.rels"] = WORKBOOK_RELS
        parts["xl/worksheets/sheet1.xml"] = SHEET.format(rows=cells)
    parts.update(members or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def docx() -> bytes:
    return ooxml(main_type=DOCX_MAIN)


def sparse_xlsx() -> bytes:
    """Two cells at opposite corners of the sheet: 1.5 KB that asks calamine for 512 GiB."""
    return ooxml(
        cells='<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    )


# --- Legacy XLS: a minimal BIFF8 workbook in a minimal compound file --------------------------------


def _record(rtype: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", rtype, len(payload)) + payload


def _biff8(cells: list[tuple[int, int, float]]) -> bytes:
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0)
    sheet_bof = struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0)

    def boundsheet(position: int) -> bytes:
        return _record(0x0085, struct.pack("<IBBBB", position, 0, 0, 1, 0) + b"S")

    eof = _record(0x000A)
    globals_length = len(_record(0x0809, bof)) + len(boundsheet(0)) + len(eof)
    stream = _record(0x0809, bof) + boundsheet(globals_length) + eof + _record(0x0809, sheet_bof)
    for row, column, value in cells:
        stream += _record(0x0203, struct.pack("<HHHd", row, column, 0, value))  # NUMBER
    return stream + eof


def _compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """One stream of at least 4096 bytes (so it needs no mini stream): FAT in sector 0, the
    directory in sector 1, the stream from sector 2."""
    sector = 512
    stream = stream.ljust(max(4096, -(-len(stream) // sector) * sector), b"\0")
    count = len(stream) // sector
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    fat = [fat_sector, end] + [3 + i if i < count - 1 else end for i in range(count)]
    fat += [free] * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108

    def entry(entry_name: str, kind: int, start: int, size: int, child: int = free) -> bytes:
        raw = entry_name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, free, child)
            + b"\0" * 20
            + b"\0" * 16
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, end, 0, child=1) + entry(name, 2, 2, len(stream))
    return header + struct.pack("<128I", *fat) + directory.ljust(sector, b"\0") + stream


def xls(cells: list[tuple[int, int, float]] | None = None) -> bytes:
    return _compound_file(_biff8(cells if cells is not None else [(0, 0, 1.0), (1, 1, 2.5)]))


def xls_bomb() -> bytes:
    """Cells at (0, 0) and (65535, 65535): 5 KB that asks calamine for 128 GiB at open."""
    return xls([(0, 0, 1.0), (65535, 65535, 2.0)])


def jpeg_taken(
    when: str = "2026:11:20 10:30:00",
    lat=(36, 24, 4.32),
    lng=(94, 54, 11.16),
    refs=("N", "E"),
    size=(64, 48),
) -> bytes:
    """A JPEG whose EXIF says when (DateTimeOriginal, local time) and where (GPS) it was taken,
    as a phone camera writes them; `lat`/`lng` None leaves the GPS out."""
    from PIL import ExifTags, TiffImagePlugin

    data = Image.Exif()
    data[ExifTags.Base.Make] = "PhoneMaker"
    data.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = when
    if lat is not None and lng is not None:
        gps = data.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = refs[0]
        gps[ExifTags.GPS.GPSLatitude] = tuple(TiffImagePlugin.IFDRational(v) for v in lat)
        gps[ExifTags.GPS.GPSLongitudeRef] = refs[1]
        gps[ExifTags.GPS.GPSLongitude] = tuple(TiffImagePlugin.IFDRational(v) for v in lng)
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, format="JPEG", exif=data)
    return buffer.getvalue()
