"""The staff pages in a real browser: casework with totrinnskontroll, Klageinstans, search
and the audit trail, each page checked with axe.

These tests use the demo persons no citizen test touches (David Hansen, Eli Strand, Camilla
Berg, and Bjørn Lie's serviceklager), and each finds its case itself, so they pass in any
order.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

from conftest import check_accessibility, sign_in, sign_out

from trygd.demo.seed import PERSONS
from trygd.domain.identity import synthetic_identity_number


def _identity_number(name: str) -> str:
    index, person = next((i, p) for i, p in enumerate(PERSONS) if p.name == name)
    return synthetic_identity_number(person.birth_date, index)


def _heading(page) -> str:
    """The page's one h1 (strict: a second one, say from an embedded letter, fails)."""
    return page.locator("main h1").inner_text()


def _sign_out(page):
    sign_out(page)


def _open_case_of(page, person: str, reason: str) -> None:
    """From the queue, open the tasks with `reason` until the case of `person` shows."""
    page.locator("#task-list").wait_for()
    rows = page.locator("#task-list tbody tr", has_text=reason)
    for index in range(rows.count()):
        page.locator("#task-list tbody tr", has_text=reason).nth(index).get_by_role(
            "link", name="Åpne"
        ).click()
        if person in _heading(page):
            return
        page.go_back()
    raise AssertionError(f"no task with {reason!r} for {person}")


def test_a_caseworker_proposes_and_another_person_approves(page):
    sign_in(page, "Kari Saksbehandler", "/staff")
    assert page.url.endswith("/staff/tasks")
    check_accessibility(page)
    _open_case_of(page, "David Hansen", "Saken skal alltid vurderes av en saksbehandler")
    check_accessibility(page)
    assert "Under vurdering" in page.get_by_test_id("state").inner_text()
    assert (
        page.locator("#conditions").get_by_role("heading", name="Nedsatt arbeidsevne").is_visible()
    )

    # Assess one condition again: the reason is required, then the assessment is saved.
    condition = page.locator("li.condition", has_text="Nedsatt arbeidsevne")
    condition.get_by_text("Vurder vilkåret").click()
    condition.get_by_label("Nedsatt arbeidsevne (prosent)").fill("60")
    condition.get_by_role("button", name="Lagre vurderingen").click()
    assert page.title().startswith("Feil:")
    assert condition.locator(".aksel-error-message").first.is_visible()
    condition = page.locator("li.condition", has_text="Nedsatt arbeidsevne")
    condition.get_by_label("Begrunnelse for vurderingen").fill(
        "Legeerklæringen fra fastlegen viser 60 prosent nedsatt arbeidsevne."
    )
    condition.get_by_role("button", name="Lagre vurderingen").click()
    assert page.get_by_text("Vurderingen er lagret").is_visible()

    page.get_by_label("Merknad til beslutteren (valgfritt)").fill("Alle vilkår er oppfylt.")
    page.get_by_role("button", name="Foreslå vedtak").click()
    assert "venter på godkjenning" in page.get_by_test_id("state").inner_text()
    case_path = urlparse(page.url).path
    _sign_out(page)

    sign_in(page, "Ola Beslutter", case_path)
    assert page.get_by_role("heading", name="Godkjenn").is_visible()
    page.get_by_role("button", name="Godkjenn og fatt vedtaket").click()
    assert "Vedtak fattet" in page.get_by_test_id("state").inner_text()
    assert page.get_by_text("Vedtaket er godkjent og fattet").is_visible()
    check_accessibility(page)


def test_an_approver_must_give_a_reason_to_return(page):
    sign_in(page, "Ola Beslutter", "/staff/tasks?kind=approve")
    _open_case_of(page, "Eli Strand", "Forslag som venter på godkjenning")
    page.get_by_role("button", name="Send tilbake").click()
    assert page.title().startswith("Feil:")
    field = page.locator("#return-reason")
    assert field.get_attribute("aria-invalid") == "true"
    message = page.locator(".form-row", has=field).locator(".aksel-error-message")
    assert message.inner_text().strip().startswith("Skriv hvorfor")
    page.locator("#error-summary").get_by_role("link").first.click()
    check_accessibility(page)


