"""Who is using the pages: the sign-in cookie, and the check that a form came from us.

A signed-in browser holds the same kind of signed token the API takes as a bearer token, in
an HttpOnly, SameSite=Lax cookie (Secure when served over HTTPS), so the pages and the API
trust exactly the same identities and the services check access and write the audit trail the
same way. The cookie is set after a sign-in through an OpenID provider (ID-porten for
citizens, Entra ID for employees: `trygd.web.routes.signin`), or in demo mode by `/login` for
a demo user. Each sign-in starts a new session (a new `sid`) and ends the one the browser had.

A citizen's pages about a case that rests on health data need the high level of assurance
(`require_assurance`); a session at a lower level is sent back to ID-porten to step up.

A web sign-in is short-lived: its token expires `WEB_IDLE` after it was issued, and each page
shown more than `RENEW_AFTER` later gives the browser a fresh token of the same session, but
never beyond `WEB_ABSOLUTE` after the sign-in. Signing out revokes the session on the server
(`trygd.services.signins`): a copy of the cookie stops working too.

Every form that changes something carries a CSRF token bound to the sign-in session: an HMAC
of the session id under a key derived from the server's secret. Another site can make the
browser send the cookie, but cannot compute the token; a token from another session does not
fit this one. Before sign-in (the sign-in form itself, the guide) the token is bound the same
way to a random value in a cookie of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import Request
from starlette.datastructures import FormData

from trygd.api.identity import (
    WEB_ABSOLUTE,
    WEB_IDLE,
    InvalidToken,
    actor_from_claims,
    authenticate,
    new_session_id,
    session_ends,
)
from trygd.privacy.policy import Role, assurance_rank
from trygd.services.files import MAX_FILE_BYTES
from trygd.services.unit_of_work import RequestContext

SESSION_COOKIE = "trygd_session"
CSRF_COOKIE = "trygd_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
# A shown page renews the sign-in when its token is older than this.
RENEW_AFTER = dt.timedelta(minutes=1)
# Shorter tokens are refused before they are compared (ours are 64 hexadecimal characters).
MIN_CSRF_LENGTH = 32
# The claims `issue` sets itself (a renewed token gets them afresh).
TOKEN_CLAIMS = frozenset({"iss", "aud", "iat", "exp", "sid", "auth_time"})


class SignInRequired(Exception):
    """The page needs a signed-in user; the handler sends the browser to /login."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class StepUpRequired(Exception):
    """The page needs a sign-in at a higher level of assurance than the session has; the
    handler sends the browser to sign in again at `level` and back to `next_url`."""

    def __init__(self, next_url: str, level: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url
        self.level = level


class FormRejected(Exception):
    """The form's CSRF token was missing or wrong (403)."""


def _claims(request: Request) -> dict[str, Any] | None:
    """The verified claims of the sign-in cookie, when it holds a live session."""
    if hasattr(request.state, "web_claims"):
        cached: dict[str, Any] | None = request.state.web_claims
        return cached
    claims: dict[str, Any] | None = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            claims = authenticate(request.app.state.identity, request.app.state.signins, token)
        except InvalidToken:
            claims = None
    if claims is not None and not _within_absolute_limit(claims):
        claims = None
    request.state.web_claims = claims
    return claims


def current_claims(request: Request) -> dict[str, Any] | None:
    """The claims of the browser's live sign-in session, or None."""
    return _claims(request)


def _within_absolute_limit(claims: dict[str, Any]) -> bool:
    began = claims.get("auth_time")
    if not isinstance(began, int):
        return False
    now = dt.datetime.now(dt.UTC).timestamp()
    return now < began + WEB_ABSOLUTE.total_seconds()


def start_session(request: Request, response: Any, claims: dict[str, Any]) -> str:
    """Sign the browser in as `claims`: a new sign-in session in the cookie (its id is
    returned). A session the browser had is ended on the server: a sign-in never goes on in
    an old session (no session fixation), and a copy of the old cookie stops working."""
    old = _claims(request)
    if old is not None:
        request.app.state.signins.revoke(old["sid"], session_ends(old))
    session_id = new_session_id()
    token = request.app.state.identity.issue(claims, lifetime=WEB_IDLE, session_id=session_id)
    _set_session_cookie(request, response, token)
    request.state.web_claims = None  # the session it replaces must not be renewed after it
    return session_id


def renew_session(request: Request, response: Any) -> None:
    """Give the browser a fresh token of its session (the idle limit starts again), once the
    one it has is older than `RENEW_AFTER`; never beyond the absolute limit."""
    claims = _claims(request)
    issue = getattr(request.app.state.identity, "issue", None)
    if claims is None or issue is None:
        return
    now = dt.datetime.now(dt.UTC)
    if now.timestamp() - int(claims["iat"]) < RENEW_AFTER.total_seconds():
        return
    began = int(claims["auth_time"])
    last_moment = dt.datetime.fromtimestamp(began, dt.UTC) + WEB_ABSOLUTE
    lifetime = min(WEB_IDLE, last_moment - now)
    kept = {k: v for k, v in claims.items() if k not in TOKEN_CLAIMS}
    token = issue(kept, now, lifetime=lifetime, session_id=claims["sid"], auth_time=began)
    _set_session_cookie(request, response, token)


def end_session(request: Request, response: Any) -> None:
    """Sign out: revoke the session on the server, and delete the cookie."""
    claims = _claims(request)
    if claims is not None:
        request.app.state.signins.revoke(claims["sid"], session_ends(claims))
    request.state.web_claims = None
    response.delete_cookie(SESSION_COOKIE, path="/")


def _set_session_cookie(request: Request, response: Any, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
        path="/",
    )


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


def require_assurance(request: Request, context: RequestContext, needed: str | None) -> None:
    """A citizen's page that needs sign-in at level `needed` (an `Assurance` value) when the
    session has less: StepUpRequired, so the browser signs in again at that level. Employees
    sign in through their own provider and have no such level."""
    if needed is None or Role.CITIZEN not in context.actor.roles:
        return
    claims = _claims(request) or {}
    if assurance_rank(claims.get("acr")) >= assurance_rank(needed):
        return
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise StepUpRequired(target, needed)


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(safe_next(next_url), safe="/")


def safe_next(value: str | None) -> str:
    """Only a path on this site may be a place to return to after sign-in (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


# -- CSRF -------------------------------------------------------------------------------------


def csrf_key_for(secret: str | None) -> bytes:
    """The key CSRF tokens are made with: derived from the token secret, so that every server
    process makes the same tokens; a random one (for this process only) without a secret."""
    if not secret:
        return secrets.token_bytes(32)
    return hmac.new(secret.encode("utf-8"), b"trygd web CSRF tokens", hashlib.sha256).digest()


def bound_csrf_token(key: bytes, binding: str) -> str:
    return hmac.new(key, binding.encode("utf-8"), hashlib.sha256).hexdigest()


def session_csrf_token(key: bytes, session_id: str) -> str:
    """The CSRF token of sign-in session `session_id`."""
    return bound_csrf_token(key, "session:" + session_id)


def browser_csrf_token(key: bytes, nonce: str) -> str:
    """The CSRF token before sign-in, for the random value `nonce` of the CSRF cookie."""
    return bound_csrf_token(key, "browser:" + nonce)


def _expected_csrf(request: Request, *, create: bool) -> str | None:
    """This browser's CSRF token, bound to its sign-in session, or before sign-in to the
    random value of its CSRF cookie (made when `create`, and set by the page's response)."""
    key: bytes = request.app.state.csrf_key
    claims = _claims(request)
    if claims is not None:
        return session_csrf_token(key, str(claims["sid"]))
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and MIN_CSRF_LENGTH <= len(existing) <= 128 and existing.isalnum():
        return browser_csrf_token(key, existing)
    if not create:
        return None
    fresh: str | None = getattr(request.state, "new_csrf", None)
    if fresh is None:
        fresh = secrets.token_hex(32)
        request.state.new_csrf = fresh
    return browser_csrf_token(key, fresh)


def csrf_token(request: Request) -> str:
    """The CSRF token for forms on this page."""
    token = _expected_csrf(request, create=True)
    assert token is not None
    return token


async def checked_form(request: Request) -> FormData:
    """The submitted form, after checking its CSRF token against this browser's session."""
    form = await request.form(max_files=10, max_fields=200, max_part_size=MAX_FILE_BYTES + 1)
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = _expected_csrf(request, create=False)
    if expected is None or not isinstance(sent, str) or len(sent) < MIN_CSRF_LENGTH:
        raise FormRejected()
    if not hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8")):
        raise FormRejected()
    return form


def cookie_secure(request: Request) -> bool:
    return request.url.scheme == "https"
