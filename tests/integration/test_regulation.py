"""G-regulering on SQLite and PostgreSQL: each sak ends in one named outcome, a regulated grant
gets an automatic vedtak from the new G's date and the next payment run pays the difference
for months already paid at the old G; a dry run writes nothing; a second run regulates
nothing again; and (PostgreSQL) a run killed with SIGKILL and started again ends as one
uninterrupted run does."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from support import NOW, citizen_headers, employee_headers

from trygd.applications.inputs import parse_application
from trygd.privacy.policy import Actor, Role
from trygd.rules.record import FORMAT, evaluate_record
from trygd.rules.regulation import g_change
from trygd.services import regulation
from trygd.services.facade import CaseService, RequestContext
from trygd.store.database import make_engine
from trygd.store.models import (
    Behandling,
    DecisionRecordRow,
    Job,
    Oppgave,
    PaymentDetails,
    PaymentLine,
    Person,
    Regulation,
    Sak,
    Vedtak,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SRC = Path(__file__).resolve().parents[2] / "src"
G_FROM = dt.date(2026, 5, 1)


def _grant(
    service: CaseService,
    person: Person,
    example: str,
    *,
    claim: dt.date | None = None,
    open_behandling: bool = False,
    stored: dict[str, Any] | None = None,
    **facts: Any,
) -> uuid.UUID:
    """A sak with the vedtak the example's rules give (stored as the case services do)."""
    document = json.loads((EXAMPLES / f"{example}.json").read_text())
    if claim is not None:
        document["claim_date"] = claim.isoformat()
    document["facts"].update(facts)
    app = parse_application(json.dumps(document))
    record = evaluate_record(app.benefit, app.facts, app.claim_date)
    sak_id, record_id, behandling_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with service.sessions.begin() as session:
        session.add(
            Sak(id=sak_id, person_id=person.id, benefit=app.benefit, unit="4405", created_at=NOW)
        )
        session.flush()
        session.add(
            DecisionRecordRow(
                id=record_id,
                benefit=app.benefit,
                claim_date=app.claim_date,
                ruleset_version=record.ruleset_version,
                format=FORMAT,
                record={**record.to_json(), **(stored or {})},
                created_at=NOW,
            )
        )
        session.flush()
        session.add(
            Behandling(
                id=behandling_id,
                sak_id=sak_id,
                kind="forstegangsbehandling",
                state="implemented",
                claim_date=app.claim_date,
                facts=document["facts"],
                record_id=record_id,
                outcome=record.outcome.value,
                created_at=NOW - dt.timedelta(days=300),
                updated_at=NOW - dt.timedelta(days=300),
            )
        )
        session.flush()
        session.add(
            Vedtak(
                id=uuid.uuid4(),
                sak_id=sak_id,
                behandling_id=behandling_id,
                outcome=record.outcome.value,
                automatic=True,
                decided_at=NOW - dt.timedelta(days=300),
                effective_from=app.claim_date,
                ruleset_version=record.ruleset_version,
                facts=document["facts"],
                record_id=record_id,
            )
        )
        if open_behandling:
            session.add(
                Behandling(
                    id=uuid.uuid4(),
                    sak_id=sak_id,
                    kind="revurdering",
                    state="assessing",
                    claim_date=dt.date(2026, 10, 1),
                    facts=document["facts"],
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
    return sak_id


def _world(service: CaseService, make_person) -> dict[str, uuid.UUID]:
    people = [make_person(name=f"Person {i}") for i in range(6)]
    return {
        "ufore": _grant(service, people[0], "uforetrygd-60-prosent"),
        "ufore_open": _grant(service, people[1], "uforetrygd-60-prosent", open_behandling=True),
        "sykepenger_under_cap": _grant(service, people[2], "sykepenger-lisa"),
        "sykepenger_ended": _grant(service, people[3], "sykepenger-gradert"),
        "dagpenger": _grant(service, people[4], "dagpenger-lost-job"),
        "ufore_refused": _grant(
            service, people[5], "uforetrygd-60-prosent", earning_capacity_reduction=10
        ),
    }


def _outcomes(service: CaseService) -> dict[uuid.UUID, str]:
    with service.sessions() as session:
        return {r.sak_id: r.outcome for r in session.scalars(select(Regulation))}


def test_every_sak_ends_in_one_named_outcome(service, make_person):
    saker = _world(service, make_person)
    report = service.regulate(G_FROM, batch=2)
    outcomes = _outcomes(service)
    assert {name: outcomes[sak] for name, sak in saker.items()} == {
        "ufore": "regulated",
        "ufore_open": "open_behandling",
        "sykepenger_under_cap": "not_running",  # the sick leave ended in 2025
        "sykepenger_ended": "not_running",  # the same, though its maksdato is later
        "dagpenger": "not_regulated",
        "ufore_refused": "not_running",
    }
    assert outcomes[saker["ufore"]] == "regulated"
    assert outcomes[saker["ufore_open"]] == "open_behandling"
    assert outcomes[saker["dagpenger"]] == "not_regulated"
    assert outcomes[saker["ufore_refused"]] == "not_running"
    assert report.total == 6 and sum(report.counts.values()) == 6
    with service.sessions() as session:
        new = session.scalars(
            select(Vedtak).where(Vedtak.sak_id == saker["ufore"]).order_by(Vedtak.decided_at)
        ).all()
        assert len(new) == 2
        regulated = new[-1]
        assert (regulated.effective_from, regulated.automatic) == (G_FROM, True)
        record = session.get(DecisionRecordRow, regulated.record_id).record
        assert record["amounts"]["monthly_amount"] == 21507.0  # 20 501 kr at 130 160 G
        behandling = session.get(Behandling, regulated.behandling_id)
        assert (behandling.kind, behandling.state) == ("regulering", "implemented")
    again = service.regulate(G_FROM)
    assert again.total == 0  # every sak has its outcome: nothing is done twice
    with service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Regulation)) == 6
        assert session.scalar(select(func.count()).select_from(Vedtak)) == 7  # 6 + 1 regulated


