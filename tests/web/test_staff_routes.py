"""Fast checks of the staff pages through the whole site (TestClient, demo data, SQLite):
the role's start page, the queue's filters, the forms' messages next to their fields,
optimistic locking, and that an identity number never appears in an address or a page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from trygd.api.demo import demo_claims
from trygd.api.identity import DemoTokens
from trygd.demo.seed import PERSONS, seed
from trygd.domain.identity import synthetic_identity_number
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.store.models import Behandling, Person, Sak
from trygd.web.app import create_site
from trygd.web.session import (
    CSRF_HEADER,
    SESSION_COOKIE,
    session_csrf_token,
)


def demo_site(folder: Path) -> tuple[TestClient, CaseService]:
    engine = make_engine(f"sqlite:///{folder / 'trygd.sqlite3'}")
    migrate(engine)
    service = CaseService(engine, Settings(demo=True))
    seed(service)
    site = create_site(service, DemoTokens("test-secret-" + "x" * 32), demo=True)
    return TestClient(site, follow_redirects=False), service


def signed_in(client: TestClient, user: str) -> TestClient:
    """`client` with the cookies of demo user `user` (an employee id) and a CSRF value."""
    state = client.app.state  # type: ignore[attr-defined]
    token = state.identity.issue(demo_claims(state.service, user))
    client.cookies.set(SESSION_COOKIE, token)
    client.headers[CSRF_HEADER] = session_csrf_token(
        state.csrf_key, state.identity.verify(token)["sid"]
    )
    return client


def form(**values: Any) -> dict[str, Any]:
    """A form's fields; its CSRF token travels in the client's X-CSRF-Token header."""
    return values


def version_in(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found, "the page has no form with the version"
    return found.group(1)


@pytest.fixture
def site(tmp_path):
    client, _service = demo_site(tmp_path)
    return client


def _tasks(client, **query) -> list[str]:
    page = client.get("/staff/tasks", params=query)
    assert page.status_code == 200
    return re.findall(r'href="/staff/behandlinger/([0-9a-f-]+)"', page.text)


@pytest.mark.parametrize(
    ("user", "home"),
    [("Z990101", "/staff/tasks"), ("Z990601", "/klageinstans"), ("Z990701", "/staff/audit")],
)
def test_staff_start_where_their_role_works(site, user, home):
    answer = signed_in(site, user).get("/staff")
    assert answer.status_code == 303
    assert answer.headers["location"] == home


def test_the_queue_filters_by_kind_and_ignores_unknown_values(site):
    client = signed_in(site, "Z990101")
    everything = _tasks(client)
    assessments = _tasks(client, kind="assess")
    assert len(assessments) == 2 and len(everything) == 2
    assert _tasks(client, kind="nonsense") == everything
    assert _tasks(client, benefit="dagpenger") == []
    # The approval in the unit is for an approver: the caseworker's queue does not offer it,
    # and asking for it is like asking for an unknown kind.
    assert _tasks(client, kind="approve") == everything
    assert len(_tasks(signed_in(site, "Z990102"), kind="approve")) == 1


def _kind_options(client) -> list[str]:
    page = client.get("/staff/tasks").text
    select = re.search(r'<select[^>]*name="kind".*?</select>', page, flags=re.S)
    assert select, "the queue has no kind filter"
    return re.findall(r'<option value="(\w*)"', select.group(0))


def test_the_queue_filter_offers_only_the_kinds_the_caller_may_do(site):
    assert _kind_options(signed_in(site, "Z990101")) == [
        "",
        "assess",
        "klage",
        "payment",
        "regulering",
    ]
    assert _kind_options(signed_in(site, "Z990102")) == ["", "approve"]


def test_a_stale_version_gives_the_conflict_page_and_changes_nothing(site):
    client = signed_in(site, "Z990101")
    case = _tasks(client, kind="assess")[0]
    page = client.get(f"/staff/behandlinger/{case}")
    version = int(version_in(page.text))
    answer = client.post(f"/staff/behandlinger/{case}/propose", data=form(version=str(version - 1)))
    assert answer.status_code == 409
    assert "Noen andre har endret saken" in answer.text or "Someone else" in answer.text
    assert version_in(client.get(f"/staff/behandlinger/{case}").text) == str(version)


def test_assessing_needs_a_reason_and_a_readable_number(site):
    client = signed_in(site, "Z990101")
    case = _tasks(client, kind="assess")[0]
    version = version_in(client.get(f"/staff/behandlinger/{case}").text)
    answer = client.post(
        f"/staff/behandlinger/{case}/assess",
        data=form(
            version=version,
            condition="aap.work_capacity_reduced",
            **{"fact.reduced_work_capacity": "sixty"},
        ),
    )
    assert answer.status_code == 400
    assert "Skriv et tall" in answer.text
    assert "Skriv hvorfor du vurderer det slik" in answer.text
    assert 'href="#assess-aap-work_capacity_reduced-reason"' in answer.text
    assert version_in(client.get(f"/staff/behandlinger/{case}").text) == version


def test_an_assessment_with_a_reason_is_saved(site):
    client = signed_in(site, "Z990101")
    case = _tasks(client, kind="assess")[0]
    version = version_in(client.get(f"/staff/behandlinger/{case}").text)
    answer = client.post(
        f"/staff/behandlinger/{case}/assess",
        data=form(
            version=version,
            condition="aap.work_capacity_reduced",
            reason="Legeerklæringen viser 65 prosent nedsatt arbeidsevne.",
            **{"fact.reduced_work_capacity": "65"},
        ),
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["location"])
    assert "Vurderingen er lagret" in page.text
    assert "65\u00a0%" in page.text or "65 %" in page.text
    assert int(version_in(page.text)) > int(version)


def test_a_calculation_the_rules_could_not_make_is_completed_by_the_caseworker(site):
    """Knut's dagpenger claim has no income (demo data). The caseworker gives the two sums for
    the minimum income; the basis still needs the income indexed by G, which the sums cannot
    give, so its step offers a form for the three indexed periods; with them the claim can
    be granted."""
    client = signed_in(site, "Z990301")
    [case] = _tasks(client, benefit="dagpenger", kind="assess")
    version = version_in(client.get(f"/staff/behandlinger/{case}").text)
    sums = client.post(
        f"/staff/behandlinger/{case}/assess",
        data=form(
            version=version,
            condition="dagpenger.minimum_income",
            reason="Inntekten er hentet fra a-ordningen for opptjeningsperioden.",
            **{"fact.income_12m": "300000", "fact.income_36m": "800000"},
        ),
    )
    assert sums.status_code == 303, sums.text
    page = client.get(f"/staff/behandlinger/{case}").text
    assert "Fyll inn opplysningene til dette beregningssteget" in page
    assert 'name="condition" value="dagpenger.basis"' in page
    assert 'name="fact.indexed_income_1_12m"' in page
    basis = client.post(
        f"/staff/behandlinger/{case}/assess",
        data=form(
            version=version_in(page),
            condition="dagpenger.basis",
            reason="Oppjustert inntekt per periode fra a-inntekt, måned for måned med G.",
            **{
                "fact.indexed_income_1_12m": "310000",
                "fact.indexed_income_13_24m": "260000",
                "fact.indexed_income_25_36m": "270000",
            },
        ),
    )
    assert basis.status_code == 303, basis.text
    done = client.get(f"/staff/behandlinger/{case}").text
    assert "Fyll inn opplysningene til dette beregningssteget" not in done
    assert "Grunnlaget ditt er 310\u00a0000\u00a0kr" in done


def test_a_request_for_information_needs_a_future_deadline(site):
    client = signed_in(site, "Z990101")
    case = _tasks(client, kind="assess")[0]
    version = version_in(client.get(f"/staff/behandlinger/{case}").text)
    answer = client.post(
        f"/staff/behandlinger/{case}/request-information",
        data=form(version=version, description="Send ny legeerklæring.", deadline="2001-01-01"),
    )
    assert answer.status_code == 400
    assert "Fristen må være etter i dag." in answer.text


def test_a_caseworker_cannot_approve(site):
    case = _tasks(signed_in(site, "Z990102"), kind="approve")[0]
    client = signed_in(site, "Z990101")
    page = client.get(f"/staff/behandlinger/{case}")
    assert "Godkjenn og fatt vedtaket" not in page.text
    answer = client.post(
        f"/staff/behandlinger/{case}/approve",
        data=form(version=re.search(r"<dt>Versjon</dt><dd>(\d+)</dd>", page.text).group(1)),
    )
    assert answer.status_code == 400
    assert "Rollen din gir ikke lov" in answer.text


def test_search_never_shows_the_identity_number(site):
    client = signed_in(site, "Z990101")
    index, david = next((i, p) for i, p in enumerate(PERSONS) if p.name == "David Hansen")
    number = synthetic_identity_number(david.birth_date, index)
    found = client.post(
        "/staff/search", data=form(identity_number=number, purpose="Telefon fra David")
    )
    assert found.status_code == 200
    assert "David Hansen" in found.text and number not in found.text
    assert re.search(r'href="/staff/saker/[0-9a-f-]+"', found.text)
    bad = client.post("/staff/search", data=form(identity_number="123", purpose=""))
    assert bad.status_code == 400
    assert "Skriv fødselsnummeret med 11 siffer." in bad.text
    assert "Skriv hvorfor du søker" in bad.text


def test_search_keeps_the_typed_number_when_the_purpose_is_missing(site):
    """The number is not typed twice, and it stays in the page body (never the URL)."""
    client = signed_in(site, "Z990101")
    index, david = next((i, p) for i, p in enumerate(PERSONS) if p.name == "David Hansen")
    number = synthetic_identity_number(david.birth_date, index)
    missing = client.post("/staff/search", data=form(identity_number=number, purpose=""))
    assert missing.status_code == 400 and "Skriv hvorfor du søker" in missing.text
    field = re.search(r'<input id="identity_number"[^>]*>', missing.text).group(0)
    assert f'value="{number}"' in field
    assert number not in str(missing.url) and "David Hansen" not in missing.text


def test_the_audit_trail_asks_for_a_purpose_first(site):
    client = signed_in(site, "Z990701")
    first = client.get("/staff/audit")
    assert first.status_code == 200 and "audit-table" not in first.text
    missing = client.get("/staff/audit", params={"purpose": ""})
    assert missing.status_code == 400 and "Skriv hvorfor du leser loggen." in missing.text
    shown = client.get("/staff/audit", params={"purpose": "Stikkprøve"})
    assert shown.status_code == 200 and "audit-table" in shown.text


def _klageinstans_pages(client) -> dict[str, str]:
    """The klage page of each task in Klageinstans' queue, by the person's name."""
    rows = re.findall(
        r"<tr>\s*<td>([^<]+)</td>.*?href=\"/staff/behandlinger/([0-9a-f-]+)\"",
        client.get("/klageinstans").text,
        flags=re.S,
    )
    pages = {}
    for name, behandling_id in rows:
        opened = client.get(f"/staff/behandlinger/{behandling_id}")
        assert opened.status_code == 303 and opened.headers["location"].startswith("/klageinstans/")
        pages[name.strip()] = opened.headers["location"]
    return pages


def test_klageinstans_waits_for_comments_without_an_error(site):
    """Camilla's klage is still in its comment period: the page says until when, offers no
    decision, and a decision sent anyway (from an older page) is not shown as an error."""
    client = signed_in(site, "Z990601")
    queue = client.get("/klageinstans").text
    assert "Venter på uttalelse til" in queue
    address = _klageinstans_pages(client)["Camilla Berg"]
    page = client.get(address)
    assert "Uttalelsen fra førsteinstans" in page.text
    assert "Venter på uttalelse til" in page.text
    assert f'action="{address}/decide"' not in page.text
    version = re.search(r"<dt>Versjon</dt><dd>(\d+)</dd>", page.text)
    assert version, "the page shows the klage's version"
    answer = client.post(
        address + "/decide",
        data=form(
            version=version.group(1),
            outcome="stadfestet",
            reasons="Inntekten er riktig registrert i a-ordningen.",
        ),
    )
    assert answer.status_code == 409
    assert "Venter på uttalelse til" in answer.text
    assert "error-summary" not in answer.text and "Du må rette" not in answer.text


def test_the_demo_has_a_klage_ready_to_decide(site):
    """Mona's klage was sent on long enough ago that the comment period is over."""
    client = signed_in(site, "Z990601")
    address = _klageinstans_pages(client)["Mona Eide"]
    page = client.get(address)
    assert "Venter på uttalelse" not in page.text
    answer = client.post(
        address + "/decide",
        data=form(
            version=version_in(page.text),
            outcome="stadfestet",
            reasons="Begge arbeidsforholdene er med, og inntekten er under kravet.",
        ),
    )
    assert answer.status_code == 303
    assert "Klagen er avgjort" in client.get(answer.headers["location"]).text


