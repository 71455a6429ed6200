"""Sign-in through OpenID Connect: ID-porten for citizens, Entra ID for NAV's employees.

The configuration (`OidcSettings`, read from the JSON file named by TRYGD_OIDC_CONFIG) names
each issuer, trygd's client there and the audience of the access tokens trygd takes. For each
issuer an `Issuer` fetches the provider's metadata (OpenID discovery) and its signing keys
(`jwks_uri`), and verifies its tokens with joserfc: the signature against the published keys
(asymmetric algorithms only, so an HS256 token can never be checked with a public key), the
issuer, the audience, the expiry and the issue time, with `leeway_seconds` of clock skew.

Keys rotate: the keys are kept, and a token naming a key id (`kid`) that is not among them has
the key set fetched again, at most once every `REFETCH_INTERVAL` (so that tokens with made-up
key ids cannot make trygd hammer the provider). A token signed with a key the provider no
longer publishes is refused.

The verified claims are mapped to trygd's own claims (`map_claims`), the same shape the demo
and the server's signed tokens have:

- ID-porten (kind "citizen"): the person is the `pid` claim (fødselsnummer or D-nummer), the
  assurance level is `acr` (`idporten-loa-substantial` or `idporten-loa-high`; anything else
  is refused), `locale` chooses the language of the pages.
- Entra ID (kind "staff"): the employee is the NAV ident in `employee_id_claim` (NAVident);
  roles, the unit and the clearances for protected persons come from the `groups` claim
  through the configuration's `groups` map (object id → grants). Unknown groups grant
  nothing; an employee whose groups name two units is refused (trygd routes work to one unit).

A provider that ends its session posts a logout token (OpenID Connect Back-Channel Logout
1.0); `Issuer.verify_logout_token` checks it like any other token, and its event, `sid`/`sub`
and the absence of a nonce (`trygd.web.routes.signin` ends the sessions it names).

`Identities` is the `IdentityProvider` a server uses: the server's own signed tokens (the
pages' session cookie; the demo tokens in demo mode) and the configured issuers' bearer access
tokens, told apart by their `iss`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import ClaimsOption

from trygd.api.identity import InvalidToken, SignedTokens
from trygd.privacy.policy import Assurance

# The signature algorithms the providers use (ID-porten and Entra ID sign with RS256). HS*
# and "none" are never accepted from an issuer.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
# How often an unknown key id may make the key set be fetched again.
REFETCH_INTERVAL = 10.0
# How long metadata and keys are trusted before they are fetched again anyway.
METADATA_LIFETIME = 3600.0
HTTP_TIMEOUT = 5.0

# The event a logout token carries (OpenID Connect Back-Channel Logout 1.0 § 2.4).
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"

# ID-porten's levels of assurance, lowest first.
LEVELS = tuple(level.value for level in Assurance)

NAV_IDENT = re.compile(r"[A-Z]\d{6}")
IDENTITY_NUMBER = re.compile(r"\d{11}")
LOCALES = {"nb": "nb", "nn": "nn", "en": "en", "se": "nb"}


class ConfigError(ValueError):
    """The OpenID configuration is missing or wrong; the message says where."""


@dataclass(frozen=True)
class GroupGrant:
    """What membership of one Entra ID group gives an employee."""

    name: str = ""
    roles: tuple[str, ...] = ()
    unit: str | None = None
    clearances: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssuerSettings:
    name: str  # "idporten", "entra": the path of its sign-in, /login/<name>
    kind: Literal["citizen", "staff"]
    issuer: str
    client_id: str
    client_secret: str
    audience: str  # the `aud` of the access tokens the API takes
    scope: str = "openid profile"
    employee_id_claim: str = "NAVident"
    groups: Mapping[str, GroupGrant] = field(default_factory=dict)
    leeway_seconds: int = 60
    title: str = ""


@dataclass(frozen=True)
class OidcSettings:
    public_url: str  # where browsers reach trygd: the redirect URIs are made from it
    issuers: tuple[IssuerSettings, ...]

    def named(self, name: str) -> IssuerSettings | None:
        return next((i for i in self.issuers if i.name == name), None)

    def redirect_uri(self, name: str) -> str:
        return f"{self.public_url}/login/{name}/callback"

    def post_logout_uri(self) -> str:
        return f"{self.public_url}/"


def settings_from(data: Mapping[str, Any]) -> OidcSettings:
    """The settings in `data` (the parsed configuration file), or ConfigError naming the key."""
    try:
        public_url = str(data["public_url"]).rstrip("/")
        issuers = []
        for name, spec in dict(data["issuers"]).items():
            if not re.fullmatch(r"[a-z][a-z0-9-]{0,30}", name):
                raise ConfigError(f"issuers: {name!r} is not a lower-case name")
            kind = spec["kind"]
            if kind not in ("citizen", "staff"):
                raise ConfigError(f"issuers.{name}.kind must be 'citizen' or 'staff'")
            groups = {
                str(group_id): GroupGrant(
                    name=str(grant.get("name", "")),
                    roles=tuple(grant.get("roles", ())),
                    unit=grant.get("unit"),
                    clearances=tuple(grant.get("clearances", ())),
                )
                for group_id, grant in dict(spec.get("groups", {})).items()
            }
            issuers.append(
                IssuerSettings(
                    name=name,
                    kind=kind,
                    issuer=str(spec["issuer"]),
                    client_id=str(spec["client_id"]),
                    client_secret=str(spec["client_secret"]),
                    audience=str(spec["audience"]),
                    scope=str(spec.get("scope", "openid profile")),
                    employee_id_claim=str(spec.get("employee_id_claim", "NAVident")),
                    groups=groups,
                    leeway_seconds=int(spec.get("leeway_seconds", 60)),
                    title=str(spec.get("title", name)),
                )
            )
    except KeyError as missing:
        raise ConfigError(f"the OpenID configuration lacks {missing}") from None
    except (TypeError, ValueError, AttributeError) as error:
        if isinstance(error, ConfigError):
            raise
        raise ConfigError(f"the OpenID configuration is malformed: {error}") from None
    if len({i.issuer for i in issuers}) != len(issuers):
        raise ConfigError("two issuers have the same issuer URL")
    return OidcSettings(public_url=public_url, issuers=tuple(issuers))


def load_settings(path: str | Path) -> OidcSettings:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read the OpenID configuration {path}: {error}") from None
    return settings_from(data)


def unverified_issuer(token: str) -> str | None:
    """The `iss` a token claims, read without checking it (to choose who checks it)."""
    try:
        payload = json.loads(jws.extract_compact(token.encode("ascii")).payload)
    except (JoseError, ValueError, UnicodeError, TypeError):
        return None
    iss = payload.get("iss") if isinstance(payload, dict) else None
    return iss if isinstance(iss, str) else None


class Issuer:
    """One OpenID provider: its metadata, its keys, and the tokens it signs."""

    def __init__(
        self,
        settings: IssuerSettings,
        *,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
        refetch_interval: float = REFETCH_INTERVAL,
    ) -> None:
        self.settings = settings
        self.http = http or httpx.Client(timeout=HTTP_TIMEOUT)
        self.clock = clock
        self.refetch_interval = refetch_interval
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None
        self._keys_at = -float("inf")
        self._lock = threading.Lock()

    # -- metadata and keys -------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document, whose `issuer` must be the configured one."""
        with self._lock:
            now = self.clock()
            if self._metadata is None or now - self._metadata_at > METADATA_LIFETIME:
                url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
                document = self._get_json(url)
                if document.get("issuer") != self.settings.issuer:
                    raise InvalidToken(
                        f"the provider at {url} says its issuer is {document.get('issuer')!r}"
                    )
                self._metadata, self._metadata_at = document, now
            return self._metadata

    def endpoint(self, name: str) -> str:
        value = self.metadata().get(name)
        if not isinstance(value, str):
            raise InvalidToken(f"the provider publishes no {name}")
        return value

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            answer = self.http.get(url)
            answer.raise_for_status()
            document = answer.json()
        except (httpx.HTTPError, ValueError) as error:
            raise InvalidToken(f"cannot reach the identity provider: {error}") from None
        if not isinstance(document, dict):
            raise InvalidToken(f"{url} did not answer with a JSON object")
        return document

    def _key_set(self, kid: str | None) -> KeySet:
        """The provider's keys; fetched again when `kid` is not among them (rotation), or when
        they are old, but an unknown kid fetches at most once every `refetch_interval`."""
        jwks_uri = self.endpoint("jwks_uri")
        with self._lock:
            now = self.clock()
            known = self._keys is not None and any(k.kid == kid for k in self._keys)
            stale = now - self._keys_at > METADATA_LIFETIME
            may_refetch = now - self._keys_at >= self.refetch_interval
            if self._keys is None or stale or (not known and may_refetch):
                try:
                    self._keys = KeySet.import_key_set(self._get_json(jwks_uri))  # type: ignore[arg-type]
                except JoseError as error:
                    raise InvalidToken(f"the provider's key set is unusable: {error}") from None
                self._keys_at = now
            return self._keys

    # -- tokens --------------------------------------------------------------------------------

    def verify(
        self,
        token: str,
        audience: str,
        *,
        required: tuple[str, ...] = ("sub",),
    ) -> dict[str, Any]:
        """The claims of `token` if it is signed by one of this issuer's keys, for `audience`,
        not expired (give or take `leeway_seconds`), with the claims `required`; otherwise
        InvalidToken."""
        try:
            header = jws.extract_compact(token.encode("ascii")).headers()
        except (JoseError, UnicodeError, ValueError) as error:
            raise InvalidToken(f"not a signed token: {error}") from None
        if header.get("alg") not in ALGORITHMS:
            raise InvalidToken(f"the token's algorithm {header.get('alg')!r} is not accepted")
        kid = header.get("kid")
        keys = self._key_set(kid if isinstance(kid, str) else None)
        if not any(k.kid == kid for k in keys):
            raise InvalidToken("the token is signed with a key the issuer does not publish")
        try:
            decoded = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
            options: dict[str, ClaimsOption] = {
                "iss": {"essential": True, "value": self.settings.issuer},
                "aud": {"essential": True, "value": audience},
                "exp": {"essential": True},
                "iat": {"essential": True},
            }
            options.update({name: {"essential": True} for name in required})
            registry = jwt.JWTClaimsRegistry(
                now=lambda: int(self.clock()), leeway=self.settings.leeway_seconds, **options
            )
            registry.validate(decoded.claims)
        except JoseError as error:
            raise InvalidToken(f"{error.error}: {error.description or ''}".strip()) from None
        claims = decoded.claims
        if int(claims["iat"]) > self.clock() + self.settings.leeway_seconds:
            raise InvalidToken("the token was issued in the future")
        return claims

    def verify_id_token(self, token: str, nonce: str) -> dict[str, Any]:
        """An ID token from the token endpoint (OpenID Connect Core § 3.1.3.7): for trygd's
        client, with the nonce of this sign-in."""
        claims = self.verify(token, self.settings.client_id, required=("sub", "nonce"))
        aud = claims["aud"]
        if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != self.settings.client_id:
            raise InvalidToken("the ID token is for another client (azp)")
        if claims["nonce"] != nonce:
            raise InvalidToken("the ID token's nonce is not this sign-in's")
        return claims

    def verify_logout_token(self, token: str) -> LogoutToken:
        """A logout token the provider sent to end sessions (OpenID Connect Back-Channel
        Logout 1.0 § 2.6): signed by one of its keys, from it, for trygd's client, with `iat`,
        `exp` and `jti`, the back-channel logout event, a `sid` and/or a `sub`, and no `nonce`
        (so that an ID token can never pass for one)."""
        claims = self.verify(token, self.settings.client_id, required=("jti",))
        events = claims.get("events")
        if not isinstance(events, dict) or not isinstance(events.get(LOGOUT_EVENT), dict):
            raise InvalidToken(f"a logout token must carry the event {LOGOUT_EVENT}")
        if "nonce" in claims:
            raise InvalidToken("a logout token must not carry a nonce")
        sid, sub = claims.get("sid"), claims.get("sub")
        for name, value in (("sid", sid), ("sub", sub)):
            if value is not None and (not isinstance(value, str) or not value):
                raise InvalidToken(f"claim {name!r} of a logout token must be a string")
        if sid is None and sub is None:
            raise InvalidToken("a logout token must name a sid or a sub")
        return LogoutToken(sid=sid, sub=sub, jti=str(claims["jti"]))


