"""Random sequences of API calls never break the rules a case must keep.

A hypothesis state machine plays citizens, caseworkers and approvers on one database: people
apply (AAP, always manual, or dagpenger, automatic unless a fact is missing), caseworkers read,
assess, ask for information and propose (with the version they last read, sometimes an old
one), people answer, approvers approve or return (sometimes the very person who proposed:
a user holding both roles), time passes and the background jobs run, and people report
changes to decided cases.

Each call's answer is checked against what the database said just before it (a stale version
gives 409, approving one's own proposal gives 403, ...), no call may ever answer 5xx, and
after every step the database itself must show that:

* every behandling is in a state of the state machine, and its history of transitions is a
  chain of moves that `TRANSITIONS` allows, from `received` to the state it is in now;
* a manual vedtak was proposed by one person and approved by another (totrinnskontroll);
* an automatic vedtak is only ever for dagpenger or sykepenger;
* a sak has at most one open behandling, every decided behandling has exactly one vedtak and
  an open one has none, and no vedtak is revised by two revurderinger.

Time stands still unless the machine lets it pass, so many calls happen in the same instant;
that is how it found two revurderinger of the same vedtak (see the last test). Every example
starts with work in every stage (see `cases_under_way`), and the SQLite run checks that it
reached the interesting answers at least once, so a change that quietly stops, say, every
approval cannot pass unnoticed.

Every example gets a fresh database: a copy of a migrated SQLite file (fast), and in a
smaller run a PostgreSQL database made from the migrated template.
"""

from __future__ import annotations

import atexit
import datetime as dt
import itertools
import os
import shutil
import tempfile
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from conftest import POSTGRES_URL
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from support import (
    CLAIM_DATE,
    NOW,
    TODAY,
    TOKENS,
    aap_application,
    citizen_headers,
    dagpenger_application,
    employee_headers,
)

from trygd.api.app import create_app
from trygd.domain.behandling import OPEN_STATES, TRANSITIONS, Action, State
from trygd.domain.identity import synthetic_identity_number
from trygd.rules.record import DecisionRecord, explain
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.store.models import (
    Behandling,
    DecisionRecordRow,
    Event,
    InformationRequest,
    Person,
    Sak,
    Vedtak,
)

API = "/api/v1"
PERSONS = 3
TRANSITION_EVENTS = {a.value for a in Action}
AUTOMATIC_BENEFITS = {"dagpenger", "sykepenger"}
SOMETIMES = st.sampled_from([False, False, False, True])
OUTCOMES: Counter[str] = Counter()  # what the calls answered, to see what a run exercised


def _token(sub: str, roles: list[str], unit: str) -> dict[str, str]:
    claims = {"sub": sub, "name": f"Test {sub}", "roles": roles, "unit": unit}
    return {"Authorization": f"Bearer {TOKENS.issue(claims)}"}


# Staff per unit: AAP for Oslo goes to 0312, dagpenger to 4450. "dual" holds both roles, so
# totrinnskontroll must stop them from approving their own proposal.
STAFF: dict[str, dict[str, tuple[str, dict[str, str]]]] = {
    "0312": {
        "caseworker": ("Z990101", employee_headers("Z990101")),
        "approver": ("Z990102", employee_headers("Z990102")),
        "dual": ("Z990188", _token("Z990188", ["caseworker", "approver"], "0312")),
    },
    "4450": {
        "caseworker": ("Z990301", employee_headers("Z990301")),
        "approver": ("Z990302", employee_headers("Z990302")),
        "dual": ("Z990388", _token("Z990388", ["caseworker", "approver"], "4450")),
    },
}
# The fact each benefit's "incomplete" application leaves out, and values a caseworker or the
# person may establish for it.
MISSING = {"aap": "reduced_work_capacity", "dagpenger": "genuine_job_seeker"}
VALUES = {"reduced_work_capacity": [60, 30], "genuine_job_seeker": [True, False]}


def application(benefit: str, complete: bool) -> dict[str, Any]:
    if benefit == "aap":
        return aap_application() if complete else aap_application(reduced_work_capacity=None)
    body = dagpenger_application()
    if not complete:
        del body["facts"][MISSING["dagpenger"]]
    return body


def replaced_ids() -> Any:
    return select(Vedtak.replaces_vedtak_id).where(Vedtak.replaces_vedtak_id.is_not(None))