def test_a_caseworker_answers_a_serviceklage_of_the_unit(tmp_path):
    # Bjørn Lie's seeded serviceklage is about his sykepenger case: Sara's unit 4488.
    client, _service = demo_site(tmp_path)
    client = signed_in(client, "Z990401")
    listing = client.get("/staff/serviceklager")
    assert listing.status_code == 200
    assert "1 åpen serviceklage" in listing.text
    assert "Bjørn" not in listing.text and "meldingen min" not in listing.text
    complaint = re.findall(r'href="/staff/serviceklager/([0-9a-f-]+)"', listing.text)[0]
    page = client.get(f"/staff/serviceklager/{complaint}")
    assert "Bjørn Lie" in page.text and "Jeg fikk ikke svar på meldingen min" in page.text

    short = client.post(f"/staff/serviceklager/{complaint}/answer", data=form(answer="Beklager"))
    assert short.status_code == 400
    assert 'href="#answer"' in short.text and "Skriv svaret til personen" in short.text

    sent = client.post(
        f"/staff/serviceklager/{complaint}/answer",
        data=form(answer="Beklager at du ikke fikk svar. Vi ringer deg innen to dager."),
    )
    assert sent.status_code == 303
    answered = client.get(sent.headers["location"])
    assert "Sara Saksbehandler" in answered.text and "Vi ringer deg" in answered.text
    assert "<textarea" not in answered.text


