"""Errors as RFC 9457 problem details (`application/problem+json`), naming the field."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from trygd.services.errors import ServiceError

MEDIA_TYPE = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str,
    problems: list[tuple[str, str]] | None = None,
    *,
    code: str | None = None,
    facts: dict[str, str] | None = None,
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
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
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


async def http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed", 401: "Not authenticated"}
    title = titles.get(error.status_code, "Error")
    return problem(error.status_code, title, str(error.detail))


async def unexpected_error(_request: Request, _error: Exception) -> JSONResponse:
    # Never a traceback to the caller; the server log has it (without personal data).
    return problem(500, "Internal error", "an unexpected error occurred; it has been logged")
