"""The public API against its own OpenAPI description, by schemathesis: for every operation,
generated requests (valid and invalid) get no server error, only the status codes, content types
and headers the description declares. Bounded and derandomized, so CI runs the same cases."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    status_code_conformance,
)

from tests.helpers import RunningServer

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance]


@pytest.fixture
def api_schema(server: RunningServer) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(server.url + "openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_description_says(case: schemathesis.Case, server: RunningServer) -> None:
    case.call_and_validate(base_url=server.url.rstrip("/"), checks=CHECKS, timeout=30)