def test_a_caseworker_of_another_unit_cannot_read_the_serviceklage(tmp_path):
    client, _service = demo_site(tmp_path)
    sara = signed_in(client, "Z990401")
    complaint = re.findall(
        r'href="/staff/serviceklager/([0-9a-f-]+)"', sara.get("/staff/serviceklager").text
    )[0]
    kari = signed_in(client, "Z990101")
    assert "serviceklager/" + complaint not in kari.get("/staff/serviceklager").text
    assert kari.get(f"/staff/serviceklager/{complaint}").status_code == 403
    refused = kari.post(
        f"/staff/serviceklager/{complaint}/answer",
        data=form(answer="Dette svaret skal ikke lagres."),
    )
    assert refused.status_code == 403


def test_the_klage_page_links_to_the_attachments_as_downloads(tmp_path):
    import base64

    from sqlalchemy import select

    from trygd.demo.seed import _citizen, _sak_of
    from trygd.store.models import Person

    client, service = demo_site(tmp_path)
    with service.sessions() as session:
        anna = session.scalars(select(Person).where(Person.name == "Anna Dahl")).one()
    me = _citizen(anna)
    vedtak_id = service.get_sak(me, _sak_of(service, anna))["vedtak"][0]["id"]
    content = b"%PDF-1.4 arbeidsavtale"
    klage = service.submit_klage(
        me,
        {
            "vedtak_id": vedtak_id,
            "text": "Jeg mener dagsatsen er regnet feil.",
            "attachments": [
                {
                    "filename": "Arbeidsavtale æøå.pdf",
                    "content_type": "application/pdf",
                    "content": base64.b64encode(content).decode(),
                }
            ],
        },
    )[1]
    client = signed_in(client, "Z990301")
    page = client.get(f"/staff/klager/{klage['id']}")
    assert page.status_code == 200 and "Arbeidsavtale æøå.pdf" in page.text
    link = re.search(r'href="(/staff/attachments/[0-9a-f-]+)" download', page.text)
    assert link
    got = client.get(link.group(1))
    assert got.status_code == 200 and got.content == content
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''Arbeidsavtale%20%C3%A6%C3%B8%C3%A5.pdf"
        in got.headers["content-disposition"]
    )
    assert signed_in(client, "Z990101").get(link.group(1)).status_code == 403


