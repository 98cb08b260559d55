"""Pages of the regulator's register: the rows missing from the platform and their export
(docs/domain.md §2, "The register"). The import's pages are the engine's (register_urls.py)."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from liangze.accounts.access import is_office_or_admin
from liangze.audit.services import access_refuse
from liangze.businesses.register_imports import REGISTER_COLUMNS
from liangze.businesses.register_selectors import register_missing
from liangze.core.errors import Forbidden
from liangze.core.views import render_list
from liangze.imports.workbooks import safe_text, write_export
from liangze.regions.selectors import division_list

PAGE_SIZE = 50
# A direct download; a region with more missing rows narrows by sub-region.
EXPORT_LIMIT = 50_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _within(request):
    """(division, the id as given): a dashboard's figure links here for its region; one the
    viewer does not read narrows to nothing, as the business list does."""
    within_id = request.GET.get("within", "")
    within = None
    if within_id.isdigit():
        within = division_list(viewer=request.user).filter(pk=int(within_id)).first()
    return within, within_id


@login_required
@require_GET
def missing_list(request):
    viewer = request.user
    within, within_id = _within(request)
    q = request.GET.get("q", "")[:100]
    entries = register_missing(viewer=viewer, within=within, search=q)
    if within_id and within is None:
        entries = entries.none()
    context = {
        "page": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
        "q": q,
        "within": within,
        "within_id": within_id,
        "can_import": is_office_or_admin(viewer),
        "can_export": is_office_or_admin(viewer),
    }
    return render_list(request, "businesses/register_missing.html", context)


@login_required
@require_GET
def missing_export(request):
    """Office staff: the missing rows of their subtrees (or of `within`) as .xlsx, in the
    register template's columns, so a corrected sheet can be read back."""
    viewer = request.user
    if not is_office_or_admin(viewer):
        raise access_refuse(
            Forbidden(
                code="register_export_forbidden",
                message=_("Only food safety office staff export the register."),
            ),
            viewer=viewer,
        )
    within, within_id = _within(request)
    entries = register_missing(viewer=viewer, within=within)
    if within_id and within is None:
        entries = entries.none()
    cells = (
        [
            safe_text(entry.name),
            entry.uscc,
            entry.license_number,
            safe_text(entry.registration_number),
            entry.division.code,
            safe_text(entry.address),
        ]
        for entry in entries[:EXPORT_LIMIT]
    )
    with tempfile.TemporaryFile() as target:
        write_export(
            target,
            columns=REGISTER_COLUMNS,
            extra_headers=(),
            sheet_title=_("Missing from the platform"),
            rows=cells,
            language=get_language(),
        )
        target.seek(0)
        content = target.read()
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="register-missing.xlsx"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
