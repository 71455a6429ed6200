"""The front page, the demo sign-in and the language menu, in a real browser."""

from __future__ import annotations

import pytest
from conftest import check_accessibility, sign_in, sign_out


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
    sign_out(page)  # here and at ID-porten, and back on the front page
    assert page.get_by_role("heading", level=1).inner_text() == "Stønader fra folketrygden"
    page.goto("/my")
    assert "/login" in page.url


@pytest.mark.parametrize(
    "width",
    [640, 320],  # CSS pixels: a 1280 px window at 200 % and at 400 % zoom, or a small phone
)
def test_pages_reflow_without_sideways_scrolling(page, width):
    """WCAG 1.4.4 and 1.4.10: at 320 CSS pixels nothing may need scrolling sideways, apart
    from wide data tables, which scroll in a frame of their own. Long compound words
    ("Arbeidsavklaringspenger") must wrap, and form fields must shrink."""
    page.set_viewport_size({"width": width, "height": 900})

    def fits() -> bool:
        return page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
        )

    def first_link(prefix: str) -> str:
        hrefs = page.eval_on_selector_all(
            f"main a[href^='{prefix}']", "links => links.map(a => a.getAttribute('href'))"
        )
        assert hrefs, f"no link to {prefix} on {page.url}"
        return hrefs[0]

    for path in ("/", "/login", "/guide", "/privacy", "/privacy?lang=nn"):
        page.goto(path)
        assert fits(), path
    sign_in(page, "Anna Dahl", "/my")
    for path in ("/my", "/my/cases", "/apply", "/apply?lang=nn", "/my/data", "/my/letters"):
        page.goto(path)
        assert fits(), path
    page.goto("/my/cases")
    page.goto(first_link("/my/cases/"))
    assert fits(), page.url
    page.goto(first_link("/my/vedtak/") + "/klage")  # a form with a file field
    assert fits(), page.url
    page.context.clear_cookies()
    sign_in(page, "Kari Saksbehandler", "/staff/tasks")
    for path in ("/staff/tasks", "/staff/search"):
        page.goto(path)
        assert fits(), path
    page.goto("/staff/tasks")
    page.goto(first_link("/staff/behandlinger/"))  # conditions, calculation, history tables
    assert fits(), page.url


def test_the_privacy_page_is_linked_from_every_page_and_accessible(page):
    page.goto("/")
    page.get_by_role("link", name="Slik behandler vi personopplysningene dine").click()
    page.wait_for_url("**/privacy")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Slik behandler vi personopplysningene dine"
    )
    check_accessibility(page)
    page.goto("/privacy?lang=nn")
    assert page.get_by_role("heading", name="Alle oppslag blir logga").is_visible()
    check_accessibility(page)


def test_the_api_docs_work_under_the_pages_csp(browser, base_url):
    """/docs is Swagger UI from the npm package: it must render and list the API with the
    pages' Content-Security-Policy in force (no CDN, no inline script), without one
    violation reported."""
    context = browser.new_context(base_url=base_url)  # CSP in force, unlike `page`
    tab = context.new_page()
    problems: list[str] = []
    # A failed load is checked below (the browser's own /favicon.ico may 404, as on the pages).
    tab.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    tab.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    tab.on("pageerror", lambda error: problems.append(str(error)))
    outside: list[str] = []
    tab.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(base_url) or r.url.startswith("data:")
            else outside.append(r.url)
        ),
    )
    try:
        tab.goto("/docs")
        tab.locator(".opblock-summary-path", has_text="/api/v1/applications").first.wait_for()
        assert tab.locator(".opblock").count() > 20
        assert "trygd" in tab.locator(".info .title").inner_text()
    finally:
        context.close()
    assert not problems, problems
    assert not outside, outside
