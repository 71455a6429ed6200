"""The audit trail page reads as words in the reader's language: each action, kind of object,
role and policy reason translated, NAV's background work as "NAV (automatisk)", and none of
the codes the records keep (`run_job`, "trygd worker", the policy's English reasons)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from test_staff_routes import demo_site, signed_in

from trygd.privacy import policy
from trygd.privacy.policy import Action, Actor, Role, Subject, Task, decide
from trygd.store.models import Behandling, Sak
from trygd.web.i18n import translator
from trygd.web.routes.staff_audit import ACTIONS, REASONS, ROLES, reason_words


def test_every_action_role_and_reason_has_words():
    assert set(ACTIONS) == {a.value for a in Action}
    assert set(ROLES) == {r.value for r in Role}
    assert set(REASONS) == set(policy.REASONS)


_WORKER = Actor("Z1", "Kari", frozenset({Role.CASEWORKER}), unit="0312")
_DECISIONS = [
    decide(_WORKER, Action.READ_AUDIT, policy.NOBODY, None),
    decide(_WORKER, Action.LIST_QUEUE, policy.NOBODY, None),
    decide(_WORKER, Action.CLAIM_TASK, Subject("p", "none", task=Task("approve", "0312")), None),
    decide(_WORKER, Action.CLAIM_TASK, Subject("p", "none", task=Task("assess", "4405")), None),
    decide(_WORKER, Action.READ_CASE, Subject("p", "none", case_units=frozenset({"0312"})), None),
    decide(_WORKER, Action.READ_CASE, Subject("p", "fortrolig"), None),
]


@pytest.mark.parametrize("decision", _DECISIONS, ids=lambda d: d.code)
def test_a_reason_kept_in_english_is_read_back_as_its_code(decision):
    assert policy.reason_code(decision.reason) == (decision.code, dict(decision.values))


def test_a_reason_is_shown_in_the_readers_language():
    nb, en = translator("nb"), translator("en")
    refused = "the task (approve) needs the approver role"
    assert reason_words(refused, en) == "The task is for another role: approver"
    assert reason_words(refused, nb) == "Oppgaven er for en annen rolle: beslutter"
    assert "0312" in reason_words("case belongs to the caller's unit 0312", nb)
    assert reason_words("words no rule writes", nb) is None


def _visible(html: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_audit_trail_shows_words_not_codes(tmp_path):
    client, service = demo_site(tmp_path)
    # A refusal to look at: a caseworker of unit 0312 opens a case of another unit.
    with service.sessions() as session:
        elsewhere = session.scalars(
            select(Behandling.id).join(Sak, Sak.id == Behandling.sak_id).where(Sak.unit != "0312")
        ).first()
    refused = signed_in(client, "Z990101").get(f"/staff/behandlinger/{elsewhere}")
    assert refused.status_code in (403, 404)
    auditor = signed_in(client, "Z990701")
    trail = auditor.get("/staff/audit", params={"purpose": "Stikkprøve"})
    assert 'data-action="read_case"' in trail.text
    assert "Ingen sak for denne personen hører til den ansattes enhet" in _visible(trail.text)
    # Every person's trail, in nb: the system's jobs, the caseworkers' reads, the citizens'.
    people = set(re.findall(r"person_id=([0-9a-f-]{36})", trail.text))
    assert people
    seen = ""
    for person in people:
        page = auditor.get("/staff/audit", params={"purpose": "Stikkprøve", "person_id": person})
        assert page.status_code == 200
        seen += _visible(page.text)
    for code in ("run_job", "read_case", "trygd worker", "system:worker", "is part of", "person:"):
        assert code not in seen
    assert "NAV (automatisk)" in seen
    assert "Kjøre en planlagt jobb" in seen and "Lese en sak" in seen
    assert "Saken hører til den ansattes enhet" in seen and "Automatisk behandling" in seen
