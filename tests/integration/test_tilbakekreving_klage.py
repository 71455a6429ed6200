"""A klage against a tilbakekreving vedtak, through the same klage flow as any vedtak, on
SQLite and PostgreSQL: the person files it within the klagefrist counted from the day the
vedtak letter reached them (the deadline module's date, as the letter and the page show
it); one open klage per tilbakekreving vedtak, by the database too (twenty at once on
PostgreSQL give one); another person cannot appeal it; bad input is a 4xx problem+json
naming the field; an omgjøring by the unit, or a change by NAV Klageinstans, gives a
caseworker a task to decide the tilbakekreving again and recomputes nothing.

Siri's tilbakekreving (the demo's `decided_and_set_off`) is decided by Z990201 and Z990202 of
the uføretrygd unit (4405); another caseworker there reviews the klage.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import partial
from typing import Any

import pytest
from sqlalchemy import select
from support import NOW, TEST_TOKEN_LIFETIME, TOKENS, citizen_headers
from test_concurrency import citizen, race
from test_tilbakekreving_flow import _with_account

from trygd.demo import tilbakekreving as demo
from trygd.demo.seed import _uforetrygd
from trygd.domain import deadlines
from trygd.domain.units import UNITS, klageinstans_unit
from trygd.services.errors import Conflict
from trygd.store.models import Behandling, Klage, Letter, Oppgave, Person, Sak, Tilbakekreving

API = "/api/v1"
TODAY = NOW.date()
TEXT = "Jeg mener jeg ikke burde forstått at beløpet var for høyt."


def _decided(service, make_person) -> tuple[Person, Tilbakekreving]:
    person = make_person("Siri Dale", dt.date(1966, 5, 5))
    _with_account(service, person)
    demo.decided_and_set_off(service, person, TODAY, _uforetrygd(60))
    with service.sessions() as session:
        case = session.scalars(select(Tilbakekreving)).one()
    assert case.decided_at is not None
    return person, case


def _vedtak_letter(service, case: Tilbakekreving) -> Letter:
    with service.sessions() as session:
        letter: Letter = session.scalars(
            select(Letter).where(
                Letter.sak_id == case.sak_id, Letter.kind == "tilbakekreving_vedtak"
            )
        ).one()
        return letter


def _reviewer(service, case: Tilbakekreving) -> dict[str, str]:
    """A caseworker of the unit that decided, who had no hand in the tilbakekreving."""
    with service.sessions() as session:
        sak = session.get(Sak, case.sak_id)
        assert sak is not None
        unit = sak.unit
    return _token("Z990299", unit, "caseworker")


def _token(sub: str, unit: str, role: str) -> dict[str, str]:
    claims = {"sub": sub, "name": "Test Ansatt", "roles": [role], "unit": unit}
    return {"Authorization": f"Bearer {TOKENS.issue(claims, lifetime=TEST_TOKEN_LIFETIME)}"}


def _file(client, person: Person, case: Tilbakekreving, **extra: Any) -> Any:
    body = {"tilbakekreving_id": str(case.id), "text": TEXT, **extra}
    return client.post(f"{API}/klager", json=body, headers=citizen_headers(person))


def _open_tasks(service, reason: str) -> list[Oppgave]:
    with service.sessions() as session:
        return list(
            session.scalars(
                select(Oppgave).where(Oppgave.reason == reason, Oppgave.status == "open")
            )
        )


def test_the_person_files_a_klage_within_the_deadline_the_letter_and_page_give(
    client, service, make_person
):
    person, case = _decided(service, make_person)
    me = citizen_headers(person)
    letter = _vedtak_letter(service, case)
    klagefrist = deadlines.klage_deadline(letter.letter_date).last_day
    # The letter, the stored case and the page all give the deadline module's date.
    assert letter.deadlines["klage"] == klagefrist.isoformat()
    seen = client.get(f"{API}/tilbakekrevinger/{case.id}", headers=me).json()
    assert seen["klage_deadline"] == klagefrist.isoformat()
    assert seen["klage_terms"]["deadline"] == klagefrist.isoformat()
    assert seen["klage_terms"]["late"] is False

    answer = _file(client, person, case)
    assert answer.status_code == 201, answer.text
    klage = answer.json()
    assert klage["tilbakekreving_id"] == str(case.id)
    assert klage["vedtak_id"] is None
    assert klage["deadline"] == klagefrist.isoformat()
    assert klage["vedtak_received_on"] == letter.letter_date.isoformat()
    assert (klage["state"], klage["late"]) == ("first_instance_review", False)
    [task] = _open_tasks(service, "klage_received")
    assert str(task.behandling_id) == klage["behandling_id"]
    # The receipt goes out as for any klage, and the klage is listed with the case's klager.
    service.run_due_jobs()
    with service.sessions() as session:
        receipts = session.scalars(
            select(Letter).where(Letter.klage_id == uuid.UUID(klage["id"]))
        ).all()
    assert [r.kind for r in receipts] == ["klage_received"]
    listed = client.get(f"{API}/cases/{case.sak_id}/klager", headers=me).json()["items"]
    assert [k["id"] for k in listed] == [klage["id"]]

    # A second open klage on the same vedtak is refused, naming the open one.
    again = _file(client, person, case)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert klage["id"] in again.text


def test_a_klage_after_the_deadline_is_registered_as_late(client, service, make_person, clock):
    person, case = _decided(service, make_person)
    klagefrist = deadlines.klage_deadline(_vedtak_letter(service, case).letter_date).last_day
    clock.now = dt.datetime.combine(klagefrist + dt.timedelta(days=1), dt.time(9), dt.UTC)
    answer = _file(client, person, case, late_reason="Jeg var syk hele perioden.")
    assert answer.status_code == 201, answer.text
    assert (answer.json()["state"], answer.json()["late"]) == ("late_assessment", True)


def test_another_person_cannot_appeal_the_tilbakekreving(client, service, make_person):
    _siri, case = _decided(service, make_person)
    other = make_person("Ola Annen", dt.date(1970, 1, 1))
    answer = _file(client, other, case)
    assert answer.status_code in (403, 404), answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    with service.sessions() as session:
        assert session.scalars(select(Klage)).all() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": TEXT}, "vedtak_id"),
        ({"tilbakekreving_id": "not-a-uuid", "text": TEXT}, "tilbakekreving_id"),
        ({"tilbakekreving_id": "CASE", "vedtak_id": str(uuid.uuid4()), "text": TEXT}, None),
        ({"tilbakekreving_id": "CASE", "text": "kort"}, "text"),
        ({"tilbakekreving_id": "CASE", "text": TEXT, "fristavbrytende": "ja"}, "fristavbrytende"),
    ],
)
def test_bad_input_is_a_4xx_problem_naming_the_field(client, service, make_person, body, field):
    person, case = _decided(service, make_person)
    body = {k: (str(case.id) if v == "CASE" else v) for k, v in body.items()}
    answer = client.post(f"{API}/klager", json=body, headers=citizen_headers(person))
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.status_code != 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "Traceback" not in answer.text
    assert (field or "tilbakekreving_id") in answer.text
    with service.sessions() as session:
        assert session.scalars(select(Klage)).all() == []
        assert session.scalars(select(Behandling).where(Behandling.kind == "klage")).all() == []


def test_an_unknown_tilbakekreving_is_not_found(client, service, make_person):
    person, _case = _decided(service, make_person)
    answer = _file(client, person, Tilbakekreving(id=uuid.uuid4()))
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_a_tilbakekreving_without_a_vedtak_cannot_be_appealed(client, service, make_person):
    person = make_person("Pål Rud", dt.date(1966, 5, 5))
    _with_account(service, person)
    demo.varsel_sent(service, person, TODAY, _uforetrygd(60))
    with service.sessions() as session:
        case = session.scalars(select(Tilbakekreving)).one()
    answer = _file(client, person, case)
    assert answer.status_code == 409
    assert "tilbakekreving_not_decided" in answer.text


def test_omgjoring_by_the_unit_opens_a_task_and_recomputes_nothing(client, service, make_person):
    person, case = _decided(service, make_person)
    klage = _file(client, person, case).json()
    reviewer = _reviewer(service, case)
    url = f"{API}/klager/{klage['id']}/change-decision"
    reason = "Hun kunne ikke forstå at utbetalingen var feil."
    # A tilbakekreving is not changed through facts: that is the caseworker's new decision.
    refused = client.post(
        url,
        json={"version": klage["version"], "reason": reason, "facts": {"income": 1}},
        headers=reviewer,
    )
    assert refused.status_code == 422
    assert "facts" in refused.text
    changed = client.post(
        url, json={"version": klage["version"], "reason": reason}, headers=reviewer
    )
    assert changed.status_code == 200, changed.text
    done = changed.json()
    assert (done["state"], done["closed_reason"]) == ("closed", "omgjort")
    assert done["result_behandling_id"] is None  # no new behandling of the benefit
    [task] = _open_tasks(service, "tilbakekreving_after_klage")
    assert (task.kind, task.behandling_id) == ("assess", case.behandling_id)
    with service.sessions() as session:
        after = session.get(Tilbakekreving, case.id)
        assert after is not None
        assert (after.state, after.claim_ore, after.result, after.version) == (
            case.state,
            case.claim_ore,
            case.result,
            case.version,
        )
        assert session.scalars(select(Behandling).where(Behandling.kind == "omgjoring")).all() == []
    # The queue links the task to the tilbakekreving, as its other tasks.
    queue = client.get(f"{API}/tasks", headers=reviewer).json()
    assert any(item["tilbakekreving_id"] == str(case.id) for item in queue["items"])
    # The klage is closed: a new one may be filed against the vedtak.
    assert _file(client, person, case).status_code == 201


def test_upheld_by_the_unit_and_changed_by_klageinstans_opens_a_task(
    client, service, make_person, clock
):
    person, case = _decided(service, make_person)
    klage = _file(client, person, case).json()
    reviewer = _reviewer(service, case)
    forwarded = client.post(
        f"{API}/klager/{klage['id']}/forward",
        json={"version": klage["version"], "statement": "Vi mener vedtaket er riktig."},
        headers=reviewer,
    )
    assert forwarded.status_code == 200, forwarded.text
    klage = forwarded.json()
    assert klage["state"] == "at_klageinstans"
    with service.sessions() as session:
        sak = session.get(Sak, case.sak_id)
        assert sak is not None
        instans = klageinstans_unit(UNITS[sak.unit]).number
    assert klage["klageinstans_unit"] == instans
    # The deciders of the tilbakekreving may not decide its klage at Klageinstans.
    clock.advance(dt.timedelta(weeks=4))
    body = {
        "version": klage["version"],
        "outcome": "omgjort",
        "reasons": "Klageinstans mener hun var i god tro.",
    }
    former = _token(demo.APPROVER, instans, "appeals")
    assert (
        client.post(
            f"{API}/klager/{klage['id']}/klageinstans-decision", json=body, headers=former
        ).status_code
        == 403
    )
    decided = client.post(
        f"{API}/klager/{klage['id']}/klageinstans-decision",
        json=body,
        headers=_token("Z990699", instans, "appeals"),
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["outcome"] == "omgjort"
    [task] = _open_tasks(service, "tilbakekreving_after_klage")
    assert task.behandling_id == case.behandling_id
    service.run_due_jobs()
    with service.sessions() as session:
        kinds = set(
            session.scalars(select(Letter.kind).where(Letter.klage_id == uuid.UUID(klage["id"])))
        )
        after = session.get(Tilbakekreving, case.id)
        assert after is not None and after.claim_ore == case.claim_ore
    assert {"klage_received", "klage_forwarded", "klageinstans_decision"} <= kinds


@pytest.mark.parametrize("how", ["at_start", "after_reading"])
def test_parallel_klager_on_one_tilbakekreving_give_one_open_klage(
    service, make_person, db_url, how
):
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; the race is PostgreSQL's")
    person, case = _decided(service, make_person)
    me = citizen(person)
    body = {"tilbakekreving_id": str(case.id), "text": TEXT}
    outcomes = race(service, how, *(partial(service.submit_klage, me, body) for _ in range(8)))
    won = [o for o in outcomes if not isinstance(o, Exception)]
    lost = [o for o in outcomes if isinstance(o, Exception)]
    assert len(won) == 1, outcomes
    assert all(isinstance(e, Conflict) and e.code == "klage_open" for e in lost), lost
    with service.sessions() as session:
        assert (
            len(session.scalars(select(Klage).where(Klage.tilbakekreving_id == case.id)).all()) == 1
        )
