"""Bearer tokens from the OpenID issuers (`trygd.api.oidc`): what is taken and what is refused.

The provider here is a stand-in at the HTTP level (httpx's MockTransport answers discovery and
the key set, and counts the fetches), so that its keys can be rotated and the clock moved; the
tokens are signed with real RSA keys by joserfc. The whole flow against a real provider is in
`test_oidc_sign_in.py`.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from trygd.api.identity import DemoTokens, InvalidToken, actor_from_claims
from trygd.api.oidc import (
    ConfigError,
    GroupGrant,
    Identities,
    Issuer,
    IssuerSettings,
    OidcSettings,
    map_claims,
    settings_from,
    unverified_issuer,
)
from trygd.privacy.policy import Clearance, Role

ISS = "https://idporten.test"
ENTRA = "https://login.test/tenant/v2.0"
AUD = "api://trygd"
NOW = 1_800_000_000
PID = "15507600333"
CASEWORKERS, UNIT_0312, UNIT_4405, KODE6 = "g-caseworker", "g-0312", "g-4405", "g-kode6"

CITIZENS = IssuerSettings("idporten", "citizen", ISS, "trygd", "secret", AUD, leeway_seconds=30)
STAFF = IssuerSettings(
    "entra",
    "staff",
    ENTRA,
    "trygd",
    "secret",
    AUD,
    groups={
        CASEWORKERS: GroupGrant(roles=("caseworker",)),
        UNIT_0312: GroupGrant(unit="0312"),
        UNIT_4405: GroupGrant(unit="4405"),
        KODE6: GroupGrant(clearances=("strengt_fortrolig",)),
    },
)


class Provider:
    """Discovery and a key set that can be rotated; counts how often the keys are fetched."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self.keys = [RSAKey.generate_key(2048, parameters={"kid": "key-1", "use": "sig"})]
        self.key_fetches = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        base = self.issuer
        if str(request.url) == f"{base}/.well-known/openid-configuration":
            return httpx.Response(200, json={"issuer": base, "jwks_uri": f"{base}/jwks"})
        if str(request.url) == f"{base}/jwks":
            self.key_fetches += 1
            return httpx.Response(200, json={"keys": [k.as_dict(private=False) for k in self.keys]})
        return httpx.Response(404)

    def rotate(self, kid: str, keep_old: bool = False) -> RSAKey:
        new = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig"})
        self.keys = [*self.keys, new] if keep_old else [new]
        return new


class Clock:
    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


def sign(key: Any, claims: dict[str, Any], alg: str = "RS256", kid: str | None = None) -> str:
    header: dict[str, Any] = {"alg": alg}
    kid = kid or getattr(key, "kid", None)
    if kid:
        header["kid"] = kid
    return jwt.encode(header, claims, key, algorithms=[alg])


