"""One claim at a time, on SQLite and PostgreSQL, one request after another.

A person has one sak per benefit and one claim in process in it: a second søknad while one is
open, or for a period a running grant covers, is refused (409 with a code and what exists); a
claim for a later period, or after a rejection, is not. A second endringsmelding joins the open
revurdering; one that changes nothing is refused; one open klage per vedtak. The database holds
the two "one open" rules itself (partial unique indexes of migration 0005). The same rules
under real parallel requests are in test_one_claim_races.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from support import (
    CLAIM_DATE,
    TODAY,
    aap_application,
    citizen_headers,
    dagpenger_application,
    employee_headers,
)

from trygd.domain.claims import covers, last_covered_day
from trygd.store.models import Behandling, Endringsmelding, Event, Vedtak

API = "/api/v1"
KARI, OLA = employee_headers("Z990101"), employee_headers("Z990102")


def count(service, model, *where) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def created(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 201, answer.text
    return answer.json()


def refused(answer: Any, code: str) -> dict[str, Any]:
    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == code, problem
    return problem


def granted_aap(client, me) -> dict[str, Any]:
    """An AAP case through propose and approve: a granted vedtak made by people."""
    case = created(client.post(f"{API}/applications", json=aap_application(), headers=me))
    bid = case["behandling_id"]
    proposed = client.post(
        f"{API}/behandlinger/{bid}/propose", json={"version": case["version"]}, headers=KARI
    )
    assert proposed.status_code == 200, proposed.text
    approved = client.post(
        f"{API}/behandlinger/{bid}/approve",
        json={"version": proposed.json()["version"]},
        headers=OLA,
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["outcome"] == "granted"
    return approved.json()


# -- søknader -----------------------------------------------------------------------------------


def test_three_applications_one_after_another_give_one_granted_vedtak(
    client, make_person, service, clock
):
    me = citizen_headers(make_person("Tre Ganger"))
    first = created(client.post(f"{API}/applications", json=dagpenger_application(), headers=me))
    assert (first["outcome"], first["automatic"]) == ("granted", True)

    for _ in range(2):
        clock.advance(dt.timedelta(seconds=3))
        answer = client.post(f"{API}/applications", json=dagpenger_application(), headers=me)
        problem = refused(answer, "claim_covered")
        assert problem["vedtak_id"] == first["vedtak_id"]
        assert problem["running_from"] == CLAIM_DATE
        # Under 2 G in the last 12 months: the short period of ftrl. § 4-15, 52 weeks.
        assert problem["covered_until"] == "2027-11-11"
        assert "a new application can claim dagpenger from 2027-11-12" in problem["detail"]

    assert count(service, Vedtak) == 1
    assert count(service, Behandling) == 1


def test_a_rejected_vedtak_does_not_block_a_new_application(client, make_person, service):
    me = citizen_headers(make_person("Nytt Forsok"))
    low = dagpenger_application(income_12m=100000, income_36m=200000)
    first = created(client.post(f"{API}/applications", json=low, headers=me))
    assert first["outcome"] == "rejected"

    second = created(client.post(f"{API}/applications", json=dagpenger_application(), headers=me))
    assert (second["outcome"], second["sak_id"]) == ("granted", first["sak_id"])
    third = client.post(f"{API}/applications", json=dagpenger_application(), headers=me)
    refused(third, "claim_covered")
    assert count(service, Vedtak) == 2


def test_a_claim_after_the_covered_period_is_a_new_claim(client, make_person, service, clock):
    me = citizen_headers(make_person("Senere Periode"))
    first = created(client.post(f"{API}/applications", json=dagpenger_application(), headers=me))
    covered_until = dt.date(2027, 11, 11)
    clock.advance(covered_until - TODAY)  # a claim may be dated at most a year ahead
    inside = dagpenger_application(covered_until.isoformat())
    refused(client.post(f"{API}/applications", json=inside, headers=me), "claim_covered")

    later = dagpenger_application((covered_until + dt.timedelta(days=1)).isoformat())
    second = created(client.post(f"{API}/applications", json=later, headers=me))
    assert (second["outcome"], second["sak_id"]) == ("granted", first["sak_id"])
    assert second["vedtak_id"] != first["vedtak_id"]


def test_an_application_while_one_is_being_processed_is_refused(client, make_person, service):
    me = citizen_headers(make_person("Venter Fortsatt"))
    first = created(client.post(f"{API}/applications", json=aap_application(), headers=me))
    answer = client.post(f"{API}/applications", json=aap_application(children=3), headers=me)
    problem = refused(answer, "claim_in_process")
    assert problem["behandling_id"] == first["behandling_id"]
    assert problem["behandling_kind"] == "forstegangsbehandling"
    assert count(service, Behandling) == 1


def test_a_granted_aap_covers_its_longest_period(client, make_person, service):
    me = citizen_headers(make_person("Aap Lengde"))
    granted_aap(client, me)
    problem = refused(
        client.post(f"{API}/applications", json=aap_application(), headers=me), "claim_covered"
    )
    assert problem["covered_until"] == "2029-11-12"  # three years (ftrl. § 11-12)


def test_the_covered_period_per_benefit():
    start = dt.date(2026, 11, 13)
    assert last_covered_day("dagpenger", start, {"period_weeks": 52}) == dt.date(2027, 11, 11)
    assert last_covered_day("sykepenger", start, {"maksdato": "2027-10-01"}) == dt.date(2027, 10, 1)
    assert last_covered_day("sykepenger", start, {"maksdato": None}) is None
    assert last_covered_day("aap", start, {}) == dt.date(2029, 11, 12)
    assert last_covered_day("uforetrygd", start, {"uforegrad": 100}) is None
    assert covers(None, dt.date(2060, 1, 1))
    assert covers(dt.date(2027, 11, 11), dt.date(2027, 11, 11))
    assert not covers(dt.date(2027, 11, 11), dt.date(2027, 11, 12))


# -- endringsmeldinger --------------------------------------------------------------------------


def test_a_second_change_joins_the_open_revurdering(client, make_person, service):
    me = citizen_headers(make_person("Endrer Toganger"))
    decided = granted_aap(client, me)
    sak_id = decided["sak_id"]
    change = {"effective_date": TODAY.isoformat(), "facts": {"children": 2}}
    first = created(client.post(f"{API}/cases/{sak_id}/changes", json=change, headers=me))
    assert (first["kind"], first["state"]) == ("revurdering", "assessing")

    more = {"effective_date": TODAY.isoformat(), "facts": {"reduced_work_capacity": 70}}
    joined = created(client.post(f"{API}/cases/{sak_id}/changes", json=more, headers=me))
    assert joined["joined"] is True
    assert joined["behandling_id"] == first["behandling_id"]
    assert joined["version"] > first["version"]

    with service.sessions() as session:
        revurdering = session.get(Behandling, uuid.UUID(first["behandling_id"]))
        assert revurdering is not None
        assert (revurdering.facts["children"], revurdering.facts["reduced_work_capacity"]) == (
            2,
            70,
        )
        events = list(
            session.scalars(select(Event.type).where(Event.behandling_id == revurdering.id))
        )
    assert "change_joined" in events
    assert count(service, Behandling, Behandling.kind == "revurdering") == 1
    assert count(service, Endringsmelding) == 2

    other_day = {
        "effective_date": (TODAY + dt.timedelta(days=5)).isoformat(),
        "facts": {"children": 3},
    }
    answer = client.post(f"{API}/cases/{sak_id}/changes", json=other_day, headers=me)
    problem = refused(answer, "revurdering_other_date")
    assert problem["revurdering_from"] == TODAY.isoformat()
    assert count(service, Endringsmelding) == 2


def test_a_change_that_changes_nothing_is_refused(client, make_person, service):
    me = citizen_headers(make_person("Samme Barn"))
    case = created(client.post(f"{API}/applications", json=dagpenger_application(), headers=me))
    change = {"effective_date": TODAY.isoformat(), "facts": {"children": 3}}
    revurdering = created(
        client.post(f"{API}/cases/{case['sak_id']}/changes", json=change, headers=me)
    )
    assert revurdering["state"] == "decided"
    again = client.post(f"{API}/cases/{case['sak_id']}/changes", json=change, headers=me)
    problem = refused(again, "no_change")
    assert problem["vedtak_id"] == revurdering["vedtak_id"]
    assert count(service, Behandling, Behandling.kind == "revurdering") == 1
    assert count(service, Vedtak) == 2


# -- klager --------------------------------------------------------------------------------------


def test_one_open_klage_per_vedtak_and_a_withdrawn_one_frees_it(client, make_person, service):
    me = citizen_headers(make_person("Klager Toganger"))
    low = dagpenger_application(income_12m=100000, income_36m=200000)
    case = created(client.post(f"{API}/applications", json=low, headers=me))
    service.run_due_jobs()
    body = {"vedtak_id": case["vedtak_id"], "text": "Jeg mener inntekten min er regnet feil."}
    klage = created(client.post(f"{API}/klager", json=body, headers=me))
    problem = refused(client.post(f"{API}/klager", json=body, headers=me), "klage_open")
    assert problem["klage_id"] == klage["id"]

    withdrawn = client.post(f"{API}/klager/{klage['id']}/withdraw", json={}, headers=me)
    assert withdrawn.status_code == 200, withdrawn.text
    created(client.post(f"{API}/klager", json=body, headers=me))


# -- the database's own guard ------------------------------------------------------------------


def _behandling(sak_id: uuid.UUID, kind: str, state: str, vedtak_id: Any = None) -> Behandling:
    return Behandling(
        id=uuid.uuid4(),
        sak_id=sak_id,
        kind=kind,
        state=state,
        revises_vedtak_id=vedtak_id,
        claim_date=TODAY,
        facts={},
        created_at=dt.datetime.now(dt.UTC),
        updated_at=dt.datetime.now(dt.UTC),
    )


@pytest.mark.parametrize(
    ("kind", "state", "refused_by_the_database"),
    [
        ("revurdering", "assessing", True),
        ("omgjoring", "proposed", True),
        ("revurdering", "decided", False),
        ("klage", "first_instance_review", False),
    ],
)
def test_the_database_holds_one_open_behandling_per_sak(
    client, make_person, service, kind, state, refused_by_the_database
):
    me = citizen_headers(make_person("Bare En"))
    case = created(client.post(f"{API}/applications", json=aap_application(), headers=me))
    sak_id = uuid.UUID(case["sak_id"])
    session = service.sessions()
    try:
        session.add(_behandling(sak_id, kind, state))
        if refused_by_the_database:
            with pytest.raises(IntegrityError):
                session.commit()
        else:
            session.commit()
    finally:
        session.close()


def test_the_database_holds_one_open_klage_per_vedtak(client, make_person, service):
    me = citizen_headers(make_person("Klage Vakt"))
    low = dagpenger_application(income_12m=100000, income_36m=200000)
    case = created(client.post(f"{API}/applications", json=low, headers=me))
    sak_id, vedtak_id = uuid.UUID(case["sak_id"]), uuid.UUID(case["vedtak_id"])
    with service.sessions.begin() as session:
        session.add(_behandling(sak_id, "klage", "closed", vedtak_id))
        session.add(_behandling(sak_id, "klage", "closed", vedtak_id))
        session.add(_behandling(sak_id, "klage", "at_klageinstans", vedtak_id))
    session = service.sessions()
    try:
        session.add(_behandling(sak_id, "klage", "awaiting_grounds", vedtak_id))
        with pytest.raises(IntegrityError):
            session.commit()
    finally:
        session.close()


def test_the_migration_stops_on_duplicates_made_before_the_rule(db_url, make_person, client):
    """A database with two open behandlinger in one sak (possible before migration 0005) does
    not get the index silently, nor lose a behandling: the upgrade stops and says why."""
    from alembic import command

    from trygd.store.database import alembic_config, make_engine

    me = citizen_headers(make_person("Gammel Dobbel"))
    case = created(client.post(f"{API}/applications", json=aap_application(), headers=me))
    engine = make_engine(db_url)
    try:
        config = alembic_config(db_url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")
        with engine.begin() as connection:
            extra = _behandling(uuid.UUID(case["sak_id"]), "revurdering", "assessing")
            connection.execute(Behandling.__table__.insert(), [_row(extra)])
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            with pytest.raises(RuntimeError, match="1 saker with two open behandlinger"):
                command.upgrade(config, "head")
    finally:
        engine.dispose()


def _row(behandling: Behandling) -> dict[str, Any]:
    # Only the columns the old schema (0004) has: decision records came with 0008, klager on
    # a tilbakekreving with 0018.
    later = {"record_id", "revises_tilbakekreving_id"}
    columns = [c for c in Behandling.__table__.columns if c.key not in later]
    return {c.key: getattr(behandling, c.key) for c in columns} | {"version": 1}
