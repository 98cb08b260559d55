"""Who may do what with the commitment letters and the three lists.

Reading: the scoping function over the holder's division; an official with no wider role reads
only their own. Writing: the food safety office whose subtree holds the holder generates,
collects (uploads signed scans), rejects and downloads; an official signs only their own letter
and task list; a province's office replaces the province's templates."""

from liangze.accounts.access import can_manage_division


def is_holder(viewer, document) -> bool:
    return (
        viewer.is_authenticated
        and document.official_id is not None
        and document.official.user_id == viewer.pk
    )


def can_sign_document(viewer, document) -> bool:
    """The official holding it, or the office collecting it."""
    return is_holder(viewer, document) or can_manage_division(viewer, document.division)


def can_reject_document(viewer, document) -> bool:
    return can_manage_division(viewer, document.division)


def can_replace_templates(viewer, province) -> bool:
    """The province's own office (and administrators): a template serves the whole province."""
    return can_manage_division(viewer, province)
