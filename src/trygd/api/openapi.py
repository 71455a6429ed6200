"""The OpenAPI document: what FastAPI generates, completed with what only trygd knows.

- The application format (generated from the benefits' fact declarations) is kept among the
  components, so every `$ref` in the document resolves where OpenAPI tools look for it.
- Errors are documented as trygd answers them: `application/problem+json` (RFC 9457) with
  the fields at fault. Each operation lists the statuses it can give: 400 when it takes a
  body (which may not be readable at all); 401 and 403 when it needs a caller; 404 when its
  path or body names something, or for the citizen's self-service (a caller missing from
  the population register); 409 when it changes something; 422 when it takes input, which
  every operation of `routes.router` does (it refuses a query parameter it does not have).
  FastAPI's own 422 schema is replaced, since trygd never answers with it.
- Bearer authentication is declared as a security scheme on the operations that need it.

The document is also what a 405 answer's `Allow` header is made from (`problems.http_error`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from trygd.api import problems
from trygd.api.routes import PREFIX, context, router
from trygd.applications.inputs import input_schema_parts

COMPONENTS = "#/components/schemas/{model}"
APPLICATION_REF = COMPONENTS.format(model="Application")

PROBLEM_SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "An error as problem details (RFC 9457)",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "description": "A URI naming the kind of problem"},
            "title": {"type": "string", "description": "The kind of problem, e.g. Not found"},
            "status": {"type": "integer", "description": "The HTTP status"},
            "detail": {"type": "string", "description": "What went wrong this time"},
            "errors": {
                "type": "array",
                "description": "The fields at fault, when the input is (422)",
                "items": {"$ref": COMPONENTS.format(model="ProblemField")},
            },
        },
    },
    "ProblemField": {
        "type": "object",
        "required": ["field", "problem"],
        "properties": {
            "field": {
                "type": "string",
                "description": "The field, e.g. facts.income_12m or attachments[0]",
            },
            "problem": {"type": "string", "description": "What is wrong with it"},
        },
    },
}

# status: (response name, description)
PROBLEM_RESPONSES = {
    400: ("BadRequest", "The body cannot be read at all (not JSON in UTF-8)"),
    401: (
        "Unauthorized",
        "No valid bearer token was sent, or (`code` insufficient_user_authentication, RFC 9470) "
        "the person signed in at a lower level than the data needs: sign in again at "
        "`required_acr`",
    ),
    403: ("Forbidden", "The caller may not do this (the refusal is audited)"),
    404: ("NotFound", "Nothing with that id, or not visible to the caller"),
    409: ("Conflict", "The case is not in a state that allows this, or it changed since read"),
    422: ("InvalidInput", "The input is invalid; `errors` names each field at fault"),
}


def _problem_response(status: int) -> dict[str, Any]:
    _name, description = PROBLEM_RESPONSES[status]
    response: dict[str, Any] = {
        "description": description,
        "content": {problems.MEDIA_TYPE: {"schema": {"$ref": COMPONENTS.format(model="Problem")}}},
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {
                "description": (
                    'Bearer; or Bearer error="insufficient_user_authentication", '
                    'error_description="...", acr_values="<level>"'
                ),
                "schema": {"type": "string"},
            }
        }
    return response


def _needs_caller(route: APIRoute) -> bool:
    return any(dependency.call is context for dependency in route.dependant.dependencies)


def _ref(status: int) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{PROBLEM_RESPONSES[status][0]}"}


def _add_problems(spec: dict[str, Any]) -> None:
    """Each operation's problem answers (see the module's docstring), in status order."""
    own = {  # the API's own routes (not the demo's), which refuse unknown query parameters
        (PREFIX + route.path_format, method.lower()): route
        for route in router.routes
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in route.methods or ()
    }
    callers = {key for key, route in own.items() if _needs_caller(route)}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            statuses = []
            if (path, method) in callers:
                statuses += [401, 403]
                operation["security"] = [{"bearer": []}]
            names_something = "requestBody" in operation or "citizen" in operation.get("tags", ())
            if "{" in path or ((path, method) in callers and names_something):
                statuses.append(404)
            if method in ("post", "put", "patch", "delete") and (path, method) in callers:
                statuses.append(409)
            if "requestBody" in operation:
                statuses.append(400)
            if (path, method) in own or operation.get("parameters") or operation.get("requestBody"):
                statuses.append(422)
            responses.update({str(status): _ref(status) for status in statuses})
            operation["responses"] = dict(sorted(responses.items()))


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, made once and kept (FastAPI's own contract for `openapi`)."""
    if app.openapi_schema:
        return app.openapi_schema
    spec = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    application, definitions = input_schema_parts(COMPONENTS)
    schemas.update(definitions)
    schemas["Application"] = application
    schemas.update(PROBLEM_SCHEMAS)
    spec["components"]["responses"] = {
        name: _problem_response(status) for status, (name, _) in PROBLEM_RESPONSES.items()
    }
    spec["components"]["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A token from the identity provider (in demo mode: POST /demo/tokens)",
        }
    }
    _add_problems(spec)
    app.openapi_schema = spec
    return spec
