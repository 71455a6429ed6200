"""Sign-in through the local OpenID provider in Chromium: the sign-in page's buttons, an
employee through Entra ID, and a citizen signed in at the substantial level who opens a case
with health data and is sent back to ID-porten to step up to the high level."""

from __future__ import annotations

from urllib.parse import urlsplit

from conftest import check_accessibility, sign_in


def test_the_sign_in_page_offers_id_porten_and_entra_id(page):
    page.goto("/login?next=/my")
    check_accessibility(page)
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    page.wait_for_url("**/idporten/interaction/**")
    assert page.get_by_label("Anna Dahl", exact=True).is_visible()
    page.goto("/login")
    page.get_by_role("link", name="Logg inn som ansatt").click()
    page.wait_for_url("**/entra/interaction/**")
    assert page.get_by_label("Kari Saksbehandler", exact=True).is_visible()


def test_an_employee_signs_in_through_entra_id(page):
    sign_in(page, "Lise Klageinstans")
    assert urlsplit(page.url).path == "/klageinstans"
    check_accessibility(page)


def test_a_citizen_steps_up_to_see_a_case_with_health_data(page):
    page.goto("/login/idporten?next=/my/cases")
    page.get_by_label("David Hansen", exact=True).check()
    page.get_by_label("Betydelig (idporten-loa-substantial)", exact=True).check()
    first = page.url
    page.get_by_role("button", name="Logg inn").click()
    # His AAP case needs the high level: trygd sends him back to ID-porten, which asks him to
    # sign in again and offers only that level.
    page.wait_for_url(lambda url: "/idporten/interaction/" in url and url != first)
    assert page.get_by_label("Betydelig (idporten-loa-substantial)").count() == 0
    page.get_by_label("David Hansen", exact=True).check()
    page.get_by_label("Høyt (idporten-loa-high)", exact=True).check()
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/my/cases")
    assert page.locator(".case-card").count() >= 1
    check_accessibility(page)
