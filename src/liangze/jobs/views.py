from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden, Invalid
from liangze.jobs import services
from liangze.jobs.access import can_import_divisions
from liangze.jobs.forms import DivisionImportForm
from liangze.jobs.models import Job
from liangze.jobs.selectors import access_job_by_id, job_list, job_progress

# Bad rows listed on the job page; the API returns all of them.
ERRORS_SHOWN = 1000
# Kinds whose page shows more than progress and errors: the owning app's `f(request, job)` adds
# to the context, naming in "result_template" what the status fragment includes.
JOB_PAGE_CONTEXT = {
    Job.Kind.BUSINESS_IMPORT_CHECK: "liangze.imports.views.job_page_context",
    Job.Kind.BUSINESS_IMPORT_WRITE: "liangze.imports.views.job_page_context",
    Job.Kind.BUSINESS_EXPORT: "liangze.imports.views.job_page_context",
}


@login_required
@require_GET
def job_list_page(request):
    page = Paginator(job_list(viewer=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page})


@login_required
@require_GET
@never_cache
def job_detail(request, job_id: int):
    """The job's page; for htmx (the poll every second while it runs), only its status fragment,
    which stops polling once the job has finished."""
    job = access_job_by_id(request.user, job_id)
    errors = job.result.get("errors", []) if job.status == Job.Status.FAILED else []
    context = {
        "job": job,
        "progress": job_progress(job),
        "errors": errors[:ERRORS_SHOWN],
        "errors_hidden": max(len(errors) - ERRORS_SHOWN, 0),
    }
    if job.kind in JOB_PAGE_CONTEXT:
        context.update(import_string(JOB_PAGE_CONTEXT[job.kind])(request, job))
    template = "jobs/job_detail.html#status" if request.htmx else "jobs/job_detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def division_import(request):
    if not can_import_divisions(request.user):
        raise access_refuse(
            Forbidden(
                code="division_import_forbidden",
                message=_("Only platform administrators import the division table."),
            ),
            viewer=request.user,
            target_type="regions.division",
        )
    form = DivisionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.division_import_start(
                actor=request.user,
                upload=form.cleaned_data["file"],
                vintage=form.cleaned_data["vintage"],
            )
        except Invalid as exc:
            for field, message in exc.fields.items():
                form.add_error(field if field in form.fields else None, message)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            return redirect("jobs:detail", job_id=job.pk)
    return render(request, "jobs/division_import.html", {"form": form})
