"""What a person sees of their case (TestClient, demo data, SQLite): a change that stops a
benefit said plainly, one status label on every page, one timeline with times and without
duplicates, klage deadlines as dates, and withdrawing a klage only after a confirmation."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import demo_site

from trygd.api.demo import demo_claims
from trygd.demo.seed import _citizen, _sak_of
from trygd.domain import deadlines
from trygd.rules.formatting import date as formatted
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService
from trygd.store.models import Event, Person
from trygd.web.session import SESSION_COOKIE, session_csrf_token

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def site(tmp_path: Path) -> tuple[TestClient, CaseService, FixedClock]:
    clock = FixedClock(NOW)
    client, service = demo_site(tmp_path, clock)
    return client, service, clock


def _person(service: CaseService, name: str) -> Person:
    with service.sessions() as session:
        person: Person = session.scalars(select(Person).where(Person.name == name)).one()
        return person


_csrf: dict[TestClient, str] = {}


def _as(client: TestClient, service: CaseService, name: str) -> str:
    """Sign in as demo person `name`; returns the id of their case."""
    person = _person(service, name)
    token = client.app.state.identity.issue(demo_claims(service, f"person:{person.id}"))  # type: ignore[attr-defined]
    client.cookies.set(SESSION_COOKIE, token)
    _csrf[client] = session_csrf_token(
        client.app.state.csrf_key,  # type: ignore[attr-defined]
        client.app.state.identity.verify(token)["sid"],  # type: ignore[attr-defined]
    )
    return _sak_of(service, person)


def _text(page: str) -> str:
    """The page's words, without tags, entities decoded and spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _stop_dagpenger(service: CaseService, clock: FixedClock, sak_id: str, on: dt.date) -> None:
    """Anna reports that she works full time again from `on`: her dagpenger stop."""
    anna = _citizen(_person(service, "Anna Dahl"))
    clock.advance(dt.timedelta(hours=1))
    service.report_change(
        anna, sak_id, {"effective_date": on.isoformat(), "facts": {"current_working_hours": 37.5}}
    )
    service.run_due_jobs()


# -- 1. a change that stops a benefit --------------------------------------------------------


def test_a_change_that_stops_dagpenger_says_so_with_the_date_why_and_what_to_do(site):
    client, service, clock = site
    sak_id = _as(client, service, "Anna Dahl")
    stop = dt.date(2026, 12, 7)
    _stop_dagpenger(service, clock, sak_id, stop)

    receipt = _text(client.get(f"/my/cases/{sak_id}/change/received").text)
    assert "Dagpengene dine stanses fra 7. desember 2026." in receipt
    assert "Hvorfor" in receipt and "ftrl. § 4-3" in receipt  # the condition no longer met
    anna = _citizen(_person(service, "Anna Dahl"))
    sak = service.get_sak(anna, sak_id)
    new = sak["vedtak"][-1]
    letter = next(
        x for x in service.list_letters(anna, sak_id)["items"] if x["vedtak_id"] == new["id"]
    )
    klagefrist = deadlines.klage_deadline(dt.date.fromisoformat(letter["letter_date"])).last_day
    assert f"kan du klage innen {formatted(klagefrist, 'nb')}" in receipt
    assert f"/my/vedtak/{new['id']}/klage" in client.get(f"/my/cases/{sak_id}/change/received").text
    # fvl. § 16: no forhåndsvarsel, because the facts are the person's own; the record says so.
    assert "uten å varsle deg først" in receipt
    assert "fvl. § 16 første ledd og tredje ledd bokstav c" in receipt

    nn = _text(client.get(f"/my/cases/{sak_id}/change/received?lang=nn").text)
    assert "Dagpengane dine blir stansa frå 7. desember 2026." in nn
    en = _text(client.get(f"/my/cases/{sak_id}/change/received?lang=en").text)
    assert "Your dagpenger stop from 7 December 2026." in en
    client.get("/my?lang=nb")

    # The status follows the case on every page that shows it.
    for url in (f"/my/cases/{sak_id}", "/my/cases", "/my"):
        assert "Stanset fra 7. desember 2026" in _text(client.get(url).text), url

    # The replaced vedtak says so and links to the one that replaced it.
    old = sak["vedtak"][-2]
    replaced = client.get(f"/my/vedtak/{old['id']}").text
    decided = dt.datetime.fromisoformat(new["decided_at"]).date()
    assert f"Erstattet av vedtak av {formatted(decided, 'nb')}" in _text(replaced)
    assert f'href="/my/vedtak/{new["id"]}"' in replaced
    stopping = _text(client.get(f"/my/vedtak/{new['id']}").text)
    assert "Erstattet av" not in stopping
    assert "Dagpengene dine stanses fra 7. desember 2026." in stopping


