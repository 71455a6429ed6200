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

The rows (endpoint -> table of caller x person):

* the case itself: reading the sak, its history, a behandling, a vedtak, and the person's
  payments (CASE_READ); what only
  the person does (report a change, answer a request); casework; totrinnskontroll; taking a
  task; searching for a person;
* letters, made by the send_letter job after the vedtak: the case's letters, one letter as
  JSON, PDF and HTML, and the preview of a vedtak letter, are read like the case; once a klage
  is forwarded, NAV Klageinstans reads the case's letters too (`..._at_klageinstans`). A
  forhåndsvarsel (advance notice, fvl. § 16), previewed or sent, is casework;
* klage: the person appeals their own vedtak, and a caseworker of the unit may register a
  klage that came by post (POST /klager). A klage, the case's klager and the klage's
  attachment are read like the case, and by NAV Klageinstans once the klage is sent to its
  unit (also later, at Trygderetten). Grounds, comments and withdrawal are the person's own;
  the first instance's caseworkers decide on a late klage, change their decision (omgjøring)
  or forward the klage; only the Klageinstans unit the klage was forwarded to decides it and
  registers the anke and the judgment. Frogner's AAP klager go to NAV Klageinstans Oslo (4291,
  Lise); a strengt fortrolig person's klage stays at Vikafossen (2103), where no demo caller
  is Klageinstans (a separate test covers a Vikafossen Klageinstans employee, another
  Klageinstans unit, and Klageinstans employees who handled the case in the first instance);
* serviceklage (a complaint about service): the person complains and lists their own
  complaints (self-service); a caseworker of the unit it is about answers it; the answer
  letter is the person's and that unit's.

