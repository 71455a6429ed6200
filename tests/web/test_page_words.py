"""What people see on the pages (issue 13, items 7 and 9): the task list, plain words instead of
the code's names, numbers written the way each language writes them, the access log as
visits, and the same amount on the vedtak page as in the letter. TestClient, demo data."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from sqlalchemy import select
from test_staff_routes import demo_site, form, signed_in, version_in

from trygd.rules.texts import parameter_label
from trygd.store.models import Person
from trygd.web.i18n import translator
from trygd.web.routes.staff_case import parameter_value

# Names from the code and the parameter files that a person must never read on a page.
INTERNAL_WORDS = re.compile(
    r"\b(basis|yearly_amount|daily_rate|total_daily|monthly_amount|assessed|trygd worker"
    r"|system:worker|case processing|read_case)\b"
    r"|[a-z]+_[a-z_]+"  # any snake_case name (yearly_amount, uforetrygd.min_age, ...)
    r"|fixed by the Storting|NAV practice|not verified|King in Council"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_site(tmp_path_factory.mktemp("demo"))


def _text(page: str) -> str:
    """What a reader sees: the page without its markup, scripts and attribute values."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _person_id(service, name: str) -> str:
    with service.sessions() as session:
        return str(session.scalars(select(Person.id).where(Person.name == name)).one())


def _citizen(client, service, name: str):
    return signed_in(client, f"person:{_person_id(service, name)}")


def _links(page: str, pattern: str) -> list[str]:
    return list(dict.fromkeys(re.findall(f'href="({pattern})"', page)))


# -- tasks ------------------------------------------------------------------------------------


def test_tasks_show_person_reference_benefit_age_deadline_and_who_claimed(demo):
    client, _service = demo
    page = signed_in(client, "Z990101").get("/staff/tasks").text
    table = _text(page[page.index("<table") : page.index("</table>")])
    for heading in ("Person", "Referanse", "Oppgave", "Ytelse", "Alder", "Frist", "Tatt av"):
        assert heading in table
    assert "David Hansen" in table and "Liv Sand" in table  # the persons by name
    assert re.search(r"\b[0-9A-F]{8}\b", table)  # the case's short reference
    assert "I dag" in table or re.search(r"\d+ dag(er)?\b", table)  # the task's age
    # With nothing else to wait for, the deadline is the one for an answer (fvl. § 11 a).
    assert re.search(r"Svar eller foreløpig svar innen \d+\. \w+ \d{4}", table)
    assert "Ikke tatt" in table  # David's task: nobody has taken it
    assert "Tildelt –" not in _text(page)
    # At NAV Klageinstans the deadline says what the klage waits for, with its date.
    klageinstans = _text(signed_in(client, "Z990601").get("/klageinstans").text)
    assert re.search(r"Venter på uttalelse til \d+\. \w+ \d{4}", klageinstans)
    assert "(passert)" in klageinstans  # Mona's klage came to Klageinstans over a month ago


def test_the_case_page_says_who_claimed_it_or_that_nobody_has(demo):
    client, _service = demo
    kari = signed_in(client, "Z990101")
    case = re.findall(r'href="/staff/behandlinger/([0-9a-f-]+)"', kari.get("/staff/tasks").text)
    text = _text(kari.get(f"/staff/behandlinger/{case[0]}").text)
    assert "Tildelt –" not in text
    assert re.search(r"Tatt av (Ikke tatt|Kari Saksbehandler|\w+ \w+)", text)


def test_the_system_is_called_nav_automatic_on_pages(demo):
    client, _service = demo
    lise = signed_in(client, "Z990601")
    queue = lise.get("/klageinstans").text
    behandling = re.findall(r'href="/staff/behandlinger/([0-9a-f-]+)"', queue)[0]
    klage = lise.get(f"/staff/behandlinger/{behandling}").headers["location"]
    words = {"nb": "NAV (automatisk)", "nn": "NAV (automatisk)", "en": "NAV (automatic)"}
    for lang, word in words.items():
        text = _text(lise.get(klage, params={"lang": lang}).text)
        assert word in text and "trygd worker" not in text and "system:worker" not in text
    # An automatic decision is NAV's, not the applicant's whose request set it off.
    assert "Avgjort automatisk NAV (automatisk)" in _text(
        lise.get(klage, params={"lang": "nb"}).text
    )


# -- no internal words ------------------------------------------------------------------------


