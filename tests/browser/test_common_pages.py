"""The front page, the demo sign-in and the language menu, in a real browser."""

from __future__ import annotations

from conftest import check_accessibility, sign_in


def test_front_page_is_accessible_in_every_language(page):
    for language, heading in (
        ("nb", "Stønader fra folketrygden"),
        ("nn", "Stønader frå folketrygda"),
        ("en", "Benefits from the national insurance scheme"),
    ):
        page.goto(f"/?lang={language}")
        assert page.locator("html").get_attribute("lang") == language
        assert page.get_by_role("heading", level=1).inner_text() == heading
        check_accessibility(page)


def test_sign_in_without_choosing_shows_the_error_summary_and_focuses_it(page):
    page.goto("/login")
    check_accessibility(page)
    page.get_by_role("button", name="Logg inn").click()
    assert page.title().startswith("Feil:")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary.get_by_role("link").first.click()
    check_accessibility(page)


def test_a_citizen_signs_in_and_out(page):
    sign_in(page, "Anna Dahl")
    assert page.url.endswith("/my")
    page.get_by_role("button", name="Logg ut").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Stønader fra folketrygden"
