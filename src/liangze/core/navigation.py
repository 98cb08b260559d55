"""The main menu, filled by the apps that own the pages.

Core names no domain app: each app registers its entries from its `AppConfig.ready()`, with the
question that decides who sees them. Hiding an entry is courtesy; every view checks again.
See docs/architecture.md#layers.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    """`visible(user)` is asked for a logged-in user only; `order` places the entry."""

    key: str
    order: int
    url_name: str
    label: str | Promise
    visible: Callable[[object], bool] | None = None


_ITEMS: dict[str, NavItem] = {}


def nav_item_register(item: NavItem) -> NavItem:
    """Add an entry; the same entry twice is harmless, two under one key are refused."""
    known = _ITEMS.get(item.key)
    if known is not None and known != item:
        raise ValueError(f"menu entry {item.key!r} is already registered as {known!r}")
    _ITEMS[item.key] = item
    return item


def nav_items_for(user) -> list[tuple[str, str, str]]:
    """(key, url, label) of the entries the user sees, in order."""
    if user is None or not user.is_authenticated:
        return []
    return [
        (item.key, reverse(item.url_name), item.label)
        for item in sorted(_ITEMS.values(), key=lambda item: (item.order, item.key))
        if item.visible is None or item.visible(user)
    ]
