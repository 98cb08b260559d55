from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from liangze.regions.selectors import (
    access_division_by_id,
    division_ancestors,
    division_children,
    division_roots,
)


@login_required
@require_GET
def division_tree(request):
    return render(
        request, "regions/division_tree.html", {"divisions": division_roots(viewer=request.user)}
    )


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
