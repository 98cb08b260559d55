"""Helpers for tests and demo data: valid identities and a business made through the service."""

from liangze.businesses.codes import uscc_check_digit
from liangze.businesses.services import business_create


def make_uscc(serial: int, *, area: str = "632801") -> str:
    """A valid credit code for an enterprise (9 1) registered in `area`, unique per serial."""
    body = f"91{area}MA{serial:07d}"
    return body + uscc_check_digit(body)


def make_business(*, actor, division, serial: int = 1, **fields):
    values = {
        "name": f"测试餐馆{serial}",
        "uscc": make_uscc(serial),
        "business_type": "restaurant",
        "scale": "small",
        "grade": "C",
        **fields,
    }
    return business_create(actor=actor, division=division, fields=values, grade_reason="测试")
