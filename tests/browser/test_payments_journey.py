"""A demo person with payments follows the money in the browser, and a caseworker finds the
payment the bank rejected.

Oda Fjeld's uføretrygd has been paid on the last payment days (`trygd.demo.payments`); the
bank rejected the latest uføretrygd payment, which waits as a new attempt. axe-core checks
every page of the journey.
"""

from __future__ import annotations

from conftest import check_accessibility, sign_in


def test_a_citizen_sees_her_payments_and_opens_one(page):
    sign_in(page, "Oda Fjeld", "/my")
    with page.expect_navigation():
        page.get_by_role("link", name="Se utbetalingene dine").click()
    check_accessibility(page)
    assert page.locator("h1").inner_text() == "Utbetalingene dine"
    coming = page.get_by_test_id("upcoming-payments").inner_text()
    assert "Holdt tilbake" in coming and "Banken din kunne ikke sette inn pengene" in coming
    past = page.get_by_test_id("past-payments")
    assert past.locator("tbody tr").count() >= 8
    assert "Avvist av banken" in past.inner_text()
    assert "kr" in page.get_by_test_id("paid-sums").inner_text()
    with page.expect_navigation():
        past.locator("tbody tr a.aksel-link").last.click()
    check_accessibility(page)
    amounts = page.get_by_test_id("payment-amounts").inner_text()
    assert "Før skatt" in amounts and "Skattetrekk" in amounts and "Utbetalt" in amounts
    text = page.locator("main").inner_text()
    assert "i måneden" in text and "ftrl. § 22-12" in text
    assert "Trukket etter skattekortet ditt" in text
    # The navigation marks where she is.
    assert page.locator('nav a[aria-current="page"]').inner_text() == "Utbetalinger"


def test_a_caseworker_finds_the_rejected_payment_and_the_persons_history(page):
    sign_in(page, "Ingrid Saksbehandler", "/staff/payment-problems")
    check_accessibility(page)
    table = page.get_by_test_id("payment-problems").inner_text()
    assert "Oda Fjeld" in table and "Banken avviste en utbetaling" in table
    with page.expect_navigation():
        page.get_by_role("link", name="Oda Fjeld").click()
    check_accessibility(page)
    assert "Utbetalinger" in page.locator("h1").inner_text()
    assert "Avvist av banken" in page.locator("main").inner_text()


def test_the_payment_pages_reflow_at_320_pixels(page):
    """WCAG 1.4.10: the tables scroll in their own frame; nothing else needs sideways scrolling."""
    page.set_viewport_size({"width": 320, "height": 900})

    def fits() -> bool:
        return page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
        )

    sign_in(page, "Oda Fjeld", "/my/payments")
    assert fits(), page.url
    href = page.locator("main a[href^='/my/payments/']").first.get_attribute("href")
    page.goto(href)
    assert fits(), page.url
    page.context.clear_cookies()
    sign_in(page, "Ingrid Saksbehandler", "/staff/payment-problems")
    assert fits(), page.url
    href = page.locator("main a[href^='/staff/persons/']").first.get_attribute("href")
    page.goto(href)
    assert fits(), page.url
