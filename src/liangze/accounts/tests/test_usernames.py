"""Usernames: letters, digits and . _ - only, refused alike by the page, the API and the service
that every path issuing accounts goes through."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from liangze.accounts import services
from liangze.accounts.models import Role, User
from liangze.accounts.validation import validate_username
from liangze.core.errors import Invalid

GOOD = ["wang.wei", "li_na-2", "张伟", "golmud01", "A.B_C-9"]
BAD = [
    "wang wei",  # space
    "wang\twei",  # control
    "wang\x00wei",
    "admin\u202egnp.exe",  # right-to-left override
    "a\u200bb",  # zero-width space
    "li\u2066na",  # bidirectional isolate
    "chef🍜",  # emoji
    "<script>",  # markup
    "a&b",
    'x"y',
    "o'brien",
    "me@example",
    "a+b",
    "ｗａｎｇ",  # full-width letters look like "wang"
    "x²",  # a superscript is no decimal digit
    "a/b",
]


@pytest.mark.parametrize("username", GOOD)
def test_it_accepts_letters_digits_and_three_marks(username):
    validate_username(username)


@pytest.mark.parametrize("username", BAD)
def test_it_refuses_anything_else(username):
    with pytest.raises(ValidationError) as info:
        validate_username(username)
    assert info.value.code == "username_characters"


@settings(deadline=None)  # a loaded test machine must not fail a pure function
@given(st.text(max_size=40))
def test_any_text_is_accepted_or_refused_with_a_validation_error(text):
    try:
        validate_username(text)
    except ValidationError:
        return
    assert all(ch.isalnum() or ch in "._-" for ch in text)


@pytest.mark.parametrize("username", BAD)
def test_the_service_refuses_it(county_staff, regions, username):
    with pytest.raises(Invalid) as info:
        services.user_create(
            actor=county_staff,
            username=username,
            display_name="新干部",
            division=regions.village,
            role=Role.OFFICIAL,
        )
    assert set(info.value.fields) == {"username"}
    assert not User.objects.filter(display_name="新干部").exists()


# A NUL never reaches the API: the request is refused before (core.middleware).
@pytest.mark.parametrize("username", [name for name in BAD if "\x00" not in name])
def test_the_api_refuses_it(client_for, county_staff, regions, username):
    response = client_for(county_staff).post(
        "/api/v1/accounts",
        {
            "username": username,
            "display_name": "新干部",
            "division_id": regions.village.pk,
            "role": Role.OFFICIAL,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "username" in response.json()["fields"]
    assert not User.objects.filter(display_name="新干部").exists()


@pytest.mark.parametrize("username", BAD)
def test_the_page_refuses_it(client_for, county_staff, regions, username):
    response = client_for(county_staff).post(
        "/accounts/new/",
        {
            "username": username,
            "display_name": "新干部",
            "division": regions.village.pk,
            "role": Role.OFFICIAL,
            "phone": "",
        },
    )
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not User.objects.filter(display_name="新干部").exists()


@pytest.mark.parametrize("username", ["wang.wei", "张伟"])
def test_the_page_and_api_accept_a_good_one(client_for, county_staff, regions, username):
    response = client_for(county_staff).post(
        "/api/v1/accounts",
        {
            "username": username,
            "display_name": "新干部",
            "division_id": regions.village.pk,
            "role": Role.OFFICIAL,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert User.objects.get(username=username).display_name == "新干部"
