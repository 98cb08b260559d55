"""Who may do what with the division tree."""

from django.utils.translation import gettext as _

from liangze.audit.services import access_denied_record
from liangze.core.errors import Forbidden
from liangze.core.scoping import sees_everything


def can_import_divisions(viewer) -> bool:
    """The division tree is the platform's, so only platform administrators replace it."""
    return sees_everything(viewer)


def refuse_division_import(viewer) -> None:
    """The one refusal of the division import, page and API alike: recorded, then raised."""
    access_denied_record(
        viewer=viewer,
        code="division_import_forbidden",
        target_type="regions.division",
        target_id="",
    )
    raise Forbidden(
        code="division_import_forbidden",
        message=_("Only platform administrators import the division table."),
    )
