"""The appeal chain end to end through the API, on SQLite and PostgreSQL, with its letters.

Each path starts from a dagpenger søknad that the rules reject automatically (too little
income), decided on 2026-11-23 (the tests' fixed clock); its vedtak letter reaches the person
that day, so the klage deadline is 6 weeks later, Monday 2027-01-04. The first instance is
Nav Arbeid og ytelser (4450: Nils, caseworker; Eva, approver); the klage goes on to NAV
Klageinstans Oslo (4291: Lise).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import uuid
from typing import Any

import pypdf
from sqlalchemy import select
from support import (
    TOKENS,
    citizen_headers,
    dagpenger_application,
    employee_headers,
    monthly_income,
)

from trygd.store.models import Event, Klage, Letter

API = "/api/v1"
NILS = employee_headers("Z990301")  # caseworker, 4450
EVA = employee_headers("Z990302")  # approver, 4450
LISE = employee_headers("Z990601")  # NAV Klageinstans Oslo, 4291
KARI = employee_headers("Z990101")  # caseworker at another unit (0312)
KLAGE_DEADLINE = "2027-01-04"  # 2026-11-23 + 6 weeks, a Monday


def _token(claims: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS.issue(claims)}"}


def rejected_dagpenger(client, make_person, service) -> tuple[dict[str, str], dict[str, Any]]:
    person = make_person("Klara Klagesen")
    me = citizen_headers(person)
    answer = client.post(
        f"{API}/applications",
        json=dagpenger_application(income_12m=100000, income_36m=200000),
        headers=me,
    )
    assert answer.status_code == 201, answer.text
    case = answer.json()
    assert (case["outcome"], case["automatic"]) == ("rejected", True)
    service.run_due_jobs()  # iverksetting and the vedtak letter
    return me, case


def submit(client, me, case, **extra: Any) -> dict[str, Any]:
    body = {"vedtak_id": case["vedtak_id"], "text": "Jeg mener inntekten min er regnet feil."}
    body.update(extra)
    answer = client.post(f"{API}/klager", json=body, headers=me)
    assert answer.status_code == 201, answer.text
    return answer.json()


def post(client, headers, klage: dict[str, Any], action: str, **body: Any) -> Any:
    return client.post(f"{API}/klager/{klage['id']}/{action}", json=body, headers=headers)


def ok(answer: Any) -> dict[str, Any]:
    assert answer.status_code in (200, 201, 202), answer.text
    return answer.json()


def letters(client, headers, sak_id: str) -> list[dict[str, Any]]:
    return ok(client.get(f"{API}/cases/{sak_id}/letters", headers=headers))["items"]


def of_kind(items: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """The one letter of `kind` (letters sent at the same moment have no order)."""
    [found] = [x for x in items if x["kind"] == kind]
    return found


def pdf_text(client, headers, letter_id: str) -> str:
    answer = client.get(f"{API}/letters/{letter_id}/pdf", headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(answer.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def forwarded(client, me, case, service) -> dict[str, Any]:
    klage = submit(client, me, case)
    klage = ok(
        post(
            client,
            NILS,
            klage,
            "forward",
            version=klage["version"],
            statement="Vi har vurdert klagen og mener vedtaket er riktig.",
        )
    )
    service.run_due_jobs()
    return klage


def decide_at_klageinstans(client, klage, clock, outcome: str) -> dict[str, Any]:
    clock.advance(dt.timedelta(weeks=4))  # past the deadline for comments
    return ok(
        post(
            client,
            LISE,
            klage,
            "klageinstans-decision",
            version=klage["version"],
            outcome=outcome,
            reasons="Klageinstans har vurdert saken og begrunner utfallet her.",
        )
    )


# -- the vedtak letter -------------------------------------------------------------------------


def test_the_vedtak_letter_is_stored_and_fetched_byte_identical(client, make_person, service):
    me, case = rejected_dagpenger(client, make_person, service)
    [letter] = letters(client, me, case["sak_id"])
    assert (letter["kind"], letter["language"], letter["vedtak_id"]) == (
        "vedtak",
        "nb",
        case["vedtak_id"],
    )
    assert letter["deadlines"] == {"klage": KLAGE_DEADLINE}
    first = client.get(f"{API}/letters/{letter['id']}/pdf", headers=me)
    second = client.get(f"{API}/letters/{letter['id']}/pdf", headers=me)
    assert first.content == second.content
    assert hashlib.sha256(first.content).hexdigest() == letter["content_hash"]
    assert first.headers["etag"] == f'"{letter["content_hash"]}"'
    text = pdf_text(client, me, letter["id"])
    assert "4. januar 2027" in text  # the klage deadline as a date
    assert "ftrl. § 21-12" in text
    html = client.get(f"{API}/letters/{letter['id']}/html", headers=me)
    assert html.status_code == 200 and 'lang="nb"' in html.text
    # Another citizen and a caseworker of another unit cannot read it.
    stranger = citizen_headers(make_person("Per Fremmed"))
    assert client.get(f"{API}/letters/{letter['id']}/pdf", headers=stranger).status_code == 403
    assert client.get(f"{API}/letters/{letter['id']}", headers=KARI).status_code == 403
    # A stored letter cannot be changed: the database refuses it.
    with service.sessions() as session:
        row = session.get(Letter, uuid.UUID(letter["id"]))
        row.pdf = b"tampered"
        try:
            session.commit()
        except Exception:
            session.rollback()
        else:  # pragma: no cover - the trigger must refuse
            raise AssertionError("a stored letter was changed")


# -- omgjøring in the first instance -------------------------------------------------------------


def test_omgjoring_the_unit_changes_its_own_decision(client, make_person, service):
    me, case = rejected_dagpenger(client, make_person, service)
    klage = submit(client, me, case)
    assert (klage["state"], klage["late"], klage["deadline"]) == (
        "first_instance_review",
        False,
        KLAGE_DEADLINE,
    )
    # The citizen cannot review their own klage; a caseworker of another unit cannot either.
    assert post(client, me, klage, "forward", version=1, statement="x" * 20).status_code == 403
    assert post(client, KARI, klage, "forward", version=1, statement="x" * 20).status_code == 403

    changed = ok(
        post(
            client,
            NILS,
            klage,
            "change-decision",
            version=klage["version"],
            reason="Lønnsslippene viser høyere inntekt enn vi la til grunn.",
            facts={
                "monthly_income": monthly_income(300000, 400000),
                "income_12m": 300000,
                "income_36m": 700000,
            },
        )
    )
    assert (changed["state"], changed["closed_reason"]) == ("closed", "omgjort")
    new_id = changed["result_behandling_id"]
    new = ok(client.get(f"{API}/behandlinger/{new_id}", headers=NILS))
    assert (new["kind"], new["state"], new["outcome"]) == ("omgjoring", "assessing", "granted")
    assert new["revises_vedtak_id"] == case["vedtak_id"]
    # A decision after a klage is always made by people: proposed, then approved.
    ok(
        client.post(
            f"{API}/behandlinger/{new_id}/propose", json={"version": new["version"]}, headers=NILS
        )
    )
    proposed = ok(client.get(f"{API}/behandlinger/{new_id}", headers=EVA))
    preview = ok(client.get(f"{API}/behandlinger/{new_id}/vedtak-letter-preview", headers=EVA))
    assert 'lang="nb"' in preview["html"] and preview["content"]["kind"] == "vedtak"
    ok(
        client.post(
            f"{API}/behandlinger/{new_id}/approve",
            json={"version": proposed["version"]},
            headers=EVA,
        )
    )
    service.run_due_jobs()
    sak = ok(client.get(f"{API}/cases/{case['sak_id']}", headers=me))
    newest = sak["vedtak"][-1]
    assert (newest["outcome"], newest["automatic"], newest["replaces_vedtak_id"]) == (
        "granted",
        False,
        case["vedtak_id"],
    )
    kinds = [letter["kind"] for letter in letters(client, me, case["sak_id"])]
    assert sorted(kinds) == ["klage_received", "vedtak", "vedtak"]  # sent at the same moment


# -- to NAV Klageinstans ------------------------------------------------------------------------


def test_upheld_at_klageinstans_then_the_anke_deadline_passes(client, make_person, service, clock):
    me, case = rejected_dagpenger(client, make_person, service)
    klage = forwarded(client, me, case, service)
    assert (klage["state"], klage["klageinstans_unit"]) == ("at_klageinstans", "4291")
    assert klage["next_step"]["step"] == "klageinstans_review"
    comment_deadline = klage["comment_deadline"]
    assert klage["next_step"]["due"] == comment_deadline

    # The person got the statement with a deadline to comment, and may comment.
    sent = letters(client, me, case["sak_id"])
    assert sorted(x["kind"] for x in sent) == ["klage_forwarded", "klage_received", "vedtak"]
    forwarded_letter = of_kind(sent, "klage_forwarded")
    assert forwarded_letter["deadlines"]["comment"] == comment_deadline
    text = pdf_text(client, me, forwarded_letter["id"])
    assert "Vi har vurdert klagen og mener vedtaket er riktig." in text

    # Klageinstans waits for the comment deadline unless the person has commented.
    early = post(
        client,
        LISE,
        klage,
        "klageinstans-decision",
        version=klage["version"],
        outcome="stadfestet",
        reasons="For tidlig å avgjøre saken.",
    )
    assert early.status_code == 409
    klage = ok(post(client, me, klage, "comments", text="Jeg står ved klagen min."))
    # Kari (another unit, first instance) cannot decide for Klageinstans.
    assert (
        post(
            client,
            KARI,
            klage,
            "klageinstans-decision",
            version=klage["version"],
            outcome="stadfestet",
            reasons="Ikke min sak å avgjøre.",
        ).status_code
        == 403
    )
    decided = ok(
        post(
            client,
            LISE,
            klage,
            "klageinstans-decision",
            version=klage["version"],
            outcome="stadfestet",
            reasons="Inntekten er for lav etter folketrygdloven § 4-4.",
        )
    )
    assert (decided["state"], decided["outcome"]) == ("klageinstans_decided", "stadfestet")
    assert decided["next_step"] == {"step": "anke_possible", "due": decided["anke_deadline"]}
    service.run_due_jobs()
    decision_letter = of_kind(letters(client, me, case["sak_id"]), "klageinstans_decision")
    assert decision_letter["deadlines"]["anke"] == decided["anke_deadline"]
    assert "Trygderetten" in pdf_text(client, me, decision_letter["id"])

    clock.advance(dt.timedelta(weeks=7))
    service.run_due_jobs()
    final = ok(client.get(f"{API}/klager/{klage['id']}", headers=me))
    assert (final["state"], final["closed_reason"]) == ("closed", "final")


def test_sent_back_by_klageinstans_opens_a_new_behandling(client, make_person, service, clock):
    me, case = rejected_dagpenger(client, make_person, service)
    klage = forwarded(client, me, case, service)
    decided = decide_at_klageinstans(client, klage, clock, "opphevet")
    assert (decided["state"], decided["closed_reason"], decided["anke_deadline"]) == (
        "closed",
        "opphevet",
        None,
    )
    new = ok(client.get(f"{API}/behandlinger/{decided['result_behandling_id']}", headers=NILS))
    assert (new["kind"], new["state"]) == ("etter_klageinstans", "assessing")
    queue = ok(client.get(f"{API}/tasks", headers=NILS))["items"]
    assert any(t["behandling_id"] == new["id"] for t in queue)


def test_a_klageinstans_employee_who_handled_the_case_may_not_decide(
    client, make_person, service, clock
):
    me, case = rejected_dagpenger(client, make_person, service)
    klage = forwarded(client, me, case, service)  # forwarded by Nils
    nils_now_at_klageinstans = _token(
        {"sub": "Z990301", "name": "Nils Saksbehandler", "roles": ["appeals"], "unit": "4291"}
    )
    clock.advance(dt.timedelta(weeks=4))
    answer = post(
        client,
        nils_now_at_klageinstans,
        klage,
        "klageinstans-decision",
        version=klage["version"],
        outcome="stadfestet",
        reasons="Jeg behandlet saken selv før.",
    )
    assert answer.status_code == 403
    assert "first instance" in answer.json()["detail"]
    # Klageinstans sees the case once the klage is there; before, it did not.
    assert client.get(f"{API}/cases/{case['sak_id']}", headers=LISE).status_code == 200


def test_trygderetten_in_the_persons_favour_opens_a_new_behandling(
    client, make_person, service, clock
):
    me, case = rejected_dagpenger(client, make_person, service)
    klage = forwarded(client, me, case, service)
    decided = decide_at_klageinstans(client, klage, clock, "stadfestet")
    filed = (clock() + dt.timedelta(days=10)).date()
    clock.advance(dt.timedelta(days=12))
    at_court = ok(
        post(
            client,
            LISE,
            decided,
            "anker",
            version=decided["version"],
            court="trygderetten",
            filed_on=filed.isoformat(),
        )
    )
    assert at_court["state"] == "at_trygderetten"
    [anke] = at_court["anker"]
    assert (anke["court"], anke["late"], anke["deadline"]) == (
        "trygderetten",
        False,
        decided["anke_deadline"],
    )
    clock.advance(dt.timedelta(days=120))
    judged = ok(
        post(
            client,
            LISE,
            at_court,
            "judgments",
            version=at_court["version"],
            outcome="omgjort",
            decided_on=clock().date().isoformat(),
            reasons="Trygderetten fant at inntektskravet var oppfylt.",
        )
    )
    assert judged["state"] == "trygderetten_decided"
    new_id = judged["anker"][0]["result_behandling_id"]
    new = ok(client.get(f"{API}/behandlinger/{new_id}", headers=NILS))
    assert (new["kind"], new["state"]) == ("etter_anke", "assessing")
    assert judged["next_step"]["step"] == "court_possible"


# -- late and short klager ------------------------------------------------------------------------


def test_a_late_klage_is_registered_and_a_caseworker_decides(client, make_person, service, clock):
    me, case = rejected_dagpenger(client, make_person, service)
    clock.advance(dt.timedelta(weeks=6, days=2))  # 2027-01-06: two days after the deadline
    klage = submit(client, me, case, late_reason="Jeg lå på sykehus i desember.")
    assert (klage["state"], klage["late"]) == ("late_assessment", True)
    assert klage["deadline"] == KLAGE_DEADLINE
    # Forwarding is not possible before lateness is decided.
    assert (
        post(
            client,
            NILS,
            klage,
            "forward",
            version=klage["version"],
            statement="Vi sender saken videre nå.",
        ).status_code
        == 409
    )
    short = post(
        client, NILS, klage, "late-decision", version=klage["version"], consider=True, reason="kort"
    )
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "reason"
    considered = ok(
        post(
            client,
            NILS,
            klage,
            "late-decision",
            version=klage["version"],
            consider=True,
            reason="Klageren var innlagt på sykehus og kan ikke lastes for fristoversittelsen.",
        )
    )
    assert (considered["state"], considered["late_decision"]) == (
        "first_instance_review",
        "considered",
    )


def test_a_late_klage_can_be_rejected_with_a_reason(client, make_person, service, clock):
    me, case = rejected_dagpenger(client, make_person, service)
    clock.advance(dt.timedelta(weeks=10))
    klage = submit(client, me, case)
    rejected = ok(
        post(
            client,
            NILS,
            klage,
            "late-decision",
            version=klage["version"],
            consider=False,
            reason="Ingen særlige grunner til at klagen kom for sent.",
        )
    )
    assert (rejected["state"], rejected["closed_reason"]) == ("closed", "avvist")


def test_a_fristavbrytende_klage_waits_for_its_grounds(client, make_person, service, clock):
    me, case = rejected_dagpenger(client, make_person, service)
    klage = submit(client, me, case, text="Jeg klager.", fristavbrytende=True)
    assert klage["state"] == "awaiting_grounds"
    assert klage["next_step"] == {"step": "send_grounds", "due": klage["grounds_deadline"]}
    service.run_due_jobs()
    received = of_kind(letters(client, me, case["sak_id"]), "klage_received")
    assert received["deadlines"]["grounds"] == klage["grounds_deadline"]
    with_grounds = ok(
        post(client, me, klage, "grounds", text="Inntekten fra mitt andre arbeid mangler.")
    )
    assert with_grounds["state"] == "first_instance_review"


def test_no_grounds_in_time_sends_the_klage_to_review(client, make_person, service, clock):
    me, case = rejected_dagpenger(client, make_person, service)
    klage = submit(client, me, case, text="Jeg klager.", fristavbrytende=True)
    clock.advance(dt.timedelta(weeks=8))
    service.run_due_jobs()
    after = ok(client.get(f"{API}/klager/{klage['id']}", headers=me))
    assert after["state"] == "first_instance_review"


def test_attachments_are_kept_with_their_checksum(client, make_person, service):
    me, case = rejected_dagpenger(client, make_person, service)
    content = b"%PDF-1.7 Lonnsslipp november 2026"
    klage = submit(
        client,
        me,
        case,
        attachments=[
            {
                "filename": "lonnsslipp.pdf",
                "content_type": "application/pdf",
                "content": base64.b64encode(content).decode(),
            }
        ],
    )
    with service.sessions() as session:
        stored = session.get(Klage, uuid.UUID(klage["id"]))
        assert stored is not None
    bad = client.post(
        f"{API}/klager",
        json={
            "vedtak_id": case["vedtak_id"],
            "text": "En klage med et vedlegg som ikke er base64.",
            "attachments": [
                {"filename": "a.pdf", "content_type": "application/pdf", "content": "%%%"}
            ],
        },
        headers=me,
    )
    assert bad.status_code in (409, 422)


def test_a_second_open_klage_on_the_same_vedtak_is_refused(client, make_person, service):
    me, case = rejected_dagpenger(client, make_person, service)
    submit(client, me, case)
    again = client.post(
        f"{API}/klager",
        json={"vedtak_id": case["vedtak_id"], "text": "Enda en klage på samme vedtak."},
        headers=me,
    )
    assert again.status_code == 409


# -- serviceklage ------------------------------------------------------------------------


def test_a_serviceklage_is_answered_and_touches_no_deadline(client, make_person, service):
    me, case = rejected_dagpenger(client, make_person, service)
    complaint = ok(
        client.post(
            f"{API}/serviceklager",
            json={"text": "Jeg ventet i telefonkø i to timer.", "sak_id": case["sak_id"]},
            headers=me,
        )
    )
    assert (complaint["unit"], complaint["status"], complaint["affects_deadlines"]) == (
        "4450",
        "open",
        False,
    )
    assert (
        client.post(
            f"{API}/serviceklager/{complaint['id']}/answer",
            json={"answer": "Beklager ventetiden, vi har fått flere på telefonen."},
            headers=KARI,
        ).status_code
        == 403
    )
    answered = ok(
        client.post(
            f"{API}/serviceklager/{complaint['id']}/answer",
            json={"answer": "Beklager ventetiden, vi har fått flere på telefonen."},
            headers=NILS,
        )
    )
    assert answered["status"] == "answered"
    service.run_due_jobs()
    mine = ok(client.get(f"{API}/serviceklager", headers=me))["items"]
    assert [c["status"] for c in mine] == ["answered"]
    assert ok(client.get(f"{API}/cases/{case['sak_id']}/klager", headers=me))["items"] == []
    with service.sessions() as session:
        kinds = set(session.scalars(select(Letter.kind)))
        assert "serviceklage_answer" in kinds
        assert not list(session.scalars(select(Klage)))
        assert session.scalars(select(Event)).first() is not None
