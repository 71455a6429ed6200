"""Who is using the pages: the sign-in cookie, and the check that a form came from us.

A signed-in browser holds the same signed token the API takes as a bearer token, in an
HttpOnly, SameSite=Lax cookie (Secure when served over HTTPS), so the pages and the API trust
exactly the same identities and the services check access and write the audit trail the same
way. A real identity provider (ID-porten for citizens, Entra ID for employees) would set this
cookie after its own OIDC sign-in; in demo mode `/login` issues it for a demo user.

Every form that changes something carries a CSRF token: a random value that is also kept in
its own cookie (the "double submit" pattern). Another site can make the browser send the
cookie, but cannot read it to put the same value in the form.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import Request
from starlette.datastructures import FormData

from trygd.api.identity import InvalidToken, actor_from_claims
from trygd.services.files import MAX_FILE_BYTES
from trygd.services.unit_of_work import RequestContext

SESSION_COOKIE = "trygd_session"
CSRF_COOKIE = "trygd_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SignInRequired(Exception):
    """The page needs a signed-in user; the handler sends the browser to /login."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class FormRejected(Exception):
    """The form's CSRF token was missing or wrong (403)."""


def _claims(request: Request) -> dict[str, Any] | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        claims: dict[str, Any] = request.app.state.identity.verify(token)
    except InvalidToken:
        return None
    return claims


def optional_context(request: Request) -> RequestContext | None:
    """The caller's request context, or None when nobody (valid) is signed in."""
    if hasattr(request.state, "web_context"):
        cached: RequestContext | None = request.state.web_context
        return cached
    claims = _claims(request)
    context = None
    if claims is not None:
        try:
            actor = actor_from_claims(claims, None)
        except InvalidToken:
            actor = None
        if actor is not None:
            pid = claims.get("pid")
            context = RequestContext(
                actor=actor,
                correlation_id=request.state.correlation_id,
                source=request.client.host if request.client else None,
                identity_number=pid if isinstance(pid, str) else None,
            )
    request.state.web_context = context
    return context


def require_context(request: Request) -> RequestContext:
    """The signed-in caller's context; otherwise off to the sign-in page and back here."""
    context = optional_context(request)
    if context is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    return context


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(safe_next(next_url), safe="/")


def safe_next(value: str | None) -> str:
    """Only a path on this site may be a place to return to after sign-in (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


# -- CSRF -------------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """The CSRF value for forms on this page: the cookie's, or a new one the response sets."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and 20 <= len(existing) <= 64 and existing.isalnum():
        return existing
    fresh: str | None = getattr(request.state, "new_csrf", None)
    if fresh is None:
        fresh = secrets.token_hex(16)
        request.state.new_csrf = fresh
    return fresh


async def checked_form(request: Request) -> FormData:
    """The submitted form, after checking its CSRF token against the cookie."""
    form = await request.form(max_files=10, max_fields=200, max_part_size=MAX_FILE_BYTES + 1)
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = request.cookies.get(CSRF_COOKIE) or ""
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise FormRejected()
    return form


def cookie_secure(request: Request) -> bool:
    return request.url.scheme == "https"
