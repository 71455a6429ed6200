"""Who may do what to whose case: the access rules as one explicit table, tested cell by cell.

Each cell is one call through the HTTP API by one kind of caller on the data of one kind of
person, with the answer the law and NAV's practice demand:

* **permit** - the call succeeds (2xx) and one audit record says `permit`;
* **deny** - the call is refused with 403 (problem+json) and one audit record says `deny`;
Self-service endpoints ("my cases", "apply", "my access log") work on the caller's own person
record; an employee calling them is denied (403) and audited like any other denial.

For every cell the test also checks that exactly one new audit record was written for the
call, naming the caller (`actor_id`), the action, the outcome and the person whose data it was.

The persons ("subjects"): an *ordinary* person in Oslo (AAP case at Nav Frogner, unit 0312), a
person with *strengt fortrolig* address (the case goes to Nav Vikafossen, unit 2103, and only
employees with that clearance see it), and a *skjermet* person (a NAV employee or family, case
at 0312; only employees with the skjerming clearance see it).

The callers: the person themself (`citizen_own`), another citizen (`citizen_other`), Kari
(caseworker at 0312), Nils (caseworker at 4450, another unit), Ola (approver at 0312), a
caseworker at 0312 with the skjerming clearance, Hanne and Tor (caseworker and approver at
Vikafossen with the strengt fortrolig clearance), Lise (NAV Klageinstans) and Arne (internal
control).

Test ids read as `endpoint-caller-person-expected`, for example
`approve-caseworker_same_unit-ordinary-deny`. A world of persons and cases is built once per
database (SQLite, PostgreSQL); a cell whose call changes a case when permitted gets a case of
its own, so the cells do not depend on each other. A denied call must also leave the case as
it was.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from conftest import POSTGRES_URL
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url
from support import (
    NOW,
    TODAY,
    TOKENS,
    aap_application,
    citizen_headers,
    employee_headers,
)

from trygd.api.app import create_app
from trygd.domain.identity import synthetic_identity_number
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.store.models import AuditRecord, Behandling, Event, Oppgave, Person

API = "/api/v1"

# -- the callers -------------------------------------------------------------------------------


def _token(claims: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS.issue(claims)}"}


# Staff callers and the actor id their audit records must carry.
STAFF: dict[str, tuple[str, dict[str, str]]] = {
    "caseworker_same_unit": ("Z990101", employee_headers("Z990101")),  # Kari, 0312
    "caseworker_other_unit": ("Z990301", employee_headers("Z990301")),  # Nils, 4450
    "approver_same_unit": ("Z990102", employee_headers("Z990102")),  # Ola, 0312
    "caseworker_with_skjerming": (
        "Z990109",
        _token(
            {
                "sub": "Z990109",
                "name": "Kine Skjermingsklarert",
                "roles": ["caseworker"],
                "unit": "0312",
                "clearances": ["skjerming"],
            }
        ),
    ),
    "vikafossen_caseworker": ("Z990501", employee_headers("Z990501")),  # Hanne, 2103
    "vikafossen_approver": ("Z990502", employee_headers("Z990502")),  # Tor, 2103
    "appeals": ("Z990601", employee_headers("Z990601")),  # Lise, Klageinstans
    "auditor": ("Z990701", employee_headers("Z990701")),  # Arne, internal control
}
CALLERS = ("citizen_own", "citizen_other", *STAFF)
SUBJECTS = ("ordinary", "strengt_fortrolig", "became_strengt_fortrolig", "skjermet")
SELF_SUBJECTS = ("ordinary", "strengt_fortrolig", "skjermet")  # who can apply as themself

P, D = "permit", "deny"

# -- the table ---------------------------------------------------------------------------------
# Columns, the person whose case it is:
#   ordinary                  AAP case at Nav Frogner (0312)
#   strengt_fortrolig         protected address when applying: the case is at Vikafossen (2103)
#   became_strengt_fortrolig  applied as an ordinary person (case at 0312), then got a protected
#                             address: the clearance, not the unit, keeps Frogner out. Nobody
#                             may handle the case until it is moved to Vikafossen, which trygd
#                             does not do (yet).
#   skjermet                  NAV employee or family, case at 0312

# Reading a case (the sak, its history, a behandling, a vedtak).
CASE_READ = {
    "citizen_own": (P, P, P, P),
    "citizen_other": (D, D, D, D),
    "caseworker_same_unit": (P, D, D, D),
    "caseworker_other_unit": (D, D, D, D),
    "approver_same_unit": (P, D, D, D),
    "caseworker_with_skjerming": (P, D, D, P),
    "vikafossen_caseworker": (D, P, D, D),
    "vikafossen_approver": (D, P, D, D),
    "appeals": (D, D, D, D),
    "auditor": (D, D, D, D),
}
NOBODY = {caller: (D, D, D, D) for caller in CALLERS}
# What only the person may do in their own case: report a change, answer a request.
OWN_CASE_ONLY = NOBODY | {"citizen_own": (P, P, P, P)}
# Casework: assess a condition, ask for information, propose a vedtak.
CASEWORK = NOBODY | {
    "caseworker_same_unit": (P, D, D, D),
    "caseworker_with_skjerming": (P, D, D, P),
    "vikafossen_caseworker": (D, P, D, D),
}
# Totrinnskontroll: approve or return a proposal (approvers of the case's unit only).
APPROVAL = NOBODY | {
    "approver_same_unit": (P, D, D, D),
    "vikafossen_approver": (D, P, D, D),
}
# Taking a task from the queue, and searching for a person (with a purpose): the unit's staff.
UNIT_STAFF = NOBODY | {
    "caseworker_same_unit": (P, D, D, D),
    "approver_same_unit": (P, D, D, D),
    "caseworker_with_skjerming": (P, D, D, P),
    "vikafossen_caseworker": (D, P, D, D),
    "vikafossen_approver": (D, P, D, D),
}

# -- the world the calls act on ----------------------------------------------------------------


@dataclass
class Case:
    """An AAP case of one person, in the state an endpoint needs."""

    subject: str
    person: Person
    sak_id: str
    behandling_id: str
    version: int
    unit: str
    task_id: str | None = None
    request_id: str | None = None
    vedtak_id: str | None = None


_numbers = itertools.count(1)


class World:
    """Persons and cases on one database, made through the API as a citizen and caseworkers would.

    A "builder" caseworker and approver of the case's unit, holding every clearance, move the
    cases into the state a cell needs; their records come before the cell's call, so they do
    not count.
    """

    def __init__(self, client: TestClient, service: CaseService) -> None:
        self.client = client
        self.service = service
        self._shared: dict[tuple[str, str], Case] = {}
        self.subject_of: dict[str, str] = {}  # person id -> subject
        self.other_citizen = self.person("ordinary")
        for subject in SUBJECTS:  # every queue holds a task of each kind of person
            self.case(subject, "undetermined")

    def person(self, subject: str) -> Person:
        n = next(_numbers)
        birth_date = dt.date(1970 + n // 150, 3, 14)
        person = Person(
            id=uuid.uuid4(),
            identity_number=synthetic_identity_number(birth_date, n % 150),
            name=f"Person {n} ({subject})",
            birth_date=birth_date,
            municipality="0301",
            protection="strengt_fortrolig" if subject == "strengt_fortrolig" else "none",
            skjermet=subject == "skjermet",
            created_at=NOW,
        )
        with self.service.sessions.begin() as session:
            session.add(person)
        self.subject_of[str(person.id)] = subject
        return person

    def case(self, subject: str, state: str, *, fresh: bool = False) -> Case:
        """A case in `state`; shared between cells unless `fresh` (for calls that change it)."""
        if not fresh and (subject, state) in self._shared:
            return self._shared[(subject, state)]
        case = self._build(subject, state)
        if not fresh:
            self._shared[(subject, state)] = case
        return case

    def _build(self, subject: str, state: str) -> Case:
        person = self.person(subject)
        missing = state in ("undetermined", "waiting")
        application = aap_application(reduced_work_capacity=None) if missing else aap_application()
        answer = self._ok(
            self.client.post(
                f"{API}/applications", json=application, headers=citizen_headers(person)
            )
        )
        case = Case(
            subject=subject,
            person=person,
            sak_id=answer["sak_id"],
            behandling_id=answer["behandling_id"],
            version=answer["version"],
            unit=answer["unit"],
        )
        builder = self._builder(case.unit, "caseworker", "Z999901")
        approver = self._builder(case.unit, "approver", "Z999902")
        url = f"{API}/behandlinger/{case.behandling_id}"
        if state == "waiting":
            done = self._ok(
                self.client.post(
                    f"{url}/information-requests",
                    json=INFORMATION_REQUEST | {"version": case.version},
                    headers=builder,
                )
            )
            case.request_id = done["information_request_id"]
            case.version = done["version"]
        if state in ("proposed", "decided"):
            case.version = self._ok(
                self.client.post(f"{url}/propose", json={"version": case.version}, headers=builder)
            )["version"]
        if state == "decided":
            done = self._ok(
                self.client.post(f"{url}/approve", json={"version": case.version}, headers=approver)
            )
            case.vedtak_id = done["vedtak_id"]
            case.version = done["version"]
        with self.service.sessions() as session:
            case.task_id = next(
                (
                    str(task)
                    for task in session.scalars(
                        select(Oppgave.id).where(
                            Oppgave.behandling_id == uuid.UUID(case.behandling_id),
                            Oppgave.status == "open",
                        )
                    )
                ),
                None,
            )
        if subject == "became_strengt_fortrolig":  # the population register reports it now
            with self.service.sessions.begin() as session:
                session.execute(
                    update(Person)
                    .where(Person.id == person.id)
                    .values(protection="strengt_fortrolig")
                )
        return case

    @staticmethod
    def _builder(unit: str, role: str, sub: str) -> dict[str, str]:
        clearances = ["strengt_fortrolig", "fortrolig", "skjerming"]
        claims = {"sub": sub, "name": f"Builder {role}", "roles": [role], "unit": unit}
        return _token(claims | {"clearances": clearances})

    @staticmethod
    def _ok(response: httpx.Response) -> dict[str, Any]:
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    def headers(self, caller: str, own: Person | None) -> dict[str, str]:
        if caller == "citizen_own":
            assert own is not None
            return citizen_headers(own)
        if caller == "citizen_other":
            return citizen_headers(self.other_citizen)
        return STAFF[caller][1]

    def actor_id(self, caller: str, own: Person | None) -> str:
        if caller == "citizen_own":
            assert own is not None
            return f"person:{own.id}"
        if caller == "citizen_other":
            return f"person:{self.other_citizen.id}"
        return STAFF[caller][0]

    def fingerprint(self, case: Case) -> tuple[Any, ...]:
        """What a change would touch: the case's history, its behandling and its tasks."""
        sak_id, behandling_id = uuid.UUID(case.sak_id), uuid.UUID(case.behandling_id)
        with self.service.sessions() as session:
            events = session.scalar(select(func.count(Event.id)).where(Event.sak_id == sak_id))
            behandling = session.get(Behandling, behandling_id)
            assert behandling is not None
            tasks = session.execute(
                select(Oppgave.id, Oppgave.status, Oppgave.assigned_to)
                .where(Oppgave.sak_id == sak_id)
                .order_by(Oppgave.id)
            ).all()
            return events, behandling.state, behandling.version, tuple(tasks)

    def last_audit_id(self) -> int:
        with self.service.sessions() as session:
            return session.scalar(select(func.coalesce(func.max(AuditRecord.id), 0))) or 0

    def audit_since(self, last_id: int) -> list[AuditRecord]:
        with self.service.sessions() as session:
            return list(
                session.scalars(
                    select(AuditRecord).where(AuditRecord.id > last_id).order_by(AuditRecord.id)
                )
            )


