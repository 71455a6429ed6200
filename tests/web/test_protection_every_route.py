"""Adressebeskyttelse and skjerming on every route: no channel bypasses the access point.

The routes come from the site's own route table (pages and API, every method), so a new route
is called here without anyone adding it: a route with a path parameter is filled with the
demo's ids (as the crawl does), and a route that changes something must have an entry in
`WRITES` (the body it is sent) or in `NOT_ABOUT_ANOTHER_PERSON` (why it cannot touch another
person's data), or this test fails.

The world is the demo's (every benefit, case state, klage, letter, payment, meldekort,
tilbakekreving, privacy request and serviceklage). Each *variant* gives every person in it
one protection at once (strengt fortrolig, strengt fortrolig utland, fortrolig, skjermet), so
that every id of every kind belongs to a protected person; the person's protection is read
from the database on each call, so nothing else of the case changes. Then every route is
called on those ids by every kind of caller: nobody signed in, a citizen who is not the
person, caseworkers and approvers of the case's unit and of another unit, NAV Klageinstans,
internal control, and the employees cleared for another protection than the variant's.
Each call, GET or not, must

* be refused (401/403/404, problem+json from the API) unless the caller holds the clearance;
* change no row of any table but the audit trail (SQLite triggers count every insert, update
  and delete);
* name no person (name or identity number) and say nothing of a protection
  (`fortrolig`, `skjerm`, Vikafossen);
* read the same as the refusal of an unprotected world where that is refused too, and as an
  id that does not exist where the answer is "not found": the refusal tells nothing about why.

An employee holding the variant's clearance is answered exactly as in an unprotected world
(every GET): the clearance, not a route, decides.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text, update
from test_crawl import (
    DEMO_USER_PICKERS,
    NOT_OURS,
    STATIC,
    VALUES,
    Owned,
    _more_states,
    visible_text,
)

from trygd.api.demo import demo_claims
from trygd.api.identity import DemoTokens
from trygd.demo.seed import _citizen, _dagpenger, seed
from trygd.demo.users import BY_ID
from trygd.domain.identity import synthetic_identity_number
from trygd.domain.units import responsible_unit
from trygd.services.facade import CaseService, Settings
from trygd.store import models
from trygd.store.database import make_engine, migrate
from trygd.web.app import create_site
from trygd.web.session import CSRF_HEADER, SESSION_COOKIE, session_csrf_token

TODAY = dt.date.today().isoformat()
TEXT = "Dette er en begrunnelse som er lang nok for skjemaet."
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Routes that change something but only ever the caller's own record, or nobody's: what the
# caller sends names no other person (sign-in, sign-out, an application, the caller's own
# account). They are called in tests of their own (the authorization matrix, the sign-in
# tests); here it is enough that each one is placed here on purpose.
NOT_ABOUT_ANOTHER_PERSON = {
    "POST /login": "signs the caller in",
    "POST /login/{provider}/backchannel-logout": (
        "the provider's signed logout token ends the sessions it names; no caller, no person data"
    ),
    "POST /logout": "ends the caller's own session",
    "POST /api/v1/logout": "ends the caller's own session",
    "POST /api/v1/demo/tokens": "demo sign-in",
    "POST /api/v1/applications": "the caller's own application",
    "PUT /api/v1/me/payment-details/account": "the caller's own account",
    "POST /my/account": "the caller's own account",
    "POST /guide": "no person's data (a benefit guide)",
    "POST /apply/{benefit}": "the caller's own draft",
    "POST /apply/{benefit}/q/{fact}": "the caller's own draft",
    "POST /apply/{benefit}/documents": "the caller's own draft",
    "POST /apply/{benefit}/check": "the caller's own draft",
}


@dataclass(frozen=True)
class Target:
    """What a body may name: the values in the route's path, and of the person who owns them
    their identity number, a sak and a vedtak."""

    path: dict[str, str]
    identity_number: str
    sak_id: str
    vedtak_id: str


Body = Callable[[Target], dict[str, Any]]


def _same(values: dict[str, Any]) -> Body:
    return lambda _t: values


# The body of every route that changes something and may name another person's data (JSON
# for the API, form fields for pages). Each is well-formed, so the call reaches the service:
# a refusal must come from the access point, not from a malformed body.
WRITES: dict[str, Body] = {
    # the API
    "POST /api/v1/cases/{sak_id}/changes": _same(
        {"effective_date": TODAY, "facts": {"children": 1}}
    ),
    "POST /api/v1/behandlinger/{behandling_id}/assessments": _same(
        {"version": 1, "condition": "aap.work_capacity_reduced", "facts": {}, "reason": TEXT}
    ),
    "POST /api/v1/behandlinger/{behandling_id}/information-requests": _same(
        {"version": 1, "description": TEXT, "deadline": TODAY}
    ),
    "POST /api/v1/behandlinger/{behandling_id}/propose": _same({"version": 1}),
    "POST /api/v1/behandlinger/{behandling_id}/approve": _same({"version": 1}),
    "POST /api/v1/behandlinger/{behandling_id}/return": _same({"version": 1, "reason": TEXT}),
    "POST /api/v1/information-requests/{request_id}/answer": _same({"answer": TEXT}),
    "POST /api/v1/tasks/{task_id}/claim": _same({}),
    "POST /api/v1/persons/search": lambda t: {
        "identity_number": t.identity_number,
        "purpose": TEXT,
    },
    "POST /api/v1/klager": lambda t: {"vedtak_id": t.vedtak_id, "text": TEXT},
    "POST /api/v1/klager/{klage_id}/grounds": _same({"text": TEXT}),
    "POST /api/v1/klager/{klage_id}/comments": _same({"text": TEXT}),
    "POST /api/v1/klager/{klage_id}/withdraw": _same({}),
    "POST /api/v1/klager/{klage_id}/late-decision": _same(
        {"version": 1, "consider": True, "reason": TEXT}
    ),
    "POST /api/v1/klager/{klage_id}/change-decision": _same({"version": 1, "reason": TEXT}),
    "POST /api/v1/klager/{klage_id}/forward": _same({"version": 1, "statement": TEXT}),
    "POST /api/v1/klager/{klage_id}/klageinstans-decision": _same(
        {"version": 1, "outcome": "stadfestet", "reasons": TEXT}
    ),
    "POST /api/v1/klager/{klage_id}/anker": _same(
        {"version": 1, "court": "trygderetten", "filed_on": TODAY}
    ),
    "POST /api/v1/klager/{klage_id}/judgments": _same(
        {"version": 1, "outcome": "stadfestet", "decided_on": TODAY, "reasons": TEXT}
    ),
    "POST /api/v1/serviceklager": lambda t: {"text": TEXT, "sak_id": t.sak_id},
    "POST /api/v1/serviceklager/{complaint_id}/answer": _same({"answer": TEXT}),
    "POST /api/v1/privacy-requests": lambda t: {
        "kind": "manual_review",
        "vedtak_id": t.vedtak_id,
        "text": TEXT,
    },
    "POST /api/v1/privacy-requests/{privacy_request_id}/extend": _same({"reason": TEXT}),
    "POST /api/v1/privacy-requests/{privacy_request_id}/answer": _same(
        {"outcome": "granted", "answer": TEXT}
    ),
    "POST /api/v1/behandlinger/{behandling_id}/advance-notice/preview": _same(
        {"planned_decision": TEXT, "reason": TEXT}
    ),
    "POST /api/v1/behandlinger/{behandling_id}/advance-notice": _same(
        {"planned_decision": TEXT, "reason": TEXT}
    ),
    "PUT /api/v1/persons/{person_id}/payment-details/account": _same(
        {"account_number": "12345678903", "reason": TEXT}
    ),
    "PUT /api/v1/cases/{sak_id}/refund-claim": _same(
        {
            "organisation_number": "974760673",
            "employer_name": "Arbeidsgiver AS",
            "account_number": "12345678903",
        }
    ),
    "PUT /api/v1/meldekort/{sak_id}/{period_start}/draft": _same({"days": []}),
    "POST /api/v1/meldekort/{sak_id}/{period_start}": _same({"days": [], "still_job_seeker": True}),
    "POST /api/v1/meldekort/{sak_id}/{period_start}/corrections": _same(
        {"days": [], "still_job_seeker": True, "correction_reason": TEXT}
    ),
    "POST /api/v1/vedtak/{vedtak_id}/tilbakekreving": _same({}),
    "POST /api/v1/tilbakekrevinger/{tilbakekreving_id}/answer": _same({"comment": TEXT}),
    "POST /api/v1/tilbakekrevinger/{tilbakekreving_id}/assessment": _same(
        {"version": 1, "reason": TEXT}
    ),
    "POST /api/v1/tilbakekrevinger/{tilbakekreving_id}/propose": _same({"version": 1}),
    "POST /api/v1/tilbakekrevinger/{tilbakekreving_id}/return": _same(
        {"version": 1, "reason": TEXT}
    ),
    "POST /api/v1/tilbakekrevinger/{tilbakekreving_id}/approve": _same({"version": 1}),
    # the pages (form posts)
    "POST /my/cases/{sak_id}/requests/{request_id}": _same({"answer": TEXT}),
    "POST /my/vedtak/{vedtak_id}/klage": _same({"text": TEXT}),
    "POST /my/klager/{klage_id}": _same({"text": TEXT}),
    "POST /my/klager/{klage_id}/withdraw": _same({"confirm": "yes"}),
    "POST /my/cases/{sak_id}/change": _same({"effective_date": TODAY}),
    "POST /my/serviceklage/new": lambda t: {"text": TEXT, "sak_id": t.sak_id},
    "POST /my/privacy-requests/new": lambda t: {
        "kind": "manual_review",
        "vedtak_id": t.vedtak_id,
        "text": TEXT,
    },
    "POST /my/meldekort/{sak_id}/{period_start}/check": _same({"still_job_seeker": "true"}),
    "POST /my/meldekort/{sak_id}/{period_start}/send": _same({"still_job_seeker": "true"}),
    "POST /my/meldekort/{sak_id}/{period_start}/correct": _same(
        {"still_job_seeker": "true", "correction_reason": TEXT}
    ),
    "POST /my/tilbakekreving/{tilbakekreving_id}": _same({"comment": TEXT}),
    "POST /my/tilbakekreving/{tilbakekreving_id}/klage": _same({"text": TEXT}),
    "POST /staff/behandlinger/{behandling_id}/assess": _same(
        {"version": "1", "condition": "aap.work_capacity_reduced", "reason": TEXT}
    ),
    "POST /staff/behandlinger/{behandling_id}/propose": _same({"version": "1"}),
    "POST /staff/behandlinger/{behandling_id}/approve": _same({"version": "1"}),
    "POST /staff/behandlinger/{behandling_id}/return": _same({"version": "1", "reason": TEXT}),
    "POST /staff/behandlinger/{behandling_id}/request-information": _same(
        {"version": "1", "description": TEXT, "deadline": TODAY}
    ),
    "POST /staff/search": lambda t: {"identity_number": t.identity_number, "purpose": TEXT},
    "POST /staff/klager/{klage_id}/late": _same(
        {"version": "1", "consider": "yes", "reason": TEXT}
    ),
    "POST /staff/klager/{klage_id}/change": _same({"version": "1", "reason": TEXT}),
    "POST /staff/klager/{klage_id}/forward": _same({"version": "1", "statement": TEXT}),
    "POST /klageinstans/klager/{klage_id}/decide": _same(
        {"version": "1", "outcome": "stadfestet", "reasons": TEXT}
    ),
    "POST /klageinstans/klager/{klage_id}/anke": _same(
        {"version": "1", "court": "trygderetten", "filed_on": TODAY}
    ),
    "POST /klageinstans/klager/{klage_id}/judgment": _same(
        {"version": "1", "outcome": "stadfestet", "decided_on": TODAY, "reasons": TEXT}
    ),
    "POST /staff/serviceklager/{complaint_id}/answer": _same({"answer": TEXT}),
    "POST /staff/privacy-requests/{privacy_request_id}/extend": _same({"reason": TEXT}),
    "POST /staff/privacy-requests/{privacy_request_id}/answer": _same(
        {"outcome": "granted", "answer": TEXT}
    ),
    "POST /staff/tilbakekreving/{tilbakekreving_id}/assess": _same(
        {"version": "1", "reason": TEXT}
    ),
    "POST /staff/tilbakekreving/{tilbakekreving_id}/propose": _same({"version": "1"}),
    "POST /staff/tilbakekreving/{tilbakekreving_id}/approve": _same({"version": "1"}),
    "POST /staff/tilbakekreving/{tilbakekreving_id}/return": _same(
        {"version": "1", "reason": TEXT}
    ),
    "POST /staff/tasks/{task_id}/claim": _same({}),
}

# Path values this test needs beyond the crawl's.
MORE_VALUES: dict[tuple[str, ...], Callable[[Any], list[Owned]]] = {
    ("task_id",): lambda s: [
        ({"": str(key)}, str(person))
        for key, person in s.execute(select(models.Oppgave.id, models.Oppgave.person_id))
    ],
    ("request_id",): lambda s: [
        ({"": str(key)}, str(person))
        for key, person in s.execute(
            select(models.InformationRequest.id, models.InformationRequest.person_id)
        )
    ],
}
# The queries of a list that shows nothing without them ("{person}": a person's id).
AUDIT_QUERIES = ["?purpose=Kontroll+av+tilganger", "?purpose=Kontroll&person_id={person}"]
QUERIES = {"/api/v1/audit": AUDIT_QUERIES, "/staff/audit": AUDIT_QUERIES}
# Routes whose path values name no person (a benefit, a G-regulering, a sign-in provider).
NOBODYS = {("benefit",), ("g_from",), ("benefit", "fact"), ("provider",)}
PER_ROUTE = 2  # ids of each route tried, each of another person where the demo has them

# Each variant: (protection, skjermet) given to every person, and the clearance it needs.
VARIANTS: dict[str, tuple[str, bool, str]] = {
    "strengt_fortrolig": ("strengt_fortrolig", False, "strengt_fortrolig"),
    "strengt_fortrolig_utland": ("strengt_fortrolig_utland", False, "strengt_fortrolig"),
    "fortrolig": ("fortrolig", False, "fortrolig"),
    "skjermet": ("none", True, "skjerming"),
}
UNPROTECTED = "unprotected"
BEFORE = "before"  # the lists, before any protection was given

# The callers: nobody, a citizen who is not the person, and employees (the demo's, and one
# caseworker of Nav Frogner with the skjerming clearance, who the demo does not have).
ANONYMOUS, STRANGER = "anonymous", "citizen_other"
EMPLOYEES = {
    "Z990101": "caseworker, Nav Frogner",
    "Z990102": "approver, Nav Frogner",
    "Z990301": "caseworker, another unit",
    "Z990601": "NAV Klageinstans",
    "Z990701": "internal control",
    "Z990501": "caseworker, Nav Vikafossen (strengt fortrolig, fortrolig)",
    "Z990502": "approver, Nav Vikafossen (strengt fortrolig, fortrolig)",
    "Z990109": "caseworker, Nav Frogner (skjerming)",
}
CALLERS = (ANONYMOUS, STRANGER, *EMPLOYEES)
SKJERMING_CALLER = "Kine Skjermingsklarert"
CLEARANCES = {
    "Z990501": {"strengt_fortrolig", "fortrolig"},
    "Z990502": {"strengt_fortrolig", "fortrolig"},
    "Z990109": {"skjerming"},
}
# Words that say a person is protected; no refusal, list or search answer may hold one.
GIVE_AWAY = re.compile(r"fortrolig|skjerm|vikafossen|2103|protected|beskytt", re.IGNORECASE)


@dataclass(frozen=True)
class Address:
    route: str  # "METHOD /path/{param}"
    url: str
    owner: str | None  # the person the ids belong to; None for an id that does not exist
    target: Target | None
    listing: bool = False  # a list, search or view of many persons (no id in the path)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    said: str  # the problem's detail, or the page's visible text, ids left out
    raw: str


def site_routes(site: Any) -> list[str]:
    found = set()
    for route in iter_route_contexts(site.routes):
        if not route.path or route.path in NOT_OURS or route.path in STATIC:
            continue
        for method in (route.methods or set()) - {"HEAD"}:
            found.add(f"{method} {route.path}")
    return sorted(found)


def _needs_a_person(route: str) -> bool:
    method, path = route.split(" ", 1)
    names = tuple(sorted(re.findall(r"{(\w+)}", path)))
    if method in WRITE_METHODS:
        return route not in NOT_ABOUT_ANOTHER_PERSON
    return bool(names) and names not in NOBODYS


class World:
    def __init__(self, folder: Path) -> None:
        self.engine: Engine = make_engine(f"sqlite:///{folder / 'trygd.sqlite3'}")
        migrate(self.engine)
        self.service = CaseService(self.engine, Settings(demo=True))
        seed(self.service)
        _more_states(self.service)
        self.site = create_site(self.service, DemoTokens("test-secret-" + "x" * 32), demo=True)
        self.routes = site_routes(self.site)
        self.stranger = self._stranger()
        with self.service.sessions() as session:
            persons = session.scalars(select(models.Person)).all()
            self.secrets = {
                str(p.id): (p.name, p.identity_number)
                for p in persons
                if str(p.id) != self.stranger
            }
            # The ids tried first: the demo's strengt fortrolig person's (their cases are at
            # Nav Vikafossen, whose cleared staff open them), then those of Nav Frogner's
            # cases (where the caseworker with the skjerming clearance works).
            frogner = set(
                session.scalars(select(models.Sak.person_id).where(models.Sak.unit == "0312"))
            )
            self.rank = {
                str(p.id): 0 if p.protection != "none" else 1 if p.id in frogner else 2
                for p in persons
            }
            self.addresses = [a for r in self.routes for a in self._addresses(r, session)]
            self.addresses += [a for r in self.routes for a in self._listings(r)]
        self._watch_changes()

    def _stranger(self) -> str:
        with self.service.sessions.begin() as session:
            person = models.Person(
                id=uuid.uuid4(),
                identity_number=synthetic_identity_number(dt.date(1999, 9, 9), 1),
                name="Sigrid Fremmed",
                birth_date=dt.date(1999, 9, 9),
                municipality="0301",
                created_at=dt.datetime.now(dt.UTC),
            )
            session.add(person)
        return str(person.id)

    def _addresses(self, route: str, session: Any) -> list[Address]:
        if not _needs_a_person(route):
            return []
        path = route.split(" ", 1)[1]
        names = tuple(sorted(re.findall(r"{(\w+)}", path)))
        about: dict[str, dict[str, str]] = {}  # owner -> the values of one address
        if not names:  # the body names the person
            rows = session.execute(
                select(models.Sak.person_id, models.Sak.id, models.Vedtak.id).join(
                    models.Vedtak, models.Vedtak.sak_id == models.Sak.id
                )
            ).all()
            about = {str(p): {} for p, _s, _v in rows}
        else:
            fill = VALUES.get(names) or MORE_VALUES.get(names)
            assert fill is not None, f"{route}: no values known for {names}"
            for values, owner in fill(session):
                if owner is not None and owner != self.stranger:
                    about.setdefault(owner, values)
        chosen = sorted(about.items(), key=lambda item: self.rank.get(item[0], 2))[:PER_ROUTE]
        found = []
        for owner, values in chosen:
            filled = {names[0]: values[""]} if len(names) == 1 else values
            found.append(
                Address(route, path.format(**filled), owner, self._target(session, owner, filled))
            )
        if len(names) == 1:  # an id that does not exist
            missing = path.format(**{names[0]: str(uuid.UUID(int=0))})
            found.append(Address(route, missing, None, found[0].target if found else None))
        return found

    def _listings(self, route: str) -> list[Address]:
        """A GET that names no person in its path: queues, lists, searches, exports, the
        statistics and the audit trail (with the queries it takes)."""
        method, path = route.split(" ", 1)
        if method != "GET" or _needs_a_person(route) or path in DEMO_USER_PICKERS:
            return []
        if "{" in path:  # a benefit, a G-regulering, a provider: each value the crawl knows
            names = tuple(sorted(re.findall(r"{(\w+)}", path)))
            with self.service.sessions() as session:
                found = VALUES[names](session)[:PER_ROUTE]
            urls = [path.format(**({names[0]: v[""]} if "" in v else v)) for v, _o in found]
        else:
            some = next(iter(self.secrets))
            urls = [path + q.replace("{person}", some) for q in QUERIES.get(path, [""])]
        return [Address(route, url, None, None, listing=True) for url in urls]

    @staticmethod
    def _target(session: Any, owner: str, path: dict[str, str]) -> Target:
        person = session.get(models.Person, uuid.UUID(owner))
        sak_id, vedtak_id = session.execute(
            select(models.Sak.id, models.Vedtak.id)
            .outerjoin(models.Vedtak, models.Vedtak.sak_id == models.Sak.id)
            .where(models.Sak.person_id == person.id)
            .order_by(models.Vedtak.id.is_(None))
        ).first() or (uuid.UUID(int=0), None)
        return Target(path, person.identity_number, str(sak_id), str(vedtak_id or sak_id))

    def _watch_changes(self) -> None:
        """A trigger on each table but the audit trail counts every row written."""
        trail = {"audit_log", "audit_chain", "audit_pending", "audit_chain_anchors"}
        with self.engine.begin() as connection:
            connection.execute(text("CREATE TABLE test_changes (name TEXT)"))
            for table in models.Base.metadata.sorted_tables:
                if table.name in trail:
                    continue
                for event in ("INSERT", "UPDATE", "DELETE"):
                    connection.execute(
                        text(
                            f"CREATE TRIGGER test_{event.lower()}_{table.name} AFTER {event} "
                            f"ON {table.name} BEGIN INSERT INTO test_changes "
                            f"VALUES ('{event} {table.name}'); END"
                        )
                    )

    def changes(self) -> list[str]:
        with self.engine.connect() as connection:
            return list(connection.scalars(text("SELECT name FROM test_changes")))

    def forget_changes(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(text("DELETE FROM test_changes"))

    def protect(self, variant: str) -> None:
        with self.engine.begin() as connection:
            if variant == UNPROTECTED:
                connection.execute(update(models.Person).values(protection="none", skjermet=False))
            else:
                protection, skjermet, _ = VARIANTS[variant]
                connection.execute(
                    update(models.Person).values(protection=protection, skjermet=skjermet)
                )
            connection.execute(text("DELETE FROM test_changes"))

    def sign_in(self, client: TestClient, caller: str) -> dict[str, str]:
        client.cookies.clear()
        if caller == ANONYMOUS:
            return {}
        user = f"person:{self.stranger}" if caller == STRANGER else caller
        if caller == "Z990109":
            claims = demo_claims(self.service, "Z990101") | {
                "sub": "Z990109",
                "name": SKJERMING_CALLER,
                "clearances": ["skjerming"],
            }
        else:
            claims = demo_claims(self.service, user)
        state = self.site.state
        token = state.identity.issue(claims)
        sid = state.identity.verify(token)["sid"]
        client.cookies.set(SESSION_COOKIE, token)
        return {
            "Authorization": f"Bearer {token}",
            CSRF_HEADER: session_csrf_token(state.csrf_key, str(sid)),
        }


def call(client: TestClient, headers: dict[str, str], address: Address) -> Answer:
    method = address.route.split(" ", 1)[0]
    body = WRITES[address.route](address.target) if method in WRITE_METHODS else None  # type: ignore[arg-type]
    api = address.url.startswith("/api/")
    if body is None:
        response = client.request(method, address.url, headers=headers)
    elif api:
        response = client.request(method, address.url, headers=headers, json=body)
    else:
        response = client.request(method, address.url, headers=headers, data=body)
    content_type = response.headers.get("content-type", "")
    if content_type.startswith("application/problem+json"):
        said = str(response.json().get("detail"))
    elif content_type.startswith("text/html"):
        said = " ".join(part for part, _language in visible_text(response.text))
    else:
        said = response.text
    said = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", said)
    return Answer(response.status_code, content_type.split(";")[0], said, response.text)


@dataclass
class Run:
    world: World
    answers: dict[tuple[str, str, str], Answer]  # (variant, caller, url) -> answer
    problems: list[str]


def _cleared(caller: str, variant: str) -> bool:
    return variant not in VARIANTS or VARIANTS[variant][2] in CLEARANCES.get(caller, set())


def _check_refusal(
    world: World, variant: str, caller: str, a: Address, answer: Answer
) -> list[str]:
    where = f"{variant} {caller} {a.route} {a.url}: {answer.status}"
    found = []
    # A body that names another person's case may also be bad input (it is not the
    # caller's case); that it reads the same as for an unprotected person is checked below.
    named_in_body = not re.search(r"{\w+}", a.route)
    refused = (
        answer.status in (401, 403, 404)
        or (named_in_body and answer.status in (400, 422))
        or (caller == ANONYMOUS and answer.status == 303 and not a.url.startswith("/api/"))
    )
    if not refused:
        found.append(f"{where}: not refused ({answer.said[:120]})")
    api_error = a.url.startswith("/api/") and answer.status >= 400
    if api_error and answer.content_type != "application/problem+json":
        found.append(f"{where}: not problem+json")
    for name, number in world.secrets.values():
        if name in answer.raw or number in answer.raw:
            found.append(f"{where}: names {name}")
    # The page names the caller: Hanne at Nav Vikafossen may read her own name.
    said = answer.said
    if caller in BY_ID:
        employee = BY_ID[caller]
        for own in (employee.name, employee.description, employee.unit or employee.name):
            said = said.replace(own, "")
    said = said.replace(SKJERMING_CALLER, "")
    given_away = GIVE_AWAY.search(said)
    if answer.status != 200 and given_away:
        found.append(f"{where}: says {given_away.group(0)!r}")
    return found


def _without_staff(said: str) -> str:
    """The text without the employees' own names, descriptions and units: a list may name the
    staff who acted (Hanne at Nav Vikafossen), which says nothing about a person."""
    for employee in BY_ID.values():
        for own in (employee.name, employee.description, employee.unit or employee.name):
            said = said.replace(own, "")
    return said.replace(SKJERMING_CALLER, "")


def _check_listing(
    world: World, variant: str, caller: str, a: Address, answer: Answer, before: Answer
) -> list[str]:
    """A list, search, export, statistic or audit view names none of the (all protected)
    persons, and says no word of protection that it did not say before they were protected
    (a heading, the caller's own clearances)."""
    where = f"{variant} {caller} {a.url}: {answer.status}"
    found = [
        f"{where}: names {name}"
        for name, number in world.secrets.values()
        if name in answer.raw or number in answer.raw
    ]
    always = {w.lower() for w in GIVE_AWAY.findall(_without_staff(before.said))}
    words = {w.lower() for w in GIVE_AWAY.findall(_without_staff(answer.said))} - always
    if words:
        found.append(f"{where}: says {sorted(words)}")
    return found


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    world = World(tmp_path_factory.mktemp("protection"))
    answers: dict[tuple[str, str, str], Answer] = {}
    problems: list[str] = []
    # The unprotected world comes last: a call it permits may change a case.
    with TestClient(world.site, follow_redirects=False, raise_server_exceptions=False) as client:
        # The lists first as they are without protection: the words every page shows anyway.
        world.protect(UNPROTECTED)
        for caller in CALLERS:
            headers = world.sign_in(client, caller)
            for address in (a for a in world.addresses if a.listing):
                answer = call(client, headers, address)
                answers[(BEFORE, caller, address.url + " " + address.route)] = answer
        world.forget_changes()
        for variant in (*VARIANTS, UNPROTECTED):
            world.protect(variant)
            for caller in CALLERS:
                headers = world.sign_in(client, caller)
                for address in world.addresses:
                    write = address.route.split(" ")[0] in WRITE_METHODS
                    if write and _cleared(caller, variant) and address.owner is not None:
                        continue  # a permitted change: the authorization matrix tests those
                    answer = call(client, headers, address)
                    answers[(variant, caller, address.url + " " + address.route)] = answer
                    changed = world.changes()
                    if changed and not _cleared(caller, variant):
                        problems.append(
                            f"{variant} {caller} {address.route} {address.url}: wrote {changed}"
                        )
                    if changed:
                        world.forget_changes()
                    if not _cleared(caller, variant) and address.owner is not None:
                        problems += _check_refusal(world, variant, caller, address, answer)
                    if not _cleared(caller, variant) and address.listing:
                        before = answers[(BEFORE, caller, address.url + " " + address.route)]
                        problems += _check_listing(world, variant, caller, address, answer, before)
        world.protect(UNPROTECTED)
    yield Run(world, answers, problems)
    world.engine.dispose()


def test_every_route_is_placed(run: Run) -> None:
    """A new route that changes something fails here until it is given a body or a reason."""
    writes = {r for r in run.world.routes if r.split(" ")[0] in WRITE_METHODS}
    unplaced = sorted(writes - set(WRITES) - set(NOT_ABOUT_ANOTHER_PERSON))
    assert unplaced == []
    stale = sorted((set(WRITES) | set(NOT_ABOUT_ANOTHER_PERSON)) - writes)
    assert stale == []
    called = {a.route for a in run.world.addresses}
    missing = sorted(r for r in run.world.routes if _needs_a_person(r) and r not in called)
    assert missing == [], "routes about a person that the demo has no ids for"


def test_every_call_on_a_protected_person_is_refused_and_changes_nothing(run: Run) -> None:
    assert not run.problems, "\n".join(run.problems)


def test_a_refusal_reads_the_same_as_for_an_unprotected_person_or_a_missing_id(run: Run) -> None:
    differ = []
    missing = {
        (a.route, c): run.answers.get((v, c, a.url + " " + a.route))
        for a in run.world.addresses
        if a.owner is None and not a.listing
        for v in VARIANTS
        for c in CALLERS
    }
    for address in run.world.addresses:
        if address.owner is None:
            continue
        key = address.url + " " + address.route
        for variant in VARIANTS:
            for caller in CALLERS:
                if _cleared(caller, variant):
                    continue
                answer = run.answers[(variant, caller, key)]
                plain = run.answers.get((UNPROTECTED, caller, key))
                was_refused = plain is not None and (
                    plain.status in (401, 403, 404) or (caller == ANONYMOUS and plain.status == 303)
                )
                if (
                    plain is not None
                    and was_refused
                    and ((plain.status, plain.said) != (answer.status, answer.said))
                ):
                    differ.append(f"{variant} {caller} {key}: {answer.said!r} != {plain.said!r}")
                none = missing.get((address.route, caller))
                if answer.status == 404 and none is not None and none.said != answer.said:
                    differ.append(f"{variant} {caller} {key}: 404 unlike a missing id")
    assert not differ, "\n".join(differ)


def test_a_cleared_employee_sees_what_they_would_without_the_protection(run: Run) -> None:
    differ = []
    about_persons = {
        a.url + " " + a.route for a in run.world.addresses if a.owner and a.route[:4] == "GET "
    }
    for (variant, caller, key), answer in run.answers.items():
        if variant not in VARIANTS or not _cleared(caller, variant) or caller not in CLEARANCES:
            continue
        plain = run.answers.get((UNPROTECTED, caller, key))
        same = plain is not None and (plain.status, plain.said) == (answer.status, answer.said)
        if key in about_persons and plain is not None and not same:
            differ.append(f"{variant} {caller} {key}: {answer.status} != {plain.status}")
    assert not differ, "\n".join(differ)
    # The check can fail: the cleared employees do open protected persons' cases.
    opened = {
        (v, c)
        for (v, c, k), a in run.answers.items()
        if a.status == 200 and v in VARIANTS and k in about_persons
    }
    assert ("strengt_fortrolig", "Z990501") in opened
    assert ("skjermet", "Z990109") in opened


# -- a new case, and its letters ----------------------------------------------------------------

ADDRESS_WORDS = re.compile(r"adress|address|postnummer|poststed|postboks|gate\b|vei\b", re.I)


@pytest.mark.parametrize(
    ("protection", "unit"),
    [
        ("strengt_fortrolig", "2103"),  # Nav Vikafossen
        ("strengt_fortrolig_utland", "2103"),
        ("fortrolig", None),  # the ordinary unit; only the clearance keeps others out
        ("none", None),
    ],
)
def test_a_new_case_goes_to_the_unit_that_may_handle_it_and_its_letter_prints_no_address(
    tmp_path: Path, protection: str, unit: str | None
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'trygd.sqlite3'}")
    migrate(engine)
    service = CaseService(engine, Settings(demo=True))
    born = dt.date(1984, 5, 12)
    with service.sessions.begin() as session:
        person = models.Person(
            id=uuid.uuid4(),
            identity_number=synthetic_identity_number(born, 7),
            name="Vera Skjult",
            birth_date=born,
            municipality="0301",
            protection=protection,
            created_at=dt.datetime.now(dt.UTC),
        )
        session.add(person)
    claim = dt.date.today() - dt.timedelta(days=10)
    body = {
        "benefit": "dagpenger",
        "claim_date": claim.isoformat(),
        "facts": _dagpenger(claim, 260000),
    }
    answer = service.submit_application(_citizen(person), body)[1]
    expected = unit or responsible_unit("dagpenger", "0301", "none").number
    assert answer["unit"] == expected
    service.run_due_jobs()  # decided by the rules; the vedtak letter is made
    with service.sessions() as session:
        letters = session.scalars(
            select(models.Letter).where(models.Letter.person_id == person.id)
        ).all()
        assert letters, "the automatic vedtak makes a letter"
        for letter in letters:
            content = json.dumps(letter.content, ensure_ascii=False)
            pdf = " ".join(
                page.extract_text() for page in pypdf.PdfReader(io.BytesIO(letter.pdf)).pages
            )
            for shown in (content, pdf):
                assert not ADDRESS_WORDS.search(shown), ADDRESS_WORDS.search(shown)
                assert "0301" not in shown and "Oslo" not in shown  # where the person lives
    # The letter reaches the person only through their own pages (trygd has no postal
    # channel): it is theirs to read, and nobody else's without the clearance.
    assert service.get_letter(_citizen(person), str(letters[0].id))
    engine.dispose()
