"""Case work through the API, on SQLite and PostgreSQL.

Automatic decisions and their iverksetting, a caseworker assessing what the rules could not
decide, totrinnskontroll (propose, return, approve by a second person), opplysningsplikt with
its reminder and deadline jobs, job retries, endringsmelding and revurdering, idempotency
keys, optimistic locking, the case history and the citizen's access log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select
from support import (
    NOW,
    TODAY,
    TOKENS,
    aap_application,
    citizen_headers,
    dagpenger_application,
    employee_headers,
)

from trygd.store.models import (
    Behandling,
    Endringsmelding,
    Event,
    InformationRequest,
    Job,
    Oppgave,
    Sak,
    Vedtak,
)

API = "/api/v1"
KARI = "Z990101"  # caseworker, Nav Frogner (0312), where the AAP cases below go
OLA = "Z990102"  # approver, same unit
NILS = "Z990301"  # caseworker for dagpenger (4450): not the AAP unit


# -- helpers --------------------------------------------------------------------------------------


def both_roles_headers() -> dict[str, str]:
    """An employee who is caseworker and approver at once (no demo user is both)."""
    claims = {
        "sub": "Z990199",
        "name": "Mia Begge",
        "roles": ["caseworker", "approver"],
        "unit": "0312",
    }
    return {"Authorization": f"Bearer {TOKENS.issue(claims)}"}


def apply(client, headers: dict[str, str], application: dict[str, Any], **extra: str) -> Any:
    answer = client.post(f"{API}/applications", json=application, headers={**headers, **extra})
    assert answer.status_code == 201, answer.text
    return answer.json()


def behandling(client, headers: dict[str, str], behandling_id: str) -> dict[str, Any]:
    answer = client.get(f"{API}/behandlinger/{behandling_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def act(client, headers: dict[str, str], behandling_id: str, action: str, **body: Any) -> Any:
    """POST an action (propose, approve, return, assessments, ...) on a behandling."""
    return client.post(f"{API}/behandlinger/{behandling_id}/{action}", json=body, headers=headers)


def utc(moment: dt.datetime) -> dt.datetime:
    """A stored time in UTC; SQLite hands back naive datetimes, which trygd stores in UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def rows(service, model, *where) -> list[Any]:
    with service.sessions() as session:
        return list(session.scalars(select(model).where(*where)))


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)


def count(service, model, *where) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def undetermined_aap_case(client, make_person) -> tuple[Any, dict[str, str], dict[str, Any]]:
    """An AAP case where the rules cannot tell whether work capacity is reduced."""
    person = make_person("Berit Lie", municipality="0301")
    me = citizen_headers(person)
    case = apply(client, me, aap_application(reduced_work_capacity=None))
    return person, me, case


def request_information(client, case: dict[str, Any], version: int, deadline: dt.date) -> Any:
    return act(
        client,
        employee_headers(KARI),
        case["behandling_id"],
        "information-requests",
        version=version,
        description="Send us the medical statement about your work capacity",
        facts_requested=["reduced_work_capacity"],
        deadline=deadline.isoformat(),
    )


# -- automatic decisions --------------------------------------------------------------------------