@dataclass(frozen=True)
class LogoutToken:
    """What a verified logout token ends: the provider's session `sid`, its subject `sub`
    (either may be missing, not both), and the token's id `jti`."""

    sid: str | None
    sub: str | None
    jti: str


def map_claims(settings: IssuerSettings, claims: Mapping[str, Any]) -> dict[str, Any]:
    """trygd's claims for the verified provider claims `claims`, or InvalidToken."""
    if settings.kind == "citizen":
        pid = claims.get("pid")
        if not isinstance(pid, str) or not IDENTITY_NUMBER.fullmatch(pid):
            raise InvalidToken("claim 'pid' must be an identity number")
        acr = claims.get("acr")
        if acr not in LEVELS:
            raise InvalidToken(f"claim 'acr' must be one of {', '.join(LEVELS)}")
        mapped: dict[str, Any] = {
            "sub": f"{settings.name}:{claims['sub']}",
            "roles": ["citizen"],
            "pid": pid,
            "acr": acr,
            "idp": settings.name,
        }
        if isinstance(claims.get("name"), str):
            mapped["name"] = claims["name"]
        locale = claims.get("locale")
        if isinstance(locale, str) and locale in LOCALES:
            mapped["locale"] = LOCALES[locale]
        return mapped
    ident = claims.get(settings.employee_id_claim)
    if not isinstance(ident, str) or not NAV_IDENT.fullmatch(ident):
        raise InvalidToken(f"claim {settings.employee_id_claim!r} must be a NAV ident")
    groups = claims.get("groups", [])
    if not isinstance(groups, list):
        raise InvalidToken("claim 'groups' must be a list")
    roles: set[str] = set()
    units: set[str] = set()
    clearances: set[str] = set()
    for group in groups:
        grant = settings.groups.get(str(group))
        if grant is None:
            continue
        roles.update(grant.roles)
        clearances.update(grant.clearances)
        if grant.unit:
            units.add(grant.unit)
    if len(units) > 1:
        raise InvalidToken("the employee's groups name more than one unit")
    mapped = {
        "sub": ident,
        "roles": sorted(roles),
        "unit": next(iter(units), None),
        "clearances": sorted(clearances),
        "idp": settings.name,
    }
    if isinstance(claims.get("name"), str):
        mapped["name"] = claims["name"]
    return mapped