def test_a_dry_run_counts_the_same_and_writes_nothing(service, make_person):
    _world(service, make_person)
    dry = service.regulate(G_FROM, dry_run=True, batch=4)
    with service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Regulation)) == 0
        assert session.scalar(select(func.count()).select_from(Vedtak)) == 6
    real = service.regulate(G_FROM)
    assert dry.counts == real.counts
    assert dry.yearly_change_ore == real.yearly_change_ore > 0
    assert dry.largest == real.largest


def test_the_next_payment_run_pays_the_difference_for_months_paid_at_the_old_g(
    service, make_person
):
    person = make_person(name="Oda")
    sak_id = _grant(service, person, "uforetrygd-60-prosent")
    with service.sessions.begin() as session:
        session.add(
            PaymentDetails(
                person_id=person.id,
                account_number="86011117947",
                account_source="test",
                tax_card={"kind": "frikort"},
                tax_card_year=2026,
                updated_at=NOW,
            )
        )
    service.payment_run(dt.date(2026, 11, 23))
    service.regulate(G_FROM)
    service.payment_run(dt.date(2026, 11, 24))
    with service.sessions() as session:
        corrections = session.scalars(
            select(PaymentLine).where(
                PaymentLine.sak_id == sak_id,
                PaymentLine.correction > 0,
                PaymentLine.kind == "uforetrygd",
            )
        ).all()
    months = sorted(line.period_start for line in corrections)
    assert months[0] == G_FROM
    assert {line.gross_ore for line in corrections} == {(21507 - 20501) * 100}
    assert service.ledger_total() == 0


def test_a_grant_that_cannot_be_regulated_is_a_task(service, make_person):
    """A stored record the rules of today cannot regulate (made by another version of the
    rule logic) gives a task and `failed`, never a silent skip."""
    person = make_person()
    sak_id = _grant(
        service, person, "uforetrygd-60-prosent", stored={"rules_logic_version": "1999.1.1"}
    )
    service.regulate(G_FROM)
    assert _outcomes(service)[sak_id] == "failed"
    with service.sessions() as session:
        reasons = list(session.scalars(select(Oppgave.reason).where(Oppgave.sak_id == sak_id)))
    assert reasons == ["regulering_failed"]