def test_dagpenger_is_granted_automatically_and_the_job_implements_the_vedtak(
    client, make_person, service
):
    me = citizen_headers(make_person("Anna Dahl"))
    case = apply(client, me, dagpenger_application())
    assert (case["state"], case["outcome"], case["automatic"]) == ("decided", "granted", True)

    vedtak = client.get(f"{API}/vedtak/{case['vedtak_id']}", headers=me).json()
    assert vedtak["automatic"] is True
    assert (vedtak["proposed_by"], vedtak["approved_by"]) == (None, None)
    assert vedtak["implemented_at"] is None
    [job, letter] = sorted(rows(service, Job), key=lambda j: j.kind)
    assert (job.kind, job.status, job.payload) == (
        "implement_vedtak",
        "pending",
        {"behandling_id": case["behandling_id"]},
    )
    assert (letter.kind, letter.payload) == (
        "send_letter",
        {"letter": "vedtak", "vedtak_id": case["vedtak_id"]},
    )

    # iverksetting, the vedtak letter, and the reminder of the first meldekort (planned by the
    # iverksetting; the period of the claim date is due on the tests' today)
    assert service.run_due_jobs() == 3
    assert service.run_due_jobs() == 0  # done once, never again
    sak = client.get(f"{API}/cases/{case['sak_id']}", headers=me).json()
    assert sak["behandlinger"][0]["state"] == "implemented"
    assert sak["vedtak"][0]["implemented_at"] is not None
    # Done, but the meldekort jobs of later days (deadlines, the next period's reminder).
    assert {j.status for j in rows(service, Job) if not j.kind.startswith("meldekort_")} == {"done"}


def test_dagpenger_with_too_low_income_is_rejected_automatically(client, make_person):
    me = citizen_headers(make_person("Bjørn Berg"))
    case = apply(client, me, dagpenger_application(income_12m=40000, income_36m=90000))
    assert (case["state"], case["outcome"], case["automatic"]) == ("decided", "rejected", True)
    vedtak = client.get(f"{API}/vedtak/{case['vedtak_id']}?lang=en", headers=me).json()
    assert vedtak["outcome"] == "rejected"
    failing = [c["id"] for c in vedtak["criteria"] if c["status"] == "not_met"]
    assert failing == ["dagpenger.minimum_income"]
    assert "automatically" in vedtak["automatic_notice"]


# -- manual case work -----------------------------------------------------------------------------


def test_caseworker_assesses_the_condition_the_rules_could_not_decide(client, make_person):
    _person, _me, case = undetermined_aap_case(client, make_person)
    assert (case["state"], case["outcome"], case["automatic"]) == (
        "assessing",
        "manual_assessment",
        None,
    )
    kari = employee_headers(KARI)
    before = behandling(client, kari, case["behandling_id"])
    assert before["assessment"]["undetermined"] == ["aap.work_capacity_reduced"]
    [condition] = [
        c for c in before["assessment"]["conditions"] if c["id"] == "aap.work_capacity_reduced"
    ]
    assert condition["missing_facts"] == ["reduced_work_capacity"]

    answer = act(
        client,
        kari,
        case["behandling_id"],
        "assessments",
        version=before["version"],
        condition=condition["id"],
        facts={"reduced_work_capacity": 60},
        reason="Medical statement from the GP shows 60 % reduced capacity",
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["state"], answer.json()["outcome"]) == ("assessing", "granted")
    assert answer.json()["version"] == before["version"] + 1

    after = behandling(client, kari, case["behandling_id"])
    assert after["assessment"]["undetermined"] == []
    assert after["facts"]["reduced_work_capacity"] == 60
    assert after["assigned_to"] == KARI
    [vurdering] = after["vurderinger"]
    assert vurdering["condition"] == "aap.work_capacity_reduced"
    assert vurdering["assessed_by"] == KARI
    assert vurdering["facts"] == {"reduced_work_capacity": 60}


def test_an_assessment_needs_a_known_condition_its_own_facts_and_a_reason(
    client, make_person, service
):
    _person, _me, case = undetermined_aap_case(client, make_person)
    kari = employee_headers(KARI)
    good = {
        "version": case["version"],
        "condition": "aap.work_capacity_reduced",
        "facts": {"reduced_work_capacity": 60},
        "reason": "Medical statement from the GP",
    }
    bad = [
        ({"condition": "aap.no_such_condition"}, "condition"),
        ({"facts": {"membership_years": 3}}, "facts.membership_years"),
        ({"facts": {}}, "facts"),
        ({"reason": "ok"}, "reason"),
    ]
    for change, field in bad:
        answer = act(client, kari, case["behandling_id"], "assessments", **{**good, **change})
        assert answer.status_code == 422, (change, answer.text)
        assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert behandling(client, kari, case["behandling_id"])["vurderinger"] == []
    assert count(service, Event, Event.type == "condition_assessed") == 0


