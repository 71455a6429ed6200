"""Fast checks of the citizens' pages through the whole site (TestClient, demo data, SQLite):
reporting a change, service complaints, the benefit guide, and that opening a page never
changes anything."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from trygd.api.demo import demo_claims
from trygd.api.identity import DemoTokens
from trygd.demo.seed import _sak_of, seed
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.store.models import Draft, Person, Soknad
from trygd.web.app import create_site
from trygd.web.session import (
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    browser_csrf_token,
    session_csrf_token,
)


def _site(folder: Path) -> tuple[TestClient, CaseService]:
    engine = make_engine(f"sqlite:///{folder / 'trygd.sqlite3'}")
    migrate(engine)
    service = CaseService(engine, Settings(demo=True))
    seed(service)
    site = create_site(service, DemoTokens("test-secret-" + "x" * 32), demo=True)
    return TestClient(site, follow_redirects=False), service


def _person(service: CaseService, name: str) -> Person:
    with service.sessions() as session:
        person: Person = session.scalars(select(Person).where(Person.name == name)).one()
        return person


def _as(client: TestClient, service: CaseService, name: str) -> str:
    """Sign `client` in as demo person `name`; returns the id of their (first) case."""
    person = _person(service, name)
    state = client.app.state  # type: ignore[attr-defined]
    token = state.identity.issue(demo_claims(service, f"person:{person.id}"))
    client.cookies.set(SESSION_COOKIE, token)
    client.headers[CSRF_HEADER] = session_csrf_token(
        state.csrf_key, state.identity.verify(token)["sid"]
    )
    return _sak_of(service, person)


def form(**values: Any) -> dict[str, Any]:
    """A form's fields; its CSRF token travels in the client's X-CSRF-Token header."""
    return values


def _messages(html: str) -> str:
    return " ".join(
        re.findall(r'class="aksel-error-message[^"]*">.*?</svg>\s*([^<]*)<', html, re.S)
    )


@pytest.fixture
def site(tmp_path):
    return _site(tmp_path)


def _behandlinger(service: CaseService, client: TestClient, sak_id: str) -> int:
    response = client.get(f"/my/cases/{sak_id}")
    assert response.status_code == 200
    return response.text.count("Vi har mottatt meldingen om endring")


# -- reporting a change -------------------------------------------------------------------------


def _step(client: TestClient, url: str, **values: Any):
    """POST one step; a step that passes answers 303 See Other to the next step's page,
    which is then fetched (as the browser does). Returns the page shown."""
    answer = client.post(url, data=form(**values))
    if answer.status_code != 303:
        return answer
    assert answer.headers["location"].startswith(url)
    shown = client.get(answer.headers["location"])
    assert shown.status_code == 200
    return shown


def test_a_change_is_checked_step_by_step_and_sent_once(site):
    client, service = site
    sak_id = _as(client, service, "Bjørn Lie")
    url = f"/my/cases/{sak_id}/change"
    assert "Meld fra om en endring" in client.get(f"/my/cases/{sak_id}").text
    first = client.get(url)
    assert first.status_code == 200
    key = re.search(r'name="key" value="([^"]+)"', first.text).group(1)
    nothing = client.post(url, data=form(key=key, step="what"))
    assert nothing.status_code == 400 and "Velg hva som har endret seg" in nothing.text
    value_page = _step(client, url, key=key, step="what", fact="sick_leave_grade")
    assert "Hvor mange prosent er du sykmeldt?" in value_page.text
    # The value the latest vedtak rests on is shown with the field (Bjørn's grade in the demo).
    registered = re.search(r"I vedtaket ditt har vi registrert: (\d+)\s%\.", value_page.text)
    assert registered, value_page.text
    decided = service.get_vedtak(
        _citizen_of(service, "Bjørn Lie"),
        service.get_sak(_citizen_of(service, "Bjørn Lie"), sak_id)["vedtak"][-1]["id"],
        "nb",
    )
    assert int(registered.group(1)) == decided.facts["sick_leave_grade"]
    wrong = client.post(
        url, data=form(key=key, step="value", fact="sick_leave_grade", answer="150")
    )
    assert wrong.status_code == 400 and "Skriv et helt tall fra 0 til 100" in wrong.text
    date_page = _step(client, url, key=key, step="value", fact="sick_leave_grade", answer="50")
    assert 'name="stored" value="50"' in date_page.text
    carried = {"key": key, "fact": "sick_leave_grade", "answer": "50", "stored": "50"}
    early = client.post(url, data=form(step="date", effective_date="01.01.2000", **carried))
    assert early.status_code == 400 and "før" in early.text
    no_such_day = client.post(url, data=form(step="date", effective_date="30.02.2027", **carried))
    assert no_such_day.status_code == 400 and "Datoen finnes ikke" in _messages(no_such_day.text)
    today = service.settings.clock().date().strftime("%d.%m.%Y")
    check = _step(client, url, step="date", effective_date=today, **carried)
    assert "Se over svarene før du sender" in check.text
    assert "<dd>50\u00a0%</dd>" in check.text  # the answer as Norwegian writes a percentage
    tampered = client.post(
        url, data=form(step="check", effective_date=today, **{**carried, "answer": "900"})
    )
    assert tampered.status_code == 400  # every step is checked again before sending
    assert "Skriv et helt tall fra 0 til 100" in tampered.text
    sent = client.post(url, data=form(step="check", effective_date=today, **carried))
    assert sent.status_code == 303 and sent.headers["location"].endswith("/change/received")
    again = client.post(url, data=form(step="check", effective_date=today, **carried))
    assert again.status_code == 303  # the same key: a double click opens one revurdering
    sak = service.get_sak(_citizen_of(service, "Bjørn Lie"), sak_id)
    assert [b["kind"] for b in sak["behandlinger"]].count("revurdering") == 1
    receipt = client.get(sent.headers["location"])
    assert "Vi har mottatt endringen" in receipt.text


def test_each_step_of_a_change_redirects_so_back_works(site):
    """POST-redirect-GET: every step that passes answers 303 to the next step's page, and
    going Back (a GET of the earlier step) shows the answer given there."""
    client, service = site
    sak_id = _as(client, service, "Bjørn Lie")
    url = f"/my/cases/{sak_id}/change"
    key = re.search(r'name="key" value="([^"]+)"', client.get(url).text).group(1)
    what = client.post(url, data=form(key=key, step="what", fact="sick_leave_grade"))
    assert what.status_code == 303 and what.headers["location"] == f"{url}?step=value"
    assert "sick_leave_grade" not in what.headers["location"]  # answers never in the URL
    value = client.post(url, data=form(key=key, step="value", fact="sick_leave_grade", answer="50"))
    assert value.status_code == 303 and value.headers["location"] == f"{url}?step=date"
    back = client.get(f"{url}?step=value")  # the browser's Back button
    assert back.status_code == 200
    assert re.search(r'<input id="answer" name="answer" type="text" value="50"', back.text)
    first = client.get(f"{url}?step=what")
    assert re.search(r'value="sick_leave_grade"\s+checked', first.text)
    assert f'name="key" value="{key}"' in first.text
    date_page = client.get(value.headers["location"])
    assert (
        'name="effective_date"' in date_page.text and 'name="stored" value="50"' in date_page.text
    )
    goto = client.post(
        url,
        data=form(key=key, fact="sick_leave_grade", answer="50", stored="50", goto="what"),
    )
    assert goto.status_code == 303 and goto.headers["location"] == f"{url}?step=what"
    # A later step's address without the answers before it shows the first step to answer.
    client.cookies.clear()
    _as(client, service, "Bjørn Lie")
    skipped = client.get(f"{url}?step=date")
    assert skipped.status_code == 200 and "Hva har endret seg?" in skipped.text


def _citizen_of(service: CaseService, name: str):
    from trygd.demo.seed import _citizen

    return _citizen(_person(service, name))


def test_a_change_cannot_be_reported_while_the_case_is_open(site):
    client, service = site
    sak_id = _as(client, service, "David Hansen")  # AAP waiting for a caseworker
    page = client.get(f"/my/cases/{sak_id}/change")
    assert "Du kan ikke melde fra om en endring nå" in page.text
    assert 'name="step"' not in page.text


# -- service complaints -------------------------------------------------------------------------


def test_a_service_complaint_needs_text_and_shows_up_in_the_list(site):
    client, service = site
    _as(client, service, "Knut Aas")
    new = client.get("/my/serviceklage/new")
    assert "ikke en klage på et vedtak" in new.text
    short = client.post("/my/serviceklage/new", data=form(text="Dårlig"))
    assert short.status_code == 400 and "minst 10 tegn" in short.text
    foreign = _sak_of(service, _person(service, "Anna Dahl"))
    other = client.post(
        "/my/serviceklage/new", data=form(text="Ingen svarte på telefonen.", sak_id=foreign)
    )
    assert other.status_code == 400 and "Velg en av sakene dine" in other.text
    sent = client.post("/my/serviceklage/new", data=form(text="Ingen svarte på telefonen."))
    assert sent.status_code == 303
    listed = client.get(sent.headers["location"])
    assert "Vi har mottatt klagen din" in listed.text
    assert "Ingen svarte på telefonen." in listed.text
    # The demo has too few answered complaints for an honest figure of how long answers take.
    assert "Vi kan ikke si ennå hvor lang tid et svar pleier å ta." in listed.text


# -- the guide ----------------------------------------------------------------------------------


def test_the_guide_works_signed_out_and_explains_with_the_rules(site):
    client, _service = site
    client.cookies.set(CSRF_COOKIE, "c" * 32)
    client.headers[CSRF_HEADER] = browser_csrf_token(client.app.state.csrf_key, "c" * 32)  # type: ignore[attr-defined]
    assert client.get("/guide").status_code == 200
    bad = client.post("/guide", data=form(situation="unemployed", birth_date="1985-03-14"))
    assert bad.status_code == 400
    assert "Skriv fødselsdatoen din som dd.mm.åååå" in bad.text
    no_such_day = client.post(
        "/guide",
        data=form(situation="unemployed", birth_date="31.02.1985", income="-1", income_3y="5"),
    )
    assert "Datoen finnes ikke" in _messages(no_such_day.text)
    assert "Beløpet kan ikke være negativt" in _messages(no_such_day.text)
    result = client.post(
        "/guide",
        data=form(
            situation="unemployed",
            birth_date="14.03.1985",
            lives_in_norway="yes",
            income="50000",
            income_3y="60000",
            hours_before="37,5",
            hours_now="0",
        ),
    )
    assert result.status_code == 200
    assert "Trolig ikke" in result.text and "ftrl. § 4-4" in result.text
    assert 'href="/apply/dagpenger"' in result.text


@pytest.mark.parametrize(
    ("language", "settles", "caseworker"),
    [
        ("nb", "Oppgi arbeidsinntekt de siste 36 månedene for å avgjøre dette.", "saksbehandler"),
        ("nn", "Oppgi arbeidsinntekt dei siste 36 månadene for å avgjere dette.", "saksbehandlar"),
        (
            "en",
            "To settle this, answer the question about income from work in the last 36 months.",
            "caseworker must",
        ),
    ],
)
def test_the_guide_says_which_answer_settles_an_open_condition(site, language, settles, caseworker):
    """Income under 1.5 G in 12 months and the 36 months left empty: the minimum income is
    open, and the page asks for the 36 months instead of sending the person (who has no
    case) to a caseworker."""
    client, _service = site
    client.cookies.set(CSRF_COOKIE, "c" * 32)
    client.headers[CSRF_HEADER] = browser_csrf_token(client.app.state.csrf_key, "c" * 32)  # type: ignore[attr-defined]
    result = client.post(
        f"/guide?lang={language}",
        data=form(
            situation="unemployed",
            birth_date="14.03.1985",
            lives_in_norway="yes",
            income="150000",
            income_3y="",
            hours_before="37,5",
            hours_now="0",
        ),
    )
    assert result.status_code == 200
    assert f'lang="{language}"' in result.text
    text = " ".join(result.text.split())
    assert settles in text
    assert caseworker not in text.lower()


# -- opening a page changes nothing -------------------------------------------------------------


def test_opening_the_question_pages_makes_no_draft(site):
    client, service = site
    _as(client, service, "Camilla Berg")

    def drafts() -> int:
        with service.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(Draft)) or 0)

    before = drafts()
    for path in ("/apply/aap/q/membership_years", "/apply/aap/documents", "/apply/aap/check"):
        assert client.get(path).status_code in (200, 303)
    assert drafts() == before
    saved = client.post("/apply/aap/q/membership_years", data=form(answer="10"))
    assert saved.status_code == 303
    assert drafts() == before + 1
    assert 'value="10"' in client.get("/apply/aap/q/membership_years").text


# -- the receipt --------------------------------------------------------------------------------


def test_the_receipt_tells_the_usual_time_only_when_decisions_show_it(site, monkeypatch):
    """An application a caseworker must assess: the receipt gives the time within which four
    out of five were decided lately, or says plainly that there are too few to tell."""
    import datetime as dt
    import json

    from trygd.privacy.policy import Actor, Role
    from trygd.services import processing_times
    from trygd.services.unit_of_work import RequestContext

    client, service = site
    _as(client, service, "Camilla Berg")
    person = _person(service, "Camilla Berg")
    context = RequestContext(
        actor=Actor(id=f"person:{person.id}", name=person.name, roles=frozenset({Role.CITIZEN})),
        identity_number=person.identity_number,
    )
    example = json.loads(
        (Path(__file__).parents[2] / "examples" / "aap-40-percent.json").read_text()
    )
    body = {key: example[key] for key in ("benefit", "claim_date", "facts")}
    body["facts"] = {**body["facts"], "birth_date": person.birth_date.isoformat()}
    draft = service.open_draft(context, "aap")
    status, _answer = service.submit_draft(context, draft["id"], body)
    assert status == 201

    monkeypatch.setattr(processing_times, "MIN_DECISIONS", 10_000)  # far more than the demo has
    receipt = client.get(f"/apply/receipt/{draft['id']}")
    assert receipt.status_code == 200
    assert "for få søknader som din er avgjort" in receipt.text

    # With decisions to go by (the service's own figure is tested in tests/integration):
    usual = processing_times.ProcessingTime(weeks=7, decisions=120, since=dt.date(2025, 12, 3))
    monkeypatch.setattr(processing_times, "usual_processing_time", lambda uow, benefit: usual)
    service._processing_times.clear()  # the figure is otherwise kept for an hour
    receipt = client.get(f"/apply/receipt/{draft['id']}")
    main = receipt.text.split("<main", 1)[1]
    assert "fire av fem som søkte om arbeidsavklaringspenger (AAP), svar innen 7 uker" in main


# -- the application's question pages -------------------------------------------------------


def test_a_yes_no_question_is_the_h1_inside_the_legend(site):
    """The GOV.UK pattern: the question is the page's one h1, inside the group's legend."""
    client, service = site
    _as(client, service, "Camilla Berg")
    html = client.get("/apply/dagpenger/q/stays_in_norway").text
    assert re.search(r"<legend[^>]*>\s*<h1[^>]*>Bor du i Norge nå\?</h1>\s*</legend>", html)
    assert html.count("<h1") == 1


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nb", "Datoen finnes ikke"),
        ("nn", "Datoen finst ikkje"),
        ("en", "The date does not exist"),
    ],
)
def test_a_date_not_in_the_calendar_gets_its_own_message_on_the_page(site, language, message):
    client, service = site
    _as(client, service, "Camilla Berg")
    answer = client.post(
        f"/apply/aap/q/capacity_reduced_date?lang={language}", data=form(answer="31.02.2026")
    )
    assert answer.status_code == 400 and _messages(answer.text).startswith(message)


def test_a_negative_income_gets_its_own_message_on_the_page(site):
    client, service = site
    _as(client, service, "Camilla Berg")
    answer = client.post("/apply/dagpenger/q/income_12m", data=form(answer="-350000"))
    assert answer.status_code == 400
    assert "Beløpet kan ikke være negativt" in _messages(answer.text)


def test_the_36_month_income_below_the_12_month_income_is_questioned(site):
    client, service = site
    _as(client, service, "Camilla Berg")
    saved = client.post("/apply/dagpenger/q/income_12m", data=form(answer="400000"))
    assert saved.status_code == 303
    below = client.post("/apply/dagpenger/q/income_36m", data=form(answer="300000"))
    assert below.status_code == 400
    assert "Dette er mindre enn du tjente de siste 12 månedene" in _messages(below.text)
    equal = client.post("/apply/dagpenger/q/income_36m", data=form(answer="400000"))
    assert equal.status_code == 303


def test_dagpenger_asks_the_date_and_sends_it_as_the_claim_date(site):
    client, service = site
    _as(client, service, "Camilla Berg")
    today = service.settings.clock().date()
    start = client.post("/apply/dagpenger", data=form())
    assert start.headers["location"] == "/apply/dagpenger/q/claim_date"
    page = client.get(start.headers["location"]).text
    assert "Fra hvilken dato søker du dagpenger?" in page
    past = client.post(
        "/apply/dagpenger/q/claim_date",
        data=form(answer=(today - dt.timedelta(days=1)).strftime("%d.%m.%Y")),
    )
    assert past.status_code == 400 and today.strftime("%d.%m.%Y") in _messages(past.text)
    claim = today + dt.timedelta(days=7)
    answers = {
        "claim_date": claim.strftime("%d.%m.%Y"),
        "stays_in_norway": "yes",
        "income_12m": "420000",
        "income_36m": "1200000",
        "normal_working_hours": "37,5",
        "current_working_hours": "0",
        "registered_job_seeker": "yes",
        "genuine_job_seeker": "yes",
        "self_inflicted_unemployment": "no",
        "children": "0",
    }
    for fact, typed in answers.items():
        assert client.post(f"/apply/dagpenger/q/{fact}", data=form(answer=typed)).status_code == 303
    sent = client.post("/apply/dagpenger/check", data=form(confirm="yes"))
    assert sent.status_code == 303, _messages(sent.text)
    draft_id = uuid.UUID(sent.headers["location"].rsplit("/", 1)[-1])
    with service.sessions() as session:
        sak_id = session.get(Draft, draft_id).sak_id
        claim_dates = session.scalars(select(Soknad.claim_date).where(Soknad.sak_id == sak_id))
        assert claim in list(claim_dates)


def test_sykepenger_asks_the_sick_note_and_sends_it_as_one_period(site):
    """The sick note is one page with its first and last day; each day has its own error, the
    first day becomes the claim date, and the application carries one period with the grade
    the next question gives."""
    client, service = site
    _as(client, service, "Liv Sand")
    today = service.settings.clock().date()
    start = client.post("/apply/sykepenger", data=form())
    assert start.headers["location"] == "/apply/sykepenger/q/sick_leave_periods"
    page = client.get(start.headers["location"]).text
    assert "Når er du sykmeldt?" in page and 'name="answer_to"' in page
    first, last = today - dt.timedelta(days=20), today + dt.timedelta(days=20)
    typed = {"answer": first.strftime("%d.%m.%Y"), "answer_to": last.strftime("%d.%m.%Y")}
    wrong = client.post(
        "/apply/sykepenger/q/sick_leave_periods",
        data=form(
            answer=typed["answer"], answer_to=(first - dt.timedelta(days=1)).strftime("%d.%m.%Y")
        ),
    )
    assert wrong.status_code == 400
    assert "Siste dag kan ikke være før første dag" in _messages(wrong.text)
    assert f'value="{typed["answer"]}"' in wrong.text  # the first day stays as typed
    saved = client.post("/apply/sykepenger/q/sick_leave_periods", data=form(**typed))
    assert saved.status_code == 303
    back = client.get("/apply/sykepenger/q/sick_leave_periods").text
    assert f'value="{typed["answer"]}"' in back and f'value="{typed["answer_to"]}"' in back
    answers = {
        "folketrygd_member": "yes",
        "days_in_work": "400",
        "incapacity_due_to_illness": "yes",
        "loses_pensionable_income": "yes",
        "yearly_income": "420000",
        "sick_leave_grade": "60",
        "employer_refund": "no",
        "sick_leave_history": "no",
    }
    for fact, answer in answers.items():
        assert (
            client.post(f"/apply/sykepenger/q/{fact}", data=form(answer=answer)).status_code == 303
        )
    check = client.get("/apply/sykepenger/check").text
    assert f"{typed['answer']}\u2013{typed['answer_to']}" in check
    sent = client.post("/apply/sykepenger/check", data=form(confirm="yes"))
    assert sent.status_code == 303, _messages(sent.text)
    draft_id = uuid.UUID(sent.headers["location"].rsplit("/", 1)[-1])
    with service.sessions() as session:
        sak_id = session.get(Draft, draft_id).sak_id
        soknad = session.scalars(select(Soknad).where(Soknad.sak_id == sak_id)).one()
        assert soknad.claim_date == first
        assert soknad.facts["sick_leave_periods"] == [
            {"from": first.isoformat(), "to": last.isoformat(), "grade": 60.0}
        ]


def test_each_question_redirects_and_back_shows_the_answer(site):
    """The application's steps are POST-redirect-GET too: Back is a GET of the question
    before, with the saved answer in its field."""
    client, service = site
    _as(client, service, "Camilla Berg")
    first = client.post("/apply/aap/q/membership_years", data=form(answer="12"))
    assert first.status_code == 303
    assert first.headers["location"] == "/apply/aap/q/stays_in_norway"
    following = client.get(first.headers["location"]).text
    assert 'href="/apply/aap/q/membership_years"' in following  # the back link
    back = client.get("/apply/aap/q/membership_years")
    assert back.status_code == 200 and 'value="12"' in back.text


def test_a_date_applied_from_that_has_passed_is_asked_again_before_sending(site, monkeypatch):
    """A draft left for some days: its "from" date may now be in the past, which the
    services would take but the person cannot get; the summary asks them to change it."""
    client, service = site
    _as(client, service, "Camilla Berg")
    now = service.settings.clock()
    answers = {
        "claim_date": now.strftime("%d.%m.%Y"),
        "stays_in_norway": "yes",
        "income_12m": "420000",
        "income_36m": "1200000",
        "normal_working_hours": "37,5",
        "current_working_hours": "0",
        "registered_job_seeker": "yes",
        "genuine_job_seeker": "yes",
        "self_inflicted_unemployment": "no",
        "children": "0",
    }
    for fact, typed in answers.items():
        assert client.post(f"/apply/dagpenger/q/{fact}", data=form(answer=typed)).status_code == 303
    later = now + dt.timedelta(days=3)
    monkeypatch.setattr(service.settings, "clock", lambda: later)
    stale = client.post("/apply/dagpenger/check", data=form(confirm="yes"))
    assert stale.status_code == 400
    assert 'href="#row-claim_date"' in stale.text
    assert f"Skriv en dato fra {later.strftime('%d.%m.%Y')}" in stale.text


# -- drafts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "button"),
    [
        ("nb", "Fortsett søknaden"),
        ("nn", "Hald fram med søknaden"),
        ("en", "Continue the application"),
    ],
)
def test_a_started_application_is_offered_to_be_continued(site, language, button):
    client, service = site
    _as(client, service, "Camilla Berg")
    fresh = client.get(f"/apply/aap?lang={language}").text
    assert button not in fresh
    client.post("/apply/aap/q/membership_years", data=form(answer="10"))
    resumed = client.get(f"/apply/aap?lang={language}").text
    assert f'<span class="aksel-label">{button}</span>' in resumed
    onward = client.post("/apply/aap", data=form())
    assert onward.headers["location"] == "/apply/aap/q/stays_in_norway"


# -- documents ------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n" + b"x" * 1_250_000 + b"\n%%EOF\n"


def test_continue_with_a_file_chosen_uploads_it(site):
    client, service = site
    _as(client, service, "Camilla Berg")
    client.post("/apply/aap/q/membership_years", data=form(answer="10"))
    answer = client.post(
        "/apply/aap/documents",
        data=form(action="continue"),
        files={"document": ("legeerklaering.pdf", PDF, "application/pdf")},
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/apply/aap/check"
    assert "legeerklaering.pdf" in client.get("/apply/aap/check").text
    listed = client.get("/apply/aap/documents").text
    assert "legeerklaering.pdf (1,2\u00a0MB)" in listed
    assert "(1.2\u00a0MB)" in client.get("/apply/aap/documents?lang=en").text
    nothing = client.post("/apply/aap/documents", data=form(action="continue"))
    assert nothing.headers["location"] == "/apply/aap/check"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "nb",
            "notat.pdf ble ikke lastet opp. Filen er ikke en PDF, selv om navnet slutter på .pdf.",
        ),
        (
            "nn",
            "notat.pdf vart ikkje lasta opp. Fila er ikkje ein PDF, sjølv om namnet sluttar på"
            " .pdf.",
        ),
        (
            "en",
            "notat.pdf was not uploaded. The file is not a PDF, even though its name ends in .pdf.",
        ),
    ],
)
def test_a_text_file_named_pdf_is_refused_with_a_clear_message(site, language, message):
    client, service = site
    _as(client, service, "Camilla Berg")
    client.post("/apply/aap/q/membership_years", data=form(answer="10"))
    answer = client.post(
        f"/apply/aap/documents?lang={language}",
        data=form(action="continue"),
        files={"document": ("notat.pdf", b"Bare tekst", "application/pdf")},
    )
    assert answer.status_code == 400  # the page stays; the file is not left behind unsaid
    assert _messages(answer.text).startswith(message)
    assert "notat.pdf" not in client.get("/apply/aap/check").text


# -- a klage's attachments -----------------------------------------------------------------------


def test_the_klage_form_checks_attachments_as_the_api_does(site):
    """The form and the API share `trygd.services.files`: a text file named .pdf is refused by
    its content, and a file's name is stored without control characters or overrides."""
    client, service = site
    sak_id = _as(client, service, "Anna Dahl")
    vedtak_id = service.get_sak(_citizen_context(service, "Anna Dahl"), sak_id)["vedtak"][0]["id"]
    url = f"/my/vedtak/{vedtak_id}/klage"
    text = "Jeg mener dagsatsen er regnet feil."
    fake = client.post(
        url,
        data=form(kind="full", text=text),
        files={"attachments": ("lonn.pdf", b"just text", "application/pdf")},
    )
    assert fake.status_code == 400
    assert "lonn.pdf: Filen er ikke en PDF, selv om navnet slutter på .pdf" in fake.text
    sent = client.post(
        url,
        data=form(kind="full", text=text),
        files={"attachments": ("Lønn\u202egpj.exe\u2066.pdf", b"%PDF-1.4 lonn", "text/plain")},
    )
    assert sent.status_code == 303, sent.text
    from trygd.store.models import Attachment

    with service.sessions() as session:
        stored = session.scalars(select(Attachment)).one()
    assert (stored.filename, stored.content_type) == ("Lønngpj.exe.pdf", "application/pdf")


def _citizen_context(service: CaseService, name: str) -> Any:
    from trygd.demo.seed import _citizen

    return _citizen(_person(service, name))
