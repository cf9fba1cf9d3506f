"""schemathesis against our own OpenAPI schema, on a live server: no input gives a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from verireward.service.app import create_app

pytestmark = pytest.mark.integration
schema = schemathesis.openapi.from_dict(create_app().openapi())


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_input_gives_a_server_error(case: schemathesis.Case, live_server: str) -> None:
    response = case.call(base_url=live_server, timeout=60)
    assert response.status_code < 500, (case.path, case.body, response.text[:300])