def test_propose_is_refused_while_conditions_are_undetermined(client, make_person, service):
    _person, _me, case = undetermined_aap_case(client, make_person)
    events = count(service, Event)
    answer = act(
        client, employee_headers(KARI), case["behandling_id"], "propose", version=case["version"]
    )
    assert answer.status_code == 409, answer.text
    assert "aap.work_capacity_reduced" in answer.json()["detail"]
    after = behandling(client, employee_headers(KARI), case["behandling_id"])
    assert (after["state"], after["version"], after["proposed_by"]) == (
        "assessing",
        case["version"],
        None,
    )
    assert count(service, Event) == events


def test_the_proposer_may_not_approve_their_own_proposal(client, make_person, service):
    me = citizen_headers(make_person("Cecilie Holm"))
    case = apply(client, me, aap_application())
    mia = both_roles_headers()
    proposed = act(client, mia, case["behandling_id"], "propose", version=case["version"])
    assert proposed.status_code == 200, proposed.text
    version = proposed.json()["version"]

    for action, body in (("approve", {}), ("return", {"reason": "I changed my mind about it"})):
        answer = act(client, mia, case["behandling_id"], action, version=version, **body)
        assert answer.status_code == 403, answer.text
        assert "totrinnskontroll" in answer.json()["detail"]
    assert behandling(client, mia, case["behandling_id"])["state"] == "proposed"
    assert count(service, Vedtak) == 0

    approved = act(client, employee_headers(OLA), case["behandling_id"], "approve", version=version)
    assert approved.status_code == 200, approved.text
    [vedtak] = rows(service, Vedtak)
    assert (vedtak.proposed_by, vedtak.approved_by) == ("Z990199", OLA)


def test_approver_returns_the_proposal_then_approves_the_next_one(client, make_person, service):
    me = citizen_headers(make_person("Dag Moen"))
    case = apply(client, me, aap_application())
    bid = case["behandling_id"]
    kari, ola = employee_headers(KARI), employee_headers(OLA)

    proposed = act(client, kari, bid, "propose", version=case["version"])
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["state"] == "proposed"
    [approve_task] = rows(service, Oppgave, Oppgave.status == "open")
    assert (approve_task.kind, approve_task.reason) == ("approve", "totrinnskontroll")

    too_short = act(client, ola, bid, "return", version=proposed.json()["version"], reason="no")
    assert too_short.status_code == 422
    assert too_short.json()["errors"][0]["field"] == "reason"

    returned = act(
        client,
        ola,
        bid,
        "return",
        version=proposed.json()["version"],
        reason="The income history for 2024 is not documented",
    )
    assert returned.status_code == 200, returned.text
    assert returned.json()["state"] == "assessing"
    [task] = rows(service, Oppgave, Oppgave.status == "open")
    assert (task.kind, task.reason, task.assigned_to) == ("assess", "returned_by_approver", KARI)
    assert behandling(client, kari, bid)["proposed_by"] is None

    again = act(client, kari, bid, "propose", version=returned.json()["version"], reason="Checked")
    approved = act(client, ola, bid, "approve", version=again.json()["version"])
    assert approved.status_code == 200, approved.text
    assert (approved.json()["state"], approved.json()["automatic"]) == ("decided", False)
    vedtak = client.get(f"{API}/vedtak/{approved.json()['vedtak_id']}", headers=me).json()
    assert (vedtak["proposed_by"], vedtak["approved_by"]) == (KARI, OLA)
    assert (vedtak["automatic"], vedtak["automatic_notice"], vedtak["outcome"]) == (
        False,
        None,
        "granted",
    )
    assert count(service, Oppgave, Oppgave.status == "open") == 0


# -- opplysningsplikt -----------------------------------------------------------------------------


