"""The ASGI application: JSON API under /api/v1, its OpenAPI description at /openapi.json.

`create_app` wires a `CaseService` to the routes. Each request is authenticated from its
bearer token (see `identity.py`) and handed to the services with a correlation id; the
services check access and write the audit trail. Identity numbers travel only in request
bodies and tokens, never in URLs, so they cannot end up in access logs. The pages
(`trygd.web.app`) add the human-readable API documentation at /docs.
"""

from __future__ import annotations

import logging
import os
import secrets
import traceback
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trygd import __version__
from trygd.api import problems
from trygd.api.identity import IdentityProvider, check_secret, tokens_for
from trygd.api.oidc import Identities, OidcSettings, load_settings
from trygd.api.openapi import document
from trygd.api.routes import PREFIX, router
from trygd.services.errors import ServiceError
from trygd.services.facade import CaseService, Settings
from trygd.services.signins import ProviderSignIns, SignIns
from trygd.store.database import application_engine

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
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.service = service
    app.state.identity = identity
    app.state.signins = SignIns(service.engine)
    app.state.provider_signins = ProviderSignIns(service.engine)
    app.state.demo = demo
    # The users to sign in as: only in demo mode, and read through the services.
    app.state.demo_users = None
    app.add_exception_handler(ServiceError, problems.service_error)
    app.add_exception_handler(RequestValidationError, problems.validation_error)
    app.add_exception_handler(StarletteHTTPException, problems.http_error)
    app.add_exception_handler(Exception, problems.unexpected_error)
    app.include_router(router, prefix=PREFIX)
    if demo:
        from trygd.api.demo import demo_users_for
        from trygd.api.demo import router as demo_router

        app.state.demo_users = demo_users_for(service)
        app.include_router(demo_router, prefix=f"{PREFIX}/demo")

    app.openapi = lambda: document(app)  # type: ignore[method-assign]
    app.add_middleware(Unexpected, handlers=app.exception_handlers)
    app.add_middleware(CorrelationId)
    app.add_middleware(SecurityHeaders)
    return app


API_PATHS = ("/api/", "/openapi.json")
# Letters shown as HTML by the API hold personal data and text people wrote: no scripts, no
# requests anywhere, never framed.
API_HTML_POLICY = (
    b"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    b"form-action 'none'; frame-ancestors 'none'"
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
NOSNIFF = (b"x-content-type-options", b"nosniff")


class SecurityHeaders:
    """Headers every answer needs, pages and API alike.

    All: `nosniff` (a browser must not guess an answer to be HTML or script), and HSTS when the
    request came over HTTPS (over plain HTTP the header means nothing and is not sent). API
    answers (JSON, letters' PDF and HTML) carry personal data, so they are never stored by a
    browser or proxy: `Cache-Control: no-store`. The pages get their own headers
    (`trygd.web.app.PageHeaders`).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = str(scope.get("path", "")).startswith(API_PATHS)
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = [
                    (name, value)
                    for name, value in message.get("headers", ())
                    if not (api and name.lower() == b"cache-control")
                ]
                headers.append(NOSNIFF)
                if api:
                    headers.append((b"cache-control", b"no-store"))
                    if any(
                        name.lower() == b"content-type" and value.startswith(b"text/html")
                        for name, value in headers
                    ):
                        headers.append((b"content-security-policy", API_HTML_POLICY))
                if https:
                    headers.append(HSTS)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Unexpected:
    """Answer an unexpected error with the app's `Exception` handler (a 500 problem+json, or
    a page on the site) and end the request there.

    Starlette's outermost error middleware would send the same answer but then raise the
    error again for the server to log, and uvicorn closes the keep-alive connection of a
    request whose application raised. One bug on one request must not cut off the other
    requests a client (or a proxy) sends on that connection, so the error stops here and is
    logged here (its type and place; no request data, which may hold personal data).
    """

    def __init__(self, app: ASGIApp, handlers: dict[Any, Any]) -> None:
        self.app = app
        self.handlers = handlers  # the app's own: a handler the site adds later counts too

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            if started:  # half an answer is out: only closing the connection can end it
                raise
            where = traceback.extract_tb(error.__traceback__)[-1]
            log.error(
                "unexpected error on %s: %s at %s:%s",
                scope.get("path"),
                type(error).__name__,
                where.filename,
                where.lineno,
            )
            response = await self.handlers[Exception](Request(scope, receive), error)
            await response(scope, receive, send)


class CorrelationId:
    """Give each request a correlation id, the caller's X-Correlation-ID if it is a sensible
    one, for the audit trail (`request.state.correlation_id`) and the answer's header.

    A plain ASGI middleware: `@app.middleware("http")` would run every request in an extra
    task and pass the response through a stream, which costs more than the header is worth.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-correlation-id", "")
        correlation_id = given if 0 < len(given) <= 64 and given.isprintable() else uuid.uuid4().hex
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        header = (b"x-correlation-id", correlation_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        await self.app(scope, receive, send_with_id)


def parts_from_environment() -> tuple[CaseService, Identities, bool]:
    """The service, the identities and demo mode, as `trygd serve` sets them (also in each
    uvicorn worker process): TRYGD_DEMO, TRYGD_TOKEN_SECRET, TRYGD_DATABASE_URL, and
    TRYGD_OIDC_CONFIG, the OpenID providers' configuration (`trygd.api.oidc`).

    Outside demo mode the tokens are production tokens (their own issuer and audience), so a
    demo token is refused there even if it was signed with the same secret."""
    demo = os.environ.get("TRYGD_DEMO") == "1"
    secret = os.environ.get("TRYGD_TOKEN_SECRET")
    if not secret:
        if not demo:
            raise RuntimeError("TRYGD_TOKEN_SECRET must be set outside demo mode")
        secret = secrets.token_urlsafe(32)
    check_secret(secret)
    tokens = tokens_for(secret, demo=demo)
    config = os.environ.get("TRYGD_OIDC_CONFIG")
    settings: OidcSettings | None = load_settings(config) if config else None
    identities = Identities(tokens, settings)
    return CaseService(application_engine(), Settings(demo=demo)), identities, demo
