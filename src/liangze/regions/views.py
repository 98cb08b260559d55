from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from liangze.accounts.access import is_admin
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
        "can_import_divisions": is_admin(request.user),
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
