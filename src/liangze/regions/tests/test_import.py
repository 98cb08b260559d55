"""Importing the division table: every row checked, every error reported, all rows or none."""

import io
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from django.utils import translation

from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.errors import Invalid
from liangze.core.tables import read_table
from liangze.core.tree import depth, subtree_bounds
from liangze.regions.imports import DIVISION_COLUMNS
from liangze.regions.models import Division, Level
from liangze.regions.services import DivisionImportRejected, division_table_import

VINTAGE = 2023
HEADER = ("code", "name", "parent_code")
TABLE = [
    ("630000000000", "青海省", ""),
    ("632800000000", "海西蒙古族藏族自治州", "630000000000"),
    ("632801000000", "格尔木市", "632800000000"),
    ("632802000000", "德令哈市", "632800000000"),
    ("632801100000", "郭勒木德镇", "632801000000"),
    ("632801101000", "唐古拉山镇", "632801000000"),
    ("632801100200", "中村委会", "632801100000"),
    ("632801100201", "南村委会", "632801100000"),
    ("632801101200", "长江源村委会", "632801101000"),
    ("632802100000", "河西街道", "632802000000"),
]
LEVELS = {
    "630000000000": Level.PROVINCE,
    "632800000000": Level.CITY,
    "632801000000": Level.COUNTY,
    "632802000000": Level.COUNTY,
    "632801100000": Level.TOWNSHIP,
    "632801101000": Level.TOWNSHIP,
    "632802100000": Level.TOWNSHIP,
    "632801100200": Level.VILLAGE,
    "632801100201": Level.VILLAGE,
    "632801101200": Level.VILLAGE,
}


def csv_bytes(rows, header=HEADER) -> bytes:
    lines = [",".join(header), *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows, header=HEADER, *, numeric_codes=False) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, header)
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if numeric_codes and column != 1 and value:
                sheet.write_number(index, column, int(value))  # Excel's default for digits
            else:
                sheet.write_string(index, column, value)
    workbook.close()
    return buffer.getvalue()


def read(name: str, data: bytes):
    return read_table(name=name, data=data, columns=DIVISION_COLUMNS)


def import_rows(rows, *, name="divisions.csv", actor=None):
    return division_table_import(actor=actor, rows=read(name, csv_bytes(rows)), vintage=VINTAGE)


def import_events() -> int:
    return AuditEvent.objects.filter(action=AuditAction.DIVISIONS_IMPORTED).count()


def assert_tree_matches_table():
    divisions = {d.code: d for d in Division.objects.filter(vintage=VINTAGE)}
    assert set(divisions) == {code for code, _, _ in TABLE}
    for code, name, parent_code in TABLE:
        division = divisions[code]
        assert division.name == name
        assert division.level == LEVELS[code]
        assert depth(division.path) == division.rank + 1
        if parent_code:
            assert division.parent == divisions[parent_code]
            assert division.path.startswith(divisions[parent_code].path)
        else:
            assert division.parent is None
    for root in divisions.values():
        lo, hi = subtree_bounds(root.path)
        found = set(
            Division.objects.filter(path__gte=lo, path__lt=hi).values_list("code", flat=True)
        )
        expected = set()
        for division in divisions.values():
            node = division
            while node is not None:
                if node.pk == root.pk:
                    expected.add(division.code)
                    break
                node = node.parent
        assert found == expected, root.code


