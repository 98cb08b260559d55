import array
import io
import json
import os
from datetime import datetime

import pytest
import xlsxwriter
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from liangze.core.errors import Invalid
from liangze.files import sniffing, validation
from liangze.files.models import FileKind
from liangze.files.sniffing import sniff_type
from liangze.files.tests import samples
from liangze.files.validation import (
    ValidatedFile,
    check_archive,
    check_kind,
    check_office_package,
    check_row_count,
    check_size,
    check_type,
    clean_original_name,
    read_upload,
    reencode_image,
    validate_upload,
)

MB = 1024 * 1024


def refused(call, *args, **kwargs) -> Invalid:
    with pytest.raises(Invalid) as caught:
        call(*args, **kwargs)
    assert caught.value.fields["file"] == caught.value.message
    return caught.value


class TestKind:
    def test_it_accepts_every_kind(self):
        for kind in FileKind.values:
            check_kind(kind)

    def test_it_refuses_an_unknown_kind(self):
        assert refused(check_kind, "avatar").code == "file_kind_unknown"


class TestSize:
    def test_it_accepts_a_file_at_the_limit(self, settings):
        settings.LIANGZE_FILE_MAX_BYTES = {"photo": 100}
        check_size(b"x" * 100, "photo")

    def test_it_refuses_a_file_over_the_limit(self, settings):
        settings.LIANGZE_FILE_MAX_BYTES = {"photo": 100}
        assert refused(check_size, b"x" * 101, "photo").code == "file_too_large"

    def test_it_keeps_default_limits_for_kinds_the_setting_omits(self, settings):
        settings.LIANGZE_FILE_MAX_BYTES = {"photo": 100}
        check_size(b"x" * 101, "import")
        assert refused(check_size, b"x" * (20 * MB + 1), "import").code == "file_too_large"

    def test_it_has_larger_defaults_for_documents_than_images(self):
        check_size(b"x" * (15 * MB), "scan")
        assert refused(check_size, b"x" * (15 * MB), "photo").code == "file_too_large"

    def test_it_refuses_an_empty_file(self):
        assert refused(check_size, b"", "photo").code == "file_empty"

    def test_it_reads_at_most_one_byte_over_the_limit(self, settings):
        settings.LIANGZE_FILE_MAX_BYTES = {"photo": 100}
        upload = ContentFile(b"x" * 10_000, name="big.jpg")
        assert len(read_upload(upload, "photo")) == 101


class TestSniffing:
    @pytest.mark.parametrize(
        ("make", "expected"),
        [
            (samples.jpeg, "image/jpeg"),
            (samples.png, "image/png"),
            (lambda: samples.image_as("WEBP"), "image/webp"),
            (lambda: samples.image_as("GIF"), "image/gif"),
            (samples.pdf, "application/pdf"),
            (samples.xlsx, sniffing.XLSX.content_type),
            (samples.docx, sniffing.DOCX.content_type),
            (samples.xls, "application/vnd.ms-excel"),
            (lambda: "名称,代码\n".encode(), "text/csv; charset=utf-8"),
            (lambda: "名称,代码\n".encode("gb18030"), "text/csv; charset=gb18030"),
        ],
    )
    def test_it_recognises_each_type_from_its_content(self, make, expected):
        assert sniff_type(make()).content_type == expected

    @pytest.mark.parametrize(
        "data",
        [
            b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program
            b"\x7fELF\x02\x01\x01\x00",
            b"text with a \x00 NUL byte",
            b"\xff\xfe\x00\x00",  # neither UTF-8 nor GB18030
            b"PK\x03\x04 not really a zip",
            samples.ooxml(main_type=samples.DOCX_MAIN).replace(
                b"word/document.xml", b"word/other.xmlx"
            ),
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # a compound file with no workbook
        ],
    )
    def test_it_recognises_nothing_else(self, data):
        assert sniff_type(data) is None

    def test_it_refuses_a_text_file_named_jpg(self):
        error = refused(validate_upload, kind="photo", name="photo.jpg", data=b"just some text\n")
        assert error.code == "file_type_refused"

    def test_it_refuses_a_type_the_kind_does_not_take(self):
        assert refused(check_type, samples.pdf(), "photo").code == "file_type_refused"
        assert refused(check_type, samples.png(), "import").code == "file_type_refused"
        assert refused(check_type, samples.xlsx(), "signature").code == "file_type_refused"

    def test_it_accepts_by_content_whatever_the_name_says(self):
        validated = validate_upload(kind="scan", name="scan.exe", data=samples.pdf())
        assert validated.file_type is sniffing.PDF


