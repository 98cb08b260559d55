"""The project's URLs plus the bare baseline view the list benchmarks compare against."""

from django.http import JsonResponse
from django.urls import path

from liangze.businesses.models import Business
from liangze.urls import urlpatterns as project_urlpatterns


def bare_json_view(request):
    """A bare Django JSON view: one page of 25 rows, no scoping, no count, no templates."""
    page = int(request.GET.get("page", "1"))
    rows = list(
        Business.objects.order_by("name", "pk").values("id", "name", "grade")[
            (page - 1) * 25 : page * 25
        ]
    )
    return JsonResponse({"items": rows})


urlpatterns = [path("bench/baseline", bare_json_view), *project_urlpatterns]