@pytest.mark.django_db
class TestDivisionImport:
    def test_it_builds_the_tree_from_csv(self):
        result = import_rows(TABLE)
        assert (result.created, result.renamed, result.unchanged) == (len(TABLE), 0, 0)
        assert_tree_matches_table()

    @pytest.mark.parametrize("numeric_codes", [False, True])
    def test_it_builds_the_tree_from_xlsx(self, numeric_codes):
        rows = read("divisions.xlsx", xlsx_bytes(TABLE, numeric_codes=numeric_codes))
        result = division_table_import(actor=None, rows=rows, vintage=VINTAGE)
        assert result.created == len(TABLE)
        assert_tree_matches_table()

    def test_it_accepts_chinese_headers_and_a_byte_order_mark(self):
        data = "\ufeff" + csv_bytes(TABLE, header=("区划代码", "名称", "上级代码")).decode()
        rows = read("divisions.csv", data.encode("utf-8"))
        assert division_table_import(actor=None, rows=rows, vintage=VINTAGE).created == len(TABLE)
        assert_tree_matches_table()

    def test_it_accepts_a_file_in_parent_after_child_order(self):
        assert import_rows(list(reversed(TABLE))).created == len(TABLE)
        assert_tree_matches_table()

    def test_it_is_idempotent(self):
        import_rows(TABLE)
        before = {d.code: (d.pk, d.path) for d in Division.objects.all()}
        result = import_rows(TABLE)
        assert (result.created, result.renamed, result.unchanged) == (0, 0, len(TABLE))
        assert {d.code: (d.pk, d.path) for d in Division.objects.all()} == before

    def test_it_renames_and_adds_on_reimport(self):
        import_rows(TABLE)
        golmud = Division.objects.get(code="632801000000")
        renamed = [
            (code, "格尔木市（新）" if code == "632801000000" else name, parent)
            for code, name, parent in TABLE
        ]
        added = ("632801100202", "北村委会", "632801100000")
        result = import_rows([*renamed, added])
        assert (result.created, result.renamed, result.unchanged) == (1, 1, len(TABLE) - 1)
        fresh = Division.objects.get(pk=golmud.pk)
        assert fresh.name == "格尔木市（新）"
        assert fresh.path == golmud.path
        assert fresh.updated_at > golmud.updated_at
        new = Division.objects.get(code="632801100202")
        assert new.parent.code == "632801100000"
        assert new.path.startswith(new.parent.path)

    def test_it_adds_children_to_parents_already_on_the_platform(self):
        import_rows(TABLE[:3])
        result = import_rows([("632801100000", "郭勒木德镇", "632801000000")])
        assert result.created == 1
        township = Division.objects.get(code="632801100000")
        assert township.parent.code == "632801000000"
        assert township.path.startswith(township.parent.path)

    def test_it_records_one_audit_event_per_successful_import(self):
        import_rows(TABLE)
        assert import_events() == 1
        event = AuditEvent.objects.get(action=AuditAction.DIVISIONS_IMPORTED)
        assert event.data == {
            "vintage": VINTAGE,
            "created": len(TABLE),
            "renamed": 0,
            "rows": len(TABLE),
        }
        import_rows(TABLE)
        assert import_events() == 2


BAD_TABLE = [
    ("630000000000", "青海省", ""),  # line 2: fine
    ("63280X", "某州", "630000000000"),  # 3: bad code
    ("632800000000", "海西蒙古族藏族自治州", "630000000000"),  # 4: fine
    ("632800000000", "海西（重复）", "630000000000"),  # 5: duplicate code
    ("632801100000", "郭勒木德镇", "632801000000"),  # 6: parent neither in file nor on platform
    ("632802000000", "德令哈市", "630000000000"),  # 7: parent two levels up
    ("632900000000", "某州", "620000000000"),  # 8: parent with another prefix
    ("632803000000", "", "632800000000"),  # 9: empty name
    ("640000000000", "宁夏回族自治区", "630000000000"),  # 10: province with a parent
    ("632804000000", "某市", ""),  # 11: no parent
    ("632805000000", "某县", "63280X"),  # 12: malformed parent code
]
BAD_ERRORS = [
    (3, "code"),
    (5, "code"),
    (6, "parent_code"),
    (7, "parent_code"),
    (8, "parent_code"),
    (9, "name"),
    (10, "parent_code"),
    (11, "parent_code"),
    (12, "parent_code"),
]


@pytest.mark.django_db
class TestDivisionImportRejected:
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_it_reports_every_bad_row_and_writes_nothing(self, fmt):
        import_rows(TABLE[:2])
        divisions_before, events_before = Division.objects.count(), AuditEvent.objects.count()
        data = csv_bytes(BAD_TABLE) if fmt == "csv" else xlsx_bytes(BAD_TABLE)
        with pytest.raises(DivisionImportRejected) as info:
            division_table_import(actor=None, rows=read(f"t.{fmt}", data), vintage=VINTAGE)
        assert [(e.line, e.column) for e in info.value.errors] == BAD_ERRORS
        assert all(e.message for e in info.value.errors)
        assert info.value.code == "division_import_rejected"
        assert isinstance(info.value, Invalid)
        assert Division.objects.count() == divisions_before
        assert AuditEvent.objects.count() == events_before

    def test_one_bad_row_among_good_ones_writes_nothing(self):
        rows = [*TABLE, ("632801100299", "", "632801100000")]
        with pytest.raises(DivisionImportRejected) as info:
            import_rows(rows)
        assert [(e.line, e.column) for e in info.value.errors] == [(len(rows) + 1, "name")]
        assert Division.objects.count() == 0
        assert import_events() == 0

    def test_a_name_longer_than_a_hundred_characters_is_refused(self):
        with pytest.raises(DivisionImportRejected) as info:
            import_rows([("630000000000", "省" * 101, "")])
        assert [(e.line, e.column) for e in info.value.errors] == [(2, "name")]

    def test_it_skips_blank_lines_but_keeps_the_line_numbers_people_see(self):
        data = csv_bytes(TABLE[:2]) + b"\n,,\n" + b"632801000000,,632800000000\n"
        with pytest.raises(DivisionImportRejected) as info:
            division_table_import(actor=None, rows=read("t.csv", data), vintage=VINTAGE)
        assert [(e.line, e.column) for e in info.value.errors] == [(6, "name")]

    @pytest.mark.skipif(
        not list(
            (Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES").glob(
                "*.mo"
            )
        ),
        reason="no compiled zh_Hans catalogue yet",
    )
    def test_messages_follow_the_active_language(self):
        def messages():
            with pytest.raises(DivisionImportRejected) as info:
                import_rows(BAD_TABLE)
            return [e.message for e in info.value.errors], info.value.message

        with translation.override("en"):
            english = messages()
        with translation.override("zh-hans"):
            chinese = messages()
        assert chinese[1] != english[1]
        assert all(zh != en for zh, en in zip(chinese[0], english[0], strict=True))


