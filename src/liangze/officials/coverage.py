"""What the officials app hangs on the registry (docs/architecture.md#layers): assignments
follow a business's changes inside the registry's own transaction, and the registry's pages
(detail, public page, stickers) name the covering official."""

from collections.abc import Sequence


def covering_for_registry(business_ids: Sequence[int]) -> dict:
    from liangze.businesses.hooks import CoveringOfficial
    from liangze.officials.selectors import covering_officials

    return {
        business_id: CoveringOfficial(
            name=str(official.user),
            position=official.position,
            post=official.grant.division.name,
            phone=official.phone,
        )
        for business_id, official in covering_officials(business_ids).items()
    }


def register_business_hooks() -> None:
    from liangze.businesses.hooks import register_business_hook, register_covering_provider
    from liangze.core.context_processors import register_nav_extension
    from liangze.officials.services import assignments_follow_business_change

    register_business_hook(assignments_follow_business_change)
    register_covering_provider(covering_for_registry)
    register_nav_extension(navigation_entries)


def navigation_entries(user, items: list) -> list:
    """An official's menu starts with their businesses; readers of officials get the list."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from liangze.officials.access import reads_own_only
    from liangze.officials.selectors import official_of

    keys = [key for key, _url, _label in items]
    if official_of(user) is not None:
        at = keys.index("home") + 1 if "home" in keys else 0
        items.insert(at, ("mine", reverse("officials:mine"), _("My businesses")))
        keys = [key for key, _url, _label in items]
    if not reads_own_only(user):
        at = keys.index("businesses") + 1 if "businesses" in keys else len(items)
        items.insert(at, ("officials", reverse("officials:list"), _("Officials")))
    return items
