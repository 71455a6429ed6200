"""Errors as RFC 9457 problem details (`application/problem+json`), naming the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from trygd.services.errors import INSUFFICIENT_USER_AUTHENTICATION, ServiceError

MEDIA_TYPE = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str,
    problems: list[tuple[str, str]] | None = None,
    *,
    code: str | None = None,
    facts: dict[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://trygd.example/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if problems:
        body["errors"] = [{"field": field, "problem": text} for field, text in problems]
    if code is not None:
        # Extension members (RFC 9457 § 3.2): what kind of refusal, and what it refers to.
        body["code"] = code
        body.update(facts or {})
    headers = dict(headers or {})
    if status == 401 and code == INSUFFICIENT_USER_AUTHENTICATION and facts:
        # RFC 9470 § 3: the challenge names the error and the level to sign in again at.
        headers["WWW-Authenticate"] = (
            f'Bearer error="{INSUFFICIENT_USER_AUTHENTICATION}", '
            'error_description="A sign-in at a higher level of assurance is required", '
            f'acr_values="{facts["required_acr"]}"'
        )
    elif status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


async def service_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ServiceError)
    return problem(
        error.status, error.title, error.detail, error.problems, code=error.code, facts=error.facts
    )


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] if parts[0] == "body" else parts
    name = ""
    for part in parts:
        name += f"[{part}]" if part.isdigit() else (f".{part}" if name else part)
    return name or "body"


async def validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = []
    for item in error.errors():
        message = str(item.get("msg", "is invalid"))
        field = _field(tuple(item.get("loc", ())))
        if item.get("type") == "json_invalid":
            # The location is ("body", <character position>): the whole body is at fault.
            message = "is not valid JSON"
            field = "body"
        problems.append((field, message))
    detail = "; ".join(f"{f}: {p}" for f, p in problems)
    return problem(422, "Invalid input", detail, problems)


_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def _matches(template: str, path: str) -> bool:
    """Whether `path` is an instance of the OpenAPI path `template` ("/cases/{sak_id}")."""
    wanted, given = template.split("/"), path.split("/")
    return len(wanted) == len(given) and all(
        (w.startswith("{") and w.endswith("}") and bool(g)) or w == g
        for w, g in zip(wanted, given, strict=True)
    )


def allowed_methods(request: Request) -> list[str]:
    """Every method the app's OpenAPI document lists for the request's path; empty for a path
    it does not describe (a page)."""
    for template, operations in request.app.openapi()["paths"].items():
        if _matches(template, request.url.path):
            return sorted(method.upper() for method in operations if method in _METHODS)
    return []


def allow_header(request: Request, error: StarletteHTTPException) -> dict[str, str]:
    """The error's headers, with `Allow` naming every method of the path on a 405. Starlette
    names only the methods of the first route whose path matched, and FastAPI has a route per
    method: for a path with GET and POST, a DELETE would be told "Allow: POST"."""
    headers = dict(error.headers or {})
    if error.status_code == 405:
        allowed = allowed_methods(request)
        if allowed:
            headers["Allow"] = ", ".join(allowed)
    return headers


async def http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    titles = {
        400: "Bad request",
        401: "Not authenticated",
        404: "Not found",
        405: "Method not allowed",
    }
    title = titles.get(error.status_code, "Error")
    # FastAPI answers 400 only when it cannot read the body at all (not UTF-8, say).
    fields = [("body", "cannot be read: send JSON in UTF-8")] if error.status_code == 400 else None
    headers = allow_header(request, error)
    return problem(error.status_code, title, str(error.detail), fields, headers=headers)


async def unexpected_error(_request: Request, _error: Exception) -> JSONResponse:
    # Never a traceback to the caller; the server log has it (without personal data).
    return problem(500, "Internal error", "an unexpected error occurred; it has been logged")
