"""The OpenAPI document against the server: generated requests to every operation.

Schemathesis reads ``/api/v1/openapi.json`` and sends requests that follow it
(a few examples per operation, so this stays quick), with an administrator's
token so that writes get past authentication.  Every answer must be a
documented status with the documented content type and shape, and none may be
a server error.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from registry_server import Running, make_publisher, publish, serve, settings_for
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with serve(settings_for(tmp_path_factory.mktemp("registry"))) as running:
        with httpx.Client(base_url=running.url) as http:
            ada = make_publisher(running, http, "ada")
            work = tmp_path_factory.mktemp("packages")
            assert publish(http, work, ada, "alpha", "1.0.0").status_code == 200
            assert publish(http, work, ada, "beta", "1.0.0", {"alpha": "^1"}).status_code == 200
        yield running


@pytest.fixture(scope="module")
def admin_token(server: Running) -> str:
    return server.user("root", admin=True)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_every_operation_follows_the_document(server: Running, admin_token: str) -> None:
    api = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 18
    headers = {"Authorization": f"Bearer {admin_token}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def follows(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=server.url, headers=headers, checks=CHECKS)

        follows()
