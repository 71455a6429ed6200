"""The pages say it plainly when the one-claim-at-a-time rules refuse something: a second
application, a change that changes nothing, a second klage on one vedtak (in bokmål, nynorsk
and English), never an error page."""

from __future__ import annotations

import re

import pytest
from test_citizen_routes import _as, _citizen_of, _site, form

from trygd.web.i18n import translator
from trygd.web.routes import citizen_questions as questions

SAMPLE = {
    "yesno": "yes",
    "money": "300000",
    "hours": "37.5",
    "whole": "1",
    "percent": "60",
    "date": "10.02.2025",
}


@pytest.fixture
def site(tmp_path):
    return _site(tmp_path)


@pytest.mark.parametrize(
    ("lang", "heading", "words"),
    [
        ("nb", "Søknaden ble ikke sendt", "Vi behandler allerede saken din om"),
        ("nn", "Søknaden vart ikkje send", "Vi behandlar allereie saka di om"),
        ("en", "The application was not sent", "We are already processing your case about"),
    ],
)
def test_a_second_application_is_refused_with_a_message(site, lang, heading, words):
    client, service = site
    sak_id = _as(client, service, "David Hansen")  # AAP waiting for a caseworker
    context = _citizen_of(service, "David Hansen")
    draft = service.open_draft(context, "aap")
    today = service.settings.clock().date()
    answers = {}
    for q in questions.QUESTIONS["aap"]:
        stored, problem = questions.check(q, SAMPLE[q.kind], translator("nb"), today)
        assert problem is None, (q.fact, problem)
        answers[q.fact] = stored
    service.save_draft_answers(context, draft["id"], answers)

    sent = client.post(f"/apply/aap/check?lang={lang}", data=form(confirm="yes"))

    assert sent.status_code == 409, sent.text
    assert heading in sent.text and words in sent.text
    assert f'href="/my/cases/{sak_id}"' in sent.text
    sak = service.get_sak(context, sak_id)
    assert [b["kind"] for b in sak["behandlinger"]].count("forstegangsbehandling") == 1


def test_a_change_that_changes_nothing_is_said_at_the_answer(site):
    client, service = site
    sak_id = _as(client, service, "Bjørn Lie")  # sykepenger, decided
    url = f"/my/cases/{sak_id}/change"
    today = service.settings.clock().date().strftime("%d.%m.%Y")
    carried = {"fact": "sick_leave_grade", "answer": "50", "stored": "50"}
    first = client.post(url, data=form(key="one", step="check", effective_date=today, **carried))
    assert first.status_code == 303
    again = client.post(url, data=form(key="two", step="check", effective_date=today, **carried))
    assert again.status_code == 400
    assert "Vedtaket ditt sier allerede dette" in again.text
    sak = service.get_sak(_citizen_of(service, "Bjørn Lie"), sak_id)
    assert [b["kind"] for b in sak["behandlinger"]].count("revurdering") == 1


def test_a_second_klage_on_one_vedtak_leads_to_the_open_one(site):
    client, service = site
    sak_id = _as(client, service, "Bjørn Lie")
    context = _citizen_of(service, "Bjørn Lie")
    vedtak_id = service.get_sak(context, sak_id)["vedtak"][-1]["id"]
    _status, klage = service.submit_klage(
        context, {"vedtak_id": vedtak_id, "text": "Jeg mener vedtaket er feil beregnet."}
    )

    sent = client.post(
        f"/my/vedtak/{vedtak_id}/klage?lang=en",
        data=form(kind="full", text="Once more: I think the decision is wrong."),
    )

    assert sent.status_code == 409, sent.text
    assert "The klage was not sent" in sent.text
    assert "You have already sent a klage against this decision" in sent.text
    assert re.search(rf'href="/my/klager/{klage["id"]}"', sent.text)