def _pages_in_norwegian(client, service, lang: str) -> dict[str, str]:
    """The pages issue 13 names, in `lang`: citizens' cases, vedtak and data pages (of
    persons whose letters are in Norwegian), and the staff case, klage and tasks pages."""
    pages: dict[str, str] = {}
    for name in ("Anna Dahl", "Camilla Berg", "Gro Nilsen", "Eli Strand"):
        me = _citizen(client, service, name)
        cases = me.get("/my/cases", params={"lang": lang}).text
        for case in _links(cases, r"/my/cases/[0-9a-f-]{36}"):
            case_page = me.get(case, params={"lang": lang}).text
            pages[f"{name} {case}"] = case_page
            for link in _links(case_page, r"/my/(?:vedtak|klager)/[0-9a-f-]{36}"):
                pages[f"{name} {link}"] = me.get(link, params={"lang": lang}).text
        pages[f"{name} /my/data"] = me.get("/my/data", params={"lang": lang}).text
    for user, start in (
        ("Z990101", "/staff/tasks"),
        ("Z990201", "/staff/tasks"),
        ("Z990301", "/staff/tasks"),
        ("Z990601", "/klageinstans"),
    ):
        staff = signed_in(client, user)
        listing = staff.get(start, params={"lang": lang}).text
        pages[f"{user} {start}"] = listing
        for link in _links(listing, r"/staff/behandlinger/[0-9a-f-]{36}"):
            got = staff.get(link, params={"lang": lang}, follow_redirects=True)
            pages[f"{user} {link}"] = got.text
    return pages


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_norwegian_pages_show_no_internal_names(demo, lang):
    client, service = demo
    found = {}
    for where, page in _pages_in_norwegian(client, service, lang).items():
        words = {m.group(0) for m in INTERNAL_WORDS.finditer(_text(page))}
        if words:
            found[where] = sorted(words)
    assert found == {}


def test_parameters_on_the_case_page_have_labels_and_units_in_the_page_language(demo):
    client, _service = demo
    ingrid = signed_in(client, "Z990201")
    case = re.findall(r'href="/staff/behandlinger/([0-9a-f-]+)"', ingrid.get("/staff/tasks").text)
    text = _text(ingrid.get(f"/staff/behandlinger/{case[0]}", params={"lang": "nn"}).text)
    assert "Grunnbeløpet (G)" in text and "ftrl. § 1-4" in text
    assert "0.5 ratio" not in text and "years" not in text
    assert "50 %" in text and "18 år" in text


def test_parameter_values_read_as_words_in_each_language():
    nb, en = translator("nb"), translator("en")
    assert parameter_value(0.5, "ratio", "nb", nb) == "50\u00a0%"
    assert parameter_value(0.5, "ratio", "en", en) == "50%"
    assert parameter_value(26, "weeks", "nb", nb) == "26 uker"
    assert parameter_value(1, "years", "en", en) == "1 year"
    assert parameter_value(1.5, "G", "nb", nb) == "1,5 G"
    assert parameter_value(37.5, "hours/week", "nb", nb) == "37,5 timer per uke"
    assert parameter_value(136549, "NOK", "nb", nb) == "136\u00a0549\u00a0kr"
    assert parameter_label("common.grunnbelop", "nn") == "grunnbeløpet (G)"


# -- numbers and amounts ----------------------------------------------------------------------


def _amount(text: str) -> str:
    found = re.search(r"Du får ([\d ]+(?:,\d\d)? kr) (?:per dag|i måneden|i månaden)", text)
    assert found, text[:3000]
    return found.group(1)


def test_the_vedtak_page_shows_the_amount_the_letter_shows_for_each_benefit(tmp_path):
    client, service = demo_site(tmp_path)
    # Eli's AAP proposal is approved, so every benefit has a granted vedtak.
    ola = signed_in(client, "Z990102")
    eli_case = re.findall(
        r'href="/staff/behandlinger/([0-9a-f-]+)"', ola.get("/staff/tasks?kind=approve").text
    )[0]
    version = version_in(ola.get(f"/staff/behandlinger/{eli_case}").text)
    approved = ola.post(f"/staff/behandlinger/{eli_case}/approve", data=form(version=version))
    assert approved.status_code == 303
    service.run_due_jobs()
    seen = set()
    for name, benefit in (
        ("Anna Dahl", "dagpenger"),
        ("Bjørn Lie", "sykepenger"),
        ("Eli Strand", "aap"),
        ("Gro Nilsen", "uforetrygd"),
    ):
        me = _citizen(client, service, name)
        case = _links(me.get("/my/cases").text, r"/my/cases/[0-9a-f-]{36}")[0]
        vedtak_link = _links(me.get(case).text, r"/my/vedtak/[0-9a-f-]{36}")[0]
        vedtak_page = me.get(vedtak_link, params={"lang": "nb"}).text
        letter_link = _links(vedtak_page, r"/my/letters/[0-9a-f-]{36}")[0]
        letter = me.get(letter_link).text
        if name == "Bjørn Lie":  # his letters are in English: compare in English
            page_amount = re.search(
                r"You will get (NOK [\d,.]+) a day",
                _text(me.get(vedtak_link, params={"lang": "en"}).text),
            )
            letter_amount = re.search(r"You will get (NOK [\d,.]+) a day", _text(letter))
            assert page_amount and letter_amount
            assert page_amount.group(1) == letter_amount.group(1)
        else:
            assert _amount(_text(vedtak_page)) == _amount(_text(letter))
        seen.add(benefit)
    assert seen == {"dagpenger", "sykepenger", "aap", "uforetrygd"}


