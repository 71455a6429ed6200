"""A demo person with dagpenger sends a meldekort in the browser, reads the calculation, and
after the operator's `trygd payments run` sees the payment on her page.

Nora Berge's dagpenger run from the first day of the meldeperiode whose card can be sent on
the server's today (`trygd.demo.seed.meldekort_claim_date`), so she always has one to send.
axe-core checks every page of the journey.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from conftest import check_accessibility, operator, sign_in


def test_a_citizen_sends_a_meldekort_sees_the_calculation_and_then_the_payment(page, server):
    sign_in(page, "Nora Berge", "/my/meldekort")
    check_accessibility(page)
    with page.expect_navigation():
        page.locator(".card a.aksel-link").first.click()
    check_accessibility(page)
    page.fill("#hours_0", "7,5")
    page.fill("#hours_1", "4")
    page.check("#absent_8")
    page.get_by_label("Ja", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Gå videre og se over svarene").click()
    check_accessibility(page)
    assert page.locator("h1").inner_text() == "Se over svarene før du sender"
    with page.expect_navigation():
        page.get_by_role("button", name="Send meldekortet").click()
    check_accessibility(page)
    text = page.locator("main").inner_text()
    assert "Meldekortet er sendt" in text
    assert "Dag for dag" in text
    assert "Ferie eller fravær: ikke betalt" in text
    assert "ftrl." in text
    late = "kom etter fristen" in text

    # The operator's payment run, two weeks on: the period's dagpenger are due the day after it
    # ends (payments.meldekort_payment_lag_days).
    day = dt.datetime.now(ZoneInfo("Europe/Oslo")).date() + dt.timedelta(days=14)
    run = operator(server, "payments", "run", "--date", day.isoformat())
    assert run.returncode in (0, 1), run.stdout + run.stderr  # 1: something held, with a task
    page.goto("/my/payments")
    check_accessibility(page)
    past = page.get_by_test_id("past-payments").inner_text()
    if late:  # a late card waits for a caseworker: nothing is paid for it yet
        assert "Dagpenger" not in past
    else:
        assert "Dagpenger" in past
