"""Bulk recomputation with a corrected parameter or a reform (`trygd recompute`), on SQLite
and PostgreSQL: the G-regulering's run with another change. Only the saker of benefits whose
rules read the parameter are listed; a raise gives an automatic vedtak of kind `omregning`
whose amounts are those of assessing the grant on its own with the new value; a cut is never
automatic (a caseworker's task); a dry run writes nothing and shows the effect; a G-regulering
and a correction from the same date each happen once, and the record in force then names
both."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import uuid

from sqlalchemy import func, select
from support import employee_headers
from test_regulation import EXAMPLES, G_FROM, SRC, _grant

from trygd.applications.inputs import parse_application
from trygd.privacy.policy import Actor, Role
from trygd.rules.assessment import benefit_by_id, default_ruleset
from trygd.rules.record import _evaluate
from trygd.rules.regulation import Change, parameter_change, with_parameters
from trygd.services.facade import CaseService, RequestContext
from trygd.store.models import Behandling, DecisionRecordRow, Oppgave, Regulation, Vedtak

RATE = "uforetrygd.benefit_rate"


def _rate_change(value: float, key_suffix: str = "") -> Change:
    """The benefit rate of uføretrygd with `value` from 1 May 2026 (a corrected value or a
    reform, as the parameter files would give it)."""
    found = parameter_change([RATE], G_FROM)
    [used] = found.replaced
    replaced = dataclasses.replace(used, value=value, valid_from=G_FROM, source="test: reform")
    return Change(f"{RATE}={value!r}{key_suffix}", G_FROM, (replaced,))


def _world(service: CaseService, make_person) -> dict[str, uuid.UUID]:
    people = [make_person(name=f"Person {i}") for i in range(3)]
    return {
        "ufore": _grant(service, people[0], "uforetrygd-60-prosent"),
        "ufore_open": _grant(service, people[1], "uforetrygd-60-prosent", open_behandling=True),
        "dagpenger": _grant(service, people[2], "dagpenger-lost-job"),
    }


def _assessed_afresh(change: Change) -> dict[str, float]:
    """The uføretrygd example assessed on its own date with today's parameters and the
    change's values: what the recomputed vedtak must say."""
    document = json.loads((EXAMPLES / "uforetrygd-60-prosent.json").read_text())
    app = parse_application(json.dumps(document))
    benefit = benefit_by_id(app.benefit)
    params = with_parameters(
        default_ruleset().params(benefit, app.claim_date), app.benefit, change.replaced
    )
    return dict(_evaluate(benefit, dict(app.facts), app.claim_date, params)["amounts"])


def test_a_raise_reaches_only_the_benefit_that_reads_the_parameter(service, make_person):
    saker = _world(service, make_person)
    change = _rate_change(0.70)
    report = service.recompute(change, batch=2)
    assert dict(report.counts) == {"regulated": 1, "open_behandling": 1}
    assert report.yearly_change_ore > 0 and report.lowered == 0
    with service.sessions() as session:
        rows = {r.sak_id: (r.outcome, r.change) for r in session.scalars(select(Regulation))}
        assert saker["dagpenger"] not in rows  # dagpenger does not read the rate: not listed
        assert rows[saker["ufore"]] == ("regulated", change.key)
        new = session.scalars(
            select(Vedtak).where(
                Vedtak.sak_id == saker["ufore"], Vedtak.replaces_vedtak_id.is_not(None)
            )
        ).one()
        assert (new.effective_from, new.automatic) == (G_FROM, True)
        assert session.get(Behandling, new.behandling_id).kind == "omregning"
        stored = session.get(DecisionRecordRow, new.record_id).record
    afresh = _assessed_afresh(change)
    assert stored["amounts"]["monthly_amount"] == afresh["monthly_amount"]
    caseworker = Actor(id="Z990201", name="Test", roles=frozenset({Role.CASEWORKER}), unit="4405")
    view = service.get_vedtak(RequestContext(actor=caseworker), str(new.id), "nb")
    assert view.amounts["monthly_amount"] == afresh["monthly_amount"]
    assert {p["name"]: p["value"] for p in view.parameters}[RATE] == 0.70
    [check] = service.verify_vedtak([str(new.id)])
    assert check.result == "same", check.details
    assert service.recompute(change).total == 0  # once per sak, date and change