def test_citizen_answers_an_information_request(client, make_person, service):
    _person, me, case = undetermined_aap_case(client, make_person)
    deadline = TODAY + dt.timedelta(days=21)
    answer = request_information(client, case, case["version"], deadline)
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "waiting_for_information"
    request_id = answer.json()["information_request_id"]

    [letter] = rows(service, Job, Job.kind == "send_letter")
    assert letter.payload == {"letter": "information_request", "request_id": request_id}
    jobs = {job.kind: job for job in rows(service, Job, Job.kind != "send_letter")}
    assert set(jobs) == {"information_reminder", "information_deadline"}
    assert all(j.payload == {"request_id": request_id} for j in jobs.values())
    assert all(j.status == "pending" for j in jobs.values())
    # Reminder a week before the deadline; the deadline job when the deadline day has ended.
    reminder_day = deadline - dt.timedelta(days=7)
    day_after = deadline + dt.timedelta(days=1)
    assert utc(jobs["information_reminder"].run_at) == midnight(reminder_day)
    assert utc(jobs["information_deadline"].run_at) == midnight(day_after)
    assert count(service, Oppgave, Oppgave.status == "open") == 0  # nothing to do meanwhile

    answered = client.post(
        f"{API}/information-requests/{request_id}/answer",
        json={"answer": "Here is the statement", "facts": {"reduced_work_capacity": 60}},
        headers=me,
    )
    assert answered.status_code == 200, answered.text
    assert (answered.json()["state"], answered.json()["outcome"]) == ("assessing", "granted")
    [request] = rows(service, InformationRequest)
    assert (request.status, request.answered_facts) == ("answered", {"reduced_work_capacity": 60})
    assert {j.status for j in rows(service, Job, Job.kind != "send_letter")} == {"cancelled"}
    [task] = rows(service, Oppgave, Oppgave.status == "open")
    assert (task.kind, task.reason, task.assigned_to) == ("assess", "information_received", KARI)

    again = client.post(
        f"{API}/information-requests/{request_id}/answer", json={"answer": "Twice"}, headers=me
    )
    assert again.status_code == 409


def test_information_deadline_passes_and_the_case_returns_to_the_caseworker(
    client, make_person, service, clock
):
    _person, me, case = undetermined_aap_case(client, make_person)
    first = request_information(client, case, case["version"], TODAY + dt.timedelta(days=10))
    first_id = first.json()["information_request_id"]
    answered = client.post(
        f"{API}/information-requests/{first_id}/answer",
        json={"answer": "The statement is on its way", "facts": {}},
        headers=me,
    )
    assert answered.status_code == 200, answered.text

    deadline = TODAY + dt.timedelta(days=14)
    second = request_information(client, case, answered.json()["version"], deadline)
    assert second.status_code == 200, second.text
    second_id = second.json()["information_request_id"]
    assert service.run_due_jobs() == 2  # the two letters asking for the information

    clock.advance(dt.timedelta(days=8))  # the reminder is due, the deadline is not
    assert service.run_due_jobs() == 1
    reminders = rows(service, Event, Event.type == "information_reminder_sent")
    assert [e.data["information_request_id"] for e in reminders] == [second_id]
    assert behandling(client, employee_headers(KARI), case["behandling_id"])["state"] == (
        "waiting_for_information"
    )

    clock.advance(dt.timedelta(days=7))  # past the deadline day
    assert service.run_due_jobs() == 1  # the first request's cancelled jobs never run
    after = behandling(client, employee_headers(KARI), case["behandling_id"])
    assert after["state"] == "assessing"
    statuses = {r.id: r.status for r in rows(service, InformationRequest)}
    assert statuses == {uuid.UUID(first_id): "answered", uuid.UUID(second_id): "expired"}
    [task] = rows(service, Oppgave, Oppgave.status == "open")
    assert (task.kind, task.reason) == ("assess", "information_deadline_passed")
    assert count(service, Event, Event.type == "deadline_passed") == 1

    late = client.post(
        f"{API}/information-requests/{second_id}/answer", json={"answer": "Too late"}, headers=me
    )
    assert late.status_code == 409
    assert "expired" in late.json()["detail"]


