"""Requests under GDPR art. 15-22 with their one-month clock, on SQLite and PostgreSQL: the
person asks, the unit sees the request in its queue with the deadline date, extends it with
a reason (a letter with the new date from the deadline module) or answers it (a letter), a
job reminds before the deadline, and a restriction narrows what caseworkers may do."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select
from support import TODAY, dagpenger_application

from trygd.domain import deadlines
from trygd.privacy.policy import Actor, Role
from trygd.services.errors import Conflict, Forbidden, InvalidInput
from trygd.services.unit_of_work import RequestContext
from trygd.store.models import AuditRecord, Job, Letter, PrivacyRequest


def citizen(person) -> RequestContext:
    actor = Actor(
        f"person:{person.id}", person.name, frozenset({Role.CITIZEN}), None, str(person.id)
    )
    return RequestContext(actor=actor)


def caseworker(unit: str = "0312", actor_id: str = "Z990101") -> RequestContext:
    return RequestContext(actor=Actor(actor_id, "Kari", frozenset({Role.CASEWORKER}), unit))


CORRECTION = {"kind": "correction", "text": "My address in the letter of 3 November is wrong."}


def test_a_request_is_received_with_its_one_month_deadline_and_shown_in_the_queue(
    service, make_person
):
    anna = make_person("Anna Dahl", municipality="0301")
    received = service.submit_privacy_request(citizen(anna), CORRECTION)
    expected = deadlines.gdpr_answer_deadline(TODAY).last_day
    assert received["received_on"] == TODAY.isoformat()
    assert received["deadline"] == expected.isoformat() == "2026-12-23"
    assert received["status"] == "open" and received["legal_basis"].endswith("art. 16")
    mine = service.list_privacy_requests(citizen(anna))
    assert [r["id"] for r in mine["items"]] == [received["id"]] and not mine["restricted"]

    queue = service.unit_privacy_requests(caseworker(received["unit"]), 50, 0)
    assert queue["open"] == 1
    row = queue["items"][0]
    assert row["current_deadline"] == "2026-12-23" and "text" not in row
    one = service.get_privacy_request(caseworker(received["unit"]), received["id"])
    assert one["person_name"] == "Anna Dahl" and one["may_extend"]
    # Another unit's caseworker sees neither the request nor the person.
    assert service.unit_privacy_requests(caseworker("4450"), 50, 0)["total"] == 0
    with pytest.raises(Forbidden):
        service.get_privacy_request(caseworker("4450"), received["id"])


def test_one_open_request_of_a_kind_per_person(service, make_person):
    anna = make_person()
    service.submit_privacy_request(citizen(anna), CORRECTION)
    with pytest.raises(Conflict):
        service.submit_privacy_request(citizen(anna), CORRECTION)
    # Another kind is a request of its own.
    service.submit_privacy_request(citizen(anna), {"kind": "access", "text": ""})


def test_the_database_keeps_one_open_request_of_a_kind(service, make_person):
    anna = make_person()
    first = service.submit_privacy_request(citizen(anna), CORRECTION)
    with service.sessions() as session:
        row = session.get(PrivacyRequest, uuid.UUID(first["id"]))
        assert row is not None
        copy = PrivacyRequest(
            **{
                c.key: getattr(row, c.key)
                for c in PrivacyRequest.__table__.columns
                if c.key != "id"
            }
        )
        session.add(copy)
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            session.commit()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "deletion", "text": "Delete everything about me please"}, "kind"),
        ({"kind": "correction", "text": "short"}, "text"),
        ({"kind": "objection", "text": "I object to statistics about me"}, "processing"),
        ({"kind": "manual_review", "text": "Please look at the decision again"}, "vedtak_id"),
        (
            {"kind": "manual_review", "text": "Please look again", "vedtak_id": "not-an-id"},
            "vedtak_id",
        ),
    ],
)
def test_bad_requests_name_the_field(service, make_person, body, field):
    anna = make_person()
    with pytest.raises(InvalidInput) as refused:
        service.submit_privacy_request(citizen(anna), body)
    assert refused.value.problems[0][0] == field


def test_manual_review_only_of_ones_own_automatic_decision(service, make_person):
    anna = make_person("Anna Dahl")
    status, applied = service.submit_application(citizen(anna), dagpenger_application())
    assert status == 201 and applied["automatic"]
    body = {"kind": "manual_review", "text": "Please look again", "vedtak_id": applied["vedtak_id"]}
    asked = service.submit_privacy_request(citizen(anna), body)
    assert asked["vedtak_id"] == applied["vedtak_id"]
    bjorn = make_person("Bjørn Berg")
    with pytest.raises(InvalidInput):
        service.submit_privacy_request(citizen(bjorn), body)


def test_the_deadline_is_extended_once_within_the_first_month_with_a_letter(
    service, make_person, clock
):
    anna = make_person("Anna Dahl")
    asked = service.submit_privacy_request(citizen(anna), CORRECTION)
    unit = caseworker(asked["unit"])
    with pytest.raises(InvalidInput):
        service.extend_privacy_request(unit, asked["id"], {"reason": "busy"})
    reason = "We must collect the letters from three archives before we can answer."
    extended = service.extend_privacy_request(unit, asked["id"], {"reason": reason})
    new = deadlines.gdpr_extended_deadline(TODAY).last_day
    assert extended["extended_deadline"] == new.isoformat() == "2027-02-23"
    assert extended["current_deadline"] == "2027-02-23"
    with pytest.raises(Conflict):
        service.extend_privacy_request(unit, asked["id"], {"reason": reason})
    service.run_due_jobs()
    with service.sessions() as session:
        letter = session.scalars(select(Letter).where(Letter.kind == "privacy_extension")).one()
        assert letter.deadlines == {"privacy_answer": "2027-02-23"}
        assert str(letter.privacy_request_id) == asked["id"]
    # The person reads the notice: it is theirs.
    assert service.get_letter(citizen(anna), str(letter.id))["kind"] == "privacy_extension"


@pytest.mark.parametrize(("days", "allowed"), [(29, True), (30, True), (31, False)])
def test_an_extension_must_be_sent_by_the_first_deadline(
    service, make_person, clock, days, allowed
):
    """Received 23 November 2026: the first deadline is 23 December; the extension may be
    sent on that day (30 days later) but not the day after."""
    anna = make_person()
    asked = service.submit_privacy_request(citizen(anna), CORRECTION)
    clock.advance(dt.timedelta(days=days))
    body = {"reason": "We must collect the letters from three archives first."}
    if allowed:
        service.extend_privacy_request(caseworker(asked["unit"]), asked["id"], body)
    else:
        with pytest.raises(Conflict, match=r"art\. 12"):
            service.extend_privacy_request(caseworker(asked["unit"]), asked["id"], body)


def test_the_answer_goes_by_letter_in_the_persons_language(service, make_person):
    anna = make_person("Anna Dahl")
    asked = service.submit_privacy_request(citizen(anna), CORRECTION)
    unit = caseworker(asked["unit"])
    with pytest.raises(InvalidInput):
        service.answer_privacy_request(unit, asked["id"], {"outcome": "maybe", "answer": "x" * 20})
    answered = service.answer_privacy_request(
        unit, asked["id"], {"outcome": "granted", "answer": "We have corrected your address."}
    )
    assert answered["status"] == "answered"
    with pytest.raises(Conflict):
        service.answer_privacy_request(
            unit, asked["id"], {"outcome": "granted", "answer": "Once more, corrected."}
        )
    service.run_due_jobs()
    with service.sessions() as session:
        letter = session.scalars(select(Letter).where(Letter.kind == "privacy_answer")).one()
    content = service.get_letter(citizen(anna), str(letter.id))["content"]
    assert content["title"] == "Svar på henvendelsen din om personopplysningene dine"
    # The person may now ask for another correction.
    service.submit_privacy_request(citizen(anna), CORRECTION)


@pytest.mark.parametrize(("days_before", "reminded"), [(8, False), (7, True)])
def test_a_job_reminds_the_unit_a_week_before_the_deadline(
    service, make_person, clock, days_before, reminded
):
    anna = make_person()
    asked = service.submit_privacy_request(citizen(anna), CORRECTION)
    deadline = dt.date.fromisoformat(asked["deadline"])
    # 07:00 in Oslo on the day: the job's time.
    day = deadline - dt.timedelta(days=days_before)
    clock.now = dt.datetime.combine(day, dt.time(6, 0), dt.UTC)
    service.run_due_jobs()
    queue = service.unit_privacy_requests(caseworker(asked["unit"]), 50, 0)
    assert queue["items"][0]["reminded"] is reminded


def test_an_extension_plans_a_new_reminder_and_the_old_one_does_nothing(
    service, make_person, clock
):
    anna = make_person()
    asked = service.submit_privacy_request(citizen(anna), CORRECTION)
    service.extend_privacy_request(
        caseworker(asked["unit"]),
        asked["id"],
        {"reason": "We must collect the letters from three archives first."},
    )
    clock.now = dt.datetime(2026, 12, 20, 12, tzinfo=dt.UTC)  # after the first reminder's day
    service.run_due_jobs()
    queue = service.unit_privacy_requests(caseworker(asked["unit"]), 50, 0)
    assert queue["items"][0]["reminded"] is False
    clock.now = dt.datetime(2027, 2, 16, 12, tzinfo=dt.UTC)  # a week before 23 February
    service.run_due_jobs()
    queue = service.unit_privacy_requests(caseworker(asked["unit"]), 50, 0)
    assert queue["items"][0]["reminded"] is True
    with service.sessions() as session:
        kinds = session.scalars(select(Job.kind).where(Job.status == "done")).all()
    assert kinds.count("privacy_request_reminder") == 2


def test_a_restriction_narrows_what_caseworkers_may_do_and_is_audited(service, make_person):
    anna = make_person("Anna Dahl")
    _status, applied = service.submit_application(citizen(anna), dagpenger_application())
    sak_id = applied["sak_id"]
    kari = caseworker(applied.get("unit") or service.get_sak(citizen(anna), sak_id)["unit"])
    service.get_sak(kari, sak_id)  # before: an ordinary read
    asked = service.submit_privacy_request(
        citizen(anna), {"kind": "restriction", "text": "My income figures are wrong; check them."}
    )
    assert service.list_privacy_requests(citizen(anna))["restricted"] is True
    service.get_sak(kari, sak_id)  # the case is still handled for the person's own claim
    with service.sessions() as session:
        reasons = session.scalars(
            select(AuditRecord.reason)
            .where(AuditRecord.actor_id == kari.actor.id, AuditRecord.action == "read_case")
            .order_by(AuditRecord.id)
        ).all()
    assert reasons[-1].startswith("processing restricted (GDPR art. 18)")
    one = service.get_privacy_request(caseworker(asked["unit"]), asked["id"])
    assert one["restricted_since"] == TODAY.isoformat()
    # Refused: the restriction is over once it is answered as refused.
    service.answer_privacy_request(
        caseworker(asked["unit"]),
        asked["id"],
        {"outcome": "refused", "answer": "We checked the figures; they are right."},
    )
    assert service.list_privacy_requests(citizen(anna))["restricted"] is False


def test_an_employee_cannot_make_a_request_for_someone(service):
    with pytest.raises(Forbidden):
        service.submit_privacy_request(caseworker(), CORRECTION)


# -- through the HTTP API ------------------------------------------------------------------------


def test_the_api_answers_bad_input_with_problem_json_naming_the_field(client, make_person):
    from support import citizen_headers, employee_headers

    anna = make_person()
    headers = citizen_headers(anna)
    bad = client.post("/api/v1/privacy-requests", json={"kind": "forget"}, headers=headers)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert "kind" in bad.text
    made = client.post("/api/v1/privacy-requests", json=CORRECTION, headers=headers)
    assert made.status_code == 201 and made.json()["deadline"] == "2026-12-23"
    twice = client.post("/api/v1/privacy-requests", json=CORRECTION, headers=headers)
    assert twice.status_code == 409
    assert client.get("/api/v1/privacy-requests", headers=headers).json()["total"] == 1
    extra = client.post(
        "/api/v1/privacy-requests", json={**CORRECTION, "wish": "x"}, headers=headers
    )
    assert extra.status_code == 422
    request_id = made.json()["id"]
    unit = employee_headers("Z990101")
    queue = client.get("/api/v1/unit/privacy-requests", headers=unit)
    assert queue.status_code == 200
    answer = client.post(
        f"/api/v1/privacy-requests/{request_id}/answer",
        json={"outcome": "perhaps", "answer": "We corrected it."},
        headers=unit,
    )
    assert answer.status_code in (403, 422)
    wrong_id = client.get("/api/v1/privacy-requests/not-a-uuid", headers=unit)
    assert wrong_id.status_code == 422
