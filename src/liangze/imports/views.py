"""Pages of the import engine, for any registered spec: the upload, the template, the commit and
the bad-rows report. The check and write jobs are watched on the jobs app's page, which asks
`job_page_context` for what to show beside the progress. An entity mounts them with
urls.import_urlpatterns(spec_name)."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liangze.audit.services import access_refuse
from liangze.core.errors import DomainError, Forbidden, Invalid, NotFound
from liangze.files.responses import stored_file_response
from liangze.imports import selectors, services
from liangze.imports.forms import ImportCommitForm, ImportUploadForm
from liangze.imports.models import TableImport
from liangze.imports.specs import ImportSpec, header, import_spec, import_spec_of_kind
from liangze.imports.workbooks import write_template
from liangze.jobs.models import Job
from liangze.jobs.selectors import access_job_by_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_import(viewer, spec: ImportSpec) -> None:
    """Refuse (and audit) a viewer who may not import the spec's entity."""
    if not spec.can_import(viewer):
        raise access_refuse(
            Forbidden(code=spec.refused_code, message=str(spec.refused_message)),
            viewer=viewer,
            target_type="imports",
        )


def job_of_kind(viewer, job_id: int, kinds) -> Job:
    """The viewer's job of one of `kinds`; any other answers as missing."""
    job = access_job_by_id(viewer, job_id)
    if job.kind not in kinds:
        raise NotFound(code="job_not_found", message=_("Job not found."))
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request, spec: str):
    spec = import_spec(spec)
    require_import(request.user, spec)
    form = ImportUploadForm(request.POST or None, request.FILES or None, label=spec.label)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.table_import_start(
                actor=request.user, spec=spec, upload=form.cleaned_data["file"]
            )
        except Invalid as exc:
            form.add_error("file" if "file" in exc.fields else None, exc.message)
        else:
            return redirect("jobs:detail", job_id=job.pk)
    context = {"form": form, "spec": spec}
    if spec.start_context is not None:
        context.update(spec.start_context(request.user))
    return render(request, spec.start_template, context)


@login_required
@require_GET
def import_template(request, spec: str):
    """The template in the viewer's language, with the drop-downs of what they may enter."""
    spec = import_spec(spec)
    require_import(request.user, spec)
    language = get_language()
    buffer = io.BytesIO()
    write_template(
        buffer, spec=spec, parts=spec.template(request.user, language), language=language
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{spec.template_file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def import_commit(request, job_id: int, spec: str):
    spec = import_spec(spec)
    check_job = job_of_kind(request.user, job_id, (spec.check_kind,))
    form = ImportCommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how to import."))
        return redirect("jobs:detail", job_id=check_job.pk)
    try:
        write_job = services.table_import_commit(
            actor=request.user, check_job=check_job, mode=form.cleaned_data["mode"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("jobs:detail", job_id=check_job.pk)
    return redirect("jobs:detail", job_id=write_job.pk)


@login_required
@require_GET
def import_bad_rows(request, job_id: int, spec: str):
    """The bad-rows report of the viewer's own check job."""
    spec = import_spec(spec)
    job = job_of_kind(request.user, job_id, (spec.check_kind,))
    stored = selectors.job_stored_file(job, key="bad_rows_file")
    if stored is None:
        raise NotFound(code="stored_file_not_found", message=_("File not found."))
    return stored_file_response(stored)


def job_page_context(request, job: Job) -> dict:
    """What the job page shows of an import or export job (jobs.views.job_detail asks)."""
    spec = import_spec_of_kind(job.kind)
    if spec is None:
        return {}
    context: dict = {"spec": spec}
    if spec.result_template:
        context["result_template"] = spec.result_template
    if job.kind in (spec.check_kind, spec.write_kind):
        record = selectors.table_import_of(job)
        context["table_import"] = record
        if job.kind == spec.check_kind and job.status == Job.Status.SUCCEEDED:
            by_key = {column.key: column for column in spec.columns}
            context["import_errors"] = [
                (error["line"], header(by_key[error["column"]]), error["message"])
                if error.get("column") in by_key
                else (error["line"], error.get("column", ""), error["message"])
                for error in job.result.get("errors", [])
            ]
            context["can_commit"] = bool(
                record is not None
                and (record.write_job_id is None or record.write_job.status == Job.Status.FAILED)
                and job.created_by_id == request.user.pk
                and job.result.get("valid", 0)
            )
            context["modes"] = TableImport.Mode
    return context