def test_the_case_page_names_the_employees_not_their_ids(site):
    client = signed_in(site, "Z990102")
    case = _tasks(client, kind="approve")[0]
    page = client.get(f"/staff/behandlinger/{case}")
    assert "<dt>Foreslått av</dt><dd>Kari Saksbehandler</dd>" in page.text
    history = page.text[page.text.index('id="history-heading"') :]
    assert "Kari Saksbehandler" in history and "Z990101" not in history


def test_an_embedded_letter_keeps_one_h1_on_the_page(site):
    client = signed_in(site, "Z990102")
    case = _tasks(client, kind="approve")[0]
    page = client.get(f"/staff/behandlinger/{case}")
    assert 'class="letter"' in page.text  # the preview of the vedtak letter
    assert page.text.count("<h1") == 1
    preview = page.text[page.text.index('class="letter"') :]
    assert "<h3>" in preview and "<h4>" in preview and "<h2>" not in preview

    gro = signed_in(site, "Z990201")
    search = gro.post(
        "/staff/search", data=form(identity_number=_number("Gro"), purpose="Kontroll")
    )
    sak = re.search(r'href="/staff/saker/([0-9a-f-]+)"', search.text).group(1)
    sak_page = gro.get(f"/staff/saker/{sak}", follow_redirects=True)
    letter = re.search(r'href="(/staff/letters/[0-9a-f-]+)"', sak_page.text).group(1)
    letter_page = gro.get(letter)
    assert letter_page.status_code == 200
    assert letter_page.text.count("<h1") == 1 and "<h2>" in letter_page.text


