"""Who may change businesses. Reading is decided by the scoping function alone; who keeps the
registry at all is accounts.access.is_office_or_admin."""

from liangze.accounts.access import can_manage_division


def can_edit_business(viewer, business) -> bool:
    """Office staff of the business's subtree (and administrators) keep its registry entry."""
    return can_manage_division(viewer, business.division)


def can_create_business(viewer, division) -> bool:
    """May put a business into `division` (register it there or move it there): office staff of
    a subtree holding the division, and administrators."""
    return can_manage_division(viewer, division)