def test_the_vedtak_record_says_why_no_advance_notice_was_sent(site):
    client, service, clock = site
    sak_id = _as(client, service, "Anna Dahl")
    _stop_dagpenger(service, clock, sak_id, dt.date(2026, 12, 7))
    with service.sessions() as session:
        made = [
            e.data
            for e in session.scalars(
                select(Event).where(Event.type == "vedtak_made").order_by(Event.id)
            )
            if e.sak_id.hex == sak_id.replace("-", "")
        ]
    first, change, stop = made
    assert first["advance_notice"] == "not_required"  # her own søknad
    assert change["advance_notice"] == "not_required"  # one more child: in her favour
    assert stop["advance_notice"] == "omitted"
    assert stop["advance_notice_basis"] == "fvl. § 16 første ledd og tredje ledd bokstav c"
    assert "endringsmelding" in stop["advance_notice_reason"]


# -- 6. one status, one timeline -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Bjørn Lie", "Innvilget"),
        ("David Hansen", "Under behandling"),
        ("Frank Moen", "Venter på deg"),
        ("Camilla Berg", "Under klage"),
    ],
)
def test_the_status_label_is_the_same_on_every_page(site, name, label):
    client, service, _clock = site
    sak_id = _as(client, service, name)
    for url in (f"/my/cases/{sak_id}", "/my/cases", "/my"):
        tags = re.findall(r'class="case-status">\s*<span[^>]*>([^<]+)<', client.get(url).text)
        assert tags == [label], (url, tags)


def test_a_rejection_without_an_open_klage_says_rejected(site):
    client, service, _clock = site
    sak_id = _as(client, service, "Camilla Berg")
    camilla = _citizen(_person(service, "Camilla Berg"))
    klage = service.list_klager(camilla, sak_id)["items"][0]
    service.klage_action(camilla, "withdraw", klage["id"], {"version": klage["version"]})
    assert "Avslått" in _text(client.get(f"/my/cases/{sak_id}").text)


def test_the_timeline_is_in_time_order_with_times_and_lists_each_thing_once(site):
    client, service, clock = site
    sak_id = _as(client, service, "Anna Dahl")
    _stop_dagpenger(service, clock, sak_id, dt.date(2026, 12, 7))
    anna = _citizen(_person(service, "Anna Dahl"))
    clock.advance(dt.timedelta(hours=2))
    stopping = service.get_sak(anna, sak_id)["vedtak"][-1]
    service.submit_klage(anna, {"vedtak_id": stopping["id"], "text": "Jeg jobber bare deltid."})
    service.run_due_jobs()

    page = client.get(f"/my/cases/{sak_id}").text
    timeline = page[page.index('<ol class="timeline">') : page.index("</ol>")]
    entries = re.findall(r"<li>(.*?)</li>", timeline, re.S)
    moments = [dt.datetime.fromisoformat(m) for m in re.findall(r'datetime="([^"]+)"', timeline)]
    assert len(moments) == len(entries) >= 7
    assert moments == sorted(moments)
    assert all(re.search(r"\d{2}:\d{2}</time>", e) for e in entries)  # a date and a time
    # The demo makes the first søknad, its vedtak and a change in the same second: each
    # behandling's steps stay together, in the order they happened.
    said = [_text(e).split(" ", 4)[-1] for e in entries]
    kinds = [
        next(k for k in ("søknaden", "endring", "fattet", "klagen") if k in words) for words in said
    ]
    assert kinds == ["søknaden", "fattet", "endring", "fattet", "endring", "fattet", "klagen"]
    letters = service.list_letters(anna, sak_id)["items"]
    for x in letters:
        assert timeline.count(f'href="/my/letters/{x["id"]}"') == 1, x["title"]
    # Each vedtak letter sits with its vedtak, not in an entry of its own.
    for v in service.get_sak(anna, sak_id)["vedtak"]:
        entry = next(e for e in entries if f"/my/vedtak/{v['id']}" in e)
        assert any(f"/my/letters/{x['id']}" in entry for x in letters if x["vedtak_id"] == v["id"])