def session_id_of(issuer: str, claims: Mapping[str, Any]) -> str:
    """A session id for a bearer token of an issuer: its `sid`, else its `jti` (so signing
    out with `POST /api/v1/logout` ends that token), made to fit trygd's session ids."""
    source = claims.get("sid") or claims.get("jti") or f"{claims['sub']}:{claims['iat']}"
    return hashlib.sha256(f"{issuer}|{source}".encode()).hexdigest()[:32]


class Identities:
    """The tokens a server takes: its own signed ones (the web session, and the demo tokens in
    demo mode) and the configured issuers' bearer access tokens."""

    def __init__(
        self, local: SignedTokens, settings: OidcSettings | None = None, **issuer_options: Any
    ) -> None:
        self.local = local
        self.settings = settings
        self.issuers: dict[str, Issuer] = {}
        if settings is not None:
            self.issuers = {i.name: Issuer(i, **issuer_options) for i in settings.issuers}
        self._by_iss = {i.settings.issuer: i for i in self.issuers.values()}

    @property
    def secret(self) -> str:
        return self.local.secret

    def issue(self, claims: dict[str, Any], *args: Any, **kwargs: Any) -> str:
        return self.local.issue(claims, *args, **kwargs)

    def verify(self, token: str) -> dict[str, Any]:
        iss = unverified_issuer(token)
        if iss == self.local.issuer:
            return self.local.verify(token)
        issuer = self._by_iss.get(iss or "")
        if issuer is None:
            raise InvalidToken("the token's issuer is not trusted here")
        claims = issuer.verify(token, issuer.settings.audience)
        mapped = map_claims(issuer.settings, claims)
        mapped.update(
            iat=int(claims["iat"]),
            exp=int(claims["exp"]),
            sid=session_id_of(issuer.settings.issuer, claims),
        )
        return mapped