def test_a_cut_is_never_made_automatically(service, make_person):
    saker = _world(service, make_person)
    report = service.recompute(_rate_change(0.60))
    assert report.counts["manual"] == 1 and report.lowered == 1
    assert report.yearly_change_ore == 0  # nothing was changed
    [(difference, sak, benefit)] = report.largest
    assert difference < 0 and (sak, benefit) == (str(saker["ufore"]), "uforetrygd")
    with service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Vedtak)) == 3
        task = session.scalars(select(Oppgave).where(Oppgave.sak_id == saker["ufore"])).one()
        assert (task.kind, task.reason) == ("omregning", "omregning_lowered")


def test_a_dry_run_shows_the_effect_and_writes_nothing(service, make_person):
    _world(service, make_person)
    change = _rate_change(0.70)
    dry = service.recompute(change, dry_run=True)
    with service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Regulation)) == 0
        assert session.scalar(select(func.count()).select_from(Vedtak)) == 3
    real = service.recompute(change)
    assert (dry.counts, dry.yearly_change_ore, dry.largest) == (
        real.counts,
        real.yearly_change_ore,
        real.largest,
    )
    assert dry.largest[0][0] == dry.yearly_change_ore > 0


def test_g_regulering_and_a_correction_from_the_same_day_both_hold(client, service, make_person):
    saker = _world(service, make_person)
    regulated = service.regulate(G_FROM)
    assert regulated.counts["regulated"] == 1
    change = _rate_change(0.70)
    corrected = service.recompute(change)
    assert corrected.counts["regulated"] == 1
    with service.sessions() as session:
        newest = session.scalars(
            select(Vedtak).where(Vedtak.sak_id == saker["ufore"]).order_by(Vedtak.decided_at)
        ).all()[-1]
        record = session.get(DecisionRecordRow, newest.record_id).record
    names = {p["name"] for p in record["replaced"]}
    assert names == {"common.grunnbelop", RATE}
    caseworker = Actor(id="Z990201", name="Test", roles=frozenset({Role.CASEWORKER}), unit="4405")
    view = service.get_vedtak(RequestContext(actor=caseworker), str(newest.id), "nb")
    used = {p["name"]: p["value"] for p in view.parameters}
    assert used["common.grunnbelop"] == 136549.0 and used[RATE] == 0.70
    path = f"/api/v1/regulations/{G_FROM.isoformat()}"
    of_g = client.get(path, headers=employee_headers("Z990201")).json()
    of_rate = client.get(path, params={"change": change.key}, headers=employee_headers("Z990201"))
    assert of_g["change"] == "G" and of_g["counts"]["regulated"] == 1
    assert of_rate.status_code == 200, of_rate.text
    assert of_rate.json()["change"] == change.key and of_rate.json()["counts"]["regulated"] == 1
    # Of the change's figures, the whole is the saker it lists: the uføretrygd saker (the
    # dagpenger sak does not read the rate); of the G-regulering's, every sak with a vedtak.
    assert (of_rate.json()["done"], of_rate.json()["saker_with_vedtak"]) == (2, 2)
    assert (of_g["done"], of_g["saker_with_vedtak"]) == (3, 3)
    # Regulating again from the same day finds the G already in force in the new record.
    assert service.regulate(G_FROM).total == 0
    [check] = service.verify_vedtak([str(newest.id)])
    assert check.result == "same", check.details


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRYGD_DATABASE_URL": db_url, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-c", "from trygd.cli.main import app; app()", "recompute", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_command_refuses_bad_input_with_exit_code_2(service, db_url):
    for args, field in (
        (["--parameter", RATE, "--from", "1 May"], "--from"),
        (["--parameter", "uforetrygd.no_such_rate", "--from", "2026-05-01"], "--parameter"),
        (["--parameter", "common.grunnbelop_average", "--from", "2026-05-01"], "--parameter"),
        (["--parameter", RATE, "--from", "2026-05-01", "--processes", "-1"], "--processes"),
    ):
        done = _cli(db_url, *args)
        assert done.returncode == 2, done.stderr
        assert field in done.stderr and "Traceback" not in done.stderr


def test_the_command_dry_run_prints_the_effect(service, make_person, db_url):
    _world(service, make_person)
    done = _cli(db_url, "--parameter", RATE, "--from", "2026-05-01", "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["dry_run"] is True and report["change"].startswith(f"{RATE}=0.66")
    # The files' own value: every grant already has it, nothing changes.
    assert report["counts"]["unchanged"] + report["counts"]["already_regulated"] == 1
    assert report["counts"]["open_behandling"] == 1 and report["total"] == 2
    with service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Regulation)) == 0
