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


def test_a_text_has_one_translation_in_all_the_catalogues_of_a_language():
    """The pages use one merged catalogue per language (`i18n.translations`), so a message id
    in both citizen.po and staff.po with different translations changes the citizen's page
    with a staff wording (the audit action "Report a change" once did): one id, one text."""
    from importlib.resources import files

    from babel.messages.pofile import read_po

    folder = files("trygd.web") / "catalogues"
    clashes = []
    for language in ("nb", "nn", "en"):
        seen: dict[str, tuple[str, str]] = {}
        for area in ("common", "citizen", "staff"):
            entry = folder / language / "LC_MESSAGES" / f"{area}.po"
            with entry.open("rb") as handle:
                for message in read_po(handle, locale=language):
                    if not message.id:
                        continue
                    first = seen.setdefault(str(message.id), (area, str(message.string)))
                    if first[1] != str(message.string):
                        clashes.append((language, message.id, first, area, message.string))
    assert clashes == []
