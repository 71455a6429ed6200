"""A demo person with dagpenger sends a meldekort in the browser and reads the calculation.

Nora Berge's dagpenger run from the first day of the meldeperiode whose card can be sent on
the server's today (`trygd.demo.seed.meldekort_claim_date`), so she always has one to send.
axe-core checks every page of the journey.
"""

from __future__ import annotations

from conftest import check_accessibility, sign_in


def test_a_citizen_sends_a_meldekort_and_sees_the_calculation(page):
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
