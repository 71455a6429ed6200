"""Sign-in through an OpenID provider: ID-porten for citizens, Entra ID for employees.

The authorization code flow (OpenID Connect Core § 3.1) with everything ID-porten makes
mandatory, through Authlib's OAuth 2 client:

1. `GET /login/<provider>` begins a sign-in on the server (`ProviderSignIns.begin`): a random
   `state`, `nonce` and PKCE `code_verifier` (RFC 7636, S256), kept in the database, never in
   the browser; the browser gets only the state, in a cookie scoped to the callback, and is
   sent to the provider's authorization endpoint. A citizen's sign-in asks for a level of
   assurance (`acr_values`) and the page's language (`ui_locales`).
2. `GET /login/<provider>/callback` takes the answer: the state must be the one in this
   browser's cookie and a sign-in begun here less than ten minutes ago (used once); the `iss`
   parameter must name the provider (RFC 9207, against mix-up attacks); the code is redeemed
   with the verifier; the ID token must be signed by the provider's key, for trygd's client,
   unexpired, with this sign-in's nonce, and (for citizens) at least the level asked for.
   Then a new session starts (the browser's old one ends), the ID token is kept on the server
   for signing out, and `locale` chooses the pages' language.

Signing out (`POST /logout`, in `common`) ends the session here and sends the browser to the
provider's `end_session_endpoint` with the ID token as `id_token_hint`.

Signing out at the provider (or the provider ending its session) ends the sessions here too:
`POST /login/<provider>/backchannel-logout` is trygd's `backchannel_logout_uri` (OpenID
Connect Back-Channel Logout 1.0). The provider posts a logout token there; once it is verified
(`Issuer.verify_logout_token`) every web session that began in the provider's session `sid`
(or, without a `sid`, every one of its subject `sub`) is revoked, as signing out here would,
and so is a bearer token of that `sid`. The answer is 200, or 400 for a token that does not
verify (nothing is ended). A token sent again ends nothing more: it is harmless.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from trygd.api.identity import WEB_ABSOLUTE, InvalidToken
from trygd.api.oidc import Issuer, LogoutToken, OidcSettings, map_claims, session_id_of
from trygd.privacy.policy import Assurance, assurance_rank, roles_from
from trygd.services.errors import NotFound
from trygd.services.signins import ProviderSignIns
from trygd.web.i18n import translator
from trygd.web.session import cookie_secure, safe_next, start_session
from trygd.web.templating import LANGUAGE_COOKIE, ONE_YEAR, request_language

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

LOGIN_COOKIE = "trygd_login"
PENDING_SECONDS = 600


def issuer_named(request: Request, name: str) -> Issuer | None:
    """The configured OpenID issuer `name`, or None (none configured: demo sign-in only)."""
    issuers: dict[str, Issuer] = getattr(request.app.state.identity, "issuers", {})
    return issuers.get(name)


def citizen_issuer(request: Request) -> Issuer | None:
    """The provider citizens sign in with (ID-porten), if one is configured."""
    issuers: dict[str, Issuer] = getattr(request.app.state.identity, "issuers", {})
    return next((i for i in issuers.values() if i.settings.kind == "citizen"), None)


def step_up_url(request: Request, next_url: str, level: str) -> str | None:
    """Where to sign in again at `level` and come back to `next_url`; None without ID-porten."""
    issuer = citizen_issuer(request)
    if issuer is None:
        return None
    query = urlencode({"next": safe_next(next_url), "level": level})
    return f"/login/{issuer.settings.name}?{query}"


def _settings(request: Request) -> OidcSettings:
    settings: OidcSettings = request.app.state.identity.settings
    return settings


def _client(issuer: Issuer, settings: OidcSettings) -> OAuth2Client:
    return OAuth2Client(
        client_id=issuer.settings.client_id,
        client_secret=issuer.settings.client_secret,
        scope=issuer.settings.scope,
        redirect_uri=settings.redirect_uri(issuer.settings.name),
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",
        timeout=5.0,
    )


def _failed(request: Request, reason: str, status_code: int = 400) -> Response:
    """The sign-in page again, saying that the sign-in did not work (the reason is logged,
    not shown: it helps no one but an attacker)."""
    from trygd.web.routes.common import login_page

    log.warning("sign-in through a provider refused: %s", reason)
    t = translator(request_language(request))
    response = login_page(
        request,
        "/",
        status_code=status_code,
        sign_in_failed=t.gettext("The sign-in did not succeed. Try again."),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.get("/login/{provider}")
def begin_sign_in(
    request: Request, provider: str, next: str = "/", level: str | None = None
) -> Response:
    issuer = issuer_named(request, provider)
    if issuer is None:
        raise NotFound("no such sign-in")
    wanted: str | None = None
    if issuer.settings.kind == "citizen":
        wanted = level if assurance_rank(level) >= 0 else Assurance.SUBSTANTIAL.value
    signins: ProviderSignIns = request.app.state.provider_signins
    try:
        endpoint = issuer.endpoint("authorization_endpoint")
    except InvalidToken as error:
        return _failed(request, str(error), 503)
    login = signins.begin(provider, safe_next(next), wanted)
    extra: dict[str, str] = {}
    if wanted is not None:
        extra = {"acr_values": wanted, "ui_locales": request_language(request)}
    with _client(issuer, _settings(request)) as client:
        url, _state = client.create_authorization_url(
            endpoint,
            state=login.state,
            nonce=login.nonce,
            code_verifier=login.code_verifier,
            **extra,
        )
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        LOGIN_COOKIE,
        login.state,
        max_age=PENDING_SECONDS,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
        path="/login",
    )
    return response


@router.get("/login/{provider}/callback")
def finish_sign_in(request: Request, provider: str) -> Response:
    issuer = issuer_named(request, provider)
    if issuer is None:
        raise NotFound("no such sign-in")
    query = request.query_params
    state = query.get("state", "")
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not state or not hmac.compare_digest(state.encode(), cookie.encode()):
        return _failed(request, "the state is not the one this browser was given")
    signins: ProviderSignIns = request.app.state.provider_signins
    login = signins.take(state)
    if login is None or login.provider != provider:
        return _failed(request, "no sign-in with this state is on its way (expired or used)")
    # RFC 9207: the answer names who sent it; it must be the provider the sign-in went to.
    if query.get("iss") != issuer.settings.issuer:
        return _failed(request, f"the answer's iss {query.get('iss')!r} is not the provider's")
    if query.get("error"):
        return _failed(request, f"the provider answered {query.get('error')!r}")
    code = query.get("code")
    if not code:
        return _failed(request, "the answer has no code")
    try:
        with _client(issuer, _settings(request)) as client:
            token = client.fetch_token(
                issuer.endpoint("token_endpoint"),
                grant_type="authorization_code",
                code=code,
                code_verifier=login.code_verifier,
            )
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise InvalidToken("the token answer has no ID token")
        claims = issuer.verify_id_token(id_token, login.nonce)
        mapped = map_claims(issuer.settings, claims)
    except (OAuthError, httpx.HTTPError, InvalidToken) as error:
        return _failed(request, f"{type(error).__name__}: {error}")
    if assurance_rank(mapped.get("acr")) < assurance_rank(login.level):
        return _failed(request, f"signed in at {mapped.get('acr')}, {login.level} was asked for")
    target = login.next_url if login.next_url != "/" else _home(mapped)
    response = RedirectResponse(target, status_code=303)
    session_id = start_session(request, response, mapped)
    now = dt.datetime.now(dt.UTC)
    signins.started(
        session_id,
        provider,
        id_token,
        now + WEB_ABSOLUTE,
        now,
        provider_sid=claims["sid"] if isinstance(claims.get("sid"), str) else None,
        subject=str(claims["sub"]),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    locale = mapped.get("locale")
    if isinstance(locale, str):
        response.set_cookie(
            LANGUAGE_COOKIE,
            locale,
            max_age=ONE_YEAR,
            samesite="lax",
            secure=cookie_secure(request),
            path="/",
        )
    return response


def _home(claims: dict[str, Any]) -> str:
    from trygd.web.routes.common import home_of

    return home_of(roles_from(claims.get("roles", [])))


def provider_logout_url(request: Request, session_id: str) -> str | None:
    """Forget the session's ID token; where the provider ends its own session, if it began
    at one (RP-Initiated Logout 1.0 § 2)."""
    signins: ProviderSignIns = request.app.state.provider_signins
    ended = signins.ended(session_id)
    if ended is None:
        return None
    provider, id_token = ended
    issuer = issuer_named(request, provider)
    if issuer is None:
        return None
    try:
        endpoint = issuer.endpoint("end_session_endpoint")
    except InvalidToken:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": _settings(request).post_logout_uri(),
            "client_id": issuer.settings.client_id,
        }
    )
    return f"{endpoint}?{query}"


@router.post("/login/{provider}/backchannel-logout")
async def backchannel_logout(request: Request, provider: str) -> Response:
    """The provider's logout token ends the sessions it names (Back-Channel Logout 1.0 § 2.8:
    200 when done, 400 with an error when the token is refused)."""
    issuer = issuer_named(request, provider)
    if issuer is None:
        raise NotFound("no such sign-in")
    form = await request.form(max_files=0, max_fields=10)
    token = form.get("logout_token")
    if not isinstance(token, str) or not token:
        return _logout_refused("the request has no logout_token")
    try:
        logout = await run_in_threadpool(issuer.verify_logout_token, token)
    except InvalidToken as error:
        return _logout_refused(str(error))
    ended = await run_in_threadpool(_end_provider_sessions, request, provider, issuer, logout)
    log.info("back-channel logout from %s ended %d session(s)", provider, ended)
    return Response(status_code=200)  # not stored: the site's headers say no-store


def _logout_refused(reason: str) -> Response:
    log.warning("back-channel logout refused: %s", reason)
    body = {"error": "invalid_request", "error_description": "the logout token is not valid"}
    return JSONResponse(body, status_code=400)


def _end_provider_sessions(
    request: Request, provider: str, issuer: Issuer, logout: LogoutToken
) -> int:
    """Revoke every web session the logout token names, and a bearer token of its `sid`;
    the number of web sessions ended."""
    provider_signins: ProviderSignIns = request.app.state.provider_signins
    signins = request.app.state.signins
    sessions = provider_signins.ended_at_provider(provider, logout.sid, logout.sub)
    for session_id, expires_at in sessions:
        signins.revoke(session_id, expires_at)
    if logout.sid is not None:
        # The API's bearer tokens of the same provider session (`trygd.api.oidc`).
        bearer = session_id_of(issuer.settings.issuer, {"sid": logout.sid})
        signins.revoke(bearer, dt.datetime.now(dt.UTC) + WEB_ABSOLUTE)
    return len(sessions)