def _cli(db_url: str, *args: str) -> subprocess.Popen[str]:
    path = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "TRYGD_DATABASE_URL": db_url, "PYTHONPATH": path}
    return subprocess.Popen(
        [sys.executable, "-c", "from trygd.cli.main import app; app()", "regulate", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (the run's worker processes), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _gone(pids: list[int]) -> None:
    """The worker processes of a run killed with SIGKILL die with it (none goes on writing)."""
    deadline = time.monotonic() + 10
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if Path(f"/proc/{pid}").exists() and not _zombie(pid)]
        time.sleep(0.05)
    assert not alive, f"worker processes outlived the killed run: {alive}"


def _zombie(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


KILL_POINTS = random.Random(20260501).sample(range(1, 7), 2)
"""Two batches, drawn once (seeded, so a failure can be run again), at whose checkpoint the
run is stopped, besides the first and the last."""


def _stored_report(client: Any) -> dict[str, Any]:
    """What the regulations rows say, as the API gives it (counts, change, largest)."""
    answer = client.get(
        f"/api/v1/regulations/{G_FROM.isoformat()}", headers=employee_headers("Z990201")
    )
    assert answer.status_code == 200, answer.text
    status = answer.json()
    return {key: status[key] for key in ("counts", "total", "yearly_change_ore", "largest")}


def _no_half_batches(service: CaseService, saker: dict[str, uuid.UUID]) -> None:
    """Every sak with an outcome has its whole regulering, every other none of it."""
    outcomes = _outcomes(service)
    with service.sessions() as session:
        for sak_id in saker.values():
            count = session.scalar(
                select(func.count()).select_from(Vedtak).where(Vedtak.sak_id == sak_id)
            )
            assert count == (2 if outcomes.get(sak_id) == "regulated" else 1)


@pytest.mark.parametrize(
    ("how", "point"),
    [("batch", 1), *(("batch", p) for p in KILL_POINTS), ("batch", 6), ("time", 0)],
)
def test_a_run_killed_with_sigkill_ends_as_one_uninterrupted_run(
    db_url, service, client, make_person, how, point
):
    """A `trygd regulate` process (two batches side by side, two saker a batch) killed with
    SIGKILL inside a batch's transaction (`--pause-at`: the batch's checkpoint, just before
    its commit), or at a random moment, then run again: the regulations rows, vedtak and
    amounts are those of one uninterrupted run (a dry run over the same saker)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the kill -9 test runs on PostgreSQL")
    saker = {
        **_world(service, make_person),
        **{f"{k}_2": v for k, v in _world(service, make_person).items()},
    }
    uninterrupted = service.regulate(G_FROM, dry_run=True).to_json()
    if how == "batch":
        process = _cli(
            db_url, "--g-from", G_FROM.isoformat(), "--batch", "2", "--pause-at", str(point)
        )
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("paused in batch"):
                break
        else:
            raise AssertionError(f"the run never paused: exit {process.wait()}")
    else:
        process = _cli(db_url, "--g-from", G_FROM.isoformat(), "--batch", "2")
        time.sleep(random.Random(point).uniform(0.5, 4.0))
    workers = _children(process.pid)
    assert workers or how == "time"  # paused in a batch: in a worker process
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    _gone(workers)
    _no_half_batches(service, saker)
    assert len(_outcomes(service)) < len(saker) or how == "time"
    again = _cli(db_url, "--g-from", G_FROM.isoformat(), "--json")
    output, _ = again.communicate(timeout=120)
    assert again.returncode == 0, output
    assert set(_outcomes(service)) == set(saker.values())
    _no_half_batches(service, saker)
    stored = _stored_report(client)
    assert stored == {key: uninterrupted[key] for key in stored}
    with service.sessions() as session:
        amounts = [
            session.get(DecisionRecordRow, v.record_id).record["amounts"]["monthly_amount"]
            for v in session.scalars(
                select(Vedtak).where(Vedtak.automatic, Vedtak.replaces_vedtak_id.is_not(None))
            )
        ]
    assert amounts == [21507.0, 21507.0]  # the two regulated uføretrygd grants


def test_the_api_shows_the_figures_of_the_run(client, service, make_person):
    saker = _world(service, make_person)
    path = f"/api/v1/regulations/{G_FROM.isoformat()}"
    before = client.get(path, headers=employee_headers("Z990201"))
    assert before.status_code == 200, before.text
    assert (before.json()["done"], before.json()["saker_with_vedtak"]) == (0, 6)
    report = service.regulate(G_FROM)
    after = client.get(path, headers=employee_headers("Z990201")).json()
    assert after["done"] == after["total"] == 6
    assert after["counts"] == report.to_json()["counts"]
    assert after["yearly_change_ore"] == report.yearly_change_ore > 0
    assert after["largest"] == [
        {
            "change_ore": report.yearly_change_ore,
            "sak_id": str(saker["ufore"]),
            "benefit": "uforetrygd",
        }
    ]
    bad = client.get("/api/v1/regulations/2026-13-01", headers=employee_headers("Z990201"))
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "g_from" in bad.text
    citizen = make_person(name="Kari")
    refused = client.get(path, headers=citizen_headers(citizen))
    assert refused.status_code == 403


def test_the_regulering_job_chain_regulates_every_sak_once(service, make_person):
    saker = _world(service, make_person)
    assert service.schedule_regulation(G_FROM, batch=2) is True
    assert service.schedule_regulation(G_FROM, batch=2) is False  # queued already
    handled = service.run_due_jobs(limit=50)
    assert handled >= 4  # three batches of two, then one that finds nothing left
    outcomes = _outcomes(service)
    assert set(outcomes) == set(saker.values())
    assert outcomes[saker["ufore"]] == "regulated"
    with service.sessions() as session:
        kinds = list(session.scalars(select(Job.status).where(Job.kind == "regulate")))
    assert kinds and set(kinds) == {"done"}


def test_the_regulated_vedtak_reads_as_any_vedtak(service, make_person):
    """The regulated grant's compact record expands into its whole record: the vedtak
    view explains it with the new G and amount, marked automatic with the art. 22 notice,
    and the replay check finds it as the rules decide it."""
    saker = _world(service, make_person)
    service.regulate(G_FROM)
    with service.sessions() as session:
        regulated = session.scalars(
            select(Vedtak).where(
                Vedtak.sak_id == saker["ufore"], Vedtak.replaces_vedtak_id.is_not(None)
            )
        ).one()
    caseworker = Actor(id="Z990201", name="Test", roles=frozenset({Role.CASEWORKER}), unit="4405")
    view = service.get_vedtak(RequestContext(actor=caseworker), str(regulated.id), "nb")
    assert view.automatic and view.automatic_notice
    assert view.amounts["monthly_amount"] == 21507.0
    used = {p["name"]: p["value"] for p in view.parameters}
    assert used["common.grunnbelop"] == 136549.0
    [check] = service.verify_vedtak([str(regulated.id)])
    assert check.result == "same", check.details


def test_a_regulering_does_not_move_the_end_of_the_aap_period(service, make_person):
    """The AAP period of § 11-12 counts from the day the grant took effect, not from the
    regulering vedtak in force: regulated on 1 May 2025, a grant from 1 March 2023 still
    ends on 28 February 2026, so the 2026 regulering finds it ended."""
    person = make_person(name="Per Aap")
    sak = _grant(
        service,
        person,
        "aap-after-sykepenger",
        claim=dt.date(2023, 3, 1),
        capacity_reduced_date="2022-02-14",
        income_history=[
            {"year": y, "amount": 480000 + (y - 2019) * 25000} for y in (2019, 2020, 2021)
        ],
    )
    service.regulate(dt.date(2025, 5, 1))
    assert _outcomes(service)[sak] == "regulated"
    with service.sessions() as session:
        in_force = session.scalars(
            select(Vedtak).where(Vedtak.sak_id == sak, Vedtak.replaces_vedtak_id.is_not(None))
        ).one()
        assert in_force.effective_from == dt.date(2025, 5, 1)
    service.regulate(G_FROM)
    with service.sessions() as session:
        row = session.scalars(
            select(Regulation).where(Regulation.sak_id == sak, Regulation.g_from == G_FROM)
        ).one()
    assert (row.outcome, row.reason) == ("not_running", "the grant ended on 2026-02-28")


def test_a_batch_finds_the_saker_done_without_comparing_each_row_with_every_id(db_url):
    """The query for "which saker of this batch have an outcome already" keeps its shape
    when PostgreSQL prepares it and plans it once for any batch (a generic plan, as psycopg's
    prepared statements get after a few runs): the batch's ids are joined, never tested as
    `= ANY(ids)` against every row the run has written so far (that made each batch of a
    run of a million slower than the one before)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("generic plans of prepared statements are PostgreSQL's")
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "ALTER TABLE regulations DROP CONSTRAINT regulations_sak_id_fkey"
            )
            connection.exec_driver_sql(
                "INSERT INTO regulations (id, g_from, sak_id, benefit, outcome, created_at,"
                " change) SELECT gen_random_uuid(), '2026-05-01', gen_random_uuid(),"
                " 'uforetrygd', 'regulated', now(), 'G' FROM generate_series(1, 3000)"
            )
        batch = [uuid.uuid4() for _ in range(2000)]
        query = regulation.with_outcome_query("postgresql", g_change(G_FROM), batch)
        compiled = query.compile(dialect=engine.dialect)
        with engine.connect() as connection:
            cursor = connection.connection.driver_connection.cursor()
            cursor.execute("SET plan_cache_mode = force_generic_plan")
            cursor.execute(f"EXPLAIN {compiled}", compiled.params, prepare=True)
            plan = "\n".join(line for (line,) in cursor.fetchall())
    finally:
        engine.dispose()
    shown = plan[:600]  # the plan may spell out all 2,000 ids
    assert "ANY" not in plan, shown
    assert "Join" in plan or "Nested Loop" in plan, shown
