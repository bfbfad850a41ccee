"""schemathesis against `/api/v1/openapi.json` on a running kuma: for generated requests (valid and not),
no 5xx, and every answer's status, content type and body match the document. Bounded: few examples per
operation, so it runs in well under a minute."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_every_operation_keeps_to_its_schema(server):
    """Each operation in turn (schemathesis's pytest plugin does not run under this pytest, so the
    operations' Hypothesis strategies are driven directly)."""
    schema = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {server.keys.write}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:

        @given(operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()


def test_the_document_is_openapi_31_and_lists_the_routes(server):
    import httpx

    doc = httpx.get(f"{server.url}/api/v1/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    assert {"/api/v1/health", "/api/v1/monitors", "/api/v1/monitors/{id}", "/api/v1/monitors/{id}/uptime"} <= set(doc["paths"])
    create = doc["paths"]["/api/v1/monitors"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/MonitorInput"}
    assert doc["components"]["schemas"]["MonitorInput"]["required"] == ["type", "name"]
    page = httpx.get(f"{server.url}/api/v1/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/api/v1/monitors/{id}/clone" in page.text and "<script" not in page.text
