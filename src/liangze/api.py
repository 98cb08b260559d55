"""The JSON API under /api/v1: mounts every app's router and maps errors to one shape,
{"code", "message", "fields"}, with the message in the request's language."""

import json

from django.conf import settings
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from liangze.accounts.api_auth import BearerTokenAuth, SessionAuth
from liangze.core.errors import DomainError
from liangze.core.schemas import ErrorOut

# Every operation may answer these, whatever it declares (docs/architecture.md#the-api): 401 no or
# a bad token, 403 a failed CSRF check or a read-only object, 404 an id that is missing or not the
# caller's, 422 input refused before the operation runs (a NUL character, a body that is not a
# JSON object, a page size above the maximum).
ERROR_STATUSES = (401, 403, 404, 422)


class BodyNotAnObject(ValueError):
    """A JSON body that parses but is not an object: every body of this API is one."""


class ObjectParser(Parser):
    def parse_body(self, request):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyNotAnObject(type(data).__name__)
        return data


class LiangzeAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The generated document, with the error answers every operation may give."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("ErrorOut", ErrorOut.model_json_schema())
        error = {
            "description": "Error: {code, message, fields}",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status in ERROR_STATUSES:
                    responses.setdefault(status, error)
        return schema


api = LiangzeAPI(
    title="Liangze API",
    version="1",
    urls_namespace="api",
    auth=[BearerTokenAuth(), SessionAuth()],
    docs_url="/docs" if settings.DEBUG else None,
    parser=ObjectParser(),
)


def _error(request, status: int, code: str, message: str, fields=None):
    return api.create_response(
        request, {"code": code, "message": str(message), "fields": fields or {}}, status=status
    )


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(AuthenticationError)
def _not_authenticated(request, exc):
    return _error(request, 401, "not_authenticated", _("Log in first (or send a valid API token)."))


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    fields = {}
    for error in exc.errors:
        location = [
            str(part)
            for part in error.get("loc", [])
            if part not in ("body", "query", "path", "payload")
        ]
        fields[".".join(location) or "input"] = str(error.get("msg", ""))
    return _error(request, 422, "invalid_input", _("The input is not valid."), fields)


@api.exception_handler(DataError)
def _database_refused(request, exc):
    # e.g. a NUL character in a JSON string, which PostgreSQL cannot store or compare.
    return _error(
        request,
        422,
        "invalid_input",
        _("The input holds characters or values that cannot be stored."),
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # ninja raises HttpError in two places: an unparsable body (400) and a failed CSRF check (403).
    if exc.status_code == 400 and isinstance(exc.__cause__, BodyNotAnObject):
        return _error(
            request,
            422,
            "invalid_input",
            _("The request body must be a JSON object."),
            {"body": _("The request body must be a JSON object.")},
        )
    if exc.status_code == 400:
        return _error(
            request,
            422,
            "invalid_input",
            _("The request body is not valid JSON."),
            {"body": str(exc)},
        )
    if exc.status_code == 403 and "CSRF" in str(exc):
        return _error(
            request, 403, "csrf_failed", _("The CSRF check failed: reload the page and try again.")
        )
    return _error(request, exc.status_code, "http_error", str(exc))


api.add_router("/me", "liangze.accounts.api.me_router")
api.add_router("/accounts", "liangze.accounts.api.router")
# Before /divisions, whose /divisions/{division_id} would otherwise take "import".
api.add_router("/divisions/import", "liangze.regions.api.division_import_router")
api.add_router("/divisions", "liangze.regions.api.router")
api.add_router("/audit", "liangze.audit.api.router")
api.add_router("/files", "liangze.files.api.router")
api.add_router("/jobs", "liangze.jobs.api.router")
# Before /businesses, whose /businesses/{business_id} would otherwise take "import" and "export".
api.add_router("/businesses/import", "liangze.businesses.import_api.import_router")
api.add_router("/businesses/export", "liangze.businesses.import_api.export_router")
api.add_router("/businesses", "liangze.businesses.api.router")
api.add_router("/register/import", "liangze.businesses.register_api.import_router")
api.add_router("/register", "liangze.businesses.register_api.router")
# Before /officials and /assignments, whose /{id} routes would otherwise take "import".
api.add_router("/officials/import", "liangze.officials.import_api.official_import_router")
api.add_router("/assignments/import", "liangze.officials.import_api.assignment_import_router")
api.add_router("/officials", "liangze.officials.api.router")
api.add_router("/assignments", "liangze.officials.api.assignment_router")
api.add_router("/covering-rules", "liangze.officials.api.covering_rule_router")
api.add_router("/documents", "liangze.officials.documents.api.router")
api.add_router("/figures", "liangze.dashboards.api.router")
api.add_router("/visits", "liangze.visits.api.router")
api.add_router("/checklist-items", "liangze.visits.checklist_api.router")
api.add_router("/problems", "liangze.rectification.api.router")
api.add_router("/loop-rules", "liangze.rectification.api.loop_rule_router")
api.add_router("/notifications", "liangze.notifications.api.router")
api.add_router("/enterprise", "liangze.enterprise.api.router")
