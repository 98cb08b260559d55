"""Who may start which job. Seeing a job is decided by selectors.job_list."""

from liangze.accounts.access import is_admin


def can_import_divisions(viewer) -> bool:
    """The division tree is the platform's, so only platform administrators replace it."""
    return is_admin(viewer)
