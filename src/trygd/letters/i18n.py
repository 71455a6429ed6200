"""The words of the letters in bokmål, nynorsk and English, from gettext catalogues.

The letter builders (`trygd.letters.build`) write every sentence in English as a gettext
message id, with named `str.format` placeholders (`{deadline}`, never `{}` or `%s`). The
translations live in `catalogues/<lang>/LC_MESSAGES/letters.po` next to this module, one
catalogue per language (English too, so that its wording can be reviewed like the others, and
its msgstr is the text printed).

Reading, compiling and filling in placeholders is shared with the pages (`trygd.i18n`); what
is the letters' own is here: the `letters` domain, the `{name}` placeholder style (a missing
value raises `KeyError`, so a placeholder can never reach a letter unformatted), no fallback
for a language without a catalogue, and the template `catalogues/letters.pot`.

To update the catalogues after changing the texts in `build.py` or a benefit's letter wording
(`L_` in its home's `profile.py`):

    .venv/bin/pybabel extract --no-location --sort-output --omit-header -k L_ \\
        -o src/trygd/letters/catalogues/letters.pot src/trygd/letters/build.py \\
        src/trygd/letters/tilbakekreving.py \\
        src/trygd/rules/profiles.py src/trygd/rules/benefits/*/profile.py
    .venv/bin/pybabel update --ignore-obsolete -w 100 -D letters \\
        -i src/trygd/letters/catalogues/letters.pot -d src/trygd/letters/catalogues

then translate the new entries in each `letters.po` (English included), check the entries
Babel marked fuzzy (a guess from a similar old message) and remove their fuzzy flags.
`catalogue_problems()` lists what is still missing, untranslated or fuzzy; the test suite
fails until it returns nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from trygd import i18n
from trygd.i18n import LANGUAGES, N_, FormatTranslator, Language, Translator, as_language

__all__ = ["DOMAIN", "LANGUAGES", "N_", "Translator", "catalogue_problems", "translator"]

DOMAIN = "letters"
CATALOGUES = i18n.Catalogues("trygd.letters", domain=DOMAIN)


def translator(language: Language) -> Translator:
    """Translates letter messages into `language`; ValueError for a language without letters."""
    known = as_language(language)
    if known is None:
        raise ValueError(f"no letter catalogue for language {language!r}")
    return FormatTranslator(known, CATALOGUES.translations(known))


def template_ids() -> list[str]:
    """The message ids of the template `catalogues/letters.pot` (singular form for plurals)."""
    return sorted(i18n.message_ids(CATALOGUES.read(CATALOGUES.folder() / f"{DOMAIN}.pot")))


def catalogue_problems(
    languages: Iterable[str] = LANGUAGES, message_ids: Iterable[str] | None = None
) -> list[str]:
    """Every message id (from the template unless given) missing, untranslated or fuzzy in a
    catalogue, as "nn: missing 'We have received your appeal'"; empty when all is well."""
    wanted = template_ids() if message_ids is None else message_ids
    return i18n.catalogue_problems(CATALOGUES, wanted, languages)