def citizen_claims(**changes: Any) -> dict[str, Any]:
    claims = {
        "iss": ISS,
        "aud": AUD,
        "sub": "pairwise-subject-1",
        "iat": NOW - 10,
        "exp": NOW + 600,
        "jti": "token-1",
        "pid": PID,
        "acr": "idporten-loa-high",
        "locale": "nn",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.fixture
def world() -> dict[str, Any]:
    providers = {ISS: Provider(ISS), ENTRA: Provider(ENTRA)}
    clock = Clock()

    def route(request: httpx.Request) -> httpx.Response:
        for base, provider in providers.items():
            if str(request.url).startswith(base):
                return provider.handle(request)
        return httpx.Response(404)

    http = httpx.Client(transport=httpx.MockTransport(route))
    settings = OidcSettings("https://trygd.test", (CITIZENS, STAFF))
    identities = Identities(
        DemoTokens("s" * 40), settings, http=http, clock=clock, refetch_interval=10
    )
    return {"providers": providers, "clock": clock, "identities": identities}


def verify(world: dict[str, Any], token: str) -> dict[str, Any]:
    claims: dict[str, Any] = world["identities"].verify(token)
    return claims


def refused(world: dict[str, Any], token: str, why: str) -> None:
    with pytest.raises(InvalidToken, match=why):
        verify(world, token)


# -- taken ---------------------------------------------------------------------------------------


def test_a_citizens_access_token_is_taken_and_mapped(world):
    key = world["providers"][ISS].keys[0]
    claims = verify(world, sign(key, citizen_claims()))
    assert claims["pid"] == PID and claims["roles"] == ["citizen"]
    assert (claims["acr"], claims["locale"], claims["idp"]) == (
        "idporten-loa-high",
        "nn",
        "idporten",
    )
    assert claims["sub"] == "idporten:pairwise-subject-1"
    assert 16 <= len(claims["sid"]) <= 64
    actor = actor_from_claims(claims, None)
    assert actor.roles == frozenset({Role.CITIZEN})


def test_an_employees_groups_give_roles_unit_and_clearances(world):
    key = world["providers"][ENTRA].keys[0]
    token = sign(
        key,
        citizen_claims(
            iss=ENTRA,
            pid=None,
            acr=None,
            NAVident="Z990101",
            groups=[CASEWORKERS, UNIT_0312, KODE6, "some-other-group"],
        ),
    )
    actor = actor_from_claims(verify(world, token), None)
    assert (actor.id, actor.roles, actor.unit) == ("Z990101", frozenset({Role.CASEWORKER}), "0312")
    assert actor.clearances == frozenset({Clearance.STRENGT_FORTROLIG})


def test_the_servers_own_tokens_are_still_taken(world):
    own = world["identities"].issue({"sub": "Z990101", "roles": ["caseworker"]})
    assert verify(world, own)["sub"] == "Z990101"


@pytest.mark.parametrize("skew", [-29, 29])
def test_a_clock_skew_within_the_leeway_is_tolerated(world, skew):
    key = world["providers"][ISS].keys[0]
    world["clock"].now = NOW + 600 + skew  # around the expiry
    if skew < 0:
        assert verify(world, sign(key, citizen_claims()))["pid"] == PID
    else:
        assert verify(world, sign(key, citizen_claims(exp=NOW + 600 + 2 * skew)))["pid"] == PID


# -- refused ---------------------------------------------------------------------------------------


def test_a_token_from_an_unknown_issuer_is_refused(world):
    stranger = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
    refused(world, sign(stranger, citizen_claims(iss="https://evil.test")), "issuer is not trusted")


def test_a_token_for_another_audience_is_refused(world):
    key = world["providers"][ISS].keys[0]
    refused(world, sign(key, citizen_claims(aud="api://someone-else")), "aud")
    refused(world, sign(key, citizen_claims(aud=None)), "aud")


def test_an_expired_token_is_refused_once_past_the_leeway(world):
    key = world["providers"][ISS].keys[0]
    world["clock"].now = NOW + 600 + 31
    refused(world, sign(key, citizen_claims()), "expired")


def test_a_token_issued_in_the_future_is_refused(world):
    key = world["providers"][ISS].keys[0]
    refused(world, sign(key, citizen_claims(iat=NOW + 120)), "future")


def test_a_token_with_a_bad_signature_is_refused(world):
    impostor = RSAKey.generate_key(2048, parameters={"kid": "key-1"})  # the provider's kid
    refused(world, sign(impostor, citizen_claims()), "signature")


def test_a_token_signed_with_the_secret_of_a_public_key_or_none_is_refused(world):
    public = world["providers"][ISS].keys[0].as_dict(private=False)
    as_secret = OctKey.import_key(str(public["n"]), parameters={"kid": "key-1"})
    refused(world, sign(as_secret, citizen_claims(), alg="HS256", kid="key-1"), "algorithm")
    header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    body = sign(world["providers"][ISS].keys[0], citizen_claims()).split(".")[1]
    refused(world, f"{header}.{body}.", "algorithm")


def test_a_key_rotation_is_followed(world):
    provider = world["providers"][ISS]
    old = provider.keys[0]
    assert verify(world, sign(old, citizen_claims()))
    assert provider.key_fetches == 1
    new = provider.rotate("key-2", keep_old=True)
    world["clock"].now += 11
    assert verify(world, sign(new, citizen_claims(iat=NOW)))  # unknown kid: fetched again
    assert provider.key_fetches == 2
    assert verify(world, sign(old, citizen_claims()))  # both published: no fetch needed
    assert provider.key_fetches == 2


def test_a_token_signed_with_a_rotated_away_key_is_refused(world):
    provider = world["providers"][ISS]
    old = provider.keys[0]
    new = provider.rotate("key-2")
    world["clock"].now += 11
    assert verify(world, sign(new, citizen_claims(iat=NOW)))
    refused(world, sign(old, citizen_claims()), "does not publish")


def test_made_up_key_ids_do_not_make_trygd_fetch_the_keys_again_and_again(world):
    provider = world["providers"][ISS]
    assert verify(world, sign(provider.keys[0], citizen_claims()))
    for number in range(5):
        stranger = RSAKey.generate_key(2048, parameters={"kid": f"made-up-{number}"})
        refused(world, sign(stranger, citizen_claims()), "does not publish")
    assert provider.key_fetches <= 2


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"pid": None}, "pid"),
        ({"pid": "1234"}, "pid"),
        ({"acr": "Level4"}, "acr"),
        ({"acr": None}, "acr"),
        ({"sub": None}, "sub"),
    ],
)
def test_a_citizens_token_without_a_person_or_a_known_level_is_refused(world, changes, why):
    refused(world, sign(world["providers"][ISS].keys[0], citizen_claims(**changes)), why)