INFORMATION_REQUEST = {
    "description": "Send oss en legeerklæring om arbeidsevnen din.",
    "facts_requested": ["reduced_work_capacity"],
    "deadline": (TODAY + dt.timedelta(days=14)).isoformat(),
}

# -- the endpoints that act on one person's case -----------------------------------------------

# Each takes the test client, the case and the caller's headers.


def get_case(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/cases/{case.sak_id}", headers=h)


def case_events(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/cases/{case.sak_id}/events", headers=h)


def get_behandling(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/behandlinger/{case.behandling_id}", headers=h)


def get_vedtak(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/vedtak/{case.vedtak_id}", headers=h)


def report_change(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {"effective_date": TODAY.isoformat(), "facts": {"children": 2}}
    return c.post(f"{API}/cases/{case.sak_id}/changes", json=body, headers=h)


def answer_information(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {"answer": "Legeerklæringen er sendt.", "facts": {"reduced_work_capacity": 60}}
    return c.post(f"{API}/information-requests/{case.request_id}/answer", json=body, headers=h)


def assess(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {
        "version": case.version,
        "condition": "aap.work_capacity_reduced",
        "facts": {"reduced_work_capacity": 60},
        "reason": "Legeerklæringen viser 60 prosent nedsatt arbeidsevne.",
    }
    return c.post(f"{API}/behandlinger/{case.behandling_id}/assessments", json=body, headers=h)


def request_information(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = INFORMATION_REQUEST | {"version": case.version}
    url = f"{API}/behandlinger/{case.behandling_id}/information-requests"
    return c.post(url, json=body, headers=h)


def propose(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {"version": case.version, "reason": "Alle vilkår er oppfylt."}
    return c.post(f"{API}/behandlinger/{case.behandling_id}/propose", json=body, headers=h)


def approve(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {"version": case.version}
    return c.post(f"{API}/behandlinger/{case.behandling_id}/approve", json=body, headers=h)


def return_proposal(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {"version": case.version, "reason": "Vurder arbeidsevnen på nytt."}
    return c.post(f"{API}/behandlinger/{case.behandling_id}/return", json=body, headers=h)


def claim_task(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.post(f"{API}/tasks/{case.task_id}/claim", headers=h)


def search_person(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {"identity_number": case.person.identity_number, "purpose": "Søknad om AAP"}
    return c.post(f"{API}/persons/search", json=body, headers=h)


@dataclass(frozen=True)
class Endpoint:
    call: Callable[[TestClient, Case, dict[str, str]], httpx.Response]
    action: str  # the action the audit record must name
    needs: str  # the state the case must be in for the call to succeed
    changes_case: bool  # a permitted call changes the case (so it gets a case of its own)
    success: int  # the status of a permitted call
    table: dict[str, tuple[str, ...]] = field(repr=False)

    @property
    def name(self) -> str:
        return self.call.__name__


# fmt: off
CASE_ENDPOINTS = [
    #        call                 audited action         case state      changes ok   table
    Endpoint(get_case,            "read_case",           "decided",      False, 200, CASE_READ),
    Endpoint(case_events,         "read_case",           "decided",      False, 200, CASE_READ),
    Endpoint(get_behandling,      "read_case",           "decided",      False, 200, CASE_READ),
    Endpoint(get_vedtak,          "read_case",           "decided",      False, 200, CASE_READ),
    Endpoint(report_change,       "report_change",       "decided",      True,  201, OWN_CASE_ONLY),
    Endpoint(answer_information,  "answer_information",  "waiting",      True,  200, OWN_CASE_ONLY),
    Endpoint(assess,              "assess",              "undetermined", True,  200, CASEWORK),
    Endpoint(request_information, "request_information", "undetermined", True,  200, CASEWORK),
    Endpoint(propose,             "propose",             "complete",     True,  200, CASEWORK),
    Endpoint(approve,             "approve",             "proposed",     True,  200, APPROVAL),
    Endpoint(return_proposal,     "return",              "proposed",     True,  200, APPROVAL),
    Endpoint(claim_task,          "claim_task",          "undetermined", True,  200, UNIT_STAFF),
    Endpoint(search_person,       "search_person",       "decided",      False, 200, UNIT_STAFF),
]
# fmt: on


@dataclass(frozen=True)
class Cell:
    endpoint: Endpoint
    caller: str
    subject: str
    expected: str

    def __str__(self) -> str:
        return f"{self.endpoint.name}-{self.caller}-{self.subject}-{self.expected}"


CASE_CELLS = [
    Cell(endpoint, caller, subject, endpoint.table[caller][column])
    for endpoint in CASE_ENDPOINTS
    for caller in CALLERS
    for column, subject in enumerate(SUBJECTS)
]

# -- fixtures: one world per database ----------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    admin, name = None, None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'trygd.sqlite3'}"
        engine = make_engine(url)
        migrate(engine)
    else:
        template = request.getfixturevalue("postgres_template")
        name = f"trygd_matrix_{os.getpid()}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
    service = CaseService(engine, Settings(demo=True, clock=FixedClock(NOW)))
    app = create_app(service, TOKENS, demo=True)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield World(client, service)
    engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- checking one call -------------------------------------------------------------------------


def check_answer(cell: str, response: httpx.Response, expected: str, success: int) -> None:
    if expected == P:
        assert response.status_code == success, f"{cell}: expected {success}, got {response.text}"
    else:
        assert response.status_code == 403, f"{cell}: expected 403, got {response.text}"
        assert response.headers["content-type"] == "application/problem+json", cell
        assert response.json()["status"] == 403, cell
        # A denial must not tell the caller that the person is protected or works at NAV.
        detail = response.json()["detail"].lower()
        assert "fortrolig" not in detail and "skjerm" not in detail, f"{cell}: {detail}"


def check_audit(
    cell: str,
    records: list[AuditRecord],
    *,
    expected: str,
    actor_id: str,
    action: str,
    person_id: uuid.UUID | None,
) -> None:
    assert len(records) == 1, f"{cell}: expected exactly one audit record, got {len(records)}"
    record = records[0]
    got = (record.actor_id, record.action, record.outcome, record.person_id, record.completed)
    want = (actor_id, action, expected, person_id, expected == P)
    assert got == want, f"{cell}: audit (actor, action, outcome, person, completed) {got} != {want}"


@pytest.mark.parametrize("cell", CASE_CELLS, ids=str)
def test_access_to_a_persons_case(world: World, cell: Cell) -> None:
    endpoint = cell.endpoint
    case = world.case(
        cell.subject, endpoint.needs, fresh=endpoint.changes_case and cell.expected == P
    )
    actor_id = world.actor_id(cell.caller, case.person)
    headers = world.headers(cell.caller, case.person)
    before, state_before = world.last_audit_id(), world.fingerprint(case)

    response = endpoint.call(world.client, case, headers)

    check_answer(str(cell), response, cell.expected, endpoint.success)
    check_audit(
        str(cell),
        world.audit_since(before),
        expected=cell.expected,
        actor_id=actor_id,
        action=endpoint.action,
        person_id=case.person.id,
    )
    if cell.expected == D or not endpoint.changes_case:
        assert world.fingerprint(case) == state_before, f"{cell}: the case changed"


# -- self-service: the caller's own person record -----------------------------------------------

SELF_SERVICE = {
    # endpoint: (audited action, how to call it)
    "apply": (
        "apply",
        lambda c, h: c.post(f"{API}/applications", json=aap_application(), headers=h),
    ),
    "list_own_cases": ("list_own_cases", lambda c, h: c.get(f"{API}/cases", headers=h)),
    "own_access_log": ("read_access_log", lambda c, h: c.get(f"{API}/me/access-log", headers=h)),
}
SELF_CELLS = [
    pytest.param(endpoint, "citizen_own", subject, P, id=f"{endpoint}-citizen_own-{subject}-permit")
    for endpoint in SELF_SERVICE
    for subject in SELF_SUBJECTS
] + [
    pytest.param(endpoint, caller, None, D, id=f"{endpoint}-{caller}-no_person_record-{D}")
    for endpoint in SELF_SERVICE
    for caller in STAFF
]
UNIT_OF_APPLICATION = {"ordinary": "0312", "strengt_fortrolig": "2103", "skjermet": "0312"}


@pytest.mark.parametrize(("endpoint", "caller", "subject", "expected"), SELF_CELLS)
def test_self_service(
    world: World, endpoint: str, caller: str, subject: str | None, expected: str
) -> None:
    cell = f"{endpoint}-{caller}-{subject}-{expected}"
    action, call = SELF_SERVICE[endpoint]
    own = world.person(subject) if subject else None
    before = world.last_audit_id()

    response = call(world.client, world.headers(caller, own))

    check_answer(cell, response, expected, 201 if endpoint == "apply" else 200)
    check_audit(
        cell,
        world.audit_since(before),
        expected=expected,
        actor_id=world.actor_id(caller, own),
        action=action,
        person_id=own.id if own else None,
    )
    if endpoint == "apply" and subject is not None:
        # A strengt fortrolig person's case never lands in an ordinary office's queue.
        assert response.json()["unit"] == UNIT_OF_APPLICATION[subject], cell


def test_a_citizen_sees_who_read_their_own_data_and_nobody_elses(world: World) -> None:
    case = world.case("ordinary", "undetermined", fresh=True)
    kari = STAFF["caseworker_same_unit"][1]
    assert world.client.get(f"{API}/cases/{case.sak_id}", headers=kari).status_code == 200

    own = world.client.get(f"{API}/me/access-log", headers=citizen_headers(case.person)).json()
    assert ("Kari Saksbehandler", "read_case") in {(i["name"], i["action"]) for i in own["items"]}

    before = world.last_audit_id()
    other = world.client.get(f"{API}/me/access-log", headers=citizen_headers(world.other_citizen))
    assert other.status_code == 200
    assert "Kari Saksbehandler" not in {item["name"] for item in other.json()["items"]}
    # Reading one's log is about oneself, and is audited as such.
    [record] = world.audit_since(before)
    assert (record.person_id, record.outcome) == (world.other_citizen.id, "permit")


# -- the queue of tasks ---------------------------------------------------------------------------

# Which persons' tasks each caller sees in GET /tasks (None: the queue is refused).
# The task of a person who became strengt fortrolig stays in Frogner's queue (it shows no name;
# opening the case is denied, see the table above).
QUEUE: dict[str, set[str] | None] = {
    "citizen_own": None,
    "citizen_other": None,
    "caseworker_same_unit": {"ordinary", "became_strengt_fortrolig"},  # skjermet: hidden
    "caseworker_other_unit": set(),
    "approver_same_unit": {"ordinary", "became_strengt_fortrolig"},
    "caseworker_with_skjerming": {"ordinary", "became_strengt_fortrolig", "skjermet"},
    "vikafossen_caseworker": {"strengt_fortrolig"},
    "vikafossen_approver": {"strengt_fortrolig"},
    "appeals": set(),  # Klageinstans has no first-instance tasks
    "auditor": None,
}


@pytest.mark.parametrize(
    ("caller", "visible"),
    [
        pytest.param(
            caller, visible, id=f"tasks-{caller}-{'deny' if visible is None else 'permit'}"
        )
        for caller, visible in QUEUE.items()
    ],
)
def test_queue(world: World, caller: str, visible: set[str] | None) -> None:
    own = world.case("ordinary", "undetermined").person
    before = world.last_audit_id()

    response = world.client.get(f"{API}/tasks?limit=200", headers=world.headers(caller, own))

    expected = D if visible is None else P
    check_answer(f"tasks-{caller}", response, expected, 200)
    check_audit(
        f"tasks-{caller}",
        world.audit_since(before),
        expected=expected,
        actor_id=world.actor_id(caller, own),
        action="list_queue",
        person_id=None,  # the listing shows no names; opening a case is audited per person
    )
    if visible is None:
        return
    page = response.json()
    assert page["total"] <= 200, "the world outgrew one page of tasks"
    with world.service.sessions() as session:
        person_of_task = dict(session.execute(select(Oppgave.id, Oppgave.person_id)).all())
    seen = {world.subject_of.get(str(person_of_task[uuid.UUID(t["id"])])) for t in page["items"]}
    assert seen == visible, f"tasks-{caller}: sees tasks of {seen}, expected {visible}"


# -- person search needs a purpose; the audit trail needs a purpose -----------------------------


@pytest.mark.parametrize("purpose", ["", "   "], ids=["empty", "blank"])
def test_person_search_without_purpose_is_denied_and_audited(world: World, purpose: str) -> None:
    case = world.case("ordinary", "decided")
    before = world.last_audit_id()

    response = world.client.post(
        f"{API}/persons/search",
        json={"identity_number": case.person.identity_number, "purpose": purpose},
        headers=STAFF["caseworker_same_unit"][1],
    )

    check_answer("search-without-purpose", response, D, 200)
    [record] = world.audit_since(before)
    assert (record.actor_id, record.action, record.outcome, record.person_id) == (
        "Z990101",
        "search_person",
        "deny",
        case.person.id,
    )


AUDIT = {caller: D for caller in CALLERS} | {"auditor": P}


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        pytest.param(caller, expected, id=f"audit-{caller}-{expected}")
        for caller, expected in AUDIT.items()
    ],
)
def test_audit_trail(world: World, caller: str, expected: str) -> None:
    own = world.case("ordinary", "decided").person
    before = world.last_audit_id()

    response = world.client.get(
        f"{API}/audit",
        params={"purpose": "Kontroll av tilganger"},
        headers=world.headers(caller, own),
    )

    check_answer(f"audit-{caller}", response, expected, 200)
    check_audit(
        f"audit-{caller}",
        world.audit_since(before),
        expected=expected,
        actor_id=world.actor_id(caller, own),
        action="read_audit",
        person_id=None,
    )


def test_the_auditor_must_give_a_purpose(world: World) -> None:
    arne = STAFF["auditor"][1]
    before = world.last_audit_id()
    # Without the parameter the request is malformed (422) and reaches no data.
    assert world.client.get(f"{API}/audit", headers=arne).status_code == 422
    assert world.audit_since(before) == []
    # A blank purpose reaches the access point, which refuses it and says so in the trail.
    response = world.client.get(f"{API}/audit", params={"purpose": "  "}, headers=arne)
    check_answer("audit-blank-purpose", response, D, 200)
    check_audit(
        "audit-blank-purpose",
        world.audit_since(before),
        expected=D,
        actor_id="Z990701",
        action="read_audit",
        person_id=None,
    )


def test_reading_one_persons_audit_trail_is_audited_against_that_person(world: World) -> None:
    case = world.case("ordinary", "decided")
    before = world.last_audit_id()
    response = world.client.get(
        f"{API}/audit",
        params={"purpose": "Klage på innsyn", "person_id": str(case.person.id), "limit": 200},
        headers=STAFF["auditor"][1],
    )
    assert response.status_code == 200, response.text
    assert {item["person_id"] for item in response.json()["items"]} == {str(case.person.id)}
    [record] = world.audit_since(before)
    assert (record.action, record.outcome, record.person_id) == (
        "read_audit",
        "permit",
        case.person.id,
    )


def test_a_strengt_fortrolig_case_is_invisible_to_kari_even_with_its_id(world: World) -> None:
    case = world.case("strengt_fortrolig", "decided")
    assert case.unit == "2103"
    kari = STAFF["caseworker_same_unit"][1]
    for path in (
        f"cases/{case.sak_id}",
        f"cases/{case.sak_id}/events",
        f"behandlinger/{case.behandling_id}",
        f"vedtak/{case.vedtak_id}",
    ):
        response = world.client.get(f"{API}/{path}", headers=kari)
        assert response.status_code == 403, path
        for secret in (case.person.name, case.person.identity_number, str(case.person.id)):
            assert secret not in response.text, f"{path} leaks {secret!r}"
    queue = world.client.get(f"{API}/tasks?limit=200", headers=kari).json()
    assert case.sak_id not in {task["sak_id"] for task in queue["items"]}
