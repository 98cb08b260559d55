"""Helpers for tests and the benchmark: officials made through the service."""

from liangze.officials.services import official_create


def make_official(*, actor, division, serial: int = 1, **fields):
    """An official (through official_create) with the mobile 1390000xxxx for `serial`."""
    values = {"display_name": f"干部{serial}", "phone": f"1390000{serial:04d}", **fields}
    return official_create(actor=actor, division=division, **values).official
