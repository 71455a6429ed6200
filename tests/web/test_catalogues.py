"""Every text the pages use is translated into bokmål and nynorsk."""

from __future__ import annotations

from trygd.web.i18n import catalogue_problems, translator, used_message_ids


def test_every_page_text_is_translated_into_bokmal_and_nynorsk():
    assert used_message_ids(), "the extractor found no texts at all"
    assert catalogue_problems() == []


def test_translator_fills_named_placeholders():
    t = translator("nb")
    assert t.gettext("Citizen, municipality %(number)s", number="0301") == (
        "Innbygger, kommune 0301"
    )
    assert translator("en").gettext("Sign in") == "Sign in"
    assert translator("nn").gettext("Employees") == "Tilsette"