def test_a_failing_job_is_retried_later_and_does_not_block_other_jobs(
    client, make_person, service, clock
):
    broken = uuid.uuid4()
    with service.sessions.begin() as session:
        session.add(
            Job(
                id=broken,
                kind="information_deadline",
                run_at=NOW - dt.timedelta(minutes=1),
                payload={"not": "what the handler expects"},
                status="pending",
                attempts=0,
                created_at=NOW,
            )
        )
    case = apply(client, citizen_headers(make_person("Eli Aas")), dagpenger_application())

    # the broken job, iverksetting, the vedtak letter, the first meldekort reminder
    assert service.run_due_jobs() == 4
    [job] = rows(service, Job, Job.id == broken)
    assert (job.status, job.attempts) == ("pending", 1)
    assert "KeyError" in job.last_error
    assert utc(job.run_at) > NOW  # postponed, not lost
    [done] = rows(service, Job, Job.kind == "implement_vedtak")
    assert done.status == "done"
    assert rows(service, Behandling)[0].state == "implemented"
    assert case["behandling_id"] == str(done.payload["behandling_id"])

    assert service.run_due_jobs() == 0  # not due again yet
    for attempt in range(2, 6):
        clock.advance(dt.timedelta(hours=1))
        assert service.run_due_jobs() == 1
        [job] = rows(service, Job, Job.id == broken)
        assert job.attempts == attempt
    assert job.status == "failed"  # given up after the last attempt, kept for a person to see
    clock.advance(dt.timedelta(days=1))
    # Only the first meldekort's deadline (its card was not sent) runs; the failed job not.
    assert service.run_due_jobs() == 1
    assert [
        j.kind
        for j in rows(service, Job)
        if j.finished_at and utc(j.finished_at) > NOW + dt.timedelta(hours=5)
    ] == ["meldekort_deadline"]
    [job] = rows(service, Job, Job.id == broken)
    assert (job.status, job.attempts) == ("failed", 5)


# -- endringsmelding ------------------------------------------------------------------------------


def test_reported_change_gives_a_revurdering_with_a_new_vedtak(client, make_person, service, clock):
    me = citizen_headers(make_person("Frida Nilsen"))
    case = apply(client, me, dagpenger_application(children=2))
    clock.advance(dt.timedelta(days=3))

    answer = client.post(
        f"{API}/cases/{case['sak_id']}/changes",
        json={"effective_date": "2026-11-26", "facts": {"children": 3}},
        headers=me,
    )
    assert answer.status_code == 201, answer.text
    revurdering = answer.json()
    assert revurdering["sak_id"] == case["sak_id"]
    assert revurdering["behandling_id"] != case["behandling_id"]
    assert (revurdering["kind"], revurdering["state"], revurdering["automatic"]) == (
        "revurdering",
        "decided",
        True,
    )
    assert revurdering["vedtak_id"] not in (None, case["vedtak_id"])

    new = client.get(f"{API}/vedtak/{revurdering['vedtak_id']}", headers=me).json()
    assert new["replaces_vedtak_id"] == case["vedtak_id"]
    assert new["behandling_id"] == revurdering["behandling_id"]
    assert new["effective_from"] == "2026-11-26"
    facts = {str(v.id): v.facts["children"] for v in rows(service, Vedtak)}
    assert facts == {case["vedtak_id"]: 2, revurdering["vedtak_id"]: 3}
    sak = client.get(f"{API}/cases/{case['sak_id']}", headers=me).json()
    assert [b["kind"] for b in sak["behandlinger"]] == ["forstegangsbehandling", "revurdering"]
    assert sak["behandlinger"][1]["revises_vedtak_id"] == case["vedtak_id"]
    [report] = rows(service, Endringsmelding)
    assert report.facts == {"children": 3}


