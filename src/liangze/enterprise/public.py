"""What the enterprise app gives the registry's public page (docs/domain.md §1.14)."""

from collections.abc import Sequence


def self_checks_for_public_page(business_ids: Sequence[int]) -> dict:
    from liangze.businesses.hooks import SelfCheckSummary
    from liangze.enterprise.selectors import last_self_checks

    return {
        business_id: SelfCheckSummary(last_daily_check=last, week_review_done=done)
        for business_id, (last, done) in last_self_checks(business_ids).items()
    }
