"""Schemathesis against the whole API, with all its checks, as each persona
(docs/architecture.md#the-api).

Requests are generated from the OpenAPI document, valid and invalid, and sent in-process through
the WSGI application; every response is held to the document (status codes, content types, the
body's schema, required headers), invalid input must be refused, valid input must pass the schema
layer, and authentication must be enforced. Path ids of valid requests point at real objects of
the test tree, so writes happen as each persona may or may not make them. Examples are few, drawn
once and deterministically, so `make test` stays quick and a failure repeats.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import CHECKS, load_all_checks

from liangze.accounts.models import Role
from liangze.accounts.services import api_token_create
from liangze.api import api
from liangze.businesses.testing import make_business
from liangze.core.testing.fixtures import make_user

MAX_EXAMPLES = 2
PERSONAS = [
    "admin_user",
    "province_staff",
    "county_staff",
    "township_staff",
    "city_official",
    "county_official",
    "township_official",
    "village_official",
    "regulator",
    "leader",
    "business_director",
    "outsider",
]


def schema_valid_input_passes_the_schema(ctx, response, case):
    """positive_data_acceptance as this API means it. Input the document calls valid is never
    refused by the schema layer (422 invalid_input naming fields); it may still break a rule the
    document cannot state (a credit code's check digit, a wrong current password, a date out of
    bounds) and be refused with that rule's own code, or be refused for who the caller is."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if 200 <= status < 300 or status in (401, 403, 404, 409):
        return None
    body = response.json() if status == 422 else {}
    assert status == 422, f"schema-valid input answered {status}"
    assert body["code"] != "invalid_input" or not body["fields"], (
        f"schema-valid input refused by the schema layer: {body}"
    )
    return None


load_all_checks()
ALL_CHECKS = [
    *(check for check in CHECKS.get_all() if check.__name__ != "positive_data_acceptance"),
    schema_valid_input_passes_the_schema,
]
SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
SCHEMA.app = get_wsgi_application()  # requests go in-process, in the test's transaction
SCHEMA.config.update(base_url="http://localhost")
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture(scope="session")
def generated_cases():
    """MAX_EXAMPLES valid and MAX_EXAMPLES invalid requests per operation, drawn once (the drawing
    costs more than the sending) and sent again as each persona."""
    cases = []
    for operation in OPERATIONS:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def draw(case):
                cases.append(case)

            draw()
    return cases


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the WSGI app, not Django's test client, so nothing stops
    request_started/finished from closing the test's database connection (PostgreSQL then loses the
    test's transaction); the test client disconnects the same receiver."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(county_staff, regions):
    """Ids of real objects for valid requests: a business, a division, another account and its
    grant (never the caller's own, so the run cannot lock the caller out)."""
    business = make_business(actor=county_staff, division=regions.village)
    someone = make_user("fuzz_target", Role.OFFICIAL, regions.village)
    return {
        "business_id": business.pk,
        "division_id": regions.village.pk,
        "user_id": someone.pk,
        "grant_id": someone.grants.get().pk,
    }


def send_with_real_ids(case, real_ids, headers):
    """Send `case` with its path ids, in a valid request, naming real objects; the drawn case is
    left as it was, for the next persona."""
    drawn = dict(case.path_parameters or {})
    if case.meta is None or not case.meta.generation.mode.is_negative:
        for name in drawn:
            if name in real_ids:
                case.path_parameters[name] = real_ids[name]
    try:
        case.call_and_validate(headers=headers, checks=ALL_CHECKS)
    finally:
        if drawn:
            case.path_parameters.update(drawn)


@pytest.mark.parametrize("persona", PERSONAS)
def test_schemathesis_finds_no_failure(persona, request, real_ids, generated_cases):
    user = request.getfixturevalue(persona)
    token = api_token_create(actor=user, name="fuzz", days=1).text
    headers = {"Authorization": f"Bearer {token}"}
    failures = {}
    for case in generated_cases:
        if case.operation.label in failures:
            continue  # one failure per operation is enough to read
        try:
            send_with_real_ids(case, real_ids, headers)
        except (AssertionError, Exception, BaseExceptionGroup) as exc:
            failures[case.operation.label] = f"{exc}"[:3000]
    assert not failures, "\n\n".join(failures.values())


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