# -- 2. klage deadlines as dates -------------------------------------------------------------


def test_the_klage_form_shows_the_deadlines_as_dates_and_no_late_field_in_time(site):
    client, service, _clock = site
    sak_id = _as(client, service, "Bjørn Lie")
    bjorn = _citizen(_person(service, "Bjørn Lie"))
    vedtak = service.get_sak(bjorn, sak_id)["vedtak"][-1]
    letter = next(x for x in service.list_letters(bjorn, sak_id)["items"] if x["kind"] == "vedtak")
    frist = deadlines.klage_deadline(dt.date.fromisoformat(letter["letter_date"]))
    klagefrist = frist.last_day
    grounds = deadlines.short_klage_grounds_deadline(NOW.date(), frist).last_day
    assert grounds == max(klagefrist, deadlines.grounds_deadline(NOW.date()).last_day)

    form = client.get(f"/my/vedtak/{vedtak['id']}/klage").text
    words = _text(form)
    assert f"Fristen for å klage er {formatted(klagefrist, 'nb')}" in words
    assert f"innen {formatted(grounds, 'nb')}" in words
    assert "3 uker" not in words and "6 uker" not in words
    assert 'name="late_reason"' not in form
    assert f"Du kan klage innen {formatted(klagefrist, 'nb')}" in _text(
        client.get(f"/my/vedtak/{vedtak['id']}").text
    )

    # A short klage: its page gives the grounds deadline as the same date.
    sent = client.post(
        f"/my/vedtak/{vedtak['id']}/klage",
        data={
            "csrf_token": _csrf[client],
            "kind": "notice",
            "text": "Jeg klager.",
            "late_reason": "x",
        },
    )
    assert sent.status_code == 303
    klage_page = _text(client.get(sent.headers["location"]).text)
    assert f"innen {formatted(grounds, 'nb')}" in klage_page
    klage = service.list_klager(bjorn, sak_id)["items"][0]
    assert klage["grounds_deadline"] == grounds.isoformat()


def test_the_klage_form_asks_why_late_only_after_the_deadline(site):
    client, service, clock = site
    sak_id = _as(client, service, "Bjørn Lie")
    bjorn = _citizen(_person(service, "Bjørn Lie"))
    vedtak = service.get_sak(bjorn, sak_id)["vedtak"][-1]
    clock.advance(dt.timedelta(weeks=8))
    form = client.get(f"/my/vedtak/{vedtak['id']}/klage").text
    assert 'name="late_reason"' in form
    assert "Hvorfor klager du for sent?" in _text(form)
    assert "Fristen har gått ut" in _text(form)


def test_the_tilbakekreving_page_offers_a_klage_with_its_deadline_as_a_date(site):
    """Siri's tilbakekreving is decided: her page gives the klagefrist from the day the vedtak
    letter reached her, and the same klage form as any vedtak sends a klage against it."""
    client, service, _clock = site
    sak_id = _as(client, service, "Siri Dale")
    siri = _citizen(_person(service, "Siri Dale"))
    [case] = service.sak_tilbakekrevinger(siri, sak_id)
    letter = next(
        x
        for x in service.list_letters(siri, sak_id)["items"]
        if x["kind"] == "tilbakekreving_vedtak"
    )
    klagefrist = deadlines.klage_deadline(dt.date.fromisoformat(letter["letter_date"])).last_day
    url = f"/my/tilbakekreving/{case['id']}/klage"

    shown = client.get(f"/my/tilbakekreving/{case['id']}")
    assert shown.status_code == 200
    assert f"kan du klage innen {formatted(klagefrist, 'nb')}" in _text(shown.text)
    assert f'href="{url}"' in shown.text

    form = client.get(url)
    assert form.status_code == 200
    words = _text(form.text)
    assert f"Fristen for å klage er {formatted(klagefrist, 'nb')}" in words
    assert "6 uker" not in words and 'name="late_reason"' not in form.text

    too_short = client.post(url, data={"csrf_token": _csrf[client], "kind": "full", "text": "Nei"})
    assert too_short.status_code == 400
    body = {
        "csrf_token": _csrf[client],
        "kind": "full",
        "text": "Jeg forsto ikke at beløpet var feil.",
    }
    sent = client.post(url, data=body)
    assert sent.status_code == 303
    [klage] = [
        k
        for k in service.list_klager(siri, sak_id)["items"]
        if k["tilbakekreving_id"] == case["id"]
    ]
    assert sent.headers["location"] == f"/my/klager/{klage['id']}?received=1"
    assert klage["deadline"] == klagefrist.isoformat()
    assert client.get(sent.headers["location"]).status_code == 200
    # The page now leads to the klage, and a second klage is refused with a way to the first.
    assert f"/my/klager/{klage['id']}" in client.get(f"/my/tilbakekreving/{case['id']}").text
    again = client.post(url, data=body)
    assert again.status_code == 409
    assert f"/my/klager/{klage['id']}" in again.text


