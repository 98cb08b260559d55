from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from liangze.jobs.kinds import job_kind_page_context
from liangze.jobs.models import Job
from liangze.jobs.selectors import access_job_by_id, job_list, job_progress

# Bad rows listed on the job page; the API returns all of them.
ERRORS_SHOWN = 1000


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
    # What the owning app adds (jobs/kinds.py); a kind no longer registered shows the basics.
    hook = job_kind_page_context(job.kind)
    if hook is not None:
        context.update(hook(request, job))
    template = "jobs/job_detail.html#status" if request.htmx else "jobs/job_detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
