"""Who reads the figures (docs/domain.md §1.13): office staff, leaders, regulators and
administrators, each for the subtrees of their grants. Officials and business staff read their
own work elsewhere."""

from liangze.accounts.models import Role

_READERS = (Role.OFFICE_STAFF, Role.LEADER, Role.REGULATOR, Role.ADMIN)


def can_read_figures(viewer) -> bool:
    return bool(viewer.is_authenticated and viewer.has_role(*_READERS))
