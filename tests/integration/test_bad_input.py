"""Bad input on every endpoint, on SQLite and PostgreSQL.

Each request below is wrong in one way. The answer must be a 4xx `application/problem+json`
with `status`, `title` and `detail` (and for 422, `errors[].field` naming the field), never a
5xx, and the request must change nothing: every table keeps its rows, except the audit trail,
which records the try.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from sqlalchemy import func, select
from support import (
    TODAY,
    TOKENS,
    aap_application,
    citizen_headers,
    dagpenger_application,
    employee_headers,
)

from trygd.api.identity import DemoTokens, SignedTokens
from trygd.store.models import Base

API = "/api/v1"
PROBLEM = "application/problem+json"
UNKNOWN_ID = "6f1b9a52-3c0e-4d1a-9d7e-2b5c8e0f4a11"


@dataclass
class World:
    """Cases in known states, and who may touch them."""

    headers: dict[str, dict[str, str]]
    identity_numbers: dict[str, str]
    ids: dict[str, str]
    versions: dict[str, int]


@pytest.fixture
def world(client, make_person, service) -> World:
    anna, berit, carl = make_person("Anna"), make_person("Berit"), make_person("Carl")
    headers = {
        "anna": citizen_headers(anna),
        "berit": citizen_headers(berit),
        "carl": citizen_headers(carl),
        "kari": employee_headers("Z990101"),
        "ola": employee_headers("Z990102"),
        "auditor": employee_headers("Z990701"),
        "nobody": {},
    }
    open_case = _post(
        client, "/applications", aap_application(reduced_work_capacity=None), headers["anna"]
    )
    waiting = _post(
        client, "/applications", aap_application(reduced_work_capacity=None), headers["berit"]
    )
    request = _post(
        client,
        f"/behandlinger/{waiting['behandling_id']}/information-requests",
        {
            "version": waiting["version"],
            "description": "Send the medical statement",
            "facts_requested": ["reduced_work_capacity"],
            "deadline": (TODAY + dt.timedelta(days=14)).isoformat(),
        },
        headers["kari"],
        status=200,
    )
    decided = _post(client, "/applications", dagpenger_application(), headers["carl"])
    task = client.get(f"{API}/tasks", headers=headers["kari"]).json()["items"][0]
    return World(
        headers=headers,
        identity_numbers={"anna": anna.identity_number},
        ids={
            "sak": open_case["sak_id"],
            "behandling": open_case["behandling_id"],
            "waiting": waiting["behandling_id"],
            "request": request["information_request_id"],
            "decided_sak": decided["sak_id"],
            "vedtak": decided["vedtak_id"],
            "task": task["id"],
        },
        versions={"behandling": open_case["version"]},
    )


def _post(client, path: str, body: Any, headers: dict[str, str], status: int = 201) -> Any:
    answer = client.post(f"{API}{path}", json=body, headers=headers)
    assert answer.status_code == status, answer.text
    return answer.json()


@dataclass(frozen=True)
class Bad:
    """One bad request. `{name}` in the path is filled from the world's ids; `body` may be a
    function of the world, so that it can carry the current version."""

    name: str
    who: str
    method: str
    path: str
    body: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 422
    field: str | None = None


def version(extra: dict[str, Any]) -> Any:
    return lambda world: {"version": world.versions["behandling"], **extra}


ASSESS = "/behandlinger/{behandling}/assessments"
REQUEST_INFO = "/behandlinger/{behandling}/information-requests"
GOOD_ASSESSMENT = {
    "condition": "aap.work_capacity_reduced",
    "facts": {"reduced_work_capacity": 60},
    "reason": "Medical statement from the GP",
}
GOOD_REQUEST = {
    "description": "Send the medical statement",
    "facts_requested": ["reduced_work_capacity"],
    "deadline": (TODAY + dt.timedelta(days=14)).isoformat(),
}
JSON = {"Content-Type": "application/json"}


def without(document: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != key}


def dagpenger(**changes: Any) -> dict[str, Any]:
    application = dagpenger_application()
    return {**application, **changes}


SECTIONS: dict[str, list[Bad]] = {
    "applications": [
        Bad(
            "malformed json", "anna", "POST", "/applications", content=b'{"benefit": ', field="body"
        ),
        Bad("empty body", "anna", "POST", "/applications", content=b"", field="body"),
        Bad("body is a list", "anna", "POST", "/applications", body=[dagpenger()], field="body"),
        Bad("body is a string", "anna", "POST", "/applications", body="dagpenger", field="body"),
        Bad(
            "unknown field",
            "anna",
            "POST",
            "/applications",
            body=dagpenger(colour=1),
            field="colour",
        ),
        Bad(
            "unknown fact",
            "anna",
            "POST",
            "/applications",
            body=dagpenger_application(colour="blue"),
            field="facts.colour",
        ),
        Bad(
            "amount is text",
            "anna",
            "POST",
            "/applications",
            body=dagpenger_application(income_12m="lots"),
            field="facts.income_12m",
        ),
        Bad(
            "yes/no is a number",
            "anna",
            "POST",
            "/applications",
            body=dagpenger_application(stays_in_norway=1),
            field="facts.stays_in_norway",
        ),
        Bad(
            "claim date is a number",
            "anna",
            "POST",
            "/applications",
            body=dagpenger(claim_date=20261113),
            field="claim_date",
        ),
        Bad(
            "impossible date",
            "anna",
            "POST",
            "/applications",
            body=dagpenger(claim_date="2026-02-30"),
            field="claim_date",
        ),
        Bad(
            "missing claim date",
            "anna",
            "POST",
            "/applications",
            body=without(dagpenger(), "claim_date"),
            field="claim_date",
        ),
        Bad(
            "missing facts",
            "anna",
            "POST",
            "/applications",
            body=without(dagpenger(), "facts"),
            field="facts",
        ),
        Bad(
            "missing benefit",
            "anna",
            "POST",
            "/applications",
            body=without(dagpenger(), "benefit"),
            field="benefit",
        ),
        Bad(
            "benefit is a list",
            "anna",
            "POST",
            "/applications",
            body=dagpenger(benefit=["dagpenger"]),
            field="benefit",
        ),
        Bad(
            "unknown benefit",
            "anna",
            "POST",
            "/applications",
            body=dagpenger(benefit="barnetrygd"),
            field="benefit",
        ),
        Bad(
            "negative amount",
            "anna",
            "POST",
            "/applications",
            body=dagpenger_application(income_12m=-1),
            field="facts.income_12m",
        ),
        Bad(
            "negative count",
            "anna",
            "POST",
            "/applications",
            body=dagpenger_application(children=-2),
            field="facts.children",
        ),
        Bad(
            "birth date in the future",
            "anna",
            "POST",
            "/applications",
            body=dagpenger_application(birth_date="2030-01-01"),
            field="facts.birth_date",
        ),
        Bad(
            "birth date not as registered",
            "anna",
            "POST",
            "/applications",
            body=dagpenger_application(birth_date="1990-01-01"),
            field="facts.birth_date",
        ),
        Bad(
            "date after the claim date",
            "anna",
            "POST",
            "/applications",
            body=aap_application(capacity_reduced_date="2026-12-01"),
            field="facts.capacity_reduced_date",
        ),
        Bad(
            "same income year twice",
            "anna",
            "POST",
            "/applications",
            body=aap_application(
                income_history=[{"year": 2024, "amount": 1}, {"year": 2024, "amount": 2}]
            ),
            field="facts.income_history",
        ),
        Bad(
            "not a finite number",
            "anna",
            "POST",
            "/applications",
            content=b'{"benefit": "dagpenger", "claim_date": "2026-11-13", '
            b'"facts": {"income_12m": NaN}}',
            headers=JSON,
            field="facts.income_12m",
        ),
        Bad(
            "idempotency key too long",
            "anna",
            "POST",
            "/applications",
            body=dagpenger_application(),
            headers={"Idempotency-Key": "k" * 201},
            field="header.Idempotency-Key",
        ),
        Bad(
            "empty idempotency key",
            "anna",
            "POST",
            "/applications",
            body=dagpenger_application(),
            headers={"Idempotency-Key": ""},
            field="Idempotency-Key",
        ),
    ],
    "paging": [
        Bad("limit 0", "anna", "GET", "/cases?limit=0", field="query.limit"),
        Bad("limit 1000", "anna", "GET", "/cases?limit=1000", field="query.limit"),
        Bad("limit is text", "anna", "GET", "/cases?limit=ten", field="query.limit"),
        Bad("offset -1", "anna", "GET", "/cases?offset=-1", field="query.offset"),
        Bad("events limit 0", "anna", "GET", "/cases/{sak}/events?limit=0", field="query.limit"),
        Bad(
            "events offset -1", "anna", "GET", "/cases/{sak}/events?offset=-1", field="query.offset"
        ),
        Bad("access log limit", "anna", "GET", "/me/access-log?limit=1000", field="query.limit"),
        Bad("tasks limit 0", "kari", "GET", "/tasks?limit=0", field="query.limit"),
        Bad("tasks offset -1", "kari", "GET", "/tasks?offset=-1", field="query.offset"),
        Bad("unknown task kind", "kari", "GET", "/tasks?kind=everything", field="query.kind"),
        Bad(
            "unknown benefit filter", "kari", "GET", "/tasks?benefit=pension", field="query.benefit"
        ),
        Bad(
            "audit limit 1000",
            "auditor",
            "GET",
            "/audit?purpose=control&limit=1000",
            field="query.limit",
        ),
        Bad("audit without purpose", "auditor", "GET", "/audit", field="query.purpose"),
        Bad(
            "audit person is not an id",
            "auditor",
            "GET",
            "/audit?purpose=control&person_id=12345678901",
            field="person_id",
        ),
    ],
    "ids-in-paths": [
        Bad("case id not a uuid", "anna", "GET", "/cases/123", field="sak_id"),
        Bad("events case id not a uuid", "anna", "GET", "/cases/x/events", field="sak_id"),
        Bad("behandling id not a uuid", "kari", "GET", "/behandlinger/1", field="behandling_id"),
        Bad("vedtak id not a uuid", "carl", "GET", "/vedtak/latest", field="vedtak_id"),
        Bad("task id not a uuid", "kari", "POST", "/tasks/first/claim", field="task_id"),
        Bad(
            "propose on id not a uuid",
            "kari",
            "POST",
            "/behandlinger/not-an-id/propose",
            body={"version": 1},
            field="behandling_id",
        ),
        Bad(
            "answer to id not a uuid",
            "berit",
            "POST",
            "/information-requests/zzz/answer",
            body={"answer": "Here it is"},
            field="request_id",
        ),
        Bad(
            "change to case id not a uuid",
            "carl",
            "POST",
            "/cases/zzz/changes",
            body={"effective_date": "2026-11-23", "facts": {"children": 3}},
            field="sak_id",
        ),
        Bad("unknown case", "anna", "GET", f"/cases/{UNKNOWN_ID}", status=404),
        Bad("unknown behandling", "kari", "GET", f"/behandlinger/{UNKNOWN_ID}", status=404),
        Bad("unknown vedtak", "carl", "GET", f"/vedtak/{UNKNOWN_ID}", status=404),
        Bad("unknown task", "kari", "POST", f"/tasks/{UNKNOWN_ID}/claim", status=404),
        Bad("lang=xx on vedtak", "carl", "GET", "/vedtak/{vedtak}?lang=xx", field="query.lang"),
    ],
    "assessments": [
        Bad(
            "assess: malformed json",
            "kari",
            "POST",
            ASSESS,
            content=b"{",
            headers=JSON,
            field="body",
        ),
        Bad("assess: body is a list", "kari", "POST", ASSESS, body=[GOOD_ASSESSMENT], field="body"),
        Bad(
            "assess: missing version",
            "kari",
            "POST",
            ASSESS,
            body=GOOD_ASSESSMENT,
            field="version",
        ),
        Bad(
            "assess: version is text",
            "kari",
            "POST",
            ASSESS,
            body={**GOOD_ASSESSMENT, "version": "two"},
            field="version",
        ),
        Bad(
            "assess: unknown field",
            "kari",
            "POST",
            ASSESS,
            body=version({**GOOD_ASSESSMENT, "approved": True}),
            field="approved",
        ),
        Bad(
            "assess: facts is a list",
            "kari",
            "POST",
            ASSESS,
            body=version({**GOOD_ASSESSMENT, "facts": ["reduced_work_capacity"]}),
            field="facts",
        ),
        Bad(
            "assess: missing reason",
            "kari",
            "POST",
            ASSESS,
            body=version(without(GOOD_ASSESSMENT, "reason")),
            field="reason",
        ),
        Bad(
            "assess: reason too short",
            "kari",
            "POST",
            ASSESS,
            body=version({**GOOD_ASSESSMENT, "reason": "because"}),
            field="reason",
        ),
        Bad(
            "assess: unknown condition",
            "kari",
            "POST",
            ASSESS,
            body=version({**GOOD_ASSESSMENT, "condition": "aap.anything"}),
            field="condition",
        ),
        Bad(
            "assess: percent above 100",
            "kari",
            "POST",
            ASSESS,
            body=version({**GOOD_ASSESSMENT, "facts": {"reduced_work_capacity": 160}}),
            field="facts.reduced_work_capacity",
        ),
        Bad(
            "assess: percent is text",
            "kari",
            "POST",
            ASSESS,
            body=version({**GOOD_ASSESSMENT, "facts": {"reduced_work_capacity": "half"}}),
            field="facts.reduced_work_capacity",
        ),
    ],
    "information-requests": [
        Bad(
            "deadline in the past",
            "kari",
            "POST",
            REQUEST_INFO,
            body=version({**GOOD_REQUEST, "deadline": "2026-11-01"}),
            field="deadline",
        ),
        Bad(
            "deadline today",
            "kari",
            "POST",
            REQUEST_INFO,
            body=version({**GOOD_REQUEST, "deadline": TODAY.isoformat()}),
            field="deadline",
        ),
        Bad(
            "deadline beyond 90 days",
            "kari",
            "POST",
            REQUEST_INFO,
            body=version({**GOOD_REQUEST, "deadline": (TODAY + dt.timedelta(days=91)).isoformat()}),
            field="deadline",
        ),
        Bad(
            "deadline not a date",
            "kari",
            "POST",
            REQUEST_INFO,
            body=version({**GOOD_REQUEST, "deadline": "next week"}),
            field="deadline",
        ),
        Bad(
            "missing deadline",
            "kari",
            "POST",
            REQUEST_INFO,
            body=version(without(GOOD_REQUEST, "deadline")),
            field="deadline",
        ),
        Bad(
            "description too short",
            "kari",
            "POST",
            REQUEST_INFO,
            body=version({**GOOD_REQUEST, "description": "send"}),
            field="description",
        ),
        Bad(
            "requested fact unknown",
            "kari",
            "POST",
            REQUEST_INFO,
            body=version({**GOOD_REQUEST, "facts_requested": ["shoe_size"]}),
            field="facts_requested[0]",
        ),
        Bad(
            "requested facts not a list",
            "kari",
            "POST",
            REQUEST_INFO,
            body=version({**GOOD_REQUEST, "facts_requested": "reduced_work_capacity"}),
            field="facts_requested",
        ),
    ],
    "propose-approve-return": [
        Bad(
            "propose: empty body",
            "kari",
            "POST",
            "/behandlinger/{behandling}/propose",
            content=b"",
            headers=JSON,
            field="body",
        ),
        Bad(
            "propose: version is a list",
            "kari",
            "POST",
            "/behandlinger/{behandling}/propose",
            body={"version": [2]},
            field="version",
        ),
        Bad(
            "propose: reason is a number",
            "kari",
            "POST",
            "/behandlinger/{behandling}/propose",
            body=version({"reason": 42}),
            field="reason",
        ),
        Bad(
            "approve: unknown field",
            "ola",
            "POST",
            "/behandlinger/{behandling}/approve",
            body=version({"approved_by": "Z990101"}),
            field="approved_by",
        ),
        Bad(
            "return: missing reason",
            "ola",
            "POST",
            "/behandlinger/{behandling}/return",
            body=version({}),
            field="reason",
        ),
    ],
    "answers": [
        Bad(
            "answer: missing answer",
            "berit",
            "POST",
            "/information-requests/{request}/answer",
            body={"facts": {}},
            field="answer",
        ),
        Bad(
            "answer: blank answer",
            "berit",
            "POST",
            "/information-requests/{request}/answer",
            body={"answer": "   "},
            field="answer",
        ),
        Bad(
            "answer: fact not asked for",
            "berit",
            "POST",
            "/information-requests/{request}/answer",
            body={"answer": "Here", "facts": {"children": 5}},
            field="facts.children",
        ),
        Bad(
            "answer: facts is a list",
            "berit",
            "POST",
            "/information-requests/{request}/answer",
            body={"answer": "Here", "facts": [60]},
            field="facts",
        ),
        Bad(
            "answer: asked fact out of range",
            "berit",
            "POST",
            "/information-requests/{request}/answer",
            body={"answer": "Here", "facts": {"reduced_work_capacity": -5}},
            field="facts.reduced_work_capacity",
        ),
    ],
    "endringsmelding": [
        Bad(
            "change: missing effective date",
            "carl",
            "POST",
            "/cases/{decided_sak}/changes",
            body={"facts": {"children": 3}},
            field="effective_date",
        ),
        Bad(
            "change: effective date not a date",
            "carl",
            "POST",
            "/cases/{decided_sak}/changes",
            body={"effective_date": "soon", "facts": {"children": 3}},
            field="effective_date",
        ),
        Bad(
            "change: before the vedtak took effect",
            "carl",
            "POST",
            "/cases/{decided_sak}/changes",
            body={"effective_date": "2026-01-01", "facts": {"children": 3}},
            field="effective_date",
        ),
        Bad(
            "change: more than a year ahead",
            "carl",
            "POST",
            "/cases/{decided_sak}/changes",
            body={"effective_date": "2028-01-01", "facts": {"children": 3}},
            field="effective_date",
        ),
        Bad(
            "change: no facts",
            "carl",
            "POST",
            "/cases/{decided_sak}/changes",
            body={"effective_date": "2026-11-23", "facts": {}},
            field="facts",
        ),
        Bad(
            "change: unknown fact",
            "carl",
            "POST",
            "/cases/{decided_sak}/changes",
            body={"effective_date": "2026-11-23", "facts": {"pets": 2}},
            field="facts.pets",
        ),
        Bad(
            "change: negative amount",
            "carl",
            "POST",
            "/cases/{decided_sak}/changes",
            body={"effective_date": "2026-11-23", "facts": {"income_12m": -100}},
            field="facts.income_12m",
        ),
        Bad(
            "change: unknown field",
            "carl",
            "POST",
            "/cases/{decided_sak}/changes",
            body={"effective_date": "2026-11-23", "facts": {"children": 3}, "urgent": True},
            field="urgent",
        ),
    ],
    "person-search": [
        Bad(
            "search: wrong check digits",
            "kari",
            "POST",
            "/persons/search",
            body={"identity_number": "14038512345", "purpose": "Checking a case"},
            field="identity_number",
        ),
        Bad(
            "search: 10 digits",
            "kari",
            "POST",
            "/persons/search",
            body={"identity_number": "1403851234", "purpose": "Checking a case"},
            field="identity_number",
        ),
        Bad(
            "search: letters",
            "kari",
            "POST",
            "/persons/search",
            body={"identity_number": "1403851234X", "purpose": "Checking a case"},
            field="identity_number",
        ),
        Bad(
            "search: number as a number",
            "kari",
            "POST",
            "/persons/search",
            body={"identity_number": 14038512345, "purpose": "Checking a case"},
            field="identity_number",
        ),
        Bad(
            "search: missing purpose",
            "kari",
            "POST",
            "/persons/search",
            body={"identity_number": "14038512345"},
            field="purpose",
        ),
        Bad(
            "search: unknown field",
            "kari",
            "POST",
            "/persons/search",
            body={"identity_number": "1", "purpose": "x", "name": "Anna"},
            field="name",
        ),
    ],
    "routes": [
        Bad("unknown route", "anna", "GET", "/nothing-here", status=404),
        Bad("unknown route outside the api", "nobody", "GET", "/api/v2/cases", status=404),
        Bad("wrong method", "anna", "DELETE", "/cases/{sak}", status=405),
    ],
}


def _token(claims: dict[str, Any], **options: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS.issue(claims, **options)}"}


KARI_CLAIMS = {"sub": "Z990101", "name": "Kari", "roles": ["caseworker"], "unit": "0312"}
TWO_DAYS_AGO = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)

UNAUTHENTICATED = {
    "no Authorization header": {},
    "empty bearer": {"Authorization": "Bearer "},
    "basic scheme": {"Authorization": "Basic a2FyaTpzZWNyZXQ="},
    "garbage token": {"Authorization": "Bearer not.a.token"},
    "expired token": _token(KARI_CLAIMS, now=TWO_DAYS_AGO),
    "token signed with another key": {
        "Authorization": "Bearer "
        + DemoTokens("another-secret-that-is-long-enough-0123456789").issue(KARI_CLAIMS)
    },
    "production token on a demo server": {
        "Authorization": "Bearer " + SignedTokens(TOKENS.secret).issue(KARI_CLAIMS)
    },
    "token without a session id": {
        "Authorization": "Bearer "
        + jwt.encode(
            {
                **KARI_CLAIMS,
                "iss": TOKENS.issuer,
                "aud": TOKENS.audience,
                "iat": int(TWO_DAYS_AGO.timestamp()),
                "exp": int(TWO_DAYS_AGO.timestamp()) + 4 * 86400,
            },
            TOKENS.secret,
            algorithm="HS256",
        )
    },
    "token without a known role": _token({**KARI_CLAIMS, "roles": ["superuser"]}),
    "token claiming the system role": _token({**KARI_CLAIMS, "roles": ["system"]}),
    "token without subject": _token({k: v for k, v in KARI_CLAIMS.items() if k != "sub"}),
}


# -- checks ---------------------------------------------------------------------------------------


def snapshot(service) -> dict[str, int]:
    """Row counts of every table but the audit trail (which is meant to grow, and its records
    queued for the hash chain with it)."""
    with service.sessions() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()
            if name not in {"audit_log", "audit_pending"}
        }


def assert_problem(answer, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    problem = answer.json()
    assert problem["status"] == status
    assert isinstance(problem["title"], str) and problem["title"]
    assert isinstance(problem["detail"], str) and problem["detail"]
    return problem


def send(client, world: World, bad: Bad) -> Any:
    body = bad.body(world) if callable(bad.body) else bad.body
    headers = {**world.headers[bad.who], **bad.headers}
    options: dict[str, Any] = {"headers": headers}
    if bad.content is not None:
        options["content"] = bad.content
        options["headers"] = {**JSON, **headers}
    elif body is not None:
        options["json"] = body
    return client.request(bad.method, f"{API}{bad.path.format(**world.ids)}", **options)


@pytest.mark.parametrize("section", SECTIONS)
def test_bad_input_is_a_problem_that_names_the_field_and_changes_nothing(
    client, service, world, subtests, section
):
    for bad in SECTIONS[section]:
        with subtests.test(bad.name):
            before = snapshot(service)
            answer = send(client, world, bad)
            problem = assert_problem(answer, bad.status)
            if bad.status == 422:
                fields = [e["field"] for e in problem["errors"]]
                assert bad.field in fields, fields
                assert all(
                    isinstance(e["problem"], str) and e["problem"] for e in problem["errors"]
                )
            assert snapshot(service) == before


def test_requests_without_a_valid_token_are_refused(client, service, world, subtests):
    before = snapshot(service)
    for name, headers in UNAUTHENTICATED.items():
        with subtests.test(name):
            for method, path, body in (
                ("GET", "/cases", None),
                ("GET", f"/cases/{world.ids['sak']}", None),
                ("POST", "/applications", dagpenger_application()),
                ("POST", f"/behandlinger/{world.ids['behandling']}/propose", {"version": 2}),
                ("POST", "/persons/search", {"identity_number": "x", "purpose": "y"}),
            ):
                answer = client.request(method, f"{API}{path}", json=body, headers=headers)
                assert_problem(answer, 401)
                assert answer.headers["www-authenticate"] == "Bearer"
    assert snapshot(service) == before


def test_an_expired_token_is_refused_as_expired(client):
    answer = client.get(f"{API}/me", headers=_token(KARI_CLAIMS, now=TWO_DAYS_AGO))
    assert "expired" in assert_problem(answer, 401)["detail"]


def test_the_same_claims_in_a_fresh_token_are_accepted(client):
    """The 401s above are for the token, not for the request: a fresh one is let in."""
    assert client.get(f"{API}/me", headers=_token(KARI_CLAIMS)).status_code == 200


# -- bad input that once gave a server error -------------------------------------------------------


def test_a_claim_date_before_the_rules_known_period_is_refused(client, make_person, service):
    application = dagpenger_application(birth_date="1960-01-01")
    application["claim_date"] = "1990-01-01"
    person = make_person("Old Claim", birth_date=dt.date(1960, 1, 1))
    before = snapshot(service)
    answer = client.post(f"{API}/applications", json=application, headers=citizen_headers(person))
    problem = assert_problem(answer, 422)
    assert "claim_date" in [e["field"] for e in problem["errors"]]
    assert snapshot(service) == before


NUL = "before\u0000after"
NUL_CASES = {
    "description": ("anna", "/applications", {**dagpenger(), "description": NUL}, {}),
    "idempotency-key": ("anna", "/applications", dagpenger(), {"Idempotency-Key": NUL}),
    "search-purpose": ("kari", "/persons/search", {"purpose": NUL}, {}),
}


@pytest.mark.parametrize("case", NUL_CASES)
def test_a_nul_character_in_text_gives_no_server_error(client, service, world, db_url, case):
    """PostgreSQL cannot store U+0000 in text, SQLite can; neither may answer with a 5xx."""
    who, path, body, headers = NUL_CASES[case]
    if path == "/persons/search":
        body = {**body, "identity_number": world.identity_numbers["anna"]}
    before = snapshot(service)
    answer = client.post(f"{API}{path}", json=body, headers={**world.headers[who], **headers})
    problem = assert_problem(answer, 422)
    assert "NUL" in problem["detail"]
    assert snapshot(service) == before