class TestReadTable:
    def test_missing_header_columns_are_refused(self):
        with pytest.raises(Invalid) as info:
            read("t.csv", csv_bytes(TABLE, header=("code", "名字", "parent")))
        assert info.value.code == "table_columns"
        assert "name" in info.value.message

    def test_missing_header_columns_in_xlsx_are_refused(self):
        with pytest.raises(Invalid) as info:
            read("t.xlsx", xlsx_bytes([row[:2] for row in TABLE], header=("code", "name")))
        assert info.value.code == "table_columns"
        assert "parent_code" in info.value.message

    @pytest.mark.parametrize(
        ("name", "data", "code"),
        [
            ("t.csv", b"", "table_empty"),
            ("t.txt", b"code,name,parent_code\n", "table_type"),
            ("t.xlsx", b"not a spreadsheet", "table_unreadable"),
            ("t.csv", b"\xff\xfe\x00\xd8\x00", "table_encoding"),
        ],
    )
    def test_unreadable_files_are_refused_with_a_code(self, name, data, code):
        with pytest.raises(Invalid) as info:
            read(name, data)
        assert info.value.code == code

    def test_the_reader_library_s_words_do_not_reach_the_user(self):
        def message(language):
            with translation.override(language), pytest.raises(Invalid) as info:
                read("t.xlsx", b"not a spreadsheet")
            return info.value.message

        english, chinese = message("en"), message("zh-hans")
        assert "detect" not in english.lower() and "format" not in english.lower()
        assert chinese != english
        assert not any(character.isascii() and character.isalpha() for character in chinese)

    def test_gb18030_csv_is_read(self):
        rows = read("t.csv", csv_bytes(TABLE[:1]).decode().encode("gb18030"))
        assert rows[0].values == {"code": "630000000000", "name": "青海省", "parent_code": ""}
        assert rows[0].line == 2

    def test_too_many_rows_are_refused(self):
        with pytest.raises(Invalid) as info:
            read_table(name="t.csv", data=csv_bytes(TABLE), columns=DIVISION_COLUMNS, max_rows=3)
        assert info.value.code == "table_too_long"


@pytest.mark.django_db
class TestImportDivisionsCommand:
    def test_it_imports_a_file(self, tmp_path):
        path = tmp_path / "divisions.xlsx"
        path.write_bytes(xlsx_bytes(TABLE))
        stdout = io.StringIO()
        call_command("import_divisions", str(path), vintage=VINTAGE, stdout=stdout)
        assert stdout.getvalue().split()[0] == str(len(TABLE))
        assert_tree_matches_table()
        assert import_events() == 1

    def test_it_prints_each_error_by_line_and_fails(self, tmp_path):
        path = tmp_path / "divisions.csv"
        path.write_bytes(csv_bytes(BAD_TABLE))
        stderr = io.StringIO()
        with pytest.raises(CommandError):
            call_command("import_divisions", str(path), vintage=VINTAGE, stderr=stderr)
        printed = stderr.getvalue().splitlines()
        assert [line.split(":")[0] for line in printed] == [
            f"line {line}, {column}" for line, column in BAD_ERRORS
        ]
        assert Division.objects.count() == 0

    def test_it_fails_on_missing_columns(self, tmp_path):
        path = tmp_path / "divisions.csv"
        path.write_bytes(csv_bytes(TABLE, header=("code", "name", "上级")))
        with pytest.raises(CommandError):
            call_command("import_divisions", str(path), vintage=VINTAGE)
        assert Division.objects.count() == 0

    def test_it_fails_on_a_missing_file(self, tmp_path):
        with pytest.raises(CommandError):
            call_command("import_divisions", str(tmp_path / "nope.csv"), vintage=VINTAGE)