def in_force(session: Any, person_id: uuid.UUID, benefit: str) -> list[Vedtak]:
    """The person's vedtak for `benefit` that no later vedtak replaced."""
    return list(
        session.scalars(
            select(Vedtak)
            .join(Sak, Sak.id == Vedtak.sak_id)
            .where(
                Sak.person_id == person_id,
                Sak.benefit == benefit,
                Vedtak.id.not_in(replaced_ids()),
            )
        )
    )


# -- databases -----------------------------------------------------------------------------------

_sqlite_template: list[Path] = []


def sqlite_database() -> tuple[str, Callable[[], None]]:
    """A fresh SQLite database: a copy of one migrated once per test session."""
    if not _sqlite_template:
        folder = Path(tempfile.mkdtemp(prefix="trygd-stateful-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = folder / "template.sqlite3"
        engine = make_engine(f"sqlite:///{template}")
        migrate(engine)
        engine.dispose()
        _sqlite_template.append(template)
    folder = Path(tempfile.mkdtemp(prefix="trygd-stateful-"))
    path = folder / "trygd.sqlite3"
    shutil.copyfile(_sqlite_template[0], path)
    return f"sqlite:///{path}", lambda: shutil.rmtree(folder, ignore_errors=True)


_pg_names = itertools.count()


def postgres_databases(template: str) -> Callable[[], tuple[str, Callable[[], None]]]:
    def new() -> tuple[str, Callable[[], None]]:
        name = f"trygd_stateful_{os.getpid()}_{next(_pg_names)}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))

        def drop() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        return url, drop

    return new


# -- the machine ---------------------------------------------------------------------------------


class CaseProcessing(RuleBasedStateMachine):
    def __init__(self, database: Callable[[], tuple[str, Callable[[], None]]]) -> None:
        super().__init__()
        url, self._drop = database()
        self.engine = make_engine(url)
        self.clock = FixedClock(NOW)
        self.service = CaseService(self.engine, Settings(demo=True, clock=self.clock))
        self.client = TestClient(
            create_app(self.service, TOKENS, demo=True), raise_server_exceptions=False
        )
        self.persons = [self._person(n) for n in range(PERSONS)]
        self.behandlinger: list[str] = []  # ids, as the API gave them
        self.saker: dict[str, int] = {}  # sak id -> index of the person
        self.read_version: dict[str, int] = {}  # what the caseworkers last saw
        self.requests: list[tuple[str, int]] = []  # information request id, person index

    def teardown(self) -> None:
        self.client.close()
        self.engine.dispose()
        self._drop()

    def _person(self, n: int) -> Person:
        birth_date = dt.date(1980 + n, 5, 17)
        person = Person(
            id=uuid.uuid4(),
            identity_number=synthetic_identity_number(birth_date, n),
            name=f"Person {n}",
            birth_date=birth_date,
            municipality="0301",
            protection="none",
            created_at=NOW,
        )
        with self.service.sessions.begin() as session:
            session.add(person)
        return person

    # -- helpers ---------------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, headers: dict[str, str], **kwargs: Any
    ) -> httpx.Response:
        response = self.client.request(method, f"{API}{path}", headers=headers, **kwargs)
        assert response.status_code < 500, f"{method} {path} -> {response.text}"
        return response

    def _expect(self, response: httpx.Response, expected: int, why: str) -> dict[str, Any]:
        assert response.status_code == expected, (
            f"{why}: expected {expected}, got {response.status_code}: {response.text}"
        )
        OUTCOMES[f"{why.split(' (')[0]} -> {expected}"] += 1
        body: dict[str, Any] = response.json()
        if expected in (200, 201) and "behandling_id" in body and "version" in body:
            bid = body["behandling_id"]
            if bid not in self.behandlinger:
                self.behandlinger.append(bid)
            self.read_version[bid] = body["version"]
        return body

    def _load(self, behandling_id: str) -> tuple[Behandling, Sak]:
        with self.service.sessions() as session:
            behandling = session.get(Behandling, uuid.UUID(behandling_id))
            assert behandling is not None
            sak = session.get(Sak, behandling.sak_id)
            assert sak is not None
            return behandling, sak

    def _conditions(self, behandling: Behandling) -> list[dict[str, Any]]:
        """The conditions of the behandling's latest rule result, as the API explains them."""
        if behandling.record_id is None:
            return []
        with self.service.sessions() as session:
            row = session.get(DecisionRecordRow, behandling.record_id)
            assert row is not None
            return explain(DecisionRecord.from_json(row.record), "nb").to_dict()["conditions"]

    def _pick(self, data: st.DataObject, state: State) -> str:
        """Mostly a behandling in `state` (where the action can work), sometimes any."""
        with self.service.sessions() as session:
            states = dict(session.execute(select(Behandling.id, Behandling.state)).all())
        fitting = [b for b in self.behandlinger if states[uuid.UUID(b)] == state.value]
        pool = fitting if fitting and not data.draw(SOMETIMES) else self.behandlinger
        return data.draw(st.sampled_from(pool))

    def _version(self, behandling_id: str, stale: bool) -> int:
        version = self.read_version.get(behandling_id, 1)
        return version - 1 if stale else version

    # -- a start with work in every stage -------------------------------------------------------

    @initialize()
    def cases_under_way(self) -> None:
        """Every example starts with proposals (by a caseworker, and by a user who may also
        approve), a request waiting for an answer and an automatic vedtak, so that short runs
        reach totrinnskontroll, answers and changes too."""
        for who, proposer in ((0, "caseworker"), (1, "dual")):
            self.apply(who, "aap", complete=True)
            bid = self.behandlinger[-1]
            self._propose(bid, proposer, stale=False)
        self.apply(2, "dagpenger", complete=False)
        self._request_information(self.behandlinger[-1], stale=False, days=14)
        self.apply(0, "dagpenger", complete=True)

    # -- citizens ------------------------------------------------------------------------------

    @precondition(lambda self: len(self.behandlinger) < 12)
    @rule(
        who=st.integers(0, PERSONS - 1),
        benefit=st.sampled_from(["aap", "dagpenger"]),
        complete=st.booleans(),
    )
    def apply(self, who: int, benefit: str, complete: bool) -> None:
        person = self.persons[who]
        with self.service.sessions() as session:
            busy = session.scalar(
                select(Behandling.id)
                .join(Sak, Sak.id == Behandling.sak_id)
                .where(
                    Sak.person_id == person.id,
                    Sak.benefit == benefit,
                    Behandling.state.in_([s.value for s in OPEN_STATES]),
                )
            )
            # Every claim here is dated CLAIM_DATE, inside the period any grant covers: a grant
            # in force (the newest vedtak of its chain) refuses a new søknad.
            granted = any(v.outcome == "granted" for v in in_force(session, person.id, benefit))
        response = self._call(
            "POST", "/applications", citizen_headers(person), json=application(benefit, complete)
        )
        expected = 409 if busy or granted else 201
        answer = self._expect(response, expected, f"apply for {benefit} (granted: {granted})")
        if response.status_code == 201:
            self.saker[answer["sak_id"]] = who
            if benefit == "aap":
                assert answer["automatic"] is not True, "AAP is never decided automatically"

    @precondition(lambda self: self.requests)
    @rule(data=st.data())
    def answer_request(self, data: st.DataObject) -> None:
        request_id, who = data.draw(st.sampled_from(self.requests))
        with self.service.sessions() as session:
            request = session.get(InformationRequest, uuid.UUID(request_id))
            assert request is not None
            status, wanted = request.status, list(request.facts_requested)
        facts = {name: data.draw(st.sampled_from(VALUES[name])) for name in wanted}
        response = self._call(
            "POST",
            f"/information-requests/{request_id}/answer",
            citizen_headers(self.persons[who]),
            json={"answer": "Her er opplysningene dere ba om.", "facts": facts},
        )
        self._expect(response, 200 if status == "open" else 409, f"answer a {status} request")

    @precondition(lambda self: self.saker)
    @rule(data=st.data(), days=st.integers(0, 20), children=st.integers(0, 4))
    def report_change(self, data: st.DataObject, days: int, children: int) -> None:
        sak_id = data.draw(st.sampled_from(list(self.saker)))  # in the order they came
        with self.service.sessions() as session:
            sak = session.get(Sak, uuid.UUID(sak_id))
            assert sak is not None
            person = session.get(Person, sak.person_id)
            starts = list(
                session.scalars(select(Vedtak.effective_from).where(Vedtak.sak_id == sak.id))
            )
            busy = session.scalars(
                select(Behandling).where(
                    Behandling.sak_id == sak.id,
                    Behandling.kind != "klage",
                    Behandling.state.in_([s.value for s in OPEN_STATES]),
                )
            ).first()
            latest = session.scalars(
                select(Vedtak)
                .where(Vedtak.sak_id == sak.id, Vedtak.id.not_in(replaced_ids()))
                .order_by(Vedtak.decided_at.desc(), Vedtak.effective_from.desc(), Vedtak.id.desc())
                .limit(1)
            ).first()
        assert person is not None
        effective = (max(starts) if starts else dt.date.fromisoformat(CLAIM_DATE)) + dt.timedelta(
            days=days
        )
        response = self._call(
            "POST",
            f"/cases/{sak_id}/changes",
            citizen_headers(person),
            json={"effective_date": effective.isoformat(), "facts": {"children": children}},
        )
        if latest is None:
            expected = 409  # no vedtak yet
        elif busy is not None:
            # One revurdering at a time: a change from its date joins it while it is assessed.
            joins = (
                busy.kind == "revurdering"
                and busy.state in ("assessing", "waiting_for_information")
                and busy.claim_date == effective
            )
            expected = 201 if joins else 409
        else:
            expected = 409 if latest.facts.get("children") == children else 201  # no change
        open_now = busy.state if busy is not None else None
        self._expect(
            response, expected, f"report a change (vedtak: {len(starts)}, open: {open_now})"
        )

    # -- caseworkers -----------------------------------------------------------------------------

    @precondition(lambda self: self.behandlinger)
    @rule(data=st.data(), who=st.sampled_from(["caseworker", "approver", "dual"]))
    def read(self, data: st.DataObject, who: str) -> None:
        bid = data.draw(st.sampled_from(self.behandlinger))
        _, sak = self._load(bid)
        response = self._call("GET", f"/behandlinger/{bid}", STAFF[sak.unit][who][1])
        self.read_version[bid] = self._expect(response, 200, "read a behandling")["version"]

    @precondition(lambda self: self.behandlinger)
    @rule(data=st.data(), who=st.sampled_from(["caseworker", "dual"]), stale=SOMETIMES)
    def assess(self, data: st.DataObject, who: str, stale: bool) -> None:
        bid = self._pick(data, State.ASSESSING)
        behandling, sak = self._load(bid)
        fact = MISSING[sak.benefit]
        conditions = self._conditions(behandling)
        condition = next(
            c["id"] for c in conditions if fact in c["facts_used"] or fact in c["missing_facts"]
        )
        version = self._version(bid, stale)
        response = self._call(
            "POST",
            f"/behandlinger/{bid}/assessments",
            STAFF[sak.unit][who][1],
            json={
                "version": version,
                "condition": condition,
                "facts": {fact: data.draw(st.sampled_from(VALUES[fact]))},
                "reason": "Opplysningene i saken viser dette klart.",
            },
        )
        self._expect(response, self._expected_for(behandling, version, State.ASSESSING), "assess")

    @precondition(lambda self: self.behandlinger)
    @rule(data=st.data(), stale=SOMETIMES, days=st.integers(1, 30))
    def request_information(self, data: st.DataObject, stale: bool, days: int) -> None:
        self._request_information(self._pick(data, State.ASSESSING), stale, days)

    def _request_information(self, bid: str, stale: bool, days: int) -> None:
        behandling, sak = self._load(bid)
        fact = MISSING[sak.benefit]
        undetermined = any(fact in c["missing_facts"] for c in self._conditions(behandling))
        version = self._version(bid, stale)
        response = self._call(
            "POST",
            f"/behandlinger/{bid}/information-requests",
            STAFF[sak.unit]["caseworker"][1],
            json={
                "version": version,
                "description": "Send oss dokumentasjon på dette.",
                "facts_requested": [fact] if undetermined else [],
                "deadline": (self.clock.now.date() + dt.timedelta(days=days)).isoformat(),
            },
        )
        expected = self._expected_for(behandling, version, State.ASSESSING)
        answer = self._expect(response, expected, "request information")
        if expected == 200:
            self.requests.append((answer["information_request_id"], self.saker[str(sak.id)]))

    @precondition(lambda self: self.behandlinger)
    @rule(data=st.data(), who=st.sampled_from(["caseworker", "dual"]), stale=SOMETIMES)
    def propose(self, data: st.DataObject, who: str, stale: bool) -> None:
        self._propose(self._pick(data, State.ASSESSING), who, stale)

    def _propose(self, bid: str, who: str, stale: bool) -> None:
        behandling, sak = self._load(bid)
        version = self._version(bid, stale)
        response = self._call(
            "POST",
            f"/behandlinger/{bid}/propose",
            STAFF[sak.unit][who][1],
            json={"version": version},
        )
        expected = self._expected_for(behandling, version, State.ASSESSING)
        if expected == 200 and behandling.outcome not in ("granted", "rejected"):
            expected = 409  # conditions still undetermined
        self._expect(response, expected, f"propose ({behandling.outcome})")

    @precondition(lambda self: self.behandlinger)
    @rule(
        data=st.data(),
        who=st.sampled_from(["approver", "dual"]),
        stale=SOMETIMES,
        verdict=st.sampled_from(["approve", "return"]),
    )
    def decide(self, data: st.DataObject, who: str, stale: bool, verdict: str) -> None:
        self._decide(self._pick(data, State.PROPOSED), who, stale, verdict)

    def _own_proposals(self) -> list[str]:
        """Proposals made by a user who is also an approver."""
        dual = [staff["dual"][0] for staff in STAFF.values()]
        with self.service.sessions() as session:
            found = set(
                session.scalars(
                    select(Behandling.id).where(
                        Behandling.state == State.PROPOSED.value, Behandling.proposed_by.in_(dual)
                    )
                )
            )
        return [b for b in self.behandlinger if uuid.UUID(b) in found]

    @precondition(lambda self: self._own_proposals())
    @rule(data=st.data(), stale=SOMETIMES, verdict=st.sampled_from(["approve", "return"]))
    def decide_own_proposal(self, data: st.DataObject, stale: bool, verdict: str) -> None:
        self._decide(data.draw(st.sampled_from(self._own_proposals())), "dual", stale, verdict)

    def _decide(self, bid: str, who: str, stale: bool, verdict: str) -> None:
        behandling, sak = self._load(bid)
        actor_id, headers = STAFF[sak.unit][who]
        version = self._version(bid, stale)
        body: dict[str, Any] = {"version": version}
        if verdict == "return":
            body["reason"] = "Vurderingen av vilkårene må begrunnes bedre."
        response = self._call("POST", f"/behandlinger/{bid}/{verdict}", headers, json=body)
        expected = self._expected_for(behandling, version, State.PROPOSED)
        if expected == 200 and behandling.proposed_by == actor_id:
            expected = 403  # totrinnskontroll: never one's own proposal
        answer = self._expect(response, expected, f"{verdict} by {who}")
        if expected == 200 and verdict == "approve":
            assert (answer["state"], answer["automatic"]) == ("decided", False)

    @staticmethod
    def _expected_for(behandling: Behandling, version: int, needed: State) -> int:
        """The version is checked first, then the state."""
        if version != behandling.version:
            return 409
        return 200 if behandling.state == needed.value else 409

    # -- time --------------------------------------------------------------------------------------

    @rule(days=st.integers(0, 20), hours=st.integers(0, 23))
    def time_passes(self, days: int, hours: int) -> None:
        self.clock.advance(dt.timedelta(days=days, hours=hours))
        self.service.run_due_jobs()

    # -- invariants: read from the database ------------------------------------------------------

    @invariant()
    def cases_keep_the_rules(self) -> None:
        with self.service.sessions() as session:
            behandlinger = list(session.scalars(select(Behandling)))
            saker = {s.id: s for s in session.scalars(select(Sak))}
            vedtak = list(session.scalars(select(Vedtak)))
            events = list(
                session.scalars(
                    select(Event).where(Event.type.in_(TRANSITION_EVENTS)).order_by(Event.id)
                )
            )
        states = {s.value for s in State}
        history: dict[uuid.UUID | None, list[Event]] = defaultdict(list)
        for event in events:
            history[event.behandling_id].append(event)
        vedtak_of: dict[uuid.UUID, list[Vedtak]] = defaultdict(list)
        for v in vedtak:
            vedtak_of[v.behandling_id].append(v)

        open_per_sak: dict[uuid.UUID, int] = defaultdict(int)
        for b in behandlinger:
            assert b.state in states, f"behandling {b.id} is in unknown state {b.state!r}"
            moves = history[b.id]
            assert moves, f"behandling {b.id} has no transitions"
            assert moves[0].data["from"] == State.RECEIVED.value
            for previous, current in itertools.pairwise(moves):
                assert previous.data["to"] == current.data["from"], (
                    f"behandling {b.id}: {previous.type} ends in {previous.data['to']}, "
                    f"but {current.type} starts from {current.data['from']}"
                )
            for move in moves:
                allowed = TRANSITIONS.get((State(move.data["from"]), Action(move.type)))
                assert allowed is not None and allowed.value == move.data["to"], (
                    f"behandling {b.id}: {move.data['from']} --{move.type}--> "
                    f"{move.data['to']} is not in TRANSITIONS"
                )
            assert moves[-1].data["to"] == b.state, f"behandling {b.id}: history ends elsewhere"
            decided = b.state in (State.DECIDED.value, State.IMPLEMENTED.value)
            assert len(vedtak_of[b.id]) == (1 if decided else 0), (
                f"behandling {b.id} ({b.state}) has {len(vedtak_of[b.id])} vedtak"
            )
            if State(b.state) in OPEN_STATES:
                open_per_sak[b.sak_id] += 1

        assert all(n <= 1 for n in open_per_sak.values()), "a sak has two open behandlinger"

        revised: dict[uuid.UUID, int] = defaultdict(int)
        for v in vedtak:
            benefit = saker[v.sak_id].benefit
            if v.automatic:
                assert benefit in AUTOMATIC_BENEFITS, f"automatic vedtak {v.id} for {benefit}"
            else:
                assert v.proposed_by and v.approved_by, f"manual vedtak {v.id} lacks two people"
                assert v.approved_by != v.proposed_by, f"vedtak {v.id} approved by its proposer"
            if v.replaces_vedtak_id is not None:
                revised[v.replaces_vedtak_id] += 1
        twice = [str(k) for k, n in revised.items() if n > 1]
        assert not twice, f"vedtak revised by more than one revurdering: {twice}"


def machine_settings(examples: int, steps: int) -> settings:
    """No deadline (each example makes a database), and no shrinking of a failure unless
    TRYGD_STATEFUL_SHRINK=1: shrinking runs that each need a database of their own takes up to
    five minutes, and the failing step's message already names the call and its answer."""
    shrink = os.environ.get("TRYGD_STATEFUL_SHRINK") == "1"
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        phases=[phase for phase in Phase if shrink or phase is not Phase.shrink],
    )


