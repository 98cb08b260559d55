"""regions.codes: one validator for division codes (docs/domain.md §3.3)."""

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from liangze.regions.codes import is_parent_code, level_of_code, normalise_division_code
from liangze.regions.models import Level

TWELVE_DIGITS = re.compile(r"\A[0-9]{12}\Z")


class TestNormaliseDivisionCode:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("63", "630000000000"),
            ("6328", "632800000000"),
            ("632801", "632801000000"),
            ("632801100", "632801100000"),
            ("632801100200", "632801100200"),
            (" 632801 ", "632801000000"),
            ("632801.0", "632801000000"),  # a code typed into a spreadsheet number cell
            (632801, "632801000000"),
        ],
    )
    def test_it_pads_every_accepted_form_to_twelve_digits(self, raw, expected):
        assert normalise_division_code(raw) == expected

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("", "division_code_format"),
            (None, "division_code_format"),
            ("6", "division_code_format"),
            ("63280", "division_code_format"),
            ("6328011", "division_code_format"),
            ("6328011002001", "division_code_format"),
            ("63280a", "division_code_format"),
            ("632-801", "division_code_format"),
            ("６３２８０１", "division_code_format"),  # full-width digits
            ("63280\n.0", "division_code_format"),  # '$' would match before the newline
            ("632801.5", "division_code_format"),
            ("001234", "division_code_province"),
            ("000000000000", "division_code_province"),
        ],
    )
    def test_it_refuses_anything_else_with_a_code(self, raw, code):
        with pytest.raises(ValidationError) as info:
            normalise_division_code(raw)
        assert info.value.code == code

    @given(
        st.one_of(
            st.text(),
            st.text(alphabet="0123456789.\n ０６", max_size=14),
            st.integers(),
            st.from_regex(r"\A[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?(\.0)?\Z"),
        )
    )
    @example("63280\n.0")
    def test_it_yields_a_twelve_digit_code_or_validation_error_for_any_input(self, raw):
        try:
            code = normalise_division_code(raw)
        except ValidationError as exc:
            assert exc.code in {"division_code_format", "division_code_province"}
            return
        assert TWELVE_DIGITS.match(code), code
        assert code[:2] != "00"
        assert normalise_division_code(code) == code


class TestLevelOfCode:
    @pytest.mark.parametrize(
        ("code", "level"),
        [
            ("630000000000", Level.PROVINCE),
            ("632800000000", Level.CITY),
            ("632801000000", Level.COUNTY),
            ("632801100000", Level.TOWNSHIP),
            ("632801100200", Level.VILLAGE),
            ("632801000001", Level.VILLAGE),
        ],
    )
    def test_it_reads_the_level_from_the_zero_parts(self, code, level):
        assert level_of_code(code) == level


class TestIsParentCode:
    @pytest.mark.parametrize(
        ("parent", "child"),
        [
            ("630000000000", "632800000000"),
            ("632800000000", "632801000000"),
            ("632801000000", "632801100000"),
            ("632801100000", "632801100200"),
        ],
    )
    def test_it_accepts_one_level_up_with_a_matching_prefix(self, parent, child):
        assert is_parent_code(parent, child)

    @pytest.mark.parametrize(
        ("parent", "child"),
        [
            ("630000000000", "632801000000"),  # two levels up
            ("632800000000", "632800000000"),  # itself
            ("632801000000", "632800000000"),  # upside down
            ("620000000000", "632800000000"),  # another province
            ("632801000000", "632802100000"),  # the neighbour county's township
            ("632801100000", "632801101200"),  # the next township's village
        ],
    )
    def test_it_refuses_wrong_level_or_prefix(self, parent, child):
        assert not is_parent_code(parent, child)

    @given(st.from_regex(r"\A[1-9][0-9]{11}\Z"))
    def test_the_code_truncated_one_level_is_its_parent(self, raw):
        code = normalise_division_code(raw)
        level = level_of_code(code)
        if level == Level.PROVINCE:
            return
        keep = {Level.CITY: 2, Level.COUNTY: 4, Level.TOWNSHIP: 6, Level.VILLAGE: 9}[level]
        parent = code[:keep].ljust(12, "0")
        # A skipped level (e.g. county part 00) makes the truncation two levels up: not a parent.
        expected = list(Level).index(level_of_code(parent)) == list(Level).index(level) - 1
        assert is_parent_code(parent, code) is expected