class TestOfficePackage:
    def test_it_accepts_a_plain_workbook_and_document(self):
        check_office_package(samples.xlsx(), sniffing.XLSX)
        check_office_package(samples.docx(), sniffing.DOCX)

    def test_it_refuses_a_macro_enabled_workbook(self):
        data = samples.ooxml(main_type=samples.XLSM_MAIN)
        assert refused(check_office_package, data, sniffing.XLSX).code == "office_type_refused"

    def test_it_refuses_a_workbook_carrying_a_vba_project(self):
        data = samples.ooxml({"xl/vbaProject.bin": b"\0" * 64})
        assert refused(check_office_package, data, sniffing.XLSX).code == "office_type_refused"


class TestArchive:
    def test_it_accepts_an_ordinary_workbook(self):
        check_archive(samples.xlsx(rows=200, columns=10))

    def test_it_refuses_a_zip_bomb_member(self):
        bomb = samples.ooxml({"xl/media/image1.png": b"\0" * (8 * MB)})
        assert len(bomb) < 100_000  # 8 MB of zeros deflate to a few KB
        assert refused(check_archive, bomb).code == "archive_ratio"
        error = refused(validate_upload, kind="import", name="bomb.xlsx", data=bomb)
        assert error.code == "archive_ratio"

    def test_it_lets_small_members_compress_well(self):
        check_archive(samples.ooxml({"xl/styles.xml": b" " * (512 * 1024)}))

    def test_it_refuses_more_than_the_total_uncompressed_size(self, settings):
        settings.LIANGZE_ARCHIVE_MAX_BYTES = 1 * MB
        data = samples.ooxml({"xl/media/image1.png": os.urandom(MB + 1)})
        assert refused(check_archive, data).code == "archive_too_large"

    def test_it_refuses_too_many_members(self, settings):
        settings.LIANGZE_ARCHIVE_MAX_MEMBERS = 10
        data = samples.ooxml({f"xl/media/image{i}.png": b"x" for i in range(10)})
        assert refused(check_archive, data).code == "archive_too_many_members"

    @pytest.mark.parametrize(
        "name",
        ["../evil.xml", "xl/../../evil.xml", "/etc/passwd", "C:/evil.xml", "xl\\evil.xml"],
    )
    def test_it_refuses_unsafe_member_names(self, name):
        data = samples.ooxml({name: b"<x/>"})
        assert refused(check_archive, data).code == "archive_member_name"

    def test_it_refuses_duplicate_member_names(self):
        data = samples.ooxml({"XL/WORKBOOK.XML": b"<x/>"})
        assert refused(check_archive, data).code == "archive_member_name"

    def test_it_refuses_a_damaged_archive(self):
        data = samples.xlsx()
        assert refused(check_archive, data[: len(data) // 2]).code == "archive_unreadable"


class TestImages:
    def test_it_strips_exif_and_other_metadata_from_a_png(self):
        from PIL import PngImagePlugin

        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", "home address")
        original = samples.png(
            mode="RGBA", exif=samples.exif(), pnginfo=text, icc_profile=samples.icc_profile()
        )
        with Image.open(io.BytesIO(original)) as image:  # the sample does carry all three
            assert image.getexif()[0x010F] == "PhoneMaker"
            assert "icc_profile" in image.info
            assert image.info["Comment"] == "home address"

        validated = validate_upload(kind="photo", name="x.png", data=original)

        assert validated.file_type is sniffing.PNG
        assert validated.data != original
        assert b"PhoneMaker" not in validated.data
        assert b"home address" not in validated.data
        with Image.open(io.BytesIO(validated.data)) as stored:
            assert dict(stored.getexif()) == {}
            assert "icc_profile" not in stored.info
            assert "Comment" not in stored.info

    def test_it_strips_exif_from_a_jpeg_and_turns_it_upright(self):
        original = samples.jpeg(size=(40, 20), exif=samples.exif(orientation=6))

        data, file_type = reencode_image(original, sniffing.JPEG)

        assert file_type is sniffing.JPEG
        assert b"PhoneMaker" not in data
        with Image.open(io.BytesIO(data)) as stored:
            assert stored.size == (20, 40)  # orientation 6: rotated a quarter turn
            assert dict(stored.getexif()) == {}

    def test_it_keeps_transparency_as_png_and_stores_opaque_images_as_jpeg(self):
        assert reencode_image(samples.png(mode="RGBA"), sniffing.PNG)[1] is sniffing.PNG
        assert reencode_image(samples.png(mode="RGB"), sniffing.PNG)[1] is sniffing.JPEG
        webp = samples.image_as("WEBP")
        assert reencode_image(webp, sniffing.WEBP)[1] is sniffing.JPEG

    def test_it_stores_the_reencoded_bytes_with_a_derived_type(self):
        validated = validate_upload(kind="photo", name="a.webp", data=samples.image_as("WEBP"))
        assert validated.data.startswith(b"\xff\xd8\xff")
        assert validated.file_type.extension == "jpg"

    def test_it_refuses_a_decompression_bomb(self):
        bomb = samples.png(size=(10_000, 10_000), mode="1")  # 100 megapixels
        assert len(bomb) < 100_000
        error = refused(validate_upload, kind="photo", name="bomb.png", data=bomb)
        assert error.code == "image_too_large"

    @pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
    def test_it_refuses_images_in_pillows_warning_band(self, settings):
        settings.LIANGZE_IMAGE_MAX_PIXELS = 10_000
        warned = samples.png(size=(120, 100))  # 12,000: Pillow only warns below 20,000
        assert refused(reencode_image, warned, sniffing.PNG).code == "image_too_large"
        errored = samples.png(size=(300, 300))  # Pillow raises DecompressionBombError
        assert refused(reencode_image, errored, sniffing.PNG).code == "image_too_large"

    def test_it_accepts_an_image_at_the_pixel_limit(self, settings):
        settings.LIANGZE_IMAGE_MAX_PIXELS = 10_000
        reencode_image(samples.png(size=(100, 100)), sniffing.PNG)

    def test_it_refuses_a_damaged_image(self):
        data = samples.png(size=(200, 200))
        error = refused(reencode_image, data[: len(data) // 2], sniffing.PNG)
        assert error.code == "image_unreadable"

    def test_it_refuses_content_of_another_format_than_sniffed(self):
        error = refused(reencode_image, samples.jpeg(), sniffing.PNG)
        assert error.code == "image_unreadable"


class TestRows:
    def test_it_accepts_a_workbook_within_the_cap(self, settings):
        settings.LIANGZE_SPREADSHEET_MAX_ROWS = 10
        check_row_count(samples.xlsx(rows=10), sniffing.XLSX)
        check_row_count(samples.xls(), sniffing.XLS)

    def test_it_refuses_a_workbook_over_the_cap(self, settings):
        settings.LIANGZE_SPREADSHEET_MAX_ROWS = 10
        error = refused(check_row_count, samples.xlsx(rows=11), sniffing.XLSX)
        assert error.code == "spreadsheet_too_many_rows"

    def test_it_counts_empty_rows_above_the_data(self, settings):
        settings.LIANGZE_SPREADSHEET_MAX_ROWS = 10
        data = samples.ooxml(cells='<row r="11"><c r="A11"><v>1</v></c></row>')
        error = refused(check_row_count, data, sniffing.XLSX)
        assert error.code == "spreadsheet_too_many_rows"

    def test_it_refuses_an_xls_over_the_cap(self, settings):
        settings.LIANGZE_SPREADSHEET_MAX_ROWS = 10
        data = samples.xls([(0, 0, 1.0), (10, 0, 2.0)])
        error = refused(check_row_count, data, sniffing.XLS)
        assert error.code == "spreadsheet_too_many_rows"

    def test_it_refuses_a_csv_over_the_cap(self, settings):
        settings.LIANGZE_SPREADSHEET_MAX_ROWS = 10
        check_row_count(b"a,b\n" * 10, sniffing.CSV_UTF8)
        error = refused(check_row_count, b"a,b\n" * 11, sniffing.CSV_UTF8)
        assert error.code == "spreadsheet_too_many_rows"

    def test_it_counts_a_quoted_line_break_as_one_row(self, settings):
        settings.LIANGZE_SPREADSHEET_MAX_ROWS = 2
        check_row_count(b'name,note\n"a","line one\nline two"\n', sniffing.CSV_UTF8)

    def test_it_refuses_too_many_cells(self, settings):
        settings.LIANGZE_SPREADSHEET_MAX_CELLS = 1_000
        data = samples.ooxml(cells='<row r="40"><c r="Z40"><v>1</v></c></row>')  # 40 x 26
        assert refused(check_row_count, data, sniffing.XLSX).code == "spreadsheet_too_large"

    def test_it_survives_a_sparse_xlsx_that_would_abort_calamine(self):
        data = samples.sparse_xlsx()
        assert len(data) < 3_000
        error = refused(validate_upload, kind="import", name="sparse.xlsx", data=data)
        assert error.code == "spreadsheet_too_large"

    def test_it_survives_an_xls_that_would_abort_calamine(self):
        error = refused(validate_upload, kind="import", name="bomb.xls", data=samples.xls_bomb())
        assert error.code == "spreadsheet_too_large"

    def test_it_caps_the_memory_of_the_child_that_opens_the_workbook(self, settings):
        settings.LIANGZE_SPREADSHEET_CHECK_MEMORY_BYTES = 200 * MB
        settings.LIANGZE_SPREADSHEET_MAX_CELLS = 10**12  # so only the memory cap can refuse
        data = samples.ooxml(  # 100,000 x 702 cells: about 2 GiB inside calamine
            cells='<row r="1"><c r="A1"><v>1</v></c></row>'
            '<row r="100000"><c r="ZZ100000"><v>2</v></c></row>'
        )
        assert refused(check_row_count, data, sniffing.XLSX).code == "spreadsheet_too_large"

    def test_it_caps_the_time_of_the_child_that_opens_the_workbook(self, settings):
        settings.LIANGZE_SPREADSHEET_CHECK_SECONDS = 0.001
        error = refused(check_row_count, samples.xlsx(), sniffing.XLSX)
        assert error.code == "spreadsheet_too_large"

    def test_it_refuses_a_workbook_calamine_cannot_read(self):
        workbook = samples.WORKBOOK.replace('r:id="rId1"', 'r:id="rId9"')  # no such relationship
        data = samples.ooxml({"xl/workbook.xml": workbook})
        error = refused(check_row_count, data, sniffing.XLSX)
        assert error.code == "spreadsheet_unreadable"

    def test_it_refuses_a_csv_the_csv_reader_refuses(self):
        huge_field = b'"' + b"x" * 200_000 + b'"\n'
        error = refused(check_row_count, huge_field, sniffing.CSV_UTF8)
        assert error.code == "spreadsheet_unreadable"


class TestNames:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("../../etc/passwd", "passwd"),
            ("C:\\Users\\王\\照片.jpg", "照片.jpg"),
            ("bad\x00na\u202eme.png", "badname.png"),
            ("", "file"),
            (None, "file"),
            ("   ", "file"),
        ],
    )
    def test_it_keeps_only_a_displayable_base_name(self, given, expected):
        assert clean_original_name(given) == expected

    def test_it_shortens_long_names_keeping_the_extension(self):
        cleaned = clean_original_name("长" * 300 + ".xlsx")
        assert len(cleaned) == 255
        assert cleaned.endswith(".xlsx")


# --- Any input: a validated file or Invalid, nothing else ---------------------------------------

SEEDS = [
    samples.png(),
    samples.jpeg(exif=samples.exif(orientation=3)),
    samples.image_as("GIF"),
    samples.image_as("WEBP"),
    samples.pdf(),
    samples.xlsx(),
    samples.docx(),
    samples.xls(),
    b"a,b\n1,2\n",
]
PREFIXES = [
    b"",
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\0\0\0\0WEBP",
    b"%PDF-",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
]


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


any_content = st.one_of(
    st.binary(max_size=2048),
    st.builds(lambda p, b: p + b, st.sampled_from(PREFIXES), st.binary(max_size=2048)),
    st.text(max_size=500).map(str.encode),
    mutated(),
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(FileKind.values), name=st.text(max_size=300), data=any_content)
def test_any_input_is_validated_or_refused(kind, name, data):
    try:
        validated = validate_upload(kind=kind, name=name, data=data)
    except Invalid as error:
        assert error.code
        return
    assert isinstance(validated, ValidatedFile)
    assert validated.file_type.name in validation.ACCEPTED[kind]
    assert validated.data
    assert "/" not in validated.original_name
    assert "\\" not in validated.original_name


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(FileKind.values), name=st.text(max_size=100), data=any_content)
def test_any_upload_is_stored_or_refused(kind, name, data, county_staff, regions, file_storage):
    from liangze.files.models import StoredFile
    from liangze.files.services import stored_file_save

    before = StoredFile.objects.count()
    try:
        stored = stored_file_save(
            actor=county_staff,
            division=regions.village,
            kind=kind,
            upload=ContentFile(data, name=name),
        )
    except Invalid:
        assert StoredFile.objects.count() == before
        return
    assert (file_storage / stored.storage_name).read_bytes()
    assert stored.storage_name.startswith(f"{kind}/")


def test_a_probe_that_cannot_run_is_a_server_error_not_the_files_fault(monkeypatch):
    monkeypatch.setattr(validation, "_SHEET_PROBE", "import no_such_module_here")
    with pytest.raises(RuntimeError, match="spreadsheet probe failed"):
        validation.probe_sheets(samples.xlsx())


def _mixed_sheet() -> bytes:
    """Data from B3 on (an offset the reader must keep), with every kind of cell calamine gives."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(2, 1, ["name", "count", "ratio", "flag", "when", "note"])
    sheet.write_row(3, 1, ["  padded  ", 12, 0.5, True, None, "=not a formula"])
    sheet.write_datetime(3, 5, datetime(2024, 1, 2), dated)
    sheet.write_row(5, 1, ["after a blank row", 1e20, -3.0, False, "", "中文"])
    workbook.close()
    return buffer.getvalue()


def _repetitive_sheet() -> bytes:
    """More than one of the child's parts of 10,000 rows, columns that repeat a few values (of
    several types that compare equal: 1, 1.0 and True) beside columns that never repeat, and a
    blank row."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["name", "kind", "number", "mixed"])
    for row in range(1, 10_050):
        if row == 9_999:
            continue
        mixed = (1, 1.0, True, "1", " 1 ", None)[row % 6]
        sheet.write_row(row, 0, [f"shop {row}", ("a", "b", " a ")[row % 3], row % 4, mixed])
    workbook.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data", [_mixed_sheet(), samples.xlsx(rows=40, columns=5), _repetitive_sheet()]
)
def test_the_checking_child_reads_cells_as_the_in_process_reader_does(data):
    """The import reads a spreadsheet once, in the child that checks it; its text must be
    core.tables' own, cell for cell and line for line."""
    from liangze.core.tables import _raw_rows, read_table_columns

    validated = validate_upload(kind="import", name="t.xlsx", data=data, read_cells=True)
    rows = _raw_rows("t.xlsx", data, max_rows=20_000)
    assert validated.columns == [list(column) for column in zip(*rows, strict=True)]
    header = next(row for row in rows if any(row))
    columns = {name: () for name in header if name}
    in_process = read_table_columns(name="t.xlsx", data=data, columns=columns)
    from_child = read_table_columns(
        name="t.xlsx", data=data, columns=columns, sheet_columns=validated.columns
    )
    assert from_child == in_process
    assert len(in_process) > 0