# -- the access log ---------------------------------------------------------------------------


def test_one_visit_is_one_row_in_plain_words(demo):
    client, service = demo
    eli = _person_id(service, "Eli Strand")
    ola = signed_in(client, "Z990102")
    queue = ola.get("/staff/tasks").text
    for link in _links(queue, r"/staff/behandlinger/[0-9a-f-]{36}"):
        ola.get(link)  # Ola opens every case in the queue, Eli's among them, twice
        ola.get(link)
    me = signed_in(client, f"person:{eli}")
    for lang, words in (
        (
            "nb",
            r"Ola Beslutter, Nav Frogner, beslutter, så på saken din om "
            r"arbeidsavklaringspenger \(AAP\) \d+\. \w+ \d{4} kl\. \d\d\.\d\d",
        ),
        ("nn", r"Ola Beslutter, Nav Frogner, avgjerdstakar, såg på saka di om "),
        (
            "en",
            r"Ola Beslutter, Nav Frogner, approver, looked at your case "
            r"about .+ on \d+ \w+ \d{4} at \d\d:\d\d",
        ),
    ):
        page = me.get("/my/data", params={"lang": lang}).text
        log = _text(page[page.index('class="plain-list access-log"') :])
        rows = re.findall(r"Ola Beslutter.*?\d{4} (?:kl\.|at) \d\d[.:]\d\d", log)
        assert len(rows) == 1, rows  # many looks, one visit
        assert re.search(words, log), log[:600]
        assert "case processing" not in log and "read_case" not in log


@pytest.mark.parametrize(
    ("kind", "typed", "lang", "expected"),
    [
        ("money", "320000", "nb", "320\u00a0000\u00a0kr"),
        ("money", "320000", "en", "NOK\u00a0320,000"),
        ("hours", "37.5", "nn", "37,5"),
        ("percent", "50", "nb", "50\u00a0%"),
        ("whole", "2", "nb", "2"),
        ("date", "01.02.2026", "nb", "01.02.2026"),
    ],
)
def test_an_answer_on_the_check_pages_is_written_as_the_language_writes_numbers(
    kind, typed, lang, expected
):
    from trygd.web.templating import _format_answer

    assert _format_answer(kind, typed, lang) == expected


# -- legal values from the rules ---------------------------------------------------------------


def test_legal_values_on_pages_come_from_the_rules(demo):
    """The privacy page prints the registry's legal bases, the benefit descriptions the
    parameters' values, and the information request offers the answer time of
    `procedure.information_answer_weeks` as a date."""
    import datetime as dt

    from trygd.domain import deadlines
    from trygd.rules.assessment import default_ruleset

    client, service = demo
    parameters = default_ruleset().parameters
    privacy = _text(client.get("/privacy?lang=en").text)
    for name in ("automatic_decision", "own_data"):
        assert f"Legal basis: {parameters.legal_basis(name).text}" in privacy
    days = int(parameters["sykepenger.earning_period_days"].value_at(dt.date.today()).value)
    who = _text(_citizen(client, service, "Anna Dahl").get("/apply/sykepenger?lang=en").text)
    assert f"at least {days} days" in who
    page = signed_in(client, "Z990101").get("/staff/tasks").text
    behandling = _links(page, r"/staff/behandlinger/[0-9a-f-]+")[0]
    default = deadlines.information_answer_deadline(dt.date.today()).last_day.isoformat()
    assert f'value="{default}"' in signed_in(client, "Z990101").get(behandling).text