# -- 5. withdrawing a klage asks first -------------------------------------------------------


def test_withdrawing_a_klage_needs_the_confirmation_page(site):
    client, service, _clock = site
    sak_id = _as(client, service, "Camilla Berg")
    camilla = _citizen(_person(service, "Camilla Berg"))
    klage = service.list_klager(camilla, sak_id)["items"][0]
    url = f"/my/klager/{klage['id']}"
    assert f'href="{url}/withdraw"' in client.get(url).text

    # The old one-click form does not withdraw: it leads to the question.
    old = client.post(url, data={"csrf_token": _csrf[client], "action": "withdraw"})
    assert old.status_code == 303 and old.headers["location"] == f"{url}/withdraw"
    assert service.get_klage(camilla, klage["id"])["state"] != "closed"

    question = client.get(f"{url}/withdraw")
    words = _text(question.text)
    assert "Vil du trekke klagen din?" in words and "Dette kan ikke angres" in words
    assert f'action="{url}/withdraw"' in question.text

    no_csrf = client.post(f"{url}/withdraw", data={"version": str(klage["version"])})
    assert no_csrf.status_code in (400, 403)
    assert service.get_klage(camilla, klage["id"])["state"] != "closed"

    done = client.post(
        f"{url}/withdraw", data={"csrf_token": _csrf[client], "version": str(klage["version"])}
    )
    assert done.status_code == 303
    after = service.get_klage(camilla, klage["id"])
    assert after["state"] == "closed" and after["closed_reason"] == "withdrawn"
    assert "Du har trukket klagen" in _text(client.get(done.headers["location"]).text)
    # A closed klage has nothing to withdraw: the question page sends the person back.
    assert client.get(f"{url}/withdraw").status_code == 303


def test_a_reform_of_the_grounds_weeks_changes_the_date_on_the_page_and_in_the_letter(
    site, monkeypatch
):
    """Nothing on the klage pages or in the letter types the grounds deadline: with
    `procedure.grounds_weeks` changed by a reform, every text shows the new date."""
    from trygd.rules import assessment

    client, service, _clock = site
    baseline = assessment.default_ruleset()
    reformed = baseline.parameters.with_reform(
        {
            "parameters": {
                "procedure.grounds_weeks": {
                    "values": [{"from": dt.date(2026, 1, 1), "value": 10, "source": "test"}]
                }
            }
        },
        "ten weeks for the grounds (longer than any klagefrist left, so it is the date shown)",
    )
    monkeypatch.setattr(assessment, "_DEFAULT", assessment.Ruleset(reformed))
    before = deadlines.grounds_deadline(NOW.date(), parameters=baseline.parameters).last_day
    grounds = deadlines.grounds_deadline(NOW.date()).last_day
    assert grounds == NOW.date() + dt.timedelta(weeks=10) and grounds != before

    sak_id = _as(client, service, "Bjørn Lie")
    bjorn = _citizen(_person(service, "Bjørn Lie"))
    vedtak = service.get_sak(bjorn, sak_id)["vedtak"][-1]
    form = _text(client.get(f"/my/vedtak/{vedtak['id']}/klage").text)
    assert f"innen {formatted(grounds, 'nb')}" in form
    assert formatted(before, "nb") not in form

    sent = client.post(
        f"/my/vedtak/{vedtak['id']}/klage",
        data={"csrf_token": _csrf[client], "kind": "notice", "text": "Jeg klager."},
    )
    assert sent.status_code == 303
    assert f"innen {formatted(grounds, 'nb')}" in _text(client.get(sent.headers["location"]).text)

    service.run_due_jobs()
    letter = next(
        x for x in service.list_letters(bjorn, sak_id)["items"] if x["kind"] == "klage_received"
    )
    shown = _text(client.get(f"/my/letters/{letter['id']}").text)
    language = letter.get("language", "nb")
    assert formatted(grounds, language) in shown
    assert formatted(before, language) not in shown
