import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from liangze.businesses.codes import (
    USCC_ALPHABET,
    check_uscc,
    normalise_license,
    uscc_check_digit,
    uscc_is_valid,
    validate_uscc,
)

# Real codes from government pages (docs/domain.md §3.1).
VALID = ["11500236MB1822153Y", "11230225MB04777572", "11120000MB1671009Y"]


class TestUscc:
    @pytest.mark.parametrize("code", VALID)
    def test_it_accepts_real_codes(self, code):
        assert validate_uscc(code).code == code

    def test_it_normalises_case_and_spaces(self):
        assert validate_uscc(" 11500236mb1822153y ").code == "11500236MB1822153Y"

    @pytest.mark.parametrize(
        ("code", "error"),
        [
            ("11500236MB1822153X", "uscc_check_digit"),  # check should be Y
            ("91500236MB1822153Y", "uscc_check_digit"),  # check should be N
            ("11500236MB1822I53Y", "uscc_alphabet"),  # I is not allowed
            ("11230225MB0477757", "uscc_length"),  # 17 characters
        ],
    )
    def test_it_rejects_invalid_codes(self, code, error):
        with pytest.raises(ValidationError) as caught:
            validate_uscc(code)
        assert caught.value.code == error

    @pytest.mark.parametrize("code", ["11500236MB1822153X", "91500236MB1822153Y"])
    @pytest.mark.parametrize("language", ["zh-hans", "en"])
    def test_a_failed_check_does_not_point_at_the_last_character(self, code, language):
        """Naming the "right" check character invites changing it, storing a wrong code when
        the typo is elsewhere; the message says any character may be wrong."""
        with translation.override(language), pytest.raises(ValidationError) as caught:
            validate_uscc(code)
        assert caught.value.code == "uscc_check_digit"
        assert not caught.value.params
        message = caught.value.messages[0]
        assert uscc_check_digit(code[:17]) not in message
        assert "18" in message  # any of the 18 characters

    def test_the_expected_check_digit_is_computed_as_the_standard_says(self):
        assert uscc_check_digit("91500236MB1822153") == "N"

    def test_a_pilot_code_passes_only_with_the_override_and_is_flagged(self):
        with pytest.raises(ValidationError):
            validate_uscc("91350100M0001TGQXM")
        result = validate_uscc("91350100M0001TGQXM", allow_pilot=True)
        assert result.check_digit_ok is False

    def test_it_reports_the_organisation_code_check_as_a_warning(self):
        # MB182215 has organisation check 3 (3·22+7·11+9·1+10·8+5·2+8·2+4·1+2·5 = 272; 11 − 272 mod 11 = 3).
        assert check_uscc("11500236MB1822153Y").org_code_ok is True
        spoiled = "11500236MB1822154"
        result = check_uscc(spoiled + uscc_check_digit(spoiled))
        assert result.check_digit_ok is True
        assert result.org_code_ok is False

    @given(st.text(max_size=30))
    def test_any_text_is_a_result_or_a_validation_error(self, text):
        try:
            result = check_uscc(text)
        except ValidationError:
            return
        assert len(result.code) == 18

    @given(
        st.text(alphabet=USCC_ALPHABET, min_size=2, max_size=2),
        st.text(alphabet="0123456789", min_size=6, max_size=6),
        st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
    )
    def test_a_code_completed_with_its_check_digit_is_valid_and_any_other_digit_is_not(
        self, head, area, body
    ):
        first17 = head + area + body
        good = first17 + uscc_check_digit(first17)
        assert validate_uscc(good).check_digit_ok
        for wrong in USCC_ALPHABET:
            if wrong != good[-1]:
                assert check_uscc(first17 + wrong).check_digit_ok is False

    @given(
        st.one_of(
            st.text(max_size=20),
            st.tuples(
                st.text(alphabet=USCC_ALPHABET, min_size=2, max_size=2),
                st.text(alphabet="0123456789", min_size=6, max_size=6),
                st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
            )
            .map("".join)
            .flatmap(
                lambda body: st.sampled_from(
                    [body + uscc_check_digit(body), body + "0", body.lower() + "Y"]
                )
            ),
            st.sampled_from([*VALID, "91350100M0001TGQXM", "11500236MB1822153X"]),
        )
    )
    def test_the_short_way_agrees_with_the_validator(self, text):
        """The import's shortcut accepts exactly the codes validate_uscc accepts unaided."""
        try:
            expected = validate_uscc(text).code == text
        except ValidationError:
            expected = False
        assert uscc_is_valid(text) is expected


class TestLicense:
    @pytest.mark.parametrize(
        "number", ["SC10163280100014", "JY16328010000017", " jy26328010000017 "]
    )
    def test_it_accepts_the_formats(self, number):
        assert normalise_license(number) == number.strip().upper()

    @pytest.mark.parametrize(
        "number", ["SC3016328010001", "JY46328010000017", "QS123456789012", "JY1632801000001"]
    )
    def test_it_rejects_other_formats(self, number):
        with pytest.raises(ValidationError):
            normalise_license(number)

    def test_empty_means_no_licence(self):
        assert normalise_license("  ") == ""