def test_klageinstans_decides_a_forwarded_klage(page):
    sign_in(page, "Lise Klageinstans")
    assert page.url.endswith("/klageinstans")
    check_accessibility(page)
    page.locator("#task-list tbody tr", has_text="Camilla Berg").get_by_role(
        "link", name="Åpne"
    ).click()
    assert "Camilla Berg" in _heading(page)
    assert "holder fast ved vedtaket" in page.get_by_test_id("statement").inner_text()
    # Still in the comment period: the page says until when, and offers no decision yet.
    assert "Venter på uttalelse til" in page.get_by_test_id("waiting-for-comments").inner_text()
    assert page.get_by_role("button", name="Avgjør klagen").count() == 0
    check_accessibility(page)

    # Camilla comments on the statement (through the API, as her own pages would), so
    # Klageinstans need not wait for the comment deadline.
    users = page.request.get("/api/v1/demo/users").json()["citizens"]
    camilla = next(u["user"] for u in users if u["name"] == "Camilla Berg")
    token = page.request.post("/api/v1/demo/tokens", data={"user": camilla}).json()["token"]
    klage_id = urlparse(page.url).path.rsplit("/", 1)[1]
    answer = page.request.post(
        f"/api/v1/klager/{klage_id}/comments",
        data={"text": "Jeg har sendt lønnsslippene fra ekstrajobben."},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.ok, answer.text()

    page.reload()
    assert page.get_by_text("Jeg har sendt lønnsslippene").is_visible()
    page.get_by_role("button", name="Avgjør klagen").click()
    assert page.title().startswith("Feil:")
    page.get_by_label("Stadfestet").check()
    page.get_by_label("Begrunnelse", exact=True).fill(
        "Inntekten i a-ordningen er riktig registrert og er under kravet på 1,5 G."
    )
    page.get_by_role("button", name="Avgjør klagen").click()
    assert "Avgjort av NAV Klageinstans" in page.get_by_test_id("state").inner_text()
    assert page.get_by_text("Klagen er avgjort").is_visible()
    check_accessibility(page)


def test_a_search_needs_a_purpose_and_finds_the_person(page):
    sign_in(page, "Kari Saksbehandler", "/staff/search")
    check_accessibility(page)
    number = _identity_number("Frank Moen")
    page.get_by_label("Fødselsnummer eller D-nummer", exact=False).fill(number)
    page.get_by_role("button", name="Søk").click()
    assert page.title().startswith("Feil:")
    purpose = page.locator(".form-row", has=page.locator("#purpose"))
    assert "Skriv hvorfor du søker" in purpose.locator(".aksel-error-message").inner_text()
    assert number not in page.url
    # the typed number stays in its field: only the purpose needs typing
    assert page.get_by_label("Fødselsnummer eller D-nummer", exact=False).input_value() == number
    check_accessibility(page)

    page.get_by_label("Hvorfor du søker").fill("Spørsmål fra Frank på telefon om AAP-saken")
    page.get_by_role("button", name="Søk").click()
    assert page.get_by_role("heading", name="Frank Moen").is_visible()
    assert number not in page.url
    page.get_by_role("link", name="AAP").click()
    assert "Frank Moen" in _heading(page)


def test_the_audit_trail_and_a_first_instance_klage_page_are_accessible(page):
    sign_in(page, "Arne Revisor")
    assert page.url.endswith("/staff/audit")
    check_accessibility(page)
    page.get_by_role("button", name="Vis loggen").click()
    assert page.title().startswith("Feil:")
    page.get_by_label("Formålet med kontrollen").fill("Stikkprøve desember")
    page.get_by_role("button", name="Vis loggen").click()
    page.locator(".audit-table tbody tr").first.wait_for()
    check_accessibility(page)
    _sign_out(page)

    # Nils (the first instance) sees Camilla's klage he sent on, read-only now.
    sign_in(page, "Nils Saksbehandler", "/staff/search")
    page.get_by_label("Fødselsnummer eller D-nummer", exact=False).fill(
        _identity_number("Camilla Berg")
    )
    page.get_by_label("Hvorfor du søker").fill(
        "Oppfølging av klagen " + dt.date.today().isoformat()
    )
    page.get_by_role("button", name="Søk").click()
    page.get_by_role("link", name="dagpenger").click()
    assert "Camilla Berg" in _heading(page)
    check_accessibility(page)


def _citizen_token(page, name: str) -> str:
    users = page.request.get("/api/v1/demo/users").json()["citizens"]
    user = next(u["user"] for u in users if u["name"] == name)
    return str(page.request.post("/api/v1/demo/tokens", data={"user": user}).json()["token"])


def test_a_caseworker_answers_a_serviceklage_of_the_unit(page):
    # Bjørn Lie's seeded serviceklage is about his sykepenger case, so it is at Sara's unit.
    sign_in(page, "Sara Saksbehandler")
    page.get_by_role("link", name="Serviceklager").click()
    assert _heading(page) == "Serviceklager"
    check_accessibility(page)
    page.locator("tbody tr", has_text="Ikke besvart").first.get_by_role("link").click()
    assert "Bjørn Lie" in _heading(page)
    assert page.get_by_text("Jeg fikk ikke svar på meldingen min").is_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Send svaret").click()
    assert page.title().startswith("Feil:")
    page.locator("#error-summary").get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "answer"
    check_accessibility(page)
    page.get_by_label("Svaret ditt til personen").fill(
        "Beklager at ingen svarte. Vi ringer deg innen to arbeidsdager."
    )
    page.get_by_role("button", name="Send svaret").click()
    assert page.get_by_text("Svaret er lagret").is_visible()
    assert "Besvart" in page.get_by_test_id("state").inner_text()
    assert "Sara Saksbehandler" in page.locator("main").inner_text()
    check_accessibility(page)


def test_staff_pages_pass_axe_in_nynorsk_and_english(page):
    # A case page with the letter preview: a proposal, which only an approver's queue offers.
    sign_in(page, "Ola Beslutter", "/staff/tasks?kind=approve")
    page.locator("#task-list tbody tr").first.get_by_role("link").click()
    case_page = urlparse(page.url).path
    _sign_out(page)
    sign_in(page, "Kari Saksbehandler")
    pages = ["/staff/tasks", "/staff/search", "/staff/serviceklager", case_page]
    for language, tasks in (("nn", "Oppgåver"), ("en", "Tasks")):
        for path in pages:
            page.goto(f"{path}?lang={language}")
            assert page.locator("html").get_attribute("lang") == language
            check_accessibility(page)
        page.goto(f"/staff/tasks?lang={language}")
        assert _heading(page) == tasks
    page.goto("/staff/tasks?lang=nb")  # ?lang= is remembered; sign out in bokmål
    _sign_out(page)

    sign_in(page, "Lise Klageinstans")
    for language in ("nn", "en"):
        page.goto(f"/klageinstans?lang={language}")
        check_accessibility(page)
    # Camilla's klage page at Klageinstans (found through the API: an earlier test may have
    # decided it, which takes it out of Lise's queue).
    token = {"Authorization": f"Bearer {_citizen_token(page, 'Camilla Berg')}"}
    sak = page.request.get("/api/v1/cases", headers=token).json()["items"][0]["id"]
    klage = page.request.get(f"/api/v1/cases/{sak}/klager", headers=token).json()["items"][0]
    for language in ("nn", "en"):
        page.goto(f"/klageinstans/klager/{klage['id']}?lang={language}")
        assert "Camilla Berg" in _heading(page)
        check_accessibility(page)


def test_keyboard_shortcuts_move_through_the_queue_and_the_case(page):
    """UX.md: shortcuts for what caseworkers do all day, with Alt+Shift so that typing never
    triggers one, listed on every staff page; opening a case does not change it."""
    sign_in(page, "Kari Saksbehandler", "/staff/tasks")
    page.goto("/staff/tasks")
    page.get_by_text("Hurtigtaster").click()
    assert page.get_by_text("Åpne den eldste oppgaven i lista").is_visible()
    check_accessibility(page)
    oldest = page.locator("[data-shortcut=KeyN]").get_attribute("href")
    page.keyboard.press("Alt+Shift+KeyN")
    page.wait_for_url(f"**{oldest}")
    for key, section in (("KeyV", "conditions"), ("KeyB", "calculation"), ("KeyF", "preview")):
        page.keyboard.press(f"Alt+Shift+{key}")
        assert page.evaluate("document.activeElement.id") == section
    page.locator("#conditions").focus()
    page.keyboard.press("Shift+KeyB")  # no Alt: typing, never a shortcut
    assert page.evaluate("document.activeElement.id") == "conditions"
    page.keyboard.press("Alt+Shift+KeyO")
    page.wait_for_url("**/staff/tasks")