def test_an_employee_in_two_units_is_refused_and_one_without_a_role_gets_nothing(world):
    key = world["providers"][ENTRA].keys[0]
    base = {"iss": ENTRA, "pid": None, "acr": None, "NAVident": "Z990101"}
    two = sign(key, citizen_claims(**base, groups=[CASEWORKERS, UNIT_0312, UNIT_4405]))
    refused(world, two, "more than one unit")
    no_role = verify(world, sign(key, citizen_claims(**base, groups=[UNIT_0312])))
    with pytest.raises(InvalidToken, match="no role"):
        actor_from_claims(no_role, None)
    refused(world, sign(key, citizen_claims(iss=ENTRA, pid=None, NAVident="kari")), "NAV ident")


# -- ID tokens -------------------------------------------------------------------------------


def _issuer(world: dict[str, Any]) -> Issuer:
    issuer: Issuer = world["identities"].issuers["idporten"]
    return issuer


def test_an_id_token_must_carry_this_sign_ins_nonce(world):
    key = world["providers"][ISS].keys[0]
    issuer = _issuer(world)
    token = sign(key, citizen_claims(aud="trygd", nonce="n-1"))
    assert issuer.verify_id_token(token, "n-1")["pid"] == PID
    with pytest.raises(InvalidToken, match="nonce"):
        issuer.verify_id_token(token, "n-2")
    with pytest.raises(InvalidToken, match="nonce"):
        issuer.verify_id_token(sign(key, citizen_claims(aud="trygd")), "n-1")


def test_an_id_token_for_another_client_is_refused(world):
    key = world["providers"][ISS].keys[0]
    issuer = _issuer(world)
    with pytest.raises(InvalidToken, match="aud"):
        issuer.verify_id_token(sign(key, citizen_claims(aud="other", nonce="n")), "n")
    shared = citizen_claims(aud=["other", "trygd"], nonce="n", azp="other")
    with pytest.raises(InvalidToken, match="azp"):
        issuer.verify_id_token(sign(key, shared), "n")


def test_a_provider_that_names_another_issuer_in_its_metadata_is_not_trusted(world):
    def other(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"issuer": "https://evil.test", "jwks_uri": "x"})

    issuer = Issuer(CITIZENS, http=httpx.Client(transport=httpx.MockTransport(other)))
    with pytest.raises(InvalidToken, match="says its issuer"):
        issuer.endpoint("jwks_uri")


def test_an_unreachable_provider_refuses_its_tokens_without_an_error(world):
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    issuer = Issuer(CITIZENS, http=httpx.Client(transport=httpx.MockTransport(down)))
    with pytest.raises(InvalidToken, match="cannot reach"):
        issuer.verify(sign(world["providers"][ISS].keys[0], citizen_claims()), AUD)


# -- configuration ---------------------------------------------------------------------------


def test_the_configuration_names_what_is_missing():
    with pytest.raises(ConfigError, match="public_url"):
        settings_from({"issuers": {}})
    with pytest.raises(ConfigError, match="kind"):
        settings_from({"public_url": "x", "issuers": {"idporten": {"kind": "robot"}}})
    with pytest.raises(ConfigError, match="client_secret"):
        settings_from(
            {
                "public_url": "x",
                "issuers": {
                    "idporten": {
                        "kind": "citizen",
                        "issuer": ISS,
                        "client_id": "t",
                        "audience": AUD,
                    }
                },
            }
        )


def test_the_issuer_is_read_only_to_choose_who_checks_the_token():
    assert unverified_issuer("not a token") is None
    assert unverified_issuer(sign(RSAKey.generate_key(2048), citizen_claims())) == ISS


def test_a_citizens_locale_is_taken_only_when_trygd_knows_it():
    base = {"sub": "s", "pid": PID, "acr": "idporten-loa-substantial"}
    assert map_claims(CITIZENS, {**base, "locale": "se"})["locale"] == "nb"
    assert "locale" not in map_claims(CITIZENS, {**base, "locale": "xx"})
