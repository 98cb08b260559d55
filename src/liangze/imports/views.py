"""Pages of the business import and export. The check, write and export jobs are watched on the
jobs app's page, which asks `job_page_context` for what to show beside the progress."""

import io
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liangze.audit.services import access_refuse
from liangze.businesses.forms import BusinessFilterForm
from liangze.core.errors import DomainError, Forbidden, Invalid, NotFound
from liangze.files.responses import stored_file_response
from liangze.imports import kinds, selectors, services
from liangze.imports.access import is_office_or_admin
from liangze.imports.columns import BY_KEY, header
from liangze.imports.forms import ImportCommitForm, ImportUploadForm
from liangze.imports.models import BusinessImport
from liangze.imports.workbooks import DIVISION_LIST_CAP, DivisionEntry, write_template
from liangze.jobs.models import Job
from liangze.jobs.selectors import access_job_by_id
from liangze.regions.selectors import division_list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_KINDS = (kinds.BUSINESS_IMPORT_CHECK, kinds.BUSINESS_IMPORT_WRITE)


def _require_import(viewer) -> None:
    if not is_office_or_admin(viewer):
        raise access_refuse(
            Forbidden(
                code="business_import_forbidden",
                message=_("Only food safety office staff import businesses."),
            ),
            viewer=viewer,
            target_type="imports",
        )


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


def _job_of_kind(viewer, job_id: int, kinds) -> Job:
    """The viewer's job of one of `kinds`; any other answers as missing."""
    job = access_job_by_id(viewer, job_id)
    if job.kind not in kinds:
        raise access_refuse(
            NotFound(code="job_not_found", message=_("Job not found.")),
            viewer=viewer,
            target_type="jobs.job",
            target_id=job_id,
        )
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    _require_import(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.business_import_start(
                actor=request.user, upload=form.cleaned_data["file"]
            )
        except Invalid as exc:
            form.add_error("file" if "file" in exc.fields else None, exc.message)
        else:
            return redirect("jobs:detail", job_id=job.pk)
    context = {"form": form, "can_export": is_office_or_admin(request.user)}
    return render(request, "imports/import_start.html", context)


@login_required
@require_GET
def import_template(request):
    """The template in the viewer's language, with the townships and villages they keep."""
    _require_import(request.user)
    entries, capped = selectors.template_divisions(viewer=request.user, cap=DIVISION_LIST_CAP)
    buffer = io.BytesIO()
    write_template(
        buffer,
        divisions=[DivisionEntry(code=code, name=name) for code, name in entries],
        divisions_capped=capped,
        language=get_language(),
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="business-import-template.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def import_commit(request, job_id: int):
    check_job = _job_of_kind(request.user, job_id, (kinds.BUSINESS_IMPORT_CHECK,))
    form = ImportCommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how to import."))
        return redirect("jobs:detail", job_id=check_job.pk)
    try:
        write_job = services.business_import_commit(
            actor=request.user, check_job=check_job, mode=form.cleaned_data["mode"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("jobs:detail", job_id=check_job.pk)
    return redirect("jobs:detail", job_id=write_job.pk)


@login_required
@require_GET
def import_bad_rows(request, job_id: int):
    """The bad-rows report of the viewer's own check job."""
    job = _job_of_kind(request.user, job_id, (kinds.BUSINESS_IMPORT_CHECK,))
    stored = selectors.job_stored_file(job, key="bad_rows_file")
    if stored is None:
        raise NotFound(code="stored_file_not_found", message=_("File not found."))
    return stored_file_response(stored)


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
    count = selectors.export_businesses(viewer=viewer, **filters).count()
    if count > services.EXPORT_DIRECT_LIMIT:
        job = services.business_export_start(actor=viewer, filters=filters)
        return redirect("jobs:detail", job_id=job.pk)
    # At most EXPORT_DIRECT_LIMIT rows (a few hundred KB): written to a temporary file by the
    # streaming writer, then sent whole.
    with tempfile.TemporaryFile() as target:
        rows = services.business_export_write(actor=viewer, filters=filters, target=target)
        target.seek(0)
        content = target.read()
    services.business_export_record(actor=viewer, params=services.export_params(filters), rows=rows)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{services.export_file_name()}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def export_file(request, job_id: int):
    """The file of the viewer's own export job."""
    job = _job_of_kind(request.user, job_id, (kinds.BUSINESS_EXPORT,))
    stored = selectors.job_stored_file(job, key="file")
    if stored is None:
        raise NotFound(code="stored_file_not_found", message=_("File not found."))
    return stored_file_response(stored)


def job_page_context(request, job: Job) -> dict:
    """What the job page shows of an import or export job (jobs.views.job_detail asks)."""
    context: dict = {"result_template": "imports/job_result.html"}
    if job.kind in IMPORT_KINDS:
        record = selectors.business_import_of(job)
        context["business_import"] = record
        if job.kind == kinds.BUSINESS_IMPORT_CHECK and job.status == Job.Status.SUCCEEDED:
            context["import_errors"] = [
                (error["line"], header(BY_KEY[error["column"]]), error["message"])
                if error.get("column") in BY_KEY
                else (error["line"], error.get("column", ""), error["message"])
                for error in job.result.get("errors", [])
            ]
            context["can_commit"] = bool(
                record is not None
                and (record.write_job_id is None or record.write_job.status == Job.Status.FAILED)
                and job.created_by_id == request.user.pk
                and job.result.get("valid", 0)
            )
            context["modes"] = BusinessImport.Mode
    return context
