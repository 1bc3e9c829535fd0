"""The API fuzzed from its own OpenAPI schema, as four roles (issue 11; API.md: never a 500).

Schemathesis generates requests for every operation of `/api/schema/` and sends them in-process
(WSGI) as an anonymous client, a worker, palace staff and a provincial officer. Two checks: no
5xx, and every response matches the schema's declared shape. Bounded and seeded (derandomised),
so a run is repeatable and a failure can be replayed; `FUZZ_EXAMPLES` raises the bound locally.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from palace_portal.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def role_headers(world):
    """Authorization headers per role, over the standard world (palace A and B, officers, workers)."""
    headers = {"anonymous": {}}
    for role, user in (
        ("worker", world.worker),
        ("palace_staff", world.staff_a),
        ("province", world.province_officer),
    ):
        token, _created = Token.objects.get_or_create(user=user)
        headers[role] = {"Authorization": f"Token {token.key}"}
    return headers


@pytest.mark.fuzz
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["anonymous", "worker", "palace_staff", "province"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_never_fails_and_keeps_its_schema(case, role, role_headers):
    case.call_and_validate(
        headers=role_headers[role], checks=[not_a_server_error, response_schema_conformance]
    )
