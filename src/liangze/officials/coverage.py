"""What the officials app hangs on the registry (docs/architecture.md "Layers"): assignments
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
    from liangze.officials.services import assignments_follow_business_change

    register_business_hook(assignments_follow_business_change)
    register_covering_provider(covering_for_registry)
