"""The words of the pages in bokmål, nynorsk and English, from gettext catalogues.

Templates and route code write every text in English as a gettext message id; placeholders
are named, `%(name)s` style (Jinja2's "new style" gettext fills them in and escapes them).
The translations live in `catalogues/<lang>/LC_MESSAGES/*.po`, one file per area of the site
(`common.po` for the layout and sign-in, `citizen.po` for the citizens' pages, `staff.po` for
the caseworkers', approvers' and Klageinstans' pages), so that the areas can be worked on
apart; per language they are merged into one set of translations. English has catalogues too,
so its wording can be reviewed, but an empty English entry simply shows the message id.

Reading, compiling and filling in placeholders is shared with the letters (`trygd.i18n`);
what is the pages' own is here: where their catalogues are, the language names and `<html
lang>` values, the fallback to bokmål for an unknown language, and the list of message ids
the pages use. `catalogue_problems()` lists every message used in a template or in
`trygd.web` that is missing or untranslated in bokmål or nynorsk; the test suite fails until
it is empty.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir, extract_from_file
from babel.support import Translations

from trygd import i18n
from trygd.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    Language,
    PercentTranslator,
    Translator,
    as_language,
)
from trygd.rules.benefits import profile_sources

__all__ = [
    "DEFAULT_LANGUAGE",
    "HTML_LANG",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "N_",
    "Language",
    "Translator",
    "as_language",
    "catalogue_problems",
    "translations",
    "translator",
    "used_message_ids",
]

CATALOGUES = i18n.Catalogues("trygd.web")
LANGUAGE_NAMES: dict[Language, str] = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
# What the <html lang> attribute and the Content-Language header say.
HTML_LANG: dict[Language, str] = {"nb": "nb", "nn": "nn", "en": "en"}


def translations(language: str) -> Translations:
    """All the page catalogues of one language, merged (an unknown language gives nb)."""
    return CATALOGUES.translations(as_language(language) or DEFAULT_LANGUAGE)


def translator(language: Language) -> Translator:
    """For route code: translate a message and fill in its `%(name)s` placeholders."""
    return PercentTranslator(language, translations(language))


# -- checking the catalogues -----------------------------------------------------------------

_METHODS = [
    ("**/templates/**.html", "jinja2"),
    ("**.py", "python"),
]
_OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


def used_message_ids() -> set[str]:
    """Every message id used in the templates and Python modules of `trygd.web`, and the page
    texts (`P_`) each benefit's home declares (`trygd.rules.benefits.profile_sources`)."""
    root = Path(__file__).resolve().parent
    found: set[str] = set()
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map=_METHODS, options_map=_OPTIONS, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    for source in profile_sources():
        for _lineno, message, _comments, _context in extract_from_file(
            "python", source, keywords={"P_": None}
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue_problems(languages: tuple[str, ...] = ("nb", "nn")) -> list[str]:
    """Each message id used but missing, untranslated or fuzzy, as "nn: missing 'Log in'".

    English is not checked by default: an empty English entry shows the message id."""
    return i18n.catalogue_problems(CATALOGUES, used_message_ids(), languages)