def test_a_change_in_a_later_month_keeps_the_dagpenger_basis_of_the_claim(
    client, make_person, service, clock
):
    """A change from February 2027 moves the earning period a revurdering on that date would
    count (to February 2024 – January 2027), so the income months of the claim would lie
    outside it; the revurdering keeps the claim's earning period and indexing
    (`basis_claim_date`), and so its basis."""
    me = citizen_headers(make_person("Geir Moen"))
    case = apply(client, me, dagpenger_application(children=2))
    clock.advance(dt.timedelta(days=60))
    answer = client.post(
        f"{API}/cases/{case['sak_id']}/changes",
        json={"effective_date": "2027-02-15", "facts": {"children": 3}},
        headers=me,
    )
    assert answer.status_code == 201, answer.text
    revurdering = answer.json()
    assert (revurdering["state"], revurdering["automatic"]) == ("decided", True)
    by_id = {str(v.id): v for v in rows(service, Vedtak)}
    new = by_id[revurdering["vedtak_id"]]
    assert new.facts["basis_claim_date"] == case_claim_date(by_id[case["vedtak_id"]])
    amounts = {
        key: client.get(f"{API}/vedtak/{v}?lang=en", headers=me).json()["amounts"]
        for key, v in (("claim", case["vedtak_id"]), ("change", revurdering["vedtak_id"]))
    }
    assert amounts["change"]["basis"] == amounts["claim"]["basis"] == 260000
    # A second change builds on the first and keeps the same claim date.
    clock.advance(dt.timedelta(days=60))
    again = client.post(
        f"{API}/cases/{case['sak_id']}/changes",
        json={"effective_date": "2027-04-20", "facts": {"children": 1}},
        headers=me,
    )
    assert again.status_code == 201, again.text
    latest = {str(v.id): v for v in rows(service, Vedtak)}[again.json()["vedtak_id"]]
    assert latest.facts["basis_claim_date"] == new.facts["basis_claim_date"]


def case_claim_date(vedtak: Vedtak) -> str:
    return vedtak.effective_from.isoformat()


def test_a_revurdering_decided_in_the_same_instant_names_its_own_vedtak(client, make_person):
    """Both vedtak have the same decided_at (the clock stands still): the answer must still
    name the revurdering's own vedtak, not whichever of the two sorts first."""
    me = citizen_headers(make_person("Nina Rud"))
    case = apply(client, me, dagpenger_application(children=2))
    answer = client.post(
        f"{API}/cases/{case['sak_id']}/changes",
        json={"effective_date": TODAY.isoformat(), "facts": {"children": 3}},
        headers=me,
    )
    assert answer.status_code == 201, answer.text
    vedtak = client.get(f"{API}/vedtak/{answer.json()['vedtak_id']}", headers=me).json()
    assert vedtak["behandling_id"] == answer.json()["behandling_id"]


def test_change_before_any_vedtak_is_refused(client, make_person, service):
    me = citizen_headers(make_person("Geir Lund"))
    case = apply(client, me, aap_application())
    answer = client.post(
        f"{API}/cases/{case['sak_id']}/changes",
        json={"effective_date": TODAY.isoformat(), "facts": {"children": 3}},
        headers=me,
    )
    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert count(service, Behandling) == 1
    assert count(service, Endringsmelding) == 0


# -- idempotency and conflicts --------------------------------------------------------------------


