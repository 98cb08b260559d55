"""Writes of officials and assignments."""


def assignments_follow_business_change(event) -> None:
    """Placeholder until the rules land."""
