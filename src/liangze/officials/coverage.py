"""How the assignments follow a business's changes (docs/domain.md "Business status and
coverage"): registered with the registry's hooks, run inside the registry's transaction."""


def register_business_hooks() -> None:
    from liangze.businesses.hooks import register_business_hook
    from liangze.officials.services import assignments_follow_business_change

    register_business_hook(assignments_follow_business_change)
