"""More citizens' journeys in a real browser: reporting a change, a service complaint, the
benefit guide signed out, and following up a klage (grounds, comment, withdraw).

Each test uses a demo person no other browser test changes: Bjørn Lie (an automatic
sykepenger grant, changed and then stopped), Knut Aas (a complaint changes no case), Anna
Dahl (only read elsewhere).
Every click that opens a new page waits for that page before axe runs on it.
"""

from __future__ import annotations

import datetime as dt

from conftest import check_accessibility, sign_in

from trygd.rules import formatting


def _heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def test_a_citizen_reports_a_change_and_gets_a_receipt(page):
    sign_in(page, "Bjørn Lie", "/my/cases")
    page.locator(".case-card a").first.click()
    page.get_by_role("link", name="Meld fra om en endring").click()
    page.wait_for_url("**/change")
    check_accessibility(page)
    page.get_by_role("button", name="Fortsett").click()
    page.wait_for_selector("#error-summary")
    assert "Velg hva som har endret seg" in page.locator("#fact-error").inner_text()
    check_accessibility(page)
    page.get_by_label("Hvor mange prosent du er sykmeldt").check()
    page.get_by_role("button", name="Fortsett").click()
    page.wait_for_selector("input#answer")
    assert _heading(page) == "Hvor mange prosent er du sykmeldt?"
    check_accessibility(page)
    page.locator("#answer").fill("150")
    page.get_by_role("button", name="Fortsett").click()
    page.wait_for_selector("#error-summary")
    assert "Skriv et helt tall fra 0 til 100" in page.locator("#answer-error").inner_text()
    page.locator("#answer").fill("50")
    page.get_by_role("button", name="Fortsett").click()
    page.wait_for_selector("input#effective_date")
    check_accessibility(page)
    page.locator("#effective_date").fill(dt.date.today().strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Fortsett").click()
    page.wait_for_selector("dl.summary-list")
    assert _heading(page) == "Se over svarene før du sender"
    assert "50\u00a0%" in page.locator("dl.summary-list").inner_text()  # as Norwegian writes it
    check_accessibility(page)
    today = dt.date.today().strftime("%d.%m.%Y")
    page.go_back()  # the step was a redirect to a GET page: Back shows the answer again
    page.wait_for_selector("input#effective_date")
    assert page.locator("#effective_date").input_value() == today
    page.go_forward()
    page.wait_for_selector("dl.summary-list")
    page.get_by_role("button", name="Send endringen").click()
    page.wait_for_url("**/change/received")
    assert _heading(page) == "Vi har mottatt endringen"
    check_accessibility(page)


def test_a_change_that_stops_sykepenger_is_said_plainly(page):
    """Bjørn reports that he is now sick-listed only 10 %: below the 20 % minimum, so the
    automatic revurdering stops his sykepenger; every page says so, with the date."""
    stop = dt.date.today() + dt.timedelta(days=3)
    day = formatting.date(stop, "nb")
    sign_in(page, "Bjørn Lie", "/my/cases")
    page.locator(".case-card a").first.click()
    page.get_by_role("link", name="Meld fra om en endring").click()
    page.get_by_label("Hvor mange prosent du er sykmeldt").check()
    page.get_by_role("button", name="Fortsett").click()
    page.locator("#answer").fill("10")
    page.get_by_role("button", name="Fortsett").click()
    page.locator("#effective_date").fill(stop.strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Fortsett").click()
    page.get_by_role("button", name="Send endringen").click()
    page.wait_for_url("**/change/received")
    main = page.locator("main").inner_text()
    assert f"Sykepengene dine stanses fra {day}." in main
    assert "Hvorfor" in main and "Hva du kan gjøre" in main and "kan du klage innen" in main
    check_accessibility(page)
    page.get_by_role("link", name="Tilbake til saken").click()
    assert f"Stanset fra {day}" in page.locator("main").inner_text()
    check_accessibility(page)
    page.get_by_role("link", name="Les vedtaket").first.click()
    page.wait_for_url("**/my/vedtak/*")
    assert "Erstattet av vedtak av" in page.locator("main").inner_text()
    check_accessibility(page)


def test_a_citizen_sends_a_service_complaint(page):
    sign_in(page, "Knut Aas", "/my")
    page.get_by_role("link", name="Serviceklagene dine").click()
    page.wait_for_url("**/my/serviceklage")
    check_accessibility(page)
    page.get_by_role("link", name="Klag på servicen vår").click()
    page.wait_for_url("**/my/serviceklage/new")
    assert "ikke en klage på et vedtak" in page.locator("main").inner_text()
    check_accessibility(page)
    page.get_by_label("Hva skjedde?").fill("Kort")
    page.get_by_role("button", name="Send klagen").click()
    page.wait_for_selector("#error-summary")
    assert page.title().startswith("Feil:")
    check_accessibility(page)
    page.get_by_label("Hva skjedde?").fill("Jeg ventet i telefonkø i over en time.")
    page.get_by_role("button", name="Send klagen").click()
    page.wait_for_url("**/my/serviceklage?sent=*")
    assert "Vi har mottatt klagen din" in page.locator("main").inner_text()
    assert "Jeg ventet i telefonkø i over en time." in page.locator("main").inner_text()
    check_accessibility(page)


def _fill_guide(page, labels: dict[str, str], situation: str, yes: str) -> None:
    page.get_by_label(situation).check()
    page.locator("#birth_date").fill("14.03.1985")
    page.locator("#lives_in_norway").get_by_label(yes, exact=True).check()
    for field, value in labels.items():
        page.locator(f"#{field}").fill(value)


def test_the_guide_signed_out_in_bokmal(page):
    page.goto("/")
    page.get_by_role("link", name="Hvilke stønader kan jeg få?").click()
    page.wait_for_url("**/guide")
    check_accessibility(page)
    page.get_by_role("button", name="Se hvilke stønader som kan passe").click()
    page.wait_for_selector("#error-summary")
    assert "Velg situasjonen som passer best for deg" in page.locator("#error-summary").inner_text()
    check_accessibility(page)
    _fill_guide(
        page,
        {"income": "20000", "income_3y": "30000", "hours_before": "37,5", "hours_now": "0"},
        "Jeg har mistet jobben, eller arbeidstiden er redusert",
        "Ja",
    )
    page.get_by_role("button", name="Se hvilke stønader som kan passe").click()
    page.wait_for_selector(".guide-finding")
    finding = page.locator(".guide-finding").first.inner_text()
    assert "Trolig ikke" in finding and "ftrl." in finding
    check_accessibility(page)
    page.get_by_role("link", name="Søk om dagpenger").click()
    page.wait_for_url("**/login**")


def test_the_guide_signed_out_in_english(page):
    page.goto("/guide?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    _fill_guide(page, {"income": "400000", "reduction": "100"}, "I am ill and cannot work", "Yes")
    page.get_by_role("button", name="See which benefits may fit").click()
    page.wait_for_selector(".guide-finding")
    assert page.locator(".guide-finding h2").first.inner_text() == "Sykepenger"
    assert "Not yet known" in page.locator(".guide-finding").first.inner_text()
    check_accessibility(page)


def test_a_citizen_follows_up_a_short_klage_notice(page):
    sign_in(page, "Anna Dahl", "/my/cases")
    page.locator(".case-card a").first.click()
    page.get_by_role("link", name="Les vedtaket").first.click()
    page.wait_for_url("**/my/vedtak/*")
    page.get_by_role("link", name="Klag på vedtaket").click()
    page.wait_for_url("**/klage*")
    page.get_by_label("En kort melding om at jeg vil klage").check()
    page.get_by_label("Hvorfor mener du vedtaket er feil?").fill("Jeg vil klage.")
    page.get_by_role("button", name="Send klagen").click()
    page.wait_for_url("**/my/klager/*")
    check_accessibility(page)
    page.get_by_label("Hvorfor mener du vedtaket er feil?").fill("For kort")
    page.get_by_role("button", name="Send begrunnelsen").click()
    page.wait_for_selector("#error-summary")
    check_accessibility(page)
    page.get_by_label("Hvorfor mener du vedtaket er feil?").fill(
        "Barnetillegget er regnet med for få barn."
    )
    page.get_by_role("button", name="Send begrunnelsen").click()
    page.wait_for_selector("text=Barnetillegget er regnet med for få barn.")
    page.get_by_label("Legg til en merknad").fill("Jeg sender fødselsattest senere.")
    page.get_by_role("button", name="Send merknaden").click()
    page.wait_for_selector("text=Jeg sender fødselsattest senere.")
    check_accessibility(page)
    # Withdrawing cannot be undone, so it asks first; "No" keeps the klage.
    page.get_by_role("link", name="Trekk klagen").click()
    page.wait_for_url("**/withdraw")
    assert "Dette kan ikke angres" in page.locator("main").inner_text()
    check_accessibility(page)
    page.get_by_role("link", name="Nei, behold klagen").click()
    page.get_by_label("Legg til en merknad").wait_for()
    page.get_by_role("link", name="Trekk klagen").click()
    page.get_by_role("button", name="Ja, trekk klagen").click()
    page.wait_for_url("**/my/klager/*?withdrawn=1")
    assert "Du har trukket klagen" in page.locator("main").inner_text()
    assert page.get_by_label("Legg til en merknad").count() == 0
    assert page.get_by_role("link", name="Trekk klagen").count() == 0
    check_accessibility(page)