def test_same_idempotency_key_and_body_gives_the_first_answer(client, make_person, service):
    me = citizen_headers(make_person("Hilde Sand"))
    key = {"Idempotency-Key": "soknad-2026-11-23-001"}
    first = apply(client, me, dagpenger_application(), **key)
    retry = apply(client, me, dagpenger_application(), **key)
    assert retry == first
    assert (count(service, Sak), count(service, Behandling), count(service, Vedtak)) == (1, 1, 1)

    other = client.post(
        f"{API}/applications", json=dagpenger_application(children=4), headers={**me, **key}
    )
    assert other.status_code == 422, other.text
    assert [e["field"] for e in other.json()["errors"]] == ["Idempotency-Key"]
    assert (count(service, Sak), count(service, Behandling)) == (1, 1)

    # Keys belong to the caller: another person's request with the same key is their own.
    someone_else = citizen_headers(make_person("Ivar Sand"))
    theirs = apply(client, someone_else, dagpenger_application(), **key)
    assert theirs["sak_id"] != first["sak_id"]
    assert count(service, Sak) == 2


def test_a_retried_change_report_opens_one_revurdering(client, make_person, service, clock):
    me = citizen_headers(make_person("Jorunn Vik"))
    case = apply(client, me, dagpenger_application())
    clock.advance(dt.timedelta(days=1))
    url = f"{API}/cases/{case['sak_id']}/changes"
    body = {"effective_date": "2026-11-24", "facts": {"children": 1}}
    key = {"Idempotency-Key": "change-1"}
    first = client.post(url, json=body, headers={**me, **key})
    retry = client.post(url, json=body, headers={**me, **key})
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert count(service, Endringsmelding) == 1
    assert count(service, Behandling) == 2


def test_second_application_while_one_is_open_is_refused(client, make_person, service):
    me = citizen_headers(make_person("Kjell Ek"))
    apply(client, me, aap_application())
    second = client.post(f"{API}/applications", json=aap_application(children=2), headers=me)
    assert second.status_code == 409, second.text
    assert (count(service, Sak), count(service, Behandling)) == (1, 1)


def test_change_based_on_an_old_version_is_refused_and_changes_nothing(
    client, make_person, service
):
    _person, _me, case = undetermined_aap_case(client, make_person)
    kari = employee_headers(KARI)
    read = behandling(client, kari, case["behandling_id"])
    # Someone else assesses the condition meanwhile; our read is now out of date.
    assessed = act(
        client,
        both_roles_headers(),
        case["behandling_id"],
        "assessments",
        version=read["version"],
        condition="aap.work_capacity_reduced",
        facts={"reduced_work_capacity": 70},
        reason="Statement from the specialist, 70 %",
    )
    assert assessed.status_code == 200, assessed.text
    events = count(service, Event)

    stale = act(client, kari, case["behandling_id"], "propose", version=read["version"])
    assert stale.status_code == 409, stale.text
    assert f"version {read['version']}" in stale.json()["detail"]
    after = behandling(client, kari, case["behandling_id"])
    assert (after["state"], after["version"], after["proposed_by"]) == (
        "assessing",
        assessed.json()["version"],
        None,
    )
    assert count(service, Event) == events
    assert count(service, Oppgave, Oppgave.kind == "approve") == 0


# -- history and access log -----------------------------------------------------------------------


