"""Who is calling: bearer tokens turned into an `Actor`.

trygd trusts only signed tokens. `IdentityProvider` is the seam where a real identity provider
plugs in: ID-porten (OIDC) for citizens and Entra ID for employees would verify their own
RS256 tokens against the providers' published keys and map the same claims (`pid` for the
citizen's identity number; `NAVident`, roles, unit and clearances for employees). Until then,
`DemoTokens` signs HS256 tokens for the demo users, and is only available in demo mode.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

import jwt

from trygd.privacy.policy import Actor, Role, clearances_from, roles_from

ISSUER = "trygd-demo"
AUDIENCE = "trygd-api"
LIFETIME = dt.timedelta(hours=12)


class InvalidToken(Exception):
    pass


class IdentityProvider(Protocol):
    def verify(self, token: str) -> dict[str, Any]:
        """The verified claims of `token`, or InvalidToken."""
        ...


@dataclass(frozen=True)
class DemoTokens:
    secret: str

    def issue(self, claims: dict[str, Any], now: dt.datetime | None = None) -> str:
        now = now or dt.datetime.now(dt.UTC)
        payload = {
            **claims,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": int(now.timestamp()),
            "exp": int((now + LIFETIME).timestamp()),
        }
        return jwt.encode(payload, self.secret, algorithm="HS256")

    def verify(self, token: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.secret,
                algorithms=["HS256"],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from None
        return claims


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
