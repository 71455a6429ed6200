"""Tilbakekreving end to end on SQLite and PostgreSQL: a revurdering with an earlier date
makes a feilutbetaling, which opens one case with a forhåndsvarsel; the person answers, a
caseworker assesses and proposes, another approves; the next payment run sets part of a
payment off against the claim; every step is a ledger posting and the ledger sums to zero.
On PostgreSQL, parallel requests to open the case make one."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from support import NOW, citizen_headers, employee_headers

from trygd.demo import tilbakekreving as demo
from trygd.demo.payments import _citizen, _employee, monthly_benefit_paid, payment_days
from trygd.demo.seed import _uforetrygd
from trygd.domain import deadlines
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService
from trygd.store.models import (
    Job,
    LedgerPosting,
    Letter,
    Oppgave,
    PaymentDetails,
    Person,
    Tilbakekreving,
    TilbakekrevingSetoff,
)

TODAY = NOW.date()


def _with_account(service: CaseService, person: Person) -> None:
    with service.sessions.begin() as session:
        session.add(
            PaymentDetails(
                person_id=person.id,
                account_number="15030000002",
                account_source="test",
                tax_card={"kind": "percentage", "percentage": "30"},
                tax_card_year=TODAY.year,
                updated_at=NOW - dt.timedelta(days=400),
            )
        )


def _cases(service: CaseService) -> list[Tilbakekreving]:
    with service.sessions() as session:
        return list(session.scalars(select(Tilbakekreving)))


def _ledger_total(service: CaseService) -> int:
    with service.sessions() as session:
        return int(session.scalar(select(func.sum(LedgerPosting.amount_ore))) or 0)


def test_a_revurdering_from_an_earlier_date_opens_one_case_with_a_varsel(
    service, make_person, client
):
    person = make_person("Pål Rud", dt.date(1966, 5, 5))
    _with_account(service, person)
    demo.varsel_sent(service, person, TODAY, _uforetrygd(60))
    [case] = _cases(service)
    assert case.state == "varsel_sent"
    months = len(payment_days(TODAY))
    assert len({p["start"] for p in case.periods}) == months  # every month paid before
    assert case.feilutbetalt_ore == sum(p["paid_ore"] - p["correct_ore"] for p in case.periods)
    sent = case.varsel_sent_at.date()
    assert case.comment_deadline == deadlines.advance_notice_deadline(sent).last_day
    with service.sessions() as session:
        kinds = set(session.scalars(select(Letter.kind).where(Letter.sak_id == case.sak_id)))
        waiting = session.scalars(
            select(Job).where(Job.kind == "tilbakekreving_comment_deadline")
        ).one()
    assert "tilbakekreving_varsel" in kinds
    assert waiting.status == "pending"
    # The person sees it; opening it again (a caseworker, or the job run twice) finds it.
    own = client.get("/api/v1/tilbakekrevinger", headers=citizen_headers(person)).json()
    assert [c["id"] for c in own["items"]] == [str(case.id)]
    again = client.post(
        f"/api/v1/vedtak/{case.vedtak_id}/tilbakekreving", headers=employee_headers("Z990201")
    )
    assert again.status_code == 200
    assert again.json()["id"] == str(case.id)
    assert len(_cases(service)) == 1
    # fvl. § 16: no proposal before the answer or the deadline
    refused = client.post(
        f"/api/v1/tilbakekrevinger/{case.id}/assessment",
        headers=employee_headers("Z990201"),
        json={"version": case.version, "grounds": "god_tro", "reason": "For tidlig vurdert."},
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_the_deadline_passing_hands_the_case_to_the_queue(service, make_person, clock):
    person = make_person("Pål Rud", dt.date(1966, 5, 5))
    _with_account(service, person)
    demo.varsel_sent(service, person, TODAY, _uforetrygd(60))
    [case] = _cases(service)
    clock.now = dt.datetime.combine(
        case.comment_deadline + dt.timedelta(days=1), dt.time(8), dt.UTC
    )
    service.run_due_jobs()
    [case] = _cases(service)
    assert case.state == "assessing"
    with service.sessions() as session:
        task = session.scalars(select(Oppgave).where(Oppgave.reason == "tilbakekreving")).one()
    assert task.status == "open" and task.kind == "assess"
    queue = service.queue(_employee("Z990201"), None, None, 50, 0)
    assert any(item.get("tilbakekreving_id") == str(case.id) for item in queue["items"])


def test_the_whole_flow_ends_in_a_set_off_in_the_next_payment_run(service, make_person):
    person = make_person("Siri Dale", dt.date(1966, 5, 5))
    _with_account(service, person)
    demo.decided_and_set_off(service, person, TODAY, _uforetrygd(60))
    [case] = _cases(service)
    assert case.state == "decided"
    assert case.claim_ore == case.recovered_ore == case.feilutbetalt_ore  # full, no interest
    assert case.rentetillegg_ore == 0
    assert case.approved_by == demo.APPROVER and case.proposed_by == demo.CASEWORKER
    assert case.klage_deadline == deadlines.klage_deadline(case.decided_at.date()).last_day
    with service.sessions() as session:
        setoffs = list(session.scalars(select(TilbakekrevingSetoff)))
        kinds = set(session.scalars(select(Letter.kind).where(Letter.sak_id == case.sak_id)))
        receivable = session.scalar(
            select(func.sum(LedgerPosting.amount_ore)).where(
                LedgerPosting.person_id == person.id, LedgerPosting.account == "receivable"
            )
        )
    assert len(setoffs) == 2  # the uføretrygd and the barnetillegg of the last payment day
    kept = sum(s.amount_ore for s in setoffs)
    assert 0 < kept < case.claim_ore
    assert {"tilbakekreving_varsel", "tilbakekreving_vedtak"} <= kinds
    assert receivable == case.claim_ore - kept
    assert _ledger_total(service) == 0
    view = service.get_tilbakekreving(_citizen(person), str(case.id))
    assert view["balance"]["outstanding_ore"] == case.claim_ore - kept
    assert "answers" not in view  # the caseworker's notes are not the person's page


def _revurdering_approved_not_implemented(
    service: CaseService, person: Person, clock: FixedClock
) -> tuple[str, CaseService]:
    """A paid uføretrygd and an approved revurdering from its first month whose iverksetting
    has not run: the payment run has planned the negative lines only."""
    past = monthly_benefit_paid(
        service,
        person,
        TODAY,
        "uforetrygd",
        _uforetrygd(60),
        caseworker=demo.CASEWORKER,
        approver=demo.APPROVER,
        reason="Nedsatt inntektsevne.",
        reject_last=False,
    )
    sak_id = past.list_own_cases(_citizen(person), 10, 0)["items"][0]["id"]
    first = demo._first_month(past, person, sak_id)
    _status, change = past.report_change(
        _citizen(person),
        sak_id,
        {"effective_date": first.isoformat(), "facts": {"expected_income": 320000}},
    )
    bid = change["behandling_id"]
    for user, action in ((demo.CASEWORKER, "propose"), (demo.APPROVER, "approve")):
        version = past.get_behandling(_employee(user), bid).version
        past.behandling_action(
            _employee(user),
            action,
            bid,
            {"version": version, "reason": "Ny inntekt."}
            if action == "propose"
            else {"version": version},
        )
    return sak_id, past


def test_only_the_second_person_may_approve_and_a_claim_needs_a_method(
    service, make_person, client
):
    person = make_person("Siri Dale", dt.date(1966, 5, 5))
    _with_account(service, person)
    demo.varsel_sent(service, person, TODAY, _uforetrygd(60))
    [case] = _cases(service)
    cid = str(case.id)
    answered = client.post(
        f"/api/v1/tilbakekrevinger/{cid}/answer",
        headers=citizen_headers(person),
        json={"comment": "Jeg visste ikke at beløpet var for høyt."},
    )
    assert answered.status_code == 200 and answered.json()["state"] == "assessing"
    worker = employee_headers("Z990201")
    bad = client.post(
        f"/api/v1/tilbakekrevinger/{cid}/assessment",
        headers=worker,
        json={
            "version": answered.json()["version"],
            "grounds": "god_tro",
            "culpability": "uaktsomhet",
            "reason": "Burde forstått det.",
        },
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "culpability"
    assessed = client.post(
        f"/api/v1/tilbakekrevinger/{cid}/assessment",
        headers=worker,
        json={
            "version": answered.json()["version"],
            "grounds": "feilaktige_opplysninger",
            "culpability": "grov_uaktsomhet",
            "reduction_percent": 0,
            "reason": "Meldte ikke fra om ny jobb i tre måneder.",
        },
    ).json()
    assert assessed["result"]["rentetillegg_ore"] > 0
    no_method = client.post(
        f"/api/v1/tilbakekrevinger/{cid}/propose",
        headers=worker,
        json={"version": assessed["version"]},
    )
    assert no_method.status_code == 422
    proposed = client.post(
        f"/api/v1/tilbakekrevinger/{cid}/propose",
        headers=worker,
        json={"version": assessed["version"], "recovery_method": "handed_on"},
    ).json()
    own = client.post(
        f"/api/v1/tilbakekrevinger/{cid}/approve",
        headers=worker,
        json={"version": proposed["version"]},
    )
    assert own.status_code == 403
    approved = client.post(
        f"/api/v1/tilbakekrevinger/{cid}/approve",
        headers=employee_headers("Z990202"),
        json={"version": proposed["version"]},
    )
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["state"] == "handed_on"
    assert body["balance"]["outstanding_ore"] == 0
    assert body["balance"]["handed_on_ore"] == body["result"]["claim_ore"]
    with service.sessions() as session:
        accounts = dict(
            session.execute(
                select(LedgerPosting.account, func.sum(LedgerPosting.amount_ore))
                .where(LedgerPosting.person_id == person.id)
                .group_by(LedgerPosting.account)
            ).all()
        )
    assert accounts["interest"] == -body["result"]["rentetillegg_ore"]
    assert accounts["collection"] == body["result"]["claim_ore"]
    assert _ledger_total(service) == 0


def test_parallel_requests_open_one_case(service, make_person, client, clock, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; the race is PostgreSQL's")
    person = make_person("Pål Rud", dt.date(1966, 5, 5))
    _with_account(service, person)
    _sak_id, past = _revurdering_approved_not_implemented(service, person, clock)
    with service.sessions() as session:
        from trygd.store.models import Vedtak

        vedtak = session.scalars(select(Vedtak).where(Vedtak.replaces_vedtak_id.is_not(None))).one()
    past.payment_run(TODAY)  # plans the negative lines (the iverksetting job waits)
    answers: list[int] = []
    start = threading.Barrier(8)

    def post() -> None:
        start.wait()
        response = client.post(
            f"/api/v1/vedtak/{vedtak.id}/tilbakekreving", headers=employee_headers("Z990201")
        )
        answers.append(response.status_code)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] * 7 + [201]
    assert len(_cases(service)) == 1
