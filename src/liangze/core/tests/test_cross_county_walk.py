"""Walk every page and every API operation as each persona, filling each path parameter with an
object from a county the persona does not cover, and prove that nothing leaks, nothing is
written, and every refusal (403, 404) left its ACCESS_DENIED audit event.

Pages are discovered from the URL conf and API operations from the OpenAPI schema, so a new
endpoint is walked without touching this file. A parameter name with no factory in
core/testing/foreign.py fails the walk.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from liangze.api import api
from liangze.audit.models import AuditAction, AuditEvent
from liangze.core.testing.foreign import (
    LEAK_MARK,
    MISSING_VALUES,
    PARAM_FACTORIES,
    build_foreign_world,
)

# Personas whose jurisdiction stops at one county or below. (Province staff, prefecture officials
# and administrators legitimately see both counties.)
WALK_PERSONAS = [
    "county_staff",
    "township_staff",
    "county_official",
    "township_official",
    "village_official",
    "regulator",
    "leader",
    "business_director",
    "outsider",
    "public",
]
# Events that a refused request may still write.
NOT_WRITES = {
    AuditAction.ACCESS_DENIED,
    AuditAction.LOGIN,
    AuditAction.LOGIN_FAILED,
    AuditAction.LOGOUT,
}
REFUSED = {302, 401, 403, 404, 405, 422}
# Pages for anyone, by design: a QR sticker's page (p/<token>) shows its business to whoever holds
# the token, whatever county they are in, and takes reports without login. The walk skips them;
# businesses/tests/test_public.py checks what they show and write.
PUBLIC_ROUTE_PREFIXES = ("p/",)
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def page_patterns() -> list[tuple[str, list[tuple[str, str]]]]:
    """(route, [(converter, name), ...]) for every page route; the API is walked separately."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                full = prefix + route
                if full.startswith(("api/", "static/", *PUBLIC_ROUTE_PREFIXES)):
                    continue
                params = [(m["converter"] or "str", m["name"]) for m in _CONVERTER.finditer(full)]
                found.append((full, params))

    walk(get_resolver().url_patterns, "")
    return found


def fill_route(route: str, values: dict[str, object]) -> str:
    return "/" + _CONVERTER.sub(lambda m: str(values[m["name"]]), route)


def api_operations() -> list[tuple[str, str, dict]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ], schema


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _sample(schema: dict, node: dict):
    node = _resolve(schema, node)
    if "anyOf" in node:
        return _sample(schema, node["anyOf"][0])
    kind = node.get("type")
    if kind == "integer":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return "walk"


def api_body(schema: dict, operation: dict, world) -> tuple[str | None, dict | None]:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body_schema = _resolve(schema, content["application/json"]["schema"])
        body = {}
        for name, prop in body_schema.get("properties", {}).items():
            if name in PARAM_FACTORIES:
                body[name] = world.value(name)
            elif name in body_schema.get("required", []):
                body[name] = _sample(schema, prop)
        return "application/json", body
    if "multipart/form-data" in content:
        return "multipart/form-data", {}
    return None, None


@pytest.fixture
def foreign_world(regions, request):
    def make(persona: str):
        if persona == "outsider":
            return build_foreign_world(county=regions.county, township=regions.township)
        return build_foreign_world(
            county=regions.neighbour_county, township=regions.neighbour_township
        )

    return make


def _writes_since(last_pk: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(pk__gt=last_pk)
        .exclude(action__in=NOT_WRITES)
        .values_list("action", flat=True)
    )


def _last_event_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# Refusals that must leave an ACCESS_DENIED event (a 401 or a redirect to the login page names
# nobody to record; a 405 or 422 refuses the request's form, not access to an object).
DENIALS = {403, 404}


def _denial_recorded_since(last_pk: int) -> bool:
    return AuditEvent.objects.filter(pk__gt=last_pk, action=AuditAction.ACCESS_DENIED).exists()