def _number(first_name: str) -> str:
    index, person = next((i, p) for i, p in enumerate(PERSONS) if p.name.startswith(first_name))
    return synthetic_identity_number(person.birth_date, index)


def _anna_appeals(service: CaseService) -> dict[str, Any]:
    from sqlalchemy import select

    from trygd.demo.seed import _citizen, _sak_of
    from trygd.store.models import Person

    with service.sessions() as session:
        anna = session.scalars(select(Person).where(Person.name == "Anna Dahl")).one()
    me = _citizen(anna)
    vedtak_id = service.get_sak(me, _sak_of(service, anna))["vedtak"][0]["id"]
    body = {"vedtak_id": vedtak_id, "text": "Jeg forsørger fire barn, ikke tre."}
    return service.submit_klage(me, body)[1]


def test_omgjoring_sends_only_the_corrected_facts(tmp_path):
    client, service = demo_site(tmp_path)
    klage = _anna_appeals(service)
    client = signed_in(client, "Z990301")
    page = client.get(f"/staff/klager/{klage['id']}")
    assert 'id="change-fact-children"' in page.text
    children = re.search(r'name="fact.children" type="text" value="(\d+)"', page.text)
    assert children
    # The form shows the vedtak's facts; a fact sent with its value unchanged is not a
    # correction, and an empty one is left as it was.
    values = {"fact.income_12m": "260000", "fact.stays_in_norway": ""}
    bad = client.post(
        f"/staff/klager/{klage['id']}/change",
        data=form(
            version=version_in(page.text),
            reason="Personen forsørger fire barn.",
            **{**values, "fact.children": "fire"},
        ),
    )
    assert bad.status_code == 400
    assert 'href="#change-fact-children"' in bad.text and "Skriv et helt tall" in bad.text

    done = client.post(
        f"/staff/klager/{klage['id']}/change",
        data=form(
            version=version_in(page.text),
            reason="Personen forsørger fire barn.",
            **{**values, "fact.children": str(int(children.group(1)) + 1)},
        ),
    )
    assert done.status_code == 303
    from trygd.demo.seed import _employee

    changed = service.get_klage(_employee("Z990301"), klage["id"])
    new = service.get_behandling(_employee("Z990301"), changed["result_behandling_id"])
    assert new.kind == "omgjoring"
    assert new.facts["children"] == int(children.group(1)) + 1
    assert new.facts["income_12m"] == 260000


