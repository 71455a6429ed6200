"""The citizens' pages in a real browser: applying, the decision, letters, appeals, your data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import check_accessibility, sign_in

GRANTED_DAGPENGER = [
    (None, dt.datetime.now(dt.UTC).strftime("%d.%m.%Y")),  # applies from today (the server's)
    ("yes", None),  # lives in Norway
    # At least 6 G in the last 12 months: the two sums settle the basis without the months
    # (at 6 G as paid, indexing cannot change it), so the decision can be automatic.
    (None, "850000"),
    (None, "2400000"),
    (None, "37,5"),
    (None, "0"),
    ("yes", None),
    ("yes", None),
    ("no", None),
    (None, "1"),
]


def _answer(page, choice, typed):
    if choice is not None:
        page.locator(f"input[name=answer][value={choice}]").check()
    else:
        page.locator("#answer").fill(typed)
    before = page.url
    page.get_by_role("button", name="Lagre og fortsett").click()
    # wait for the next question: its field has the same id, so filling it before the page
    # changed would type into the old one
    page.wait_for_url(lambda url: url != before)


def test_a_citizen_applies_gets_an_automatic_decision_reads_the_letter_and_appeals(page):
    sign_in(page, "Hege Vik", "/apply")
    check_accessibility(page)
    page.get_by_role("link", name="Dagpenger").click()
    page.wait_for_url("**/apply/dagpenger")
    check_accessibility(page)
    page.get_by_role("button", name="Start søknaden").click()
    page.wait_for_url("**/q/*")
    check_accessibility(page)
    for choice, typed in GRANTED_DAGPENGER:
        _answer(page, choice, typed)
    assert page.get_by_role("heading", level=1).inner_text() == "Vil du sende dokumenter?"
    check_accessibility(page)
    page.locator("#document").set_input_files(
        {"name": "oppsigelse.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )
    page.get_by_role("button", name="Last opp").click()
    assert "oppsigelse.pdf" in page.locator(".document-list").inner_text()
    page.get_by_role("button", name="Fortsett").click()
    page.wait_for_url("**/check*")
    check_accessibility(page)
    page.get_by_role("link", name="Endre Hvor mange barn under 18 år forsørger du?").click()
    page.locator("#answer").fill("0")
    page.get_by_role("button", name="Lagre og gå tilbake til oppsummeringen").click()
    page.wait_for_url("**/check*")
    page.get_by_label("Jeg bekrefter at svarene er riktige og fullstendige.").check()
    page.get_by_role("button", name="Send søknaden").click()
    page.wait_for_url("**/apply/receipt/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Vi har mottatt søknaden din"
    assert "Du får dagpenger." in page.locator("main").inner_text()
    check_accessibility(page)
    page.get_by_role("link", name="Les vedtaket og begrunnelsen").click()
    page.wait_for_url("**/my/vedtak/*")
    assert "behandlet automatisk" in page.locator("main").inner_text()
    check_accessibility(page)
    for _ in range(50):  # the job worker makes the letter a few seconds after the decision
        if page.get_by_role("link", name="Les brevet").count():
            break
        page.wait_for_timeout(300)
        page.reload()
    page.get_by_role("link", name="Les brevet").click()
    assert "dagpenger" in page.locator(".letter-html").inner_text().lower()
    check_accessibility(page)
    page.go_back()
    page.get_by_role("link", name="Klag på vedtaket").click()
    page.wait_for_url("**/klage*")
    check_accessibility(page)
    page.get_by_label("Hvorfor mener du vedtaket er feil?").fill(
        "Jeg mener dagsatsen er regnet ut fra feil inntekt."
    )
    page.get_by_role("button", name="Send klagen").click()
    page.wait_for_url("**/my/klager/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Klagen din", page.locator(
        "main"
    ).inner_text()
    assert "Neste steg:" in page.locator(".next-step").inner_text()
    check_accessibility(page)
    page.goto("/my")
    assert "Klager du har sendt" in page.locator("main").inner_text()
    check_accessibility(page)


def test_a_wrong_answer_shows_the_error_summary_and_the_message_at_the_field(page):
    sign_in(page, "David Hansen", "/apply/dagpenger")
    page.get_by_role("button", name="Start søknaden").click()
    page.goto("/apply/dagpenger/q/income_12m")
    page.locator("#answer").fill("mye penger")
    page.get_by_role("button", name="Lagre og fortsett").click()
    assert page.title().startswith("Feil:")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    message = "Skriv inntekten din som et helt tall i kroner, for eksempel 350000"
    assert message in page.locator("#error-summary").inner_text()
    assert message in page.locator("#answer-error").inner_text()
    assert page.locator("#answer").get_attribute("aria-invalid") == "true"
    check_accessibility(page)


def test_the_apply_journey_works_with_the_keyboard_alone(page):
    sign_in(page, "Liv Sand", "/apply/sykepenger")
    keyboard = page.keyboard

    def tab_to(name):
        for _ in range(40):
            keyboard.press("Tab")
            if page.evaluate("document.activeElement.innerText || ''").strip() == name:
                return
        raise AssertionError(f"{name!r} is not reachable with Tab")

    tab_to("Start søknaden")
    keyboard.press("Enter")
    # The sick note: two dates on one page, the first day then the last.
    page.wait_for_url("**/q/sick_leave_periods")
    page.locator("body").focus()
    keyboard.press("Tab")  # the skip link
    keyboard.press("Enter")  # to the main content
    while page.evaluate("document.activeElement.id") != "answer":
        keyboard.press("Tab")
    first_day = dt.date.today() - dt.timedelta(days=10)
    keyboard.type(first_day.strftime("%d.%m.%Y"))
    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "answer_to"
    keyboard.type((first_day + dt.timedelta(days=30)).strftime("%d.%m.%Y"))
    check_accessibility(page)
    tab_to("Lagre og fortsett")
    keyboard.press("Enter")
    page.wait_for_url("**/q/folketrygd_member")
    page.locator("body").focus()
    keyboard.press("Tab")  # the skip link
    keyboard.press("Enter")  # to the main content
    for _ in range(3):  # the back link, then the radio group
        keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "answer":
            break
    keyboard.press("Space")
    tab_to("Lagre og fortsett")
    keyboard.press("Enter")
    page.wait_for_url("**/q/days_in_work")
    keyboard.press("Tab")
    while page.evaluate("document.activeElement.id") != "answer":
        keyboard.press("Tab")
    keyboard.type("mange")
    keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    assert page.title().startswith("Feil:")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    keyboard.press("Tab")
    keyboard.press("Enter")  # the link in the summary goes to the field
    assert page.evaluate("document.activeElement.id") == "answer"
    keyboard.press("Control+A")
    keyboard.type("400")
    keyboard.press("Enter")
    page.wait_for_url("**/q/incapacity_due_to_illness")
    keyboard.press("Shift+Tab")
    check_accessibility(page)


def test_a_document_of_the_wrong_type_is_refused(page):
    sign_in(page, "Eli Strand", "/apply/uforetrygd")
    page.get_by_role("button", name="Start søknaden").click()
    page.goto("/apply/uforetrygd/documents")
    page.locator("#document").set_input_files(
        {"name": "legeerklaering.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a..."}
    )
    page.get_by_role("button", name="Last opp").click()
    assert page.title().startswith("Feil:")
    expected = "legeerklaering.pdf ble ikke lastet opp. Filen er ikke en PDF, selv om navnet"
    assert expected in page.locator("#document-error").inner_text()
    assert page.locator(".document-list").count() == 0
    check_accessibility(page)


def test_your_data_shows_the_access_log_and_downloads_everything(page):
    sign_in(page, "Gro Nilsen", "/my/data")
    assert "Hvem har sett opplysningene dine" in page.locator("main").inner_text()
    visits = " ".join(page.locator("ol.access-log li").all_inner_texts())
    assert "Per Beslutter, Nav Arbeid og ytelser Innlandet, beslutter," in visits
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned som JSON").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["person"]["name"] == "Gro Nilsen"
    assert data["saker"][0]["benefit"] == "uforetrygd"


def test_the_pages_are_accessible_in_nynorsk_and_english(page):
    sign_in(page, "Anna Dahl", "/my?lang=nn")
    assert page.locator("html").get_attribute("lang") == "nn"
    check_accessibility(page)
    for path in ("/my/cases", "/my/data", "/apply/aap"):
        page.goto(path + "?lang=en")
        assert page.locator("html").get_attribute("lang") == "en"
        check_accessibility(page)
    page.get_by_role("link", name="Your cases").click()
    page.locator(".case-card a").first.click()
    page.wait_for_url("**/my/cases/*")
    check_accessibility(page)


def test_continue_with_a_chosen_file_uploads_it_and_the_checkbox_is_visible(page):
    """A file chosen but not uploaded goes with "Fortsett"; on the summary, the confirmation
    checkbox has a box one can see (Aksel's whole markup) and clicking its label toggles it."""
    sign_in(page, "Eli Strand", "/apply/aap")
    page.get_by_role("button", name="Start søknaden").click()
    page.goto("/apply/aap/documents")
    page.locator("#document").set_input_files(
        {"name": "vedlegg.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )
    page.get_by_role("button", name="Fortsett").click()
    page.wait_for_url("**/check")
    assert "vedlegg.pdf" in page.locator("dl.summary-list").inner_text()
    box = page.locator("#confirm")
    size = box.bounding_box()
    assert size is not None and size["width"] >= 16 and size["height"] >= 16, size
    assert box.is_visible() and not box.is_checked()
    label = page.locator("label[for=confirm]")
    label.click()
    assert box.is_checked()
    tick = page.locator("#confirm + .aksel-checkbox__icon")
    assert tick.is_visible()
    label.click()
    assert not box.is_checked() and not tick.is_visible()
    check_accessibility(page)