Test ids read as `endpoint-caller-person-expected`, for example
`approve-caseworker_same_unit-ordinary-deny`; an endpoint with rows for several states of the
case names the row, e.g. `get_klage_at_klageinstans-appeals-ordinary-permit`. A world of
persons and cases is built once per database (SQLite, PostgreSQL); a cell whose call changes a
case when permitted gets a case of its own, so the cells do not depend on each other. A denied
call must also leave the case (its history, behandlinger, tasks and serviceklager) as it was.
"""

from __future__ import annotations

import base64
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
from trygd.domain.units import UNITS, klageinstans_unit
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.store.models import (
    Attachment,
    AuditRecord,
    Behandling,
    Event,
    Letter,
    Oppgave,
    Person,
    Serviceklage,
)

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
# Searching for a person (with a purpose): the unit's staff.
UNIT_STAFF = NOBODY | {
    "caseworker_same_unit": (P, D, D, D),
    "approver_same_unit": (P, D, D, D),
    "caseworker_with_skjerming": (P, D, D, P),
    "vikafossen_caseworker": (D, P, D, D),
    "vikafossen_approver": (D, P, D, D),
}

# Appeals and letters.
# A klage, its attachments and the case's letters are read like the case (CASE_READ). Once a
# klage is forwarded, NAV Klageinstans reads the case too, but only the unit it was sent to
# (Lise, 4291, for Frogner's cases), and only with the clearances the person needs: the
# klage of a strengt fortrolig person stays at Vikafossen (2103), and Lise has neither the
# strengt fortrolig nor the skjerming clearance.
AT_KLAGEINSTANS_READ = CASE_READ | {"appeals": (P, D, D, D)}
# The person appeals their own vedtak; a caseworker of the unit may register a klage that
# came by post (an approver does not: registering is casework).
SUBMIT_KLAGE = CASEWORK | {"citizen_own": (P, P, P, P)}
# The first instance reviews a klage (lateness, omgjøring, forwarding): its caseworkers,
# as for casework. Klageinstans has no say before the klage is sent to it.
REVIEW_KLAGE = CASEWORK
# NAV Klageinstans decides the klage and registers the anke and the judgment: only the unit
# the klage was sent to. No demo caller works at Vikafossen's Klageinstans, so nobody here
# may decide the strengt fortrolig person's klage; a Klageinstans employee at Vikafossen may
# (see test_klageinstans_decides_only_klager_sent_to_it_and_never_its_own_case).
KLAGEINSTANS = NOBODY | {"appeals": (P, D, D, D)}
# Letters a caseworker writes (forhåndsvarsel, fvl. § 16): the caseworkers of the case's unit.
SEND_LETTER = CASEWORK
# A serviceklage (a complaint about service, not about a decision) is answered by a
# caseworker of the unit it is about; its answer letter has no case, and is for the person
# and that unit only. Klageinstans has nothing to do with it, even when a klage of the same
# person was sent to it.
ANSWER_SERVICEKLAGE = CASEWORK
SERVICEKLAGE_LETTER = CASE_READ

# -- the world the calls act on ----------------------------------------------------------------


# The states a case can be built in. After "decided" the vedtak letter is sent (the job runs);
# then comes a klage with an attachment, from the person, and the steps after it.
KLAGE_STATES = (
    "klage_received",  # first instance review at the unit that decided
    "klage_awaiting_grounds",  # fristavbrytende: the full grounds come later
    "klage_late",  # came after the six weeks: is it considered anyway? (fvl. § 31)
    "klage_forwarded",  # at NAV Klageinstans, the person has commented on the statement
    "klage_decided",  # Klageinstans upheld the vedtak (stadfestet)
    "anke_registered",  # at Trygderetten
)
# A serviceklage without a case, from a person whose klage is at Klageinstans (it shows that
# Klageinstans's access to the klage does not reach the complaint).
SERVICEKLAGE_STATES = ("serviceklage_open", "serviceklage_answered")
AT_KLAGEINSTANS = ("klage_forwarded", "klage_decided", "anke_registered", *SERVICEKLAGE_STATES)
DECIDED = ("decided", "decided_with_letter", *KLAGE_STATES, *SERVICEKLAGE_STATES)
STATES = ("undetermined", "waiting", "complete", "proposed", *DECIDED)
# Where a case's klage goes (trygd.domain.units.klageinstans_unit): Nav Frogner's AAP klager
# to NAV Klageinstans Oslo, Lise's unit; Nav Vikafossen keeps its own.
KLAGEINSTANS_OF = {"0312": "4291", "2103": "2103"}


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
    letter_id: str | None = None  # the vedtak letter, once the job has sent it
    klage_id: str | None = None
    klage_version: int | None = None  # the version of the klage's behandling
    attachment_id: str | None = None  # the document sent with the klage
    serviceklage_id: str | None = None
    serviceklage_letter_id: str | None = None  # the letter answering it


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
            self.case(subject, "klage_forwarded")  # ... Klageinstans's queue too

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
        assert state in STATES, state
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
        if state == "proposed" or state in DECIDED:
            case.version = self._ok(
                self.client.post(f"{url}/propose", json={"version": case.version}, headers=builder)
            )["version"]
        if state in DECIDED:
            done = self._ok(
                self.client.post(f"{url}/approve", json={"version": case.version}, headers=approver)
            )
            case.vedtak_id = done["vedtak_id"]
            case.version = done["version"]
        if state in DECIDED and state != "decided":
            self._build_appeal(case, state, builder)
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

    def _build_appeal(self, case: Case, state: str, builder: dict[str, str]) -> None:
        """The vedtak letter, then the klage and the steps after it that `state` needs."""
        self.service.run_due_jobs()  # iverksetting and the vedtak letter
        with self.service.sessions() as session:
            case.letter_id = str(
                session.scalars(
                    select(Letter.id).where(
                        Letter.vedtak_id == uuid.UUID(str(case.vedtak_id)), Letter.kind == "vedtak"
                    )
                ).one()
            )
        if state == "decided_with_letter":
            return
        citizen = citizen_headers(case.person)
        body = {
            "vedtak_id": case.vedtak_id,
            "text": "Jeg mener arbeidsevnen min er vurdert feil.",
            "fristavbrytende": state == "klage_awaiting_grounds",
            "attachments": [ATTACHMENT],
        }
        clock = self.service.settings.clock
        assert isinstance(clock, FixedClock)
        late = dt.timedelta(weeks=7) if state == "klage_late" else dt.timedelta(0)
        clock.advance(late)  # past the six weeks (its jobs are never run: they are not due)
        try:
            klage = self._ok(self.client.post(f"{API}/klager", json=body, headers=citizen))
        finally:
            clock.advance(-late)
        want = {
            "klage_awaiting_grounds": "awaiting_grounds",
            "klage_late": "late_assessment",
        }.get(state, "first_instance_review")
        assert klage["state"] == want, klage
        with self.service.sessions() as session:
            case.attachment_id = str(
                session.scalars(
                    select(Attachment.id).where(Attachment.klage_id == uuid.UUID(klage["id"]))
                ).one()
            )
        if state in AT_KLAGEINSTANS:
            klage = self._ok(
                self.client.post(
                    f"{API}/klager/{klage['id']}/forward",
                    json={"version": klage["version"], "statement": STATEMENT},
                    headers=builder,
                )
            )
            # Routed as units.py says: Frogner's AAP klager go to Klageinstans Oslo (Lise's
            # unit 4291); Vikafossen keeps its own (a protected person never leaves 2103).
            unit = klageinstans_unit(UNITS[case.unit]).number
            assert klage["klageinstans_unit"] == unit == KLAGEINSTANS_OF[case.unit], klage
            # The person comments on the statement, so Klageinstans may decide at once.
            klage = self._ok(
                self.client.post(
                    f"{API}/klager/{klage['id']}/comments",
                    json={"text": "Jeg er uenig i uttalelsen."},
                    headers=citizen,
                )
            )
        if state in ("klage_decided", "anke_registered"):
            klageinstans = self._builder(klage["klageinstans_unit"], "appeals", "Z999903")
            klage = self._ok(
                self.client.post(
                    f"{API}/klager/{klage['id']}/klageinstans-decision",
                    json={"version": klage["version"], "outcome": "stadfestet", "reasons": REASONS},
                    headers=klageinstans,
                )
            )
            if state == "anke_registered":
                klage = self._ok(
                    self.client.post(
                        f"{API}/klager/{klage['id']}/anker",
                        json=ANKE | {"version": klage["version"]},
                        headers=klageinstans,
                    )
                )
        self.service.run_due_jobs()  # the klage's letters
        case.klage_id, case.klage_version = klage["id"], klage["version"]
        if state in SERVICEKLAGE_STATES:
            complaint = self._ok(
                self.client.post(f"{API}/serviceklager", json=SERVICEKLAGE, headers=citizen)
            )
            assert complaint["sak_id"] is None and complaint["unit"] == case.unit, complaint
            case.serviceklage_id = complaint["id"]
        if state == "serviceklage_answered":
            self._ok(answer_serviceklage(self.client, case, builder))
            self.service.run_due_jobs()  # the answer letter
            with self.service.sessions() as session:
                case.serviceklage_letter_id = str(
                    session.scalars(
                        select(Letter.id).where(
                            Letter.serviceklage_id == uuid.UUID(case.serviceklage_id)
                        )
                    ).one()
                )

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
        """What a change would touch: the case's history, its behandlinger (a klage has one of
        its own: every change of a klage moves it or bumps its version), its tasks and the
        person's serviceklager (they have no case)."""
        sak_id = uuid.UUID(case.sak_id)
        with self.service.sessions() as session:
            events = session.scalar(select(func.count(Event.id)).where(Event.sak_id == sak_id))
            behandlinger = session.execute(
                select(Behandling.id, Behandling.state, Behandling.version)
                .where(Behandling.sak_id == sak_id)
                .order_by(Behandling.id)
            ).all()
            tasks = session.execute(
                select(Oppgave.id, Oppgave.status, Oppgave.assigned_to)
                .where(Oppgave.sak_id == sak_id)
                .order_by(Oppgave.id)
            ).all()
            complaints = session.execute(
                select(Serviceklage.id, Serviceklage.status)
                .where(Serviceklage.person_id == case.person.id)
                .order_by(Serviceklage.id)
            ).all()
            return events, tuple(behandlinger), tuple(tasks), tuple(complaints)

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
ATTACHMENT = {
    "filename": "legeerklaering.pdf",
    "content_type": "application/pdf",
    "content": base64.b64encode(b"%PDF-1.7 Legeerklaering: 60 prosent nedsatt").decode(),
}
STATEMENT = "Vi har vurdert klagen og mener vedtaket er riktig."
REASONS = "Klageinstans har vurdert saken og begrunner utfallet her."
ANKE = {"court": "trygderetten", "filed_on": TODAY.isoformat()}
ADVANCE_NOTICE = {
    "planned_decision": "Vi vurderer å avslå søknaden om arbeidsavklaringspenger.",
    "reason": "Legeerklæringen viser ikke at arbeidsevnen er nedsatt med minst halvparten.",
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


def person_payments(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    """A person's payments (read like the person's cases: one audited read of the person)."""
    return c.get(f"{API}/persons/{case.person.id}/payments", headers=h)


def search_person(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {"identity_number": case.person.identity_number, "purpose": "Søknad om AAP"}
    return c.post(f"{API}/persons/search", json=body, headers=h)


# Letters (made by the send_letter job, see World._build_appeal).


def list_letters(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/cases/{case.sak_id}/letters", headers=h)


def get_letter(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/letters/{case.letter_id}", headers=h)


def letter_pdf(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/letters/{case.letter_id}/pdf", headers=h)


def letter_html(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/letters/{case.letter_id}/html", headers=h)


def preview_vedtak_letter(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/behandlinger/{case.behandling_id}/vedtak-letter-preview", headers=h)


def preview_advance_notice(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    url = f"{API}/behandlinger/{case.behandling_id}/advance-notice/preview"
    return c.post(url, json=ADVANCE_NOTICE, headers=h)


def send_advance_notice(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    url = f"{API}/behandlinger/{case.behandling_id}/advance-notice"
    return c.post(url, json=ADVANCE_NOTICE, headers=h)


# Klage and the appeal chain.


def submit_klage(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    # `received_on` is for staff registering a klage that came by post; for the person
    # themself it is ignored (their klage is received today).
    body = {
        "vedtak_id": case.vedtak_id,
        "text": "Jeg mener arbeidsevnen min er vurdert feil.",
        "received_on": TODAY.isoformat(),
    }
    return c.post(f"{API}/klager", json=body, headers=h)


def get_klage(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/klager/{case.klage_id}", headers=h)


def list_klager(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/cases/{case.sak_id}/klager", headers=h)


def get_attachment(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/attachments/{case.attachment_id}", headers=h)


def _klage_action(
    c: TestClient, case: Case, h: dict[str, str], action: str, body: dict[str, Any]
) -> httpx.Response:
    return c.post(f"{API}/klager/{case.klage_id}/{action}", json=body, headers=h)


def klage_grounds(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {"text": "Legeerklæringen viser at arbeidsevnen er nedsatt med 60 prosent."}
    return _klage_action(c, case, h, "grounds", body)


def klage_comment(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return _klage_action(c, case, h, "comments", {"text": "Jeg har en ny legeerklæring."})


def klage_withdraw(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return _klage_action(c, case, h, "withdraw", {})


def klage_late_decision(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {
        "version": case.klage_version,
        "consider": True,
        "reason": "Klageren var innlagt på sykehus da fristen løp ut.",
    }
    return _klage_action(c, case, h, "late-decision", body)


def klage_change_decision(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {"version": case.klage_version, "reason": "Ny legeerklæring endrer vurderingen."}
    return _klage_action(c, case, h, "change-decision", body)


def klage_forward(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {"version": case.klage_version, "statement": STATEMENT}
    return _klage_action(c, case, h, "forward", body)


def klageinstans_decision(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {"version": case.klage_version, "outcome": "stadfestet", "reasons": REASONS}
    return _klage_action(c, case, h, "klageinstans-decision", body)


def register_anke(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return _klage_action(c, case, h, "anker", ANKE | {"version": case.klage_version})


def register_judgment(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {
        "version": case.klage_version,
        "outcome": "stadfestet",
        "decided_on": TODAY.isoformat(),
        "reasons": "Trygderetten er enig med NAV Klageinstans.",
    }
    return _klage_action(c, case, h, "judgments", body)


# Serviceklage (a complaint about service) and its answer letter.

SERVICEKLAGE = {"text": "Jeg ventet i telefonkø i to timer uten å få svar."}


def answer_serviceklage(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    body = {"answer": "Vi beklager ventetiden, og har sett på hvordan vi kan gjøre det bedre."}
    return c.post(f"{API}/serviceklager/{case.serviceklage_id}/answer", json=body, headers=h)


def get_serviceklage_letter(c: TestClient, case: Case, h: dict[str, str]) -> httpx.Response:
    return c.get(f"{API}/letters/{case.serviceklage_letter_id}", headers=h)


@dataclass(frozen=True)
class Endpoint:
    call: Callable[[TestClient, Case, dict[str, str]], httpx.Response]
    action: str  # the action the audit record must name
    needs: str  # the state the case must be in for the call to succeed
    changes_case: bool  # a permitted call changes the case (so it gets a case of its own)
    success: int  # the status of a permitted call
    table: dict[str, tuple[str, ...]] = field(repr=False)
    label: str = ""  # the row's name, where one call has rows for several states

    @property
    def name(self) -> str:
        return self.label or self.call.__name__


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
    # A task is taken by the role its kind needs: an assessment by a caseworker, an approval
    # by an approver (trygd.privacy.policy.TASK_ROLES).
    Endpoint(claim_task,          "claim_task",          "undetermined", True,  200, CASEWORK,
             label="claim_assessment_task"),
    Endpoint(claim_task,          "claim_task",          "proposed",     True,  200, APPROVAL,
             label="claim_approval_task"),
    Endpoint(search_person,       "search_person",       "decided",      False, 200, UNIT_STAFF),
    Endpoint(person_payments,     "read_case",           "decided",      False, 200, CASE_READ),
]
LETTER_ENDPOINTS = [
    #        call                    audited action  case state             changes ok  table
    Endpoint(list_letters,           "read_case",    "decided_with_letter", False, 200, CASE_READ),
    Endpoint(get_letter,             "read_case",    "decided_with_letter", False, 200, CASE_READ),
    Endpoint(letter_pdf,             "read_case",    "decided_with_letter", False, 200, CASE_READ),
    Endpoint(letter_html,            "read_case",    "decided_with_letter", False, 200, CASE_READ),
    Endpoint(list_letters,           "read_case",    "klage_forwarded",     False, 200,
             AT_KLAGEINSTANS_READ, label="list_letters_at_klageinstans"),
    Endpoint(get_letter,             "read_case",    "klage_forwarded",     False, 200,
             AT_KLAGEINSTANS_READ, label="get_letter_at_klageinstans"),
    Endpoint(preview_vedtak_letter,  "read_case",    "proposed",            False, 200, CASE_READ),
    Endpoint(preview_advance_notice, "send_letter",  "undetermined",        False, 200,
             SEND_LETTER),
    Endpoint(send_advance_notice,    "send_letter",  "undetermined",        True,  202,
             SEND_LETTER),
]
KLAGE_ENDPOINTS = [
    #        call                   audited action   case state           changes ok   table
    Endpoint(submit_klage,          "submit_klage",  "decided_with_letter", True, 201,
             SUBMIT_KLAGE),
    Endpoint(get_klage,             "read_case",     "klage_received",    False, 200, CASE_READ),
    Endpoint(list_klager,           "read_case",     "klage_received",    False, 200, CASE_READ),
    Endpoint(get_attachment,        "read_case",     "klage_received",    False, 200, CASE_READ),
    Endpoint(get_klage,             "read_case",     "klage_forwarded",   False, 200,
             AT_KLAGEINSTANS_READ, label="get_klage_at_klageinstans"),
    Endpoint(list_klager,           "read_case",     "klage_forwarded",   False, 200,
             AT_KLAGEINSTANS_READ, label="list_klager_at_klageinstans"),
    Endpoint(get_attachment,        "read_case",     "klage_forwarded",   False, 200,
             AT_KLAGEINSTANS_READ, label="get_attachment_at_klageinstans"),
    Endpoint(get_klage,             "read_case",     "anke_registered",   False, 200,
             AT_KLAGEINSTANS_READ, label="get_klage_at_trygderetten"),
    Endpoint(klage_grounds,         "add_to_klage",  "klage_awaiting_grounds", True, 200,
             OWN_CASE_ONLY),
    Endpoint(klage_comment,         "add_to_klage",  "klage_received",    True,  200,
             OWN_CASE_ONLY),
    Endpoint(klage_withdraw,        "add_to_klage",  "klage_received",    True,  200,
             OWN_CASE_ONLY),
    Endpoint(klage_late_decision,   "review_klage",  "klage_late",        True,  200,
             REVIEW_KLAGE),
    Endpoint(klage_change_decision, "review_klage",  "klage_received",    True,  200,
             REVIEW_KLAGE),
    Endpoint(klage_forward,         "review_klage",  "klage_received",    True,  200,
             REVIEW_KLAGE),
    Endpoint(klageinstans_decision, "decide_klage",  "klage_forwarded",   True,  200,
             KLAGEINSTANS),
    Endpoint(register_anke,         "register_anke", "klage_decided",     True,  200,
             KLAGEINSTANS),
    Endpoint(register_judgment,     "register_anke", "anke_registered",   True,  200,
             KLAGEINSTANS),
]
SERVICEKLAGE_ENDPOINTS = [
    #        call                     audited action          case state
    Endpoint(answer_serviceklage,     "answer_serviceklage",  "serviceklage_open",
             True,  200, ANSWER_SERVICEKLAGE),
    Endpoint(get_serviceklage_letter, "read_case",            "serviceklage_answered",
             False, 200, SERVICEKLAGE_LETTER),
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


ALL_ENDPOINTS = (*CASE_ENDPOINTS, *LETTER_ENDPOINTS, *KLAGE_ENDPOINTS, *SERVICEKLAGE_ENDPOINTS)
assert all(set(e.table) == set(CALLERS) for e in ALL_ENDPOINTS), "a row for every caller"
assert len({e.name for e in ALL_ENDPOINTS}) == len(ALL_ENDPOINTS), "row names are unique"
CASE_CELLS = [
    Cell(endpoint, caller, subject, endpoint.table[caller][column])
    for endpoint in ALL_ENDPOINTS
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
    "submit_serviceklage": (
        "submit_serviceklage",
        lambda c, h: c.post(f"{API}/serviceklager", json=SERVICEKLAGE, headers=h),
    ),
    "list_own_serviceklager": ("read_case", lambda c, h: c.get(f"{API}/serviceklager", headers=h)),
    "list_own_payments": ("read_case", lambda c, h: c.get(f"{API}/payments", headers=h)),
    "own_erasure_overview": ("read_case", lambda c, h: c.get(f"{API}/me/erasure", headers=h)),
    # GDPR art. 15-22: the person's own requests (an access request restricts nothing).
    "submit_privacy_request": (
        "submit_privacy_request",
        lambda c, h: c.post(f"{API}/privacy-requests", json={"kind": "access"}, headers=h),
    ),
    "list_own_privacy_requests": (
        "read_case",
        lambda c, h: c.get(f"{API}/privacy-requests", headers=h),
    ),
}
CREATED = ("apply", "submit_serviceklage", "submit_privacy_request")  # answered 201

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

    check_answer(cell, response, expected, 201 if endpoint in CREATED else 200)
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
    assert ("Kari Saksbehandler", "read_case") in {(i["name"], i["activity"]) for i in own["items"]}

    before = world.last_audit_id()
    other = world.client.get(f"{API}/me/access-log", headers=citizen_headers(world.other_citizen))
    assert other.status_code == 200
    assert "Kari Saksbehandler" not in {item["name"] for item in other.json()["items"]}
    # Reading one's log is about oneself, and is audited as such.
    [record] = world.audit_since(before)
    assert (record.person_id, record.outcome) == (world.other_citizen.id, "permit")


# -- NAV Klageinstans: its own unit's klager, never a case it handled -------------------------


def _klageinstans(sub: str, unit: str, clearances: tuple[str, ...] = ()) -> dict[str, str]:
    claims = {"sub": sub, "name": "Klageinstans", "roles": ["appeals"], "unit": unit}
    return _token(claims | {"clearances": list(clearances)})


@pytest.mark.parametrize(
    ("subject", "sub", "unit", "clearances", "expected"),
    [
        # Another Klageinstans unit than the one the klage was sent to (4291).
        pytest.param("ordinary", "Z990650", "4292", (), D, id="other_klageinstans_unit-deny"),
        # A strengt fortrolig person's klage stays at Vikafossen: a Klageinstans employee with
        # the clearance but at 4291 is refused; Vikafossen's own Klageinstans decides it.
        pytest.param(
            "strengt_fortrolig",
            "Z990651",
            "4291",
            ("strengt_fortrolig", "fortrolig"),
            D,
            id="klageinstans_oslo_with_clearance-strengt_fortrolig-deny",
        ),
        pytest.param(
            "strengt_fortrolig",
            "Z990652",
            "2103",
            ("strengt_fortrolig", "fortrolig"),
            P,
            id="klageinstans_at_vikafossen-strengt_fortrolig-permit",
        ),
        # Nobody who took part in the first instance decides the klage (fvl. § 6, two tiers):
        # the builders proposed (and forwarded the klage), approved, of the case at 0312.
        pytest.param("ordinary", "Z999901", "4291", (), D, id="proposed_and_forwarded-deny"),
        pytest.param("ordinary", "Z999902", "4291", (), D, id="approved_the_vedtak-deny"),
    ],
)
def test_klageinstans_decides_only_klager_sent_to_it_and_never_its_own_case(
    world: World, subject: str, sub: str, unit: str, clearances: tuple[str, ...], expected: str
) -> None:
    cell = f"klageinstans_decision-{sub}-{unit}-{subject}-{expected}"
    case = world.case(subject, "klage_forwarded", fresh=expected == P)
    before, state_before = world.last_audit_id(), world.fingerprint(case)

    response = klageinstans_decision(world.client, case, _klageinstans(sub, unit, clearances))

    check_answer(cell, response, expected, 200)
    check_audit(
        cell,
        world.audit_since(before),
        expected=expected,
        actor_id=sub,
        action="decide_klage",
        person_id=case.person.id,
    )
    if expected == D:
        assert world.fingerprint(case) == state_before, f"{cell}: the case changed"
    else:
        assert response.json()["state"] == "klageinstans_decided", cell


def test_nobody_who_took_part_in_the_first_instance_decides_the_klage(world: World) -> None:
    """Everyone who acted in the case at Nav Frogner is kept out of its klage at NAV
    Klageinstans, whatever they did: the caseworker who assessed a condition after another
    had taken the task, the approver who returned the proposal, and the caseworker who
    decided to consider a late klage. A Klageinstans employee new to the case may decide."""
    client, person = world.client, world.person("ordinary")
    citizen = citizen_headers(person)

    def staff(sub: str, role: str, unit: str = "0312") -> dict[str, str]:
        return _token({"sub": sub, "name": sub, "roles": [role], "unit": unit})

    answer = World._ok(
        client.post(
            f"{API}/applications",
            json=aap_application(reduced_work_capacity=None),
            headers=citizen,
        )
    )
    url, version = f"{API}/behandlinger/{answer['behandling_id']}", answer["version"]
    with world.service.sessions() as session:
        task = session.scalars(
            select(Oppgave.id).where(Oppgave.behandling_id == uuid.UUID(answer["behandling_id"]))
        ).one()
    World._ok(client.post(f"{API}/tasks/{task}/claim", headers=staff("Z999901", "caseworker")))
    version = World._ok(
        client.post(
            f"{url}/assessments",
            json={
                "version": version,
                "condition": "aap.work_capacity_reduced",
                "facts": {"reduced_work_capacity": 60},
                "reason": "Legeerklæringen viser 60 prosent nedsatt arbeidsevne.",
            },
            headers=staff("Z999911", "caseworker"),  # not the one the task is assigned to
        )
    )["version"]
    propose = {"version": version}
    version = World._ok(
        client.post(f"{url}/propose", json=propose, headers=staff("Z999901", "caseworker"))
    )["version"]
    version = World._ok(
        client.post(
            f"{url}/return",
            json={"version": version, "reason": "Se på arbeidsevnen en gang til."},
            headers=staff("Z999912", "approver"),
        )
    )["version"]
    version = World._ok(
        client.post(
            f"{url}/propose", json={"version": version}, headers=staff("Z999901", "caseworker")
        )
    )["version"]
    vedtak = World._ok(
        client.post(
            f"{url}/approve", json={"version": version}, headers=staff("Z999902", "approver")
        )
    )["vedtak_id"]
    world.service.run_due_jobs()
    clock = world.service.settings.clock
    assert isinstance(clock, FixedClock)
    clock.advance(dt.timedelta(weeks=7))
    try:
        klage = World._ok(
            client.post(
                f"{API}/klager",
                json={
                    "vedtak_id": vedtak,
                    "text": "Jeg mener arbeidsevnen min er vurdert feil.",
                    "late_reason": "Jeg lå på sykehus.",
                },
                headers=citizen,
            )
        )
    finally:
        clock.advance(-dt.timedelta(weeks=7))
    klage_url = f"{API}/klager/{klage['id']}"
    klage = World._ok(
        client.post(
            f"{klage_url}/late-decision",
            json={"version": klage["version"], "consider": True, "reason": "Han lå på sykehus."},
            headers=staff("Z999913", "caseworker"),
        )
    )
    klage = World._ok(
        client.post(
            f"{klage_url}/forward",
            json={"version": klage["version"], "statement": STATEMENT},
            headers=staff("Z999901", "caseworker"),
        )
    )
    klage = World._ok(
        client.post(f"{klage_url}/comments", json={"text": "Jeg er uenig."}, headers=citizen)
    )
    decision = {"version": klage["version"], "outcome": "stadfestet", "reasons": REASONS}
    for took_part in ("Z999911", "Z999912", "Z999913"):
        before = world.last_audit_id()
        response = client.post(
            f"{klage_url}/klageinstans-decision",
            json=decision,
            headers=staff(took_part, "appeals", "4291"),
        )
        check_answer(took_part, response, D, 200)
        check_audit(
            took_part,
            world.audit_since(before),
            expected=D,
            actor_id=took_part,
            action="decide_klage",
            person_id=person.id,
        )
    response = client.post(
        f"{klage_url}/klageinstans-decision",
        json=decision,
        headers=staff("Z999914", "appeals", "4291"),
    )
    check_answer("new to the case", response, P, 200)


# -- the queue of tasks ---------------------------------------------------------------------------

# Which persons' tasks each caller sees in GET /tasks (None: the queue is refused).
# The queue leaves out every task of a person whose protection or skjerming the caller is not
# cleared for (`access.hidden_persons`): a row without a name would tell that the person is
# protected. So the task of a person who became strengt fortrolig, still at Frogner, is in
# no demo caller's queue until the case is moved to Vikafossen (which trygd does not do yet).
QUEUE: dict[str, set[str] | None] = {
    "citizen_own": None,
    "citizen_other": None,
    "caseworker_same_unit": {"ordinary"},
    "caseworker_other_unit": set(),
    "approver_same_unit": {"ordinary"},
    "caseworker_with_skjerming": {"ordinary", "skjermet"},
    "vikafossen_caseworker": {"strengt_fortrolig"},
    "vikafossen_approver": {"strengt_fortrolig"},
    # Klageinstans sees the klager forwarded to its unit (only of persons it may see), never
    # first-instance tasks.
    "appeals": {"ordinary"},
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


@pytest.mark.parametrize(
    ("subject", "clearances", "expected"),
    [
        pytest.param("strengt_fortrolig", (), D, id="strengt_fortrolig-uncleared-deny"),
        pytest.param("strengt_fortrolig", ("skjerming",), D, id="strengt_fortrolig-other-deny"),
        pytest.param(
            "strengt_fortrolig", ("strengt_fortrolig",), P, id="strengt_fortrolig-cleared-permit"
        ),
        pytest.param("skjermet", (), D, id="skjermet-uncleared-deny"),
        pytest.param("skjermet", ("skjerming",), P, id="skjermet-cleared-permit"),
        pytest.param("ordinary", (), P, id="ordinary-permit"),
    ],
)
def test_a_protected_persons_audit_trail_needs_their_clearance(
    world: World, subject: str, clearances: tuple[str, ...], expected: str
) -> None:
    """Internal control without the clearance neither opens a protected person's trail nor
    finds their records in the whole trail: a record's unit (Nav Vikafossen) or rule
    ("strengt fortrolig adresse ...") would tell that the person is protected."""
    case = world.case(subject, "decided")
    claims = {"sub": "Z990709", "name": "Revisor", "roles": ["auditor"], "unit": None}
    auditor = _token(claims | {"clearances": list(clearances)})
    purpose = {"purpose": "Kontroll av tilganger"}
    before = world.last_audit_id()

    one = world.client.get(
        f"{API}/audit", params=purpose | {"person_id": str(case.person.id)}, headers=auditor
    )

    check_answer(f"audit-{subject}", one, expected, 200)
    check_audit(
        f"audit-{subject}",
        world.audit_since(before),
        expected=expected,
        actor_id="Z990709",
        action="read_audit",
        person_id=case.person.id,
    )
    shown: set[str] = set()
    total, offset = 1, 0
    while offset < total:
        page = world.client.get(
            f"{API}/audit", params=purpose | {"limit": 200, "offset": offset}, headers=auditor
        ).json()
        shown |= {item["person_id"] for item in page["items"]}
        total, offset = page["total"], offset + 200
    assert (str(case.person.id) in shown) == (expected == P)