@pytest.mark.parametrize("persona", WALK_PERSONAS)
def test_no_page_or_api_operation_reaches_another_county(persona, request, foreign_world):
    user = request.getfixturevalue(persona)
    world = foreign_world(persona)

    def client() -> Client:
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    checked = 0
    failures = []

    def audited(label: str, send, *args):
        """Send one request; a refusal it answers must have left its audit event."""
        before = _last_event_pk()
        response = send(*args)
        if (
            user is not None
            and response.status_code in DENIALS
            and not _denial_recorded_since(before)
        ):
            failures.append(f"{label}: {response.status_code} left no access_denied event")
        return response

    def check(label: str, response, *, missing_response=None):
        nonlocal checked
        checked += 1
        body = response.content.decode("utf-8", "replace")
        if LEAK_MARK in body:
            failures.append(f"{label}: response shows a foreign object")
        if missing_response is not None:
            if response.status_code not in REFUSED:
                failures.append(f"{label}: foreign object answered {response.status_code}")
            if response.status_code != missing_response.status_code:
                failures.append(
                    f"{label}: foreign {response.status_code} differs from missing {missing_response.status_code}"
                )

    form_data = {
        "division": world.village.pk,
        "role": "official",
        "username": "walk-user",
        "display_name": "walk",
        "phone": "",
    }
    for route, params in page_patterns():
        foreign = {name: world.value(name) for _, name in params}
        missing = {name: MISSING_VALUES.get(conv, MISSING_VALUES["int"]) for conv, name in params}
        for method in ("GET", "POST"):
            label = f"{method} /{route}"
            before = _last_event_pk()
            send = getattr(client(), method.lower())
            args = (form_data,) if method == "POST" else ()
            response = audited(label, send, fill_route(route, foreign), *args)
            writes = _writes_since(before)
            if params and writes:
                failures.append(f"{label}: wrote {writes}")
            if (
                not params
                and writes
                and not (method == "POST" and persona != "public" and route in SELF_SERVICE_ROUTES)
            ):
                failures.append(f"{label}: wrote {writes}")
            missing_response = None
            if params:
                send = getattr(client(), method.lower())
                missing_response = audited(
                    f"{label} (missing)", send, fill_route(route, missing), *args
                )
            check(label, response, missing_response=missing_response)

    operations, schema = api_operations()
    for method, path, operation in operations:
        path_params = [p for p in operation.get("parameters", []) if p["in"] == "path"]
        query = {
            p["name"]: world.value(p["name"])
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p["name"] in PARAM_FACTORIES
        }
        foreign_path = path
        missing_path = path
        for param in path_params:
            name = param["name"]
            foreign_path = foreign_path.replace("{" + name + "}", str(world.value(name)))
            is_uuid = param.get("schema", {}).get("format") == "uuid"
            missing_path = missing_path.replace(
                "{" + name + "}", str(MISSING_VALUES["uuid" if is_uuid else "int"])
            )
        content_type, body = api_body(schema, operation, world)

        def call(url, method=method, query=query, content_type=content_type, body=body):
            c = client()
            if method == "GET":
                return c.get(url, query)
            if content_type == "application/json":
                return c.generic(method, url, json.dumps(body), content_type="application/json")
            return c.generic(method, url)

        label = f"{method} {path}"
        before = _last_event_pk()
        response = audited(label, call, foreign_path)
        writes = _writes_since(before)
        if writes and (path_params or body and any(k in PARAM_FACTORIES for k in body)):
            failures.append(f"{label}: wrote {writes}")
        missing_response = (
            audited(f"{label} (missing)", call, missing_path) if path_params else None
        )
        check(label, response, missing_response=missing_response)
        if user is None and response.status_code != 401:
            failures.append(f"{label}: anonymous caller got {response.status_code}, not 401")

    assert checked > 20
    assert not failures, "\n".join(failures)


# Pages where a logged-in user legitimately writes without naming another object (their own
# password, their own session).
SELF_SERVICE_ROUTES = {"accounts/password/", "accounts/logout/"}
