"""The ASGI application: JSON API under /api/v1, OpenAPI at /docs.

`create_app` wires a `CaseService` to the routes. Each request is authenticated from its
bearer token (see `identity.py`) and handed to the services with a correlation id; the
services check access and write the audit trail. Identity numbers travel only in request
bodies and tokens, never in URLs, so they cannot end up in access logs.
"""

from __future__ import annotations

import logging
import os
import secrets
import uuid
from collections.abc import Awaitable, Callable
from functools import lru_cache

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from trygd import __version__
from trygd.api import problems
from trygd.api.identity import DemoTokens, IdentityProvider
from trygd.api.routes import router
from trygd.services.errors import ServiceError
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine

log = logging.getLogger(__name__)


def create_app(service: CaseService, identity: IdentityProvider, *, demo: bool) -> FastAPI:
    app = FastAPI(
        title="trygd",
        version=__version__,
        summary="Case processing for national-insurance benefits (folketrygdloven)",
        description=(
            "Applications, cases, decisions, tasks and the audit trail. Authenticate with a "
            "bearer token"
            + (
                "; in demo mode, get one from `POST /api/v1/demo/tokens`."
                if demo
                else " from the identity provider."
            )
            + " Errors are `application/problem+json` and name the field."
        ),
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.service = service
    app.state.identity = identity
    app.state.demo = demo
    app.state.person_ids = lru_cache(maxsize=100_000)(service.person_id_for)
    app.add_exception_handler(ServiceError, problems.service_error)
    app.add_exception_handler(RequestValidationError, problems.validation_error)
    app.add_exception_handler(StarletteHTTPException, problems.http_error)
    app.add_exception_handler(Exception, problems.unexpected_error)
    app.include_router(router, prefix="/api/v1")
    if demo:
        from trygd.api.demo import router as demo_router

        app.include_router(demo_router, prefix="/api/v1/demo")

    @app.middleware("http")
    async def correlation_id(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        given = request.headers.get("x-correlation-id", "")
        request.state.correlation_id = (
            given if 0 < len(given) <= 64 and given.isprintable() else uuid.uuid4().hex
        )
        response = await call_next(request)
        response.headers["X-Correlation-ID"] = request.state.correlation_id
        return response

    return app


def app_from_environment() -> FastAPI:
    """The app as `trygd serve` starts it (also in each uvicorn worker process)."""
    demo = os.environ.get("TRYGD_DEMO") == "1"
    secret = os.environ.get("TRYGD_TOKEN_SECRET")
    if not secret:
        if not demo:
            raise RuntimeError("TRYGD_TOKEN_SECRET must be set outside demo mode")
        secret = secrets.token_urlsafe(32)
    service = CaseService(make_engine(), Settings(demo=demo))
    return create_app(service, DemoTokens(secret), demo=demo)
