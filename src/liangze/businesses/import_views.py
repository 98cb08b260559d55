"""The registry's export pages (the import's pages are the engine's, mounted in
import_urls.py)."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from liangze.accounts.access import is_office_or_admin
from liangze.audit.services import access_refuse
from liangze.businesses import exports
from liangze.businesses.forms import BusinessFilterForm
from liangze.businesses.import_selectors import export_businesses
from liangze.businesses.imports import BUSINESS_EXPORT
from liangze.core.errors import Forbidden, NotFound
from liangze.files.responses import stored_file_response
from liangze.imports import selectors
from liangze.imports.views import XLSX, job_of_kind
from liangze.regions.selectors import division_list


def _require_export(viewer) -> None:
    if not is_office_or_admin(viewer):
        raise access_refuse(
            Forbidden(
                code="business_export_forbidden",
                message=_("Only food safety office staff export the business registry."),
            ),
            viewer=viewer,
            target_type="imports",
        )


@login_required
@require_GET
def export(request):
    """The filtered registry list as .xlsx: at once up to EXPORT_DIRECT_LIMIT rows, else as a
    job whose page links the file. Same filters as the list page."""
    viewer = request.user
    _require_export(viewer)
    form = BusinessFilterForm(request.GET, divisions=division_list(viewer=viewer))
    if not form.is_valid():
        messages.error(request, _("The filters are not valid; nothing was exported."))
        return redirect("businesses:list")
    filters = form.filters()
    count = export_businesses(viewer=viewer, **filters).count()
    if count > exports.EXPORT_DIRECT_LIMIT:
        job = exports.business_export_start(actor=viewer, filters=filters)
        return redirect("jobs:detail", job_id=job.pk)
    # At most EXPORT_DIRECT_LIMIT rows (a few hundred KB): written to a temporary file by the
    # streaming writer, then sent whole.
    with tempfile.TemporaryFile() as target:
        rows = exports.business_export_write(actor=viewer, filters=filters, target=target)
        target.seek(0)
        content = target.read()
    exports.business_export_record(actor=viewer, params=exports.export_params(filters), rows=rows)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exports.export_file_name()}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def export_file(request, job_id: int):
    """The file of the viewer's own export job."""
    job = job_of_kind(request.user, job_id, (BUSINESS_EXPORT,))
    stored = selectors.job_stored_file(job, key="file")
    if stored is None:
        raise NotFound(code="stored_file_not_found", message=_("File not found."))
    return stored_file_response(stored)
