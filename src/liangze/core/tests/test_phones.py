"""core.phones: any text becomes an E.164 number (or a service number, or '') or a ValidationError."""

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from liangze.core.phones import mask_phone, normalise_phone

E164_OR_SERVICE = re.compile(r"\A(\+86[0-9]{9,11}|12345|12315|)\Z")


class TestNormalisePhone:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("13800000000", "+8613800000000"),
            ("138 0000 0000", "+8613800000000"),
            ("138-0000-0000", "+8613800000000"),
            ("+86 13800000000", "+8613800000000"),
            ("+86 138 0000 0000", "+8613800000000"),
            ("0979-8412345", "+869798412345"),
            ("（0979）84123456", "+8697984123456"),
            ("(010) 1234-5678", "+861012345678"),
            ("021 12345678", "+862112345678"),
            ("+86 979 8412345", "+869798412345"),
            ("+86 10 1234 5678", "+861012345678"),  # Beijing: +86 10… is a landline
            ("12345", "12345"),
            ("12315", "12315"),
            ("", ""),
            ("   ", ""),
            (None, ""),
        ],
    )
    def test_it_normalises_mobiles_landlines_and_service_numbers(self, raw, expected):
        assert normalise_phone(raw) == expected

    @pytest.mark.parametrize(
        "raw",
        [
            "12800000000",  # a mobile's second digit is 3–9
            "1380000000",  # 10 digits
            "138000000000",  # 12 digits
            "0979-841234",  # 6-digit local number
            "09798412345678",  # too long
            "8613800000000",  # country code without '+'
            "+1 202 555 0123",
            "12306",  # not one of the two service numbers
            "phone",
            "１３８００００００００",  # full-width digits are not E.164
            "13８00000000",
            "138\n00000000x",
        ],
    )
    def test_it_refuses_anything_else(self, raw):
        with pytest.raises(ValidationError) as info:
            normalise_phone(raw)
        assert info.value.code == "phone_format"

    @given(
        st.one_of(
            st.text(),
            st.text(alphabet="0123456789+-() （）１３８", max_size=20),
            st.from_regex(r"\A(\+86 ?)?1[3-9][0-9]{9}\Z"),
            st.from_regex(r"\A(\+86 ?)?0?(10|2[0-9]|[3-9][0-9]{2})-?[0-9]{7,8}\Z"),
        )
    )
    @example("+861012345678")
    def test_it_yields_e164_or_validation_error_for_any_text(self, raw):
        try:
            phone = normalise_phone(raw)
        except ValidationError as exc:
            assert exc.code == "phone_format"
            return
        assert E164_OR_SERVICE.match(phone), phone
        assert normalise_phone(phone) == phone  # a stored value validates again unchanged


class TestMaskPhone:
    @pytest.mark.parametrize(
        ("e164", "masked"),
        [
            ("+8613812345678", "138****5678"),
            ("+869798412345", "979***2345"),
            ("+861012345678", "101***5678"),
            ("12345", "12345"),
            ("", ""),
        ],
    )
    def test_it_hides_the_middle_digits(self, e164, masked):
        assert mask_phone(e164) == masked

    @given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
    def test_it_keeps_only_the_first_three_and_last_four_of_a_mobile(self, mobile):
        masked = mask_phone(normalise_phone(mobile))
        assert masked == mobile[:3] + "****" + mobile[-4:]