def _slice(rows: int, *columns: tuple[str, bytes, list[int]]) -> bytes:
    """One slice of the child's output: its line, then each column's texts and places."""
    places = [array.array("H", where).tobytes() for _kind, _texts, where in columns]
    sizes = [
        [kind, len(texts), len(where)]
        for (kind, texts, _where), where in zip(columns, places, strict=True)
    ]
    body = b"".join(
        texts + where for (_kind, texts, _w), where in zip(columns, places, strict=True)
    )
    return json.dumps([rows, sizes]).encode() + b"\n" + body


def test_the_childs_columns_must_add_up():
    """Output that does not add up (a part longer than its rows, a place past its texts, bytes
    cut short) is an unreadable file, never a table with shifted cells."""
    good = (
        b'{"pad": 1}\n'
        + _slice(2, ("s", b"a\0b", []), ("s", b"x", [0, 0]), ("j", b'["n\\u0000ul", ""]', [1, 0]))
        + _slice(1, ("s", "甲".encode(), []))
    )
    assert validation._sheet_columns(good) == [
        ["", "", ""],
        ["a", "b", "甲"],
        ["x", "x", ""],
        ["", "n\0ul", ""],
    ]
    for bad in (
        _slice(1, ("s", b"a\0b", [])),  # two texts for one row
        _slice(2, ("s", b"a", [0, 1])),  # a place past the texts
        _slice(2, ("s", b"a", [0])),  # too few places
        _slice(1, ("x", b"a", [])),  # an unknown kind
        _slice(2, ("s", b"a\0b", []))[:-1],  # cut short
        b'[1, [["s", -2, 0]]]\nab',  # a size that would go back
    ):
        with pytest.raises((ValueError, IndexError)):
            validation._sheet_columns(b'{"pad": 0}\n' + bad)


def test_the_child_reads_no_cells_of_a_file_over_the_limits(settings):
    settings.LIANGZE_SPREADSHEET_MAX_ROWS = 10
    error = refused(
        validate_upload, kind="import", name="t.xlsx", data=samples.xlsx(rows=11), read_cells=True
    )
    assert error.code == "spreadsheet_too_many_rows"
