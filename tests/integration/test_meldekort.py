"""Meldekort on the real databases: sending, versions, results, drafts, jobs, and one card per
period under parallel requests on PostgreSQL.

A dagpenger application claimed on 2026-11-13 is granted automatically (support.py) with
usual working hours 37.5 a week; its first meldeperiode is 2 to 15 November 2026 (trygd's
calendar), which opens on Saturday 14 November and is due on Monday 23 November, the tests'
today.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from support import NOW, dagpenger_application
from test_concurrency import citizen, new_person, pg_url, race

from trygd.services.clock import FixedClock
from trygd.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine
from trygd.store.models import (
    DecisionRecordRow,
    Event,
    Job,
    MeldekortCard,
    MeldekortDraft,
    MeldekortResult,
    Oppgave,
    Vedtak,
)

__all__ = ["pg_url"]

FIRST = "2026-11-02"
SECOND = "2026-11-16"


def week(hours: list[float]) -> dict[str, Any]:
    return {"days": [{"hours_worked": h} for h in hours], "still_job_seeker": True}


def granted(service: CaseService) -> tuple[Any, str]:
    person = new_person(service)
    me = citizen(person)
    _, case = service.submit_application(me, dagpenger_application())
    return me, case["sak_id"]


def count(service: CaseService, model: Any, *where: Any) -> int:
    with service.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_send_a_card_and_read_its_result(service: CaseService) -> None:
    me, sak_id = granted(service)
    listed = service.list_meldekort(me)["items"]
    first = next(i for i in listed if i["period_start"] == FIRST)
    assert (first["state"], first["opens_on"], first["due_on"]) == (
        "open",
        "2026-11-14",
        "2026-11-23",
    )
    status, sent = service.send_meldekort(me, sak_id, FIRST, week([0] * 14))
    assert status == 201 and sent["state"] == "sent" and sent["version"] == 1
    result = sent["versions"][0]["result"]
    assert result["status"] == "approved"
    calc = result["calculation"]
    # The vedtak starts on Friday 13 November: of the period's days only that Friday is a
    # weekday with a right to dagpenger (the 14th and 15th are a weekend).
    paid_days = [d["date"] for d in calc["days"] if d["paid"]]
    assert paid_days == ["2026-11-13"]
    assert result["gross_ore"] == calc["gross_ore"] >= 0
    assert calc["explanation"]["nn"] and calc["rule_version"].startswith("meldekort-")
    approved = service.approved_meldekort_periods(me, sak_id)
    assert [(a.period_start.isoformat(), a.version) for a in approved] == [(FIRST, 1)]


def test_a_correction_is_a_new_version_and_supersedes_the_result(service: CaseService) -> None:
    me, sak_id = granted(service)
    service.send_meldekort(me, sak_id, FIRST, week([0] * 14))
    with pytest.raises(InvalidInput) as missing:
        service.correct_meldekort(me, sak_id, FIRST, week([0] * 14))
    assert missing.value.problems == [("correction_reason", "a correction needs a reason")]
    body = {**week([0] * 11 + [3]), "correction_reason": "Forgot Friday"}
    _, corrected = service.correct_meldekort(me, sak_id, FIRST, body)
    assert [v["version"] for v in corrected["versions"]] == [1, 2]
    assert [v["result"]["status"] for v in corrected["versions"]] == ["superseded", "approved"]
    assert corrected["versions"][0]["answers"]["days"][11]["hours_worked"] == "0"
    assert count(service, MeldekortCard) == 2
    assert [a.version for a in service.approved_meldekort_periods(me, sak_id)] == [2]


def test_a_second_send_is_refused_and_bad_input_names_the_field(service: CaseService) -> None:
    me, sak_id = granted(service)
    with pytest.raises(InvalidInput) as bad:
        service.send_meldekort(me, sak_id, FIRST, week([2, 2, 25]))
    assert bad.value.problems[0][0] == "days[2].hours_worked"
    assert count(service, MeldekortCard) == 0  # nothing half-written
    service.send_meldekort(me, sak_id, FIRST, week([0] * 14))
    with pytest.raises(Conflict) as again:
        service.send_meldekort(me, sak_id, FIRST, week([0] * 14))
    assert again.value.code == "meldekort_already_sent"
    with pytest.raises(Conflict) as early:
        service.send_meldekort(me, sak_id, SECOND, week([0] * 14))
    assert early.value.code == "meldekort_not_open"
    with pytest.raises(InvalidInput):
        service.send_meldekort(me, sak_id, "2026-11-03", week([0] * 14))


def test_nobody_else_sends_or_reads_my_card(service: CaseService) -> None:
    me, sak_id = granted(service)
    other = citizen(new_person(service))
    with pytest.raises(Forbidden):
        service.send_meldekort(other, sak_id, FIRST, week([0] * 14))
    with pytest.raises(Forbidden):
        service.get_meldekort(other, sak_id, FIRST)
    assert service.list_meldekort(other)["items"] == []
    with pytest.raises(NotFound):
        service.get_meldekort(me, "00000000-0000-0000-0000-000000000000", FIRST)


def test_a_draft_is_kept_for_the_keep_time_then_gone(
    service: CaseService, clock: FixedClock
) -> None:
    me, sak_id = granted(service)
    saved = service.save_meldekort_draft(me, sak_id, FIRST, {"days": [{"hours_worked": 4}]})
    assert saved["answers"]["still_job_seeker"] is None
    assert (
        service.get_meldekort(me, sak_id, FIRST)["draft"]["answers"]["days"][0]["hours_worked"]
        == "4"
    )
    clock.advance(dt.timedelta(days=31))
    assert service.purge_meldekort_drafts() == 1
    assert count(service, MeldekortDraft) == 0


def test_a_late_card_waits_for_a_caseworker(service: CaseService, clock: FixedClock) -> None:
    me, sak_id = granted(service)
    clock.advance(dt.timedelta(days=1))  # Tuesday 24 November: one day after the due day
    _, sent = service.send_meldekort(me, sak_id, FIRST, week([0] * 14))
    assert sent["late"] is True
    assert sent["versions"][0]["result"]["status"] == "undetermined"
    assert service.approved_meldekort_periods(me, sak_id) == []
    assert count(service, Oppgave, Oppgave.reason == "meldekort_late") == 1


def test_jobs_remind_then_stop_payment_and_open_a_task(
    service: CaseService, clock: FixedClock
) -> None:
    me, sak_id = granted(service)
    assert service.plan_meldekort(sak_id, NOW.date()) == 2  # 2 Nov and 16 Nov
    assert service.plan_meldekort(sak_id, NOW.date()) == 0  # once per period
    assert count(service, Job, Job.kind == "meldekort_deadline") == 2
    clock.advance(dt.timedelta(days=1))  # after the first period's due day
    service.run_due_jobs()
    assert count(service, Oppgave, Oppgave.reason == "meldekort_missing") == 1
    assert count(service, Event, Event.type == "meldekort_reminder_sent") == 1
    assert count(service, Event, Event.type == "meldekort_missing") == 1
    # The second period's card is sent in time: its deadline job opens no task.
    clock.advance(dt.timedelta(days=7))  # Tuesday 1 December: the 16 Nov period is open
    service.send_meldekort(me, sak_id, SECOND, week([0] * 14))
    clock.advance(dt.timedelta(days=8))
    service.run_due_jobs()
    assert count(service, Oppgave, Oppgave.reason == "meldekort_missing") == 1
    # Each deadline job planned the next period.
    assert count(service, Job, Job.kind == "meldekort_deadline") >= 3


# --- parallel requests on PostgreSQL -------------------------------------------------------------


@pytest.fixture
def pg_service(pg_url: str) -> Iterator[CaseService]:
    engine = make_engine(pg_url, pool_size=25, max_overflow=25)
    yield CaseService(engine, Settings(demo=True, clock=FixedClock(NOW)))
    engine.dispose()


@pytest.mark.parametrize("how", ["at_start", "after_reading"])
def test_twenty_parallel_sends_make_one_card(pg_service: CaseService, how: str) -> None:
    me, sak_id = granted(pg_service)
    outcomes = race(
        pg_service,
        how,
        *(partial(pg_service.send_meldekort, me, sak_id, FIRST, week([0] * 14)) for _ in range(20)),
    )
    won = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(won) == 1
    assert all(isinstance(o, Conflict) and o.code == "meldekort_already_sent" for o in refused)
    assert count(pg_service, MeldekortCard) == 1
    assert count(pg_service, MeldekortResult, MeldekortResult.status == "approved") == 1


def test_parallel_corrections_make_distinct_versions(pg_service: CaseService) -> None:
    me, sak_id = granted(pg_service)
    pg_service.send_meldekort(me, sak_id, FIRST, week([0] * 14))
    body = {**week([0] * 14), "correction_reason": "again"}
    race(
        pg_service,
        "after_reading",
        *(partial(pg_service.correct_meldekort, me, sak_id, FIRST, body) for _ in range(10)),
    )
    with pg_service.sessions() as session:
        versions = sorted(session.scalars(select(MeldekortCard.version)))
    assert versions == list(range(1, len(versions) + 1))  # no version twice, none skipped
    assert count(pg_service, MeldekortResult, MeldekortResult.status == "approved") == 1


# --- the API ---------------------------------------------------------------------------------


def test_api_send_read_and_correct(client: Any, make_person: Any) -> None:
    from support import citizen_headers

    person = make_person()
    headers = citizen_headers(person)
    made = client.post("/api/v1/applications", json=dagpenger_application(), headers=headers)
    assert made.status_code == 201, made.text
    sak_id = made.json()["sak_id"]
    listed = client.get("/api/v1/meldekort", headers=headers).json()["items"]
    assert any(i["period_start"] == FIRST and i["state"] == "open" for i in listed)
    url = f"/api/v1/meldekort/{sak_id}/{FIRST}"
    bad = client.post(url, json=week([1, 2, 24.5]), headers=headers)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert [p["field"] for p in bad.json()["errors"]] == ["days[2].hours_worked"]
    wrong_type = client.post(url, json={"days": [{"sick": "yes"}]}, headers=headers)
    assert wrong_type.status_code == 422
    assert wrong_type.json()["errors"][0]["field"] == "days[0].sick"
    sent = client.post(url, json=week([0] * 14), headers=headers)
    assert sent.status_code == 201, sent.text
    assert client.post(url, json=week([0] * 14), headers=headers).status_code == 409
    no_reason = client.post(f"{url}/corrections", json=week([0] * 14), headers=headers)
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "correction_reason"
    body = {**week([0] * 14), "correction_reason": "Wrong day"}
    corrected = client.post(f"{url}/corrections", json=body, headers=headers)
    assert corrected.status_code == 201 and corrected.json()["version"] == 2
    read = client.get(url, headers=headers).json()
    assert [v["version"] for v in read["versions"]] == [1, 2]
    other = citizen_headers(make_person(name="Someone Else"))
    assert client.get(url, headers=other).status_code == 403


def test_sending_removes_the_draft_and_answers_as_reading_the_card(service: CaseService) -> None:
    me, sak_id = granted(service)
    service.save_meldekort_draft(me, sak_id, FIRST, {"days": [{"hours_worked": 4}]})
    assert count(service, MeldekortDraft) == 1
    _, sent = service.send_meldekort(me, sak_id, FIRST, week([0] * 14))
    assert count(service, MeldekortDraft) == 0
    # the answer of the send is what reading the card gives afterwards
    assert sent == service.get_meldekort(me, sak_id, FIRST)


def test_a_card_whose_vedtak_lacks_an_amount_is_kept_undetermined_with_a_task(
    service: CaseService, db_url: str
) -> None:
    """A vedtak stored without an amount the period's rule needs (an older record) is not a
    reason to refuse the person's card: the card is kept, nothing is paid on a guess, and a
    caseworker gets a task to complete the vedtak (fvl. § 17)."""
    me, sak_id = granted(service)
    admin = make_engine(db_url)  # decision records are read-only to the application's role
    with Session(admin) as session:
        record_id = session.scalars(
            select(Vedtak.record_id).where(Vedtak.sak_id == uuid.UUID(sak_id))
        ).one()
        row = session.get(DecisionRecordRow, record_id)
        assert row is not None
        record = dict(row.record)
        record["amounts"] = {k: v for k, v in record["amounts"].items() if k != "total_daily"}
        row.record = record
        session.commit()
    admin.dispose()
    status, sent = service.send_meldekort(me, sak_id, FIRST, week([0] * 14))
    assert status == 201 and sent["state"] == "sent"
    result = sent["versions"][0]["result"]
    assert result["status"] == "undetermined" and result["gross_ore"] == 0
    calc = result["calculation"]
    assert calc["undetermined"] == ["vedtak_incomplete"]
    assert {d["reason"] for d in calc["days"]} == {"withheld_vedtak_incomplete"}
    assert all(d["legal_basis"] == "fvl. § 17" for d in calc["days"])
    assert "total_daily" in calc["values"]["missing"]
    assert "saksbehandler" in calc["explanation"]["nb"]
    assert service.approved_meldekort_periods(me, sak_id) == []
    assert count(service, Oppgave, Oppgave.reason == "meldekort_vedtak_incomplete") == 1