def test_case_events_list_every_transition_in_order(client, make_person, service):
    me = citizen_headers(make_person("Lars Ås"))
    case = apply(client, me, aap_application())
    bid = case["behandling_id"]
    proposed = act(client, employee_headers(KARI), bid, "propose", version=case["version"])
    act(client, employee_headers(OLA), bid, "approve", version=proposed.json()["version"])
    service.run_due_jobs()

    answer = client.get(f"{API}/cases/{case['sak_id']}/events", headers=me)
    assert answer.status_code == 200, answer.text
    every_event = answer.json()["items"]
    # The first meldekort's reminder (planned by the iverksetting) is a job of its own.
    events = [e for e in every_event if not e["type"].startswith("meldekort_")]
    assert len(every_event) == len(events) + 1
    assert [e["type"] for e in events][:-2] == [
        "soknad_received",
        "start",
        "assessed",
        "task_opened",
        "propose",
        "task_opened",
        "approve",
        "decide",
        "vedtak_made",
    ]
    # Iverksetting and the letter are jobs due at the same moment: either may come first.
    assert sorted(e["type"] for e in events[-2:]) == ["implement", "letter_sent"]
    transitions = [(e["data"]["from"], e["data"]["to"]) for e in events if "to" in e["data"]]
    assert transitions == [
        ("received", "assessing"),
        ("assessing", "proposed"),
        ("proposed", "approved"),
        ("approved", "decided"),
        ("decided", "implemented"),
    ]
    actors = {e["type"]: (e["actor_id"], e["actor_role"]) for e in events}
    assert actors["propose"] == (KARI, "caseworker")
    assert actors["approve"] == (OLA, "approver")
    assert actors["implement"] == ("system:worker", "system")

    page = client.get(f"{API}/cases/{case['sak_id']}/events?limit=3&offset=3", headers=me).json()
    assert (page["total"], page["limit"], page["offset"]) == (12, 3, 3)
    assert [e["id"] for e in page["items"]] == [e["id"] for e in events[3:6]]


def test_citizen_sees_which_employee_read_their_case(client, make_person):
    me = citizen_headers(make_person("Mona Strand"))
    case = apply(client, me, aap_application())
    before = client.get(f"{API}/me/access-log", headers=me).json()
    assert before["items"] == []  # the citizen's own requests are not listed

    assert client.get(f"{API}/cases/{case['sak_id']}", headers=employee_headers(KARI)).is_success
    denied = client.get(f"{API}/cases/{case['sak_id']}", headers=employee_headers(NILS))
    assert denied.status_code == 403  # another unit: refused, and not shown as a look

    assert client.get(f"{API}/cases/{case['sak_id']}", headers=employee_headers(KARI)).is_success
    log = client.get(f"{API}/me/access-log", headers=me).json()
    # Kari's two looks minutes apart are one visit, named by what she did and the case's benefit.
    assert [
        (i["name"], i["unit_name"], i["role"], i["activity"], i["benefits"], i["records"])
        for i in log["items"]
    ] == [("Kari Saksbehandler", "Nav Frogner", "caseworker", "read_case", ["aap"], 2)]
    assert log["items"][0]["purpose"] is None


def test_the_queue_shows_a_protected_persons_task_only_to_the_cleared(client, make_person):
    """A fortrolig person's case stays in the ordinary unit, but its task is in the queue only
    of the unit's staff with the fortrolig clearance: a row without a name would tell the
    others that the person is protected (`access.hidden_persons`)."""
    ordinary = apply(client, citizen_headers(make_person("Åse Vanlig")), aap_application())
    hidden = make_person("Berit Fortrolig", protection="fortrolig")
    protected = apply(client, citizen_headers(hidden), aap_application())
    queue = client.get(f"{API}/tasks?limit=200", headers=employee_headers(KARI)).json()
    names = {item["behandling_id"]: item["person_name"] for item in queue["items"]}
    assert names[ordinary["behandling_id"]] == "Åse Vanlig"
    assert protected["behandling_id"] not in names
    assert "Berit Fortrolig" not in str(queue)
    assert queue["total"] == len(queue["items"])  # the counts leave it out too
    cleared = {
        "sub": "Z990198",
        "name": "Frida Fortrolig",
        "roles": ["caseworker"],
        "unit": "0312",
        "clearances": ["fortrolig"],
    }
    theirs = client.get(
        f"{API}/tasks?limit=200", headers={"Authorization": f"Bearer {TOKENS.issue(cleared)}"}
    ).json()
    assert {i["behandling_id"]: i["person_name"] for i in theirs["items"]}[
        protected["behandling_id"]
    ] == "Berit Fortrolig"
    row = next(i for i in queue["items"] if i["behandling_id"] == ordinary["behandling_id"])
    assert row["reference"] == ordinary["sak_id"].split("-")[0].upper()
    assert row["deadline_kind"] == "answer" and row["age_days"] == 0
