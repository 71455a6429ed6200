"""Who is calling: signed tokens turned into an `Actor`, and the lifetimes of sign-ins.

trygd trusts only signed tokens. `IdentityProvider` is the seam where a real identity provider
plugs in: ID-porten (OIDC) for citizens and Entra ID for employees would verify their own
RS256 tokens against the providers' published keys and map the same claims (`pid` for the
citizen's identity number; `NAVident`, roles, unit and clearances for employees). Until then,
`SignedTokens` signs and checks HS256 tokens with the server's secret (TRYGD_TOKEN_SECRET).

Demo tokens and production tokens never mix: `DemoTokens` (demo mode only) uses its own
issuer and audience, so a server that is not in demo mode refuses a demo token even when both
were given the same secret. Every token names its sign-in session (`sid`): signing out revokes
that session on the server (see `trygd.services.signins`), so a copied token or cookie stops
working at once instead of at its expiry.

Lifetimes are short on purpose: an API token lives `API_LIFETIME`; a web sign-in ends after
`WEB_IDLE` without a request, and after `WEB_ABSOLUTE` whatever happens.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

import jwt

from trygd.privacy.policy import Actor, Role, clearances_from, roles_from

ISSUER = "trygd"
AUDIENCE = "trygd-api"
DEMO_ISSUER = "trygd-demo"
DEMO_AUDIENCE = "trygd-demo-api"

API_LIFETIME = dt.timedelta(hours=1)
WEB_IDLE = dt.timedelta(minutes=30)
WEB_ABSOLUTE = dt.timedelta(hours=8)
# HS256 with a shorter key is open to guessing offline (RFC 7518 §3.2 asks for at least 256 bits).
MIN_SECRET_BYTES = 32


class InvalidToken(Exception):
    pass


class WeakSecret(ValueError):
    """The token secret is too short to sign with."""


class IdentityProvider(Protocol):
    def verify(self, token: str) -> dict[str, Any]:
        """The verified claims of `token`, or InvalidToken."""
        ...


class Revocations(Protocol):
    """The sign-in sessions that have ended (signed out) before their tokens expire."""

    def is_revoked(self, session_id: str) -> bool: ...


def check_secret(secret: str) -> None:
    """Refuse a secret shorter than `MIN_SECRET_BYTES` bytes (UTF-8), with a message saying so."""
    length = len(secret.encode("utf-8"))
    if length < MIN_SECRET_BYTES:
        raise WeakSecret(
            f"TRYGD_TOKEN_SECRET must be at least {MIN_SECRET_BYTES} bytes long (it is {length}); "
            "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )


def new_session_id() -> str:
    return secrets.token_urlsafe(18)


@dataclass(frozen=True)
class SignedTokens:
    """HS256 tokens signed with the server's secret, for this server's issuer and audience."""

    secret: str
    issuer: str = ISSUER
    audience: str = AUDIENCE

    def __post_init__(self) -> None:
        check_secret(self.secret)

    def issue(
        self,
        claims: dict[str, Any],
        now: dt.datetime | None = None,
        *,
        lifetime: dt.timedelta = API_LIFETIME,
        session_id: str | None = None,
        auth_time: int | None = None,
    ) -> str:
        """A token for `claims`, valid for `lifetime` from `now`, in sign-in session
        `session_id` (a new one when not given) that began at `auth_time` (default: now)."""
        now = now or dt.datetime.now(dt.UTC)
        payload = {
            **claims,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": int(now.timestamp()),
            "exp": int((now + lifetime).timestamp()),
            "sid": session_id or new_session_id(),
            "auth_time": auth_time if auth_time is not None else int(now.timestamp()),
        }
        return jwt.encode(payload, self.secret, algorithm="HS256")

    def verify(self, token: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.secret,
                algorithms=["HS256"],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "sid"]},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from None
        if not isinstance(claims["sid"], str) or not 16 <= len(claims["sid"]) <= 64:
            raise InvalidToken("claim 'sid' must be a session id")
        return claims


@dataclass(frozen=True)
class DemoTokens(SignedTokens):
    """Tokens for the demo users: only a server in demo mode takes them."""

    issuer: str = DEMO_ISSUER
    audience: str = DEMO_AUDIENCE


def tokens_for(secret: str, *, demo: bool) -> SignedTokens:
    return DemoTokens(secret) if demo else SignedTokens(secret)


def authenticate(
    identity: IdentityProvider, revocations: Revocations, token: str
) -> dict[str, Any]:
    """The claims of a valid token whose sign-in session has not been ended, or InvalidToken."""
    claims = identity.verify(token)
    session_id = claims.get("sid")
    if isinstance(session_id, str) and revocations.is_revoked(session_id):
        raise InvalidToken("the session has ended (signed out)")
    return claims


def session_ends(claims: dict[str, Any]) -> dt.datetime:
    """When the sign-in session of `claims` can last no longer: its token's expiry, or for a web
    sign-in that may be renewed, `WEB_ABSOLUTE` after it began, whichever is later."""
    ends = int(claims["exp"])
    began = claims.get("auth_time")
    if isinstance(began, int):
        ends = max(ends, began + int(WEB_ABSOLUTE.total_seconds()))
    return dt.datetime.fromtimestamp(ends, dt.UTC)


def actor_from_claims(claims: dict[str, Any], person_id: str | None) -> Actor:
    """Map verified claims to an Actor; roles and clearances not known to trygd grant nothing."""
    roles = roles_from(claims.get("roles", []))
    if not roles:
        raise InvalidToken("the token grants no role")
    if Role.SYSTEM in roles:
        raise InvalidToken("the system role cannot be given by a token")
    unit = claims.get("unit")
    for name, longest in (("sub", 64), ("name", 200), ("unit", 4)):
        value = claims.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > longest):
            raise InvalidToken(f"claim {name!r} must be a string of at most {longest} characters")
    return Actor(
        id=str(claims["sub"]),
        name=str(claims.get("name", claims["sub"])),
        roles=roles,
        unit=str(unit) if unit else None,
        person_id=person_id,
        clearances=clearances_from(claims.get("clearances", [])),
    )