def test_a_citizen_cannot_open_the_staff_pages_even_of_their_own_case(tmp_path):
    client, service = demo_site(tmp_path)
    with service.sessions() as session:
        eli, sak, behandling = session.execute(
            select(Person.id, Sak.id, Behandling.id)
            .join(Sak, Sak.person_id == Person.id)
            .join(Behandling, Behandling.sak_id == Sak.id)
            .where(Person.name == "Eli Strand")
        ).one()
    citizen = signed_in(client, f"person:{eli}")
    assert citizen.get(f"/my/cases/{sak}").status_code == 200  # her own case, as a citizen
    for address in (
        f"/staff/behandlinger/{behandling}",
        f"/staff/saker/{sak}",
        "/staff/search",
        "/staff/audit",
        "/staff/tasks",
        "/klageinstans",
        "/staff",
    ):
        assert citizen.get(address).status_code == 403, address


@pytest.mark.parametrize("benefit", ["sykepenger", "dagpenger", "aap", "uforetrygd"])
def test_the_case_page_writes_each_amount_as_its_kind(tmp_path, benefit):
    client, service = demo_site(tmp_path)
    with service.sessions() as session:
        ids = session.scalars(
            select(Behandling.id)
            .join(Sak, Sak.id == Behandling.sak_id)
            .where(Sak.benefit == benefit)
        ).all()
    units = {"sykepenger": "Z990401", "dagpenger": "Z990301", "aap": "Z990101"}
    staff = signed_in(client, units.get(benefit, "Z990201"))
    shown = [staff.get(f"/staff/behandlinger/{i}") for i in ids]
    assert all(page.status_code in (200, 303, 403) for page in shown)
    pages = [page.text for page in shown if page.status_code == 200]
    assert pages
    if benefit == "sykepenger":  # the maksdato and the first day paid are dates, not kroner
        assert any(re.search(r"<td>\d{1,2}\. \w+ \d{4}</td>", text) for text in pages)


def test_a_fact_the_rules_derive_is_never_a_form_field():
    """Sykepenger's days used and employer period come from the sick notes: an application
    cannot give them, so a caseworker's form (omgjøring, assessing a condition) does not
    offer them, and no list fact is a single field."""
    from trygd.rules.benefits import BENEFITS
    from trygd.web.routes.staff_case import benefit_fact_fields

    names = {field["name"] for field in benefit_fact_fields("sykepenger", {}, "nb")}
    given = {fact.name for fact in BENEFITS["sykepenger"].input_facts}
    assert names <= given
    assert "sick_days_used" not in names and "sick_after_employer_period" not in names
    assert "sick_leave_periods" not in names and "sick_leave_history" not in names
    assert {"yearly_income", "sick_leave_grade"} <= names


def test_the_klage_page_of_a_tilbakekreving_klage_shows_the_tilbakekreving(tmp_path):
    from sqlalchemy import select

    from trygd.demo.seed import _citizen, _sak_of
    from trygd.store.models import Person

    client, service = demo_site(tmp_path)
    with service.sessions() as session:
        siri = session.scalars(select(Person).where(Person.name == "Siri Dale")).one()
    me = _citizen(siri)
    [case] = service.sak_tilbakekrevinger(me, _sak_of(service, siri))
    klage = service.submit_klage(
        me, {"tilbakekreving_id": case["id"], "text": "Jeg forsto ikke at beløpet var feil."}
    )[1]
    client = signed_in(client, "Z990201")
    page = client.get(f"/staff/klager/{klage['id']}")
    assert page.status_code == 200
    assert f'href="/staff/tilbakekreving/{case["id"]}"' in page.text
    assert "får en oppgave om å vedta tilbakekrevingen på nytt" in page.text  # nb by default
    assert "None" not in re.sub(r"<[^>]+>", " ", page.text)
