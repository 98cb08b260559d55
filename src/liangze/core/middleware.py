import re
import uuid

from liangze.core.context import RequestContext, reset_request_context, set_request_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request) -> str | None:
    # Behind a proxy, configure it to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips);
    # X-Forwarded-For from the client is never trusted here.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when well-formed) and records the IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = set_request_context(RequestContext(request_id=request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            reset_request_context(token)
        response["X-Request-ID"] = request_id
        return response


class DomainErrorMiddleware:
    """Pages raise NotFound/Forbidden from access_* helpers; this renders the matching error page.

    The API maps the same errors to JSON in liangze/api.py.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from liangze.core.errors import DomainError, NotAuthenticated

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotAuthenticated):
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        template = {403: "403.html", 404: "404.html"}.get(exception.status, "400.html")
        return render(request, template, {"message": exception.message}, status=exception.status)


class RejectNullCharactersMiddleware:
    """A NUL character in a query parameter or a JSON string is never meaningful, SQLite would
    store it and PostgreSQL refuses it: refuse it before it reaches a filter or a row, the same
    on both databases; the API answers 422 in its error shape, pages 400. (Django's form fields
    already refuse it in posted forms.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._has_nul(request):
            return self.get_response(request)
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        from liangze.core.views import bad_request

        if request.path.startswith("/api/"):
            message = _("The request contains a NUL character.")
            return JsonResponse(
                {"code": "invalid_input", "message": message, "fields": {}}, status=422
            )
        return bad_request(request)

    @staticmethod
    def _has_nul(request) -> bool:
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
        # JSON writes NUL as \u0000; SQLite would store it and PostgreSQL refuse it.
        return request.content_type == "application/json" and b"\\u0000" in request.body