# What a run must have done at least once, or it tested too little to mean much.
MUST_REACH = {
    "a manual vedtak": ["approve by approver -> 200", "approve by dual -> 200"],
    "a refusal by totrinnskontroll": ["approve by dual -> 403", "return by dual -> 403"],
    "a proposal returned": ["return by approver -> 200", "return by dual -> 200"],
    "an answered information request": ["answer a open request -> 200"],
    "a revurdering": ["report a change -> 201"],
}


def test_random_case_histories_keep_the_rules_on_sqlite() -> None:
    before = OUTCOMES.copy()
    run_state_machine_as_test(
        lambda: CaseProcessing(sqlite_database), settings=machine_settings(20, 40)
    )
    reached = OUTCOMES - before
    missed = [what for what, ways in MUST_REACH.items() if not any(reached[w] for w in ways)]
    assert not missed, f"the random runs never reached: {missed}"


def test_random_case_histories_keep_the_rules_on_postgresql(postgres_template: str) -> None:
    run_state_machine_as_test(
        lambda: CaseProcessing(postgres_databases(postgres_template)),
        settings=machine_settings(6, 30),
    )


def test_a_second_change_builds_on_the_first_even_in_the_same_instant(
    client: TestClient, make_person: Callable[..., Person], service: CaseService
) -> None:
    """Found by the state machine above: with a clock that stands still, the "latest" vedtak
    was picked by decided_at alone, so a second revurdering could revise the vedtak the first
    one had replaced, and the first change was lost."""
    person = make_person()
    me = citizen_headers(person)
    first = client.post(f"{API}/applications", json=dagpenger_application(), headers=me).json()
    assert first["automatic"] is True
    changes = []
    for facts in ({"children": 3}, {"normal_working_hours": 40}):
        response = client.post(
            f"{API}/cases/{first['sak_id']}/changes",
            json={"effective_date": TODAY.isoformat(), "facts": facts},
            headers=me,
        )
        assert response.status_code == 201, response.text
        changes.append(response.json())
    with service.sessions() as session:
        by_behandling = {v.behandling_id: v for v in session.scalars(select(Vedtak))}
    second = by_behandling[uuid.UUID(changes[0]["behandling_id"])]
    third = by_behandling[uuid.UUID(changes[1]["behandling_id"])]
    assert third.facts["children"] == 3, "the first reported change was lost"
    assert third.replaces_vedtak_id == second.id
