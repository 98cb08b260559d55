from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from liangze.core.errors import Invalid
from liangze.regions import services
from liangze.regions.access import can_import_divisions, refuse_division_import
from liangze.regions.forms import DivisionImportForm
from liangze.regions.selectors import (
    access_division_by_id,
    division_ancestors,
    division_children,
    division_label,
    division_list,
    division_roots,
)


@login_required
@require_GET
def division_tree(request):
    context = {
        "divisions": division_roots(viewer=request.user),
        "can_import_divisions": can_import_divisions(request.user),
    }
    return render(request, "regions/division_tree.html", context)


@login_required
@require_GET
def division_detail(request, division_id: int):
    division = access_division_by_id(request.user, division_id)
    context = {
        "division": division,
        "ancestors": division_ancestors(division),
        "children": division_children(viewer=request.user, parent=division),
    }
    return render(request, "regions/division_detail.html", context)


@login_required
@require_GET
def division_picker_options(request):
    """Options for the division picker: the viewer's divisions matching ?<field>_search=."""
    field = request.GET.get("field", "division")
    search = request.GET.get(f"{field}_search", "").strip()[:50]
    divisions = list(division_list(viewer=request.user, search=search)[:50])
    for division in divisions:
        division.indented_label = division_label(division)
    return render(request, "regions/picker_options.html", {"divisions": divisions})


@login_required
@require_http_methods(["GET", "POST"])
def division_import(request):
    if not can_import_divisions(request.user):
        refuse_division_import(request.user)
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
    return render(request, "regions/division_import.html", {"form": form})


def division_import_job_context(request, job) -> dict:
    """What the job page shows of a division import (registered in apps.py)."""
    return {"result_template": "regions/division_import_job.html"}
