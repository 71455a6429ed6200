"""A vedtak reads the same in every language after G changes: everything renders from the
stored decision record, never from the rules run again on today's parameters.

Also: `trygd vedtak verify` finds nothing to report on demo data, and migration 0008 turns
results stored the old way into records that render (bokmål exactly as stored).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from support import NOW, TOKENS, citizen_headers, dagpenger_application, monthly_income
from typer.testing import CliRunner

from trygd.api.demo import demo_claims
from trygd.cli.main import app as cli
from trygd.demo.seed import seed
from trygd.letters.build import build_letter
from trygd.letters.render import render_html, render_pdf
from trygd.rules import assessment
from trygd.rules.assessment import Ruleset, assess, default_ruleset
from trygd.services import letters
from trygd.services.facade import SYSTEM_ACTOR, CaseService
from trygd.services.records import validate_facts
from trygd.services.unit_of_work import RequestContext, UnitOfWork
from trygd.store.database import alembic_config, make_engine
from trygd.store.models import DecisionRecordRow, Person, Vedtak
from trygd.web.app import create_site
from trygd.web.session import SESSION_COOKIE

LANGUAGES = ("nb", "nn", "en")
LETTER_DAY = dt.date(2026, 11, 24)
LEGACY = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_assessments"


def _higher_g() -> Ruleset:
    """G raised to 200 000 kr from 1 May 2026, before the claim date (13 November 2026)."""
    reform = {
        "parameters": {
            "common.grunnbelop": {
                "values": [
                    {
                        "from": dt.date(2026, 5, 1),
                        "minimum_income_from": dt.date(2026, 5, 1),
                        "value": 200_000,
                        # 4 months of 130 160 and 8 of 200 000
                        "yearly_average": 176_720,
                        "source": "test",
                    }
                ]
            }
        }
    }
    return Ruleset(default_ruleset().parameters.with_reform(reform, "higher G"))


def _letters(service: CaseService, vedtak_id: str) -> dict[str, Any]:
    """The vedtak letter in each language, HTML and PDF, built by the letters service."""
    found: dict[str, Any] = {}
    uow = UnitOfWork(service.sessions, RequestContext(actor=SYSTEM_ACTOR), service.settings.clock)
    try:
        vedtak = uow.session.get(Vedtak, uuid.UUID(vedtak_id))
        assert vedtak is not None
        data = letters.vedtak_letter_data(uow, vedtak, LETTER_DAY)
        for language in LANGUAGES:
            data = dataclasses.replace(
                data,
                common=dataclasses.replace(data.common, language=language),
                assessment=letters._explained(uow, vedtak, language),
            )
            content = build_letter(data)
            found[language] = (render_html(content), render_pdf(content))
    finally:
        uow.close()
    return found


def _site(service: CaseService, person: Person) -> TestClient:
    site = TestClient(create_site(service, TOKENS, demo=True), follow_redirects=False)
    token = site.app.state.identity.issue(demo_claims(service, f"person:{person.id}"))  # type: ignore[attr-defined]
    site.cookies.set(SESSION_COOKIE, token)
    return site


def _everything(
    service: CaseService, client: TestClient, site: TestClient, person: Person, vedtak_id: str
) -> Any:
    seen: dict[str, Any] = {"letters": _letters(service, vedtak_id)}
    for language in LANGUAGES:
        api = client.get(
            f"/api/v1/vedtak/{vedtak_id}?lang={language}", headers=citizen_headers(person)
        )
        assert api.status_code == 200, api.text
        page = site.get(f"/my/vedtak/{vedtak_id}?lang={language}")
        assert page.status_code == 200, page.text
        export = site.get(f"/my/data/export.json?lang={language}")
        assert export.status_code == 200, export.text
        # The export also lists the reads just made (its access log): compare the vedtak.
        vedtak = [v for case in export.json()["saker"] for v in case["vedtak"]]
        seen[language] = (api.content, page.content, json.dumps(vedtak, ensure_ascii=False))
    return seen


def test_a_vedtak_reads_the_same_in_every_language_after_g_changes(
    client, make_person, service, monkeypatch
):
    person = make_person()
    application = dagpenger_application(monthly_income=monthly_income(900_000, 1_500_000))
    answer = client.post("/api/v1/applications", json=application, headers=citizen_headers(person))
    assert answer.status_code == 201, answer.text
    vedtak_id = answer.json()["vedtak_id"]
    site = _site(service, person)  # one session: the pages carry its CSRF token
    before = _everything(service, client, site, person, vedtak_id)

    higher = _higher_g()
    claim_date = dt.date.fromisoformat(application["claim_date"])
    facts = validate_facts("dagpenger", claim_date, application["facts"]).facts
    today = assess("dagpenger", facts, claim_date)
    again = assess("dagpenger", facts, claim_date, ruleset=higher)
    assert again.amounts != today.amounts  # the new G changes this case's figures
    monkeypatch.setattr(assessment, "_DEFAULT", higher)
    assert default_ruleset() is higher

    after = _everything(service, client, site, person, vedtak_id)
    for language in LANGUAGES:
        assert after["letters"][language] == before["letters"][language], language
        api, page, export = after[language]
        assert api == before[language][0], f"API answer in {language}"
        assert page == before[language][1], f"vedtak page in {language}"
        assert export == before[language][2], f"data export in {language}"
    assert {before["letters"][x][1] for x in LANGUAGES}.__len__() == 3  # three real letters


def test_vedtak_verify_finds_no_difference_in_the_demo_data(service, db_url):
    seed(service, today=NOW.date())
    with service.sessions() as session:
        count = len(session.scalars(select(Vedtak.id)).all())
    assert count > 0
    result = CliRunner().invoke(
        cli, ["vedtak", "verify", "--all"], env={"TRYGD_DATABASE_URL": db_url}
    )
    assert result.exit_code == 0, result.output
    assert f"{count} vedtak: {count} the same, 0 different, 0 skipped" in " ".join(
        result.output.split()
    )


def test_vedtak_verify_reports_a_changed_record_and_unknown_ids(
    client, make_person, service, db_url
):
    person = make_person()
    answer = client.post(
        "/api/v1/applications", json=dagpenger_application(), headers=citizen_headers(person)
    )
    vedtak_id = answer.json()["vedtak_id"]
    runner = CliRunner()
    env = {"TRYGD_DATABASE_URL": db_url}
    assert runner.invoke(cli, ["vedtak", "verify", vedtak_id], env=env).exit_code == 0
    assert runner.invoke(cli, ["vedtak", "verify", str(uuid.uuid4())], env=env).exit_code == 2
    assert runner.invoke(cli, ["vedtak", "verify", "not-an-id"], env=env).exit_code == 2
    assert runner.invoke(cli, ["vedtak", "verify"], env=env).exit_code == 2
    with service.sessions() as session:
        vedtak = session.get(Vedtak, uuid.UUID(vedtak_id))
        row = session.get(DecisionRecordRow, vedtak.record_id)
        record = dict(row.record)
    record["amounts"] = {**record["amounts"], "daily_rate": record["amounts"]["daily_rate"] + 1}
    # As the database owner: the application role may not change a record (see below).
    owner = make_engine(db_url)
    try:
        with owner.begin() as connection:
            connection.execute(
                update(DecisionRecordRow)
                .where(DecisionRecordRow.id == vedtak.record_id)
                .values(record=record)
            )
    finally:
        owner.dispose()
    result = runner.invoke(cli, ["vedtak", "verify", "--all"], env=env)
    assert result.exit_code == 1, result.output
    assert "daily_rate" in result.output


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_application_may_not_change_a_record(client, make_person, service):
    person = make_person()
    client.post(
        "/api/v1/applications", json=dagpenger_application(), headers=citizen_headers(person)
    )
    with pytest.raises(Exception, match="permission denied"), service.engine.begin() as connection:
        connection.execute(text("UPDATE decision_records SET format = 'x'"))


# -- migration 0008 ---------------------------------------------------------------------------


def _at_0007(db_url: str) -> Any:
    engine = make_engine(db_url)
    config = alembic_config(db_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    return engine, config


def test_migration_0008_turns_old_results_into_records(db_url, service, make_person):
    """Old rows (written as the code before 0008 wrote them: see tests/fixtures) become
    records whose bokmål is the text stored, and that render in nynorsk and English."""
    person = make_person()
    engine, config = _at_0007(db_url)
    stored = {}
    try:
        with engine.begin() as connection:
            for path in sorted(LEGACY.glob("*.json")):
                old = json.loads(path.read_text())
                sak_id, behandling_id, vedtak_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
                _insert_old(connection, person.id, sak_id, behandling_id, vedtak_id, old)
                stored[vedtak_id] = old
            connection.execute(text("SELECT 1"))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    uow = UnitOfWork(service.sessions, RequestContext(actor=SYSTEM_ACTOR), service.settings.clock)
    try:
        from trygd.services.records import explained

        for vedtak_id, old in stored.items():
            vedtak = uow.session.get(Vedtak, vedtak_id)
            assert vedtak is not None
            behandling_record = uow.session.execute(
                text("SELECT record_id FROM behandlinger WHERE id = :id"),
                {
                    "id": vedtak.behandling_id.hex
                    if db_url.startswith("sqlite")
                    else vedtak.behandling_id
                },
            ).scalar_one()
            assert str(behandling_record).replace("-", "") == vedtak.record_id.hex  # shared
            assert explained(uow, vedtak.record_id, "nb") == old["assessment"]
            for language in ("nn", "en"):
                other = explained(uow, vedtak.record_id, language)
                assert other["language"] == language
                assert other["amounts"] == old["assessment"]["amounts"]
                assert other["outcome"] == old["assessment"]["outcome"]
                assert [c["title"] for c in other["conditions"]] != [
                    c["title"] for c in old["assessment"]["conditions"]
                ]
    finally:
        uow.close()


def _insert_old(connection, person_id, sak_id, behandling_id, vedtak_id, old) -> None:
    sqlite = connection.dialect.name == "sqlite"

    def uid(value: uuid.UUID) -> Any:
        return value.hex if sqlite else value

    def doc(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    cast = "" if sqlite else " AS jsonb"
    connection.execute(
        text(
            "INSERT INTO saker (id, person_id, benefit, unit, created_at)"
            " VALUES (:id, :person, :benefit, '4450', :now)"
        ),
        {"id": uid(sak_id), "person": uid(person_id), "benefit": old["benefit"], "now": NOW},
    )
    claim = dt.date.fromisoformat(old["claim_date"])
    connection.execute(
        text(
            "INSERT INTO behandlinger (id, sak_id, kind, state, claim_date, facts, assessment,"
            " outcome, ruleset_version, created_at, updated_at, version) VALUES (:id, :sak,"
            f" 'forstegangsbehandling', 'decided', :claim, {_json('facts', cast)},"
            f" {_json('assessment', cast)},"
            " :outcome, :version, :now, :now, 1)"
        ),
        {
            "id": uid(behandling_id),
            "sak": uid(sak_id),
            "claim": claim,
            "facts": doc(old["facts"]),
            "assessment": doc(old["assessment"]),
            "outcome": old["assessment"]["outcome"],
            "version": old["assessment"]["ruleset_version"],
            "now": NOW,
        },
    )
    connection.execute(
        text(
            "INSERT INTO vedtak (id, sak_id, behandling_id, outcome, automatic, decided_at,"
            " effective_from, ruleset_version, facts, assessment) VALUES (:id, :sak, :behandling,"
            f" :outcome, true, :now, :claim, :version, {_json('facts', cast)},"
            f" {_json('assessment', cast)})"
        ),
        {
            "id": uid(vedtak_id),
            "sak": uid(sak_id),
            "behandling": uid(behandling_id),
            "outcome": old["assessment"]["outcome"],
            "now": NOW,
            "claim": claim,
            "version": old["assessment"]["ruleset_version"],
            "facts": doc(old["facts"]),
            "assessment": doc(old["assessment"]),
        },
    )


def _json(name: str, cast: str) -> str:
    return f"CAST(:{name}{cast})" if cast else f":{name}"
