"""The API's OpenAPI schema (issue 15): valid OpenAPI 3, every operation documents its
statuses, and schemathesis fuzzes every operation against it with a test key: no server
error, and every response conforms to the schema (status, headers, body)."""

from __future__ import annotations

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from openapi_spec_validator import validate
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api import jsonschema_compat

jsonschema_compat.install()

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
# A high limit while fuzzing (the frozen clock keeps every request in one minute); the limit
# itself is tested in test_endpoints.
UNLIMITED = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_token": "100000/minute"}}

schema = schemathesis.from_dict(RAW_SCHEMA, app=get_wsgi_application())


def test_the_schema_is_valid_openapi_3():
    validate(RAW_SCHEMA)

    assert RAW_SCHEMA["openapi"].startswith("3.")


def test_every_operation_documents_its_statuses():
    for path, item in RAW_SCHEMA["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            expected = {"401", "404", "429"} | (
                {"201", "400", "422"} if method == "post" else set()
            )
            assert expected <= statuses, (method, path, statuses)
            if method == "get" and "{id}" in path and not path.endswith("statement/"):
                assert "304" in statuses, (method, path)
            assert operation["security"] == [{"bearerAuth": []}], (method, path)


def test_the_schema_and_docs_are_for_signed_in_people(w, client):
    assert client.get(reverse("api:schema")).status_code == 403  # no session: refused
    client.force_login(w.caseworker, backend=MODEL_BACKEND)

    schema_response = client.get(reverse("api:schema"), {"format": "json"})
    docs = client.get(reverse("api:docs"))

    assert schema_response.status_code == 200
    assert "/api/v1/children/" in schema_response.json()["paths"]
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/api/v1/placements/{id}/health-examinations/" in page
    assert "swagger-ui-bundle.js" in page
    assert "<script>" not in page  # the initialiser is a static file (CSP)
    assert "cdn" not in page.lower()


@pytest.fixture
def fuzz_token(w):
    """The test key, with the rate limit lifted. schemathesis calls the WSGI application
    itself, whose request signals would close the test's database connection (inside the test
    transaction, on PostgreSQL): they are disconnected as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with override_settings(REST_FRAMEWORK=UNLIMITED):
            yield w.gbg_token
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=15,
    derandomize=True,  # the same examples in every CI run: a failure is reproducible
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_against_its_schema(case, fuzz_token):
    response = case.call_wsgi(headers={"Authorization": f"Bearer {fuzz_token}"})

    case.validate_response(
        response,
        checks=(
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ),
    )
