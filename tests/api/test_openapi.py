"""The OpenAPI document is complete: every reference resolves, errors are documented as the
problem details trygd sends, files have their media types, and a 405 says what is allowed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from trygd.api.app import create_app
from trygd.api.identity import DemoTokens
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine

ROOT = "urn:trygd:openapi"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    engine = make_engine("sqlite://")  # the document and a 405 need no tables
    app = create_app(CaseService(engine, Settings(demo=True)), DemoTokens("t" * 40), demo=True)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
    engine.dispose()


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    return answer.json()


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def registry(document: dict[str, Any]) -> Registry:
    return Registry().with_resource(
        ROOT, Resource.from_contents(document, default_specification=DRAFT202012)
    )


def test_every_reference_resolves_in_the_document(document):
    """As OpenAPI tools resolve them: against the document itself."""
    resolver = registry(document).resolver(base_uri=ROOT)
    found = sorted(set(references(document)))
    assert "#/components/schemas/AapFacts" in found
    for reference in found:
        resolver.lookup(reference)  # raises if it does not resolve


def test_the_application_schema_in_the_document_validates_applications(document):
    schema = {"$ref": f"{ROOT}#/components/schemas/Application"}
    validator = jsonschema.Draft202012Validator(schema, registry=registry(document))
    good = {
        "benefit": "aap",
        "claim_date": dt.date(2026, 11, 13).isoformat(),
        "facts": {"income_history": [{"year": 2024, "amount": 510000}], "children": 1},
    }
    assert list(validator.iter_errors(good)) == []
    bad = {**good, "facts": {"income_history": [{"year": 2024}]}}
    assert list(validator.iter_errors(bad)) != []


def operation(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][f"/api/v1{path}"][method]
    return found


def problem_statuses(document: dict[str, Any], path: str, method: str) -> set[str]:
    """The statuses documented as problem details, following the shared responses."""
    statuses = set()
    for status, response in operation(document, path, method)["responses"].items():
        if "$ref" in response:
            response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        schema = response.get("content", {}).get(PROBLEM, {}).get("schema")
        if schema == {"$ref": "#/components/schemas/Problem"}:
            statuses.add(status)
    return statuses


def test_the_problem_schema_is_what_trygd_sends(document, client):
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert "errors" in problem["properties"]
    field = document["components"]["schemas"]["ProblemField"]
    assert set(field["required"]) == {"field", "problem"}
    sent = client.get("/api/v1/tasks?limit=0", headers={"Authorization": "Bearer nonsense"})
    assert sent.status_code == 401 and sent.headers["content-type"] == PROBLEM
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"{ROOT}#/components/schemas/Problem"}, registry=registry(document)
    )
    validator.validate(sent.json())


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        (
            "/behandlinger/{behandling_id}/approve",
            "post",
            {"400", "401", "403", "404", "409", "422"},
        ),
        ("/tasks/{task_id}/claim", "post", {"401", "403", "404", "409", "422"}),
        ("/cases/{sak_id}", "get", {"401", "403", "404", "422"}),
        ("/cases", "get", {"401", "403", "404", "422"}),  # no person record: 404
        ("/tasks", "get", {"401", "403", "422"}),
        ("/me", "get", {"401", "403", "422"}),  # an unknown query parameter: 422
        ("/applications", "post", {"400", "401", "403", "404", "409", "422"}),
        ("/demo/tokens", "post", {"400", "422"}),
        ("/health", "get", {"422"}),
        ("/demo/users", "get", set()),
    ],
)
def test_errors_are_documented_as_problem_details(document, path, method, statuses):
    assert problem_statuses(document, path, method) == statuses
    needs_caller = "401" in statuses
    assert ("security" in operation(document, path, method)) == needs_caller


def test_fastapis_own_validation_schema_is_not_documented(document):
    assert "HTTPValidationError" not in document["components"]["schemas"]


def binary_types(document: dict[str, Any], path: str) -> dict[str, Any]:
    content: dict[str, Any] = operation(document, path, "get")["responses"]["200"]["content"]
    return content


def test_file_endpoints_declare_their_media_types(document):
    binary = {"schema": {"type": "string", "format": "binary"}}
    assert binary_types(document, "/letters/{letter_id}/pdf") == {"application/pdf": binary}
    assert binary_types(document, "/attachments/{attachment_id}") == {
        "application/pdf": binary,
        "image/png": binary,
        "image/jpeg": binary,
    }
    assert set(binary_types(document, "/letters/{letter_id}/html")) == {"text/html"}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/v1/health", {"GET"}),
        ("GET", "/api/v1/klager", {"POST"}),
        # Two routes share the path: Starlette alone would name only the first one's method.
        ("DELETE", "/api/v1/serviceklager", {"GET", "POST"}),
        ("PUT", "/api/v1/cases/1b4e28ba-2fa1-11d2-883f-0016d3cca427/klager", {"GET"}),
    ],
)
def test_a_wrong_method_is_405_with_allow(client, method, path, allowed):
    answer = client.request(method, path)
    assert answer.status_code == 405
    assert answer.headers["content-type"] == PROBLEM
    assert set(answer.headers["allow"].replace(" ", "").split(",")) == allowed
    assert answer.json()["status"] == 405


def test_an_unknown_query_parameter_is_refused_naming_it(client):
    answer = client.get("/api/v1/health?limt=10")
    assert answer.status_code == 422 and answer.headers["content-type"] == PROBLEM
    assert answer.json()["errors"] == [
        {"field": "limt", "problem": "is not a query parameter of this operation"}
    ]
    assert client.get("/api/v1/health").status_code == 200
