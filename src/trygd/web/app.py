"""The whole site: the JSON API under /api/v1 and the pages, in one ASGI application.

`create_site` builds the API app (`trygd.api.app.create_app`) and adds the pages, their
static files and an error handler that answers a page with a page: problem+json stays the
answer under /api, while a browser gets an HTML page in its language (or, when it must sign
in first, a redirect to the sign-in page).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trygd.api import problems
from trygd.api.app import create_app, parts_from_environment
from trygd.api.identity import IdentityProvider
from trygd.services.errors import NotAuthenticated, ServiceError
from trygd.services.facade import CaseService
from trygd.web import assets
from trygd.web.routes import citizen, common, signin, staff
from trygd.web.session import (
    FormRejected,
    SignInRequired,
    StepUpRequired,
    csrf_key_for,
    login_url,
)
from trygd.web.templating import environment, render

log = logging.getLogger(__name__)

API_PREFIXES = ("/api/", "/openapi.json")

# Pages hold personal data: never cached, never framed, no address sent on to other sites.
# (`nosniff`, and HSTS over HTTPS, come with every answer: `trygd.api.app.SecurityHeaders`.)
PAGE_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    ),
]


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIXES)


def create_site(service: CaseService, identity: IdentityProvider, *, demo: bool) -> FastAPI:
    app = create_app(service, identity, demo=demo)
    app.state.csrf_key = csrf_key_for(getattr(identity, "secret", None))
    app.include_router(common.router)
    app.include_router(signin.router)
    app.include_router(citizen.router)
    app.include_router(staff.router)

    @app.get("/static/vendor/{name}", include_in_schema=False)
    def vendor(name: str) -> Response:
        if name == "aksel.css":
            css = assets.aksel_css()
            if css is None:
                return Response(status_code=404)
            return Response(
                css, media_type="text/css", headers={"cache-control": "public, max-age=3600"}
            )
        path = assets.vendor_file(name)
        if path is None:
            return Response(status_code=404)
        return FileResponse(path, headers={"cache-control": "public, max-age=3600"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        # Browsers ask for it whatever the page links; the SVG is the one icon we have.
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.get("/static/{name}", include_in_schema=False)
    def own_static(name: str) -> Response:
        path = assets.STATIC / name
        if "/" in name or name.startswith(".") or not path.is_file():
            return Response(status_code=404)
        return FileResponse(path, headers={"cache-control": "public, max-age=3600"})

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> Response:
        """The API's documentation (Swagger UI) from the npm package, under the pages' CSP:
        no CDN, no inline script (`static/docs.js` starts it)."""
        html = environment().get_template("common/api_docs.html").render()
        return Response(html, media_type="text/html; charset=utf-8")

    _answer_pages_with_pages(app)
    app.add_middleware(PageHeaders)
    return app


def _answer_pages_with_pages(app: FastAPI) -> None:
    """Errors on pages become pages; the API keeps its problem+json answers."""

    async def service_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, ServiceError)
        if _is_api(request):
            return await problems.service_error(request, error)
        if isinstance(error, NotAuthenticated):
            return RedirectResponse(login_url(request.url.path), status_code=303)
        return render(request, "common/error.html", status_code=error.status, error=error)

    async def sign_in(request: Request, error: Exception) -> Response:
        assert isinstance(error, SignInRequired)
        return RedirectResponse(login_url(error.next_url), status_code=303)

    async def step_up(request: Request, error: Exception) -> Response:
        assert isinstance(error, StepUpRequired)
        target = signin.step_up_url(request, error.next_url, error.level)
        if target is None:  # no ID-porten here: the page stays closed
            return render(request, "common/error.html", status_code=403, step_up=True)
        return RedirectResponse(target, status_code=303)

    async def form_rejected(request: Request, _error: Exception) -> Response:
        return render(request, "common/error.html", status_code=403, csrf_failed=True)

    async def validation_error(request: Request, error: Exception) -> Response:
        if _is_api(request):
            return await problems.validation_error(request, error)
        return render(request, "common/error.html", status_code=400, bad_request=True)

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if _is_api(request):
            return await problems.http_error(request, error)
        page = render(request, "common/error.html", status_code=error.status_code)
        page.headers.update(problems.allow_header(request, error))  # Allow on a 405
        return page

    async def unexpected(request: Request, error: Exception) -> Response:
        # Logged by `trygd.api.app.Unexpected`, which calls this.
        if _is_api(request):
            return await problems.unexpected_error(request, error)
        return render(request, "common/error.html", status_code=500)

    app.add_exception_handler(ServiceError, service_error)
    app.add_exception_handler(SignInRequired, sign_in)
    app.add_exception_handler(StepUpRequired, step_up)
    app.add_exception_handler(FormRejected, form_rejected)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


class PageHeaders:
    """Security headers on every answer that is not the API (whose answers are JSON)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(API_PREFIXES):
            await self.app(scope, receive, send)
            return
        static = path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = PAGE_HEADERS[1:] if static else PAGE_HEADERS
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def site_from_environment() -> Any:
    """The site as `trygd serve` starts it (also in each uvicorn worker process)."""
    service, tokens, demo = parts_from_environment()
    return create_site(service, tokens, demo=demo)
