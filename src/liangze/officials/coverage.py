"""What the officials app hangs on the registry (docs/architecture.md#layers): assignments
follow a business's changes inside the registry's own transaction, and the registry's pages
(detail, public page, stickers) name the covering official and the level that covers the grade."""

from collections.abc import Sequence


def covering_for_registry(business_ids: Sequence[int]) -> dict:
    """Who covers each business now: the open assignment's official, as the registry's pages
    name them. Hand-written SQL (core.sql): the public page reads it for every page it renders;
    a test holds it equal to selectors.covering_officials."""
    from liangze.businesses.hooks import CoveringOfficial
    from liangze.core.sql import fetch, placeholders

    ids = [int(pk) for pk in business_ids]
    if not ids:
        return {}
    # Values are in the parameters; the text holds placeholders only.
    rows = fetch(
        "SELECT a.business_id, u.display_name, u.username, o.position, d.name, o.phone"  # noqa: S608
        " FROM officials_assignment a"
        " JOIN officials_official o ON o.id = a.official_id"
        " JOIN accounts_user u ON u.id = o.user_id"
        " JOIN accounts_rolegrant g ON g.id = o.grant_id"
        " JOIN regions_division d ON d.id = g.division_id"
        f" WHERE a.ends_on IS NULL AND a.business_id IN ({placeholders(ids)})",
        ids,
    )
    return {
        business_id: CoveringOfficial(
            name=display_name or username, position=position, post=post, phone=phone
        )
        for business_id, display_name, username, position, post, phone in rows
    }


def uncovered_for_registry(businesses):
    """The registry's list narrowed to 应包尽包's gap: operating, no open assignment."""
    from liangze.businesses.models import BusinessStatus
    from liangze.officials.models import Assignment

    return businesses.filter(status=BusinessStatus.OPERATING).exclude(
        pk__in=Assignment.objects.filter(ends_on__isnull=True).values("business_id")
    )


def covering_level_for_registry(business) -> str | None:
    """The level its province sets for the business's grade (docs/domain.md §1.2)."""
    from liangze.officials.rules import required_level_at

    if not business.grade or business.division_id is None:
        return None
    return required_level_at(grade=business.grade, path=business.division.path)


def successors_for_registry(viewer, division) -> list[tuple[int, str]]:
    """Active officials the viewer's office may assign whose post holds `division`, the
    nearest post first (a village's own officials, then the township's, …)."""
    from django.utils.translation import gettext as _

    from liangze.core.tree import SEGMENT_WIDTH
    from liangze.officials.selectors import official_list
    from liangze.regions.models import Level

    if division is None:
        return []
    ancestors = [
        division.path[:end] for end in range(SEGMENT_WIDTH, len(division.path) + 1, SEGMENT_WIDTH)
    ]
    officials = (
        official_list(viewer=viewer)
        .filter(grant__division__path__in=ancestors)
        .select_related("user", "grant__division")
        .order_by("-grant__division__path", "user__display_name", "pk")
    )
    levels = dict(Level.choices)
    return [
        (
            official.pk,
            _("%(name)s · %(post)s (%(level)s)")
            % {
                "name": official.user,
                "post": official.grant.division.name,
                "level": levels.get(official.grant.division.level, ""),
            },
        )
        for official in officials[:200]
    ]


def register_business_hooks() -> None:
    from django.utils.translation import gettext_lazy as _

    from liangze.businesses.hooks import (
        register_business_hook,
        register_covering_level_provider,
        register_covering_provider,
        register_successor_provider,
        register_uncovered_filter,
    )
    from liangze.core.navigation import NavItem, nav_item_register
    from liangze.officials.access import reads_own_only, reads_province_rules
    from liangze.officials.figures import follow_business_change, register_measures
    from liangze.officials.selectors import official_of
    from liangze.officials.services import assignments_follow_business_change

    register_business_hook(assignments_follow_business_change)
    register_business_hook(follow_business_change)
    register_measures()
    register_covering_provider(covering_for_registry)
    register_covering_level_provider(covering_level_for_registry)
    register_successor_provider(successors_for_registry)
    register_uncovered_filter(uncovered_for_registry)
    # An official's menu starts with their businesses; readers of officials get the list.
    nav_item_register(
        NavItem(
            key="mine",
            order=5,
            url_name="officials:mine",
            label=_("My businesses"),
            visible=lambda user: official_of(user) is not None,
        )
    )
    nav_item_register(
        NavItem(
            key="covering_rules",
            order=60,
            url_name="officials:rules",
            label=_("Covering levels"),
            visible=reads_province_rules,
        )
    )
    nav_item_register(
        NavItem(
            key="officials",
            order=25,
            url_name="officials:list",
            label=_("Officials"),
            visible=lambda user: not reads_own_only(user),
        )
    )
