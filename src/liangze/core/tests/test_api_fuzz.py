"""Malformed input never makes the API answer 5xx: schemathesis generates requests from the
OpenAPI schema (valid and invalid), bounded in examples so `make test` stays quick."""

import json

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings

from liangze.accounts.services import api_token_create
from liangze.api import api

MAX_EXAMPLES = 12


def operations():
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    return [result.ok() for result in schema.get_all_operations()]


def _send(client: Client, case) -> int:
    path = case.formatted_path
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v
        for k, v in (case.headers or {}).items()
        if k.lower() != "authorization"
    }
    if case.method.upper() == "GET":
        return client.get(path, case.query or {}, **headers).status_code
    body = case.body
    if body is None or type(body).__name__ == "NotSet":
        payload, content_type = b"", "application/json"
    elif isinstance(body, (bytes, str)):
        payload, content_type = body, case.media_type or "application/json"
    else:
        payload, content_type = json.dumps(body, default=str), "application/json"
    return client.generic(
        case.method.upper(), path, payload, content_type=content_type, QUERY_STRING="", **headers
    ).status_code


OPERATIONS = operations()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_no_operation_answers_5xx_to_generated_input(operation, county_staff):
    token = api_token_create(actor=county_staff, name="fuzz", days=1).text
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", raise_request_exception=False)
    seen = []

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy()
        | operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)
    )
    def probe(case):
        status = _send(client, case)
        seen.append(status)
        assert status < 500, (
            f"{case.method} {case.formatted_path} body={case.body!r} answered {status}"
        )

    probe()
    assert seen


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_every_operation_refuses_anonymous_callers_with_401(operation, regions):
    path = operation.path
    for name in [p.name for p in operation.path_parameters]:
        path = path.replace("{" + name + "}", "1")
    response = Client().generic(
        operation.method.upper(), path, b"{}", content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_openapi_schema_is_published(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Liangze API"
