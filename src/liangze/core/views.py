from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request):
    """200 when the database answers; 503 otherwise. Reveals nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request: context processors may need the database that just failed.
    return HttpResponseServerError(loader.render_to_string("500.html"))


def render_list(request, template: str, context: dict):
    """A filtered list page, or only its `#rows` partial for an htmx request (the filters'
    live search). The response varies on HX-Request, so a cache keeps the two apart."""
    response = render(request, f"{template}#rows" if request.htmx else template, context)
    response["Vary"] = "HX-Request"
    return response
