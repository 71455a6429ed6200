"""The words of the pages in bokmål, nynorsk and English, from gettext catalogues.

Templates and route code write every text in English as a gettext message id; placeholders
are named, `%(name)s` style (Jinja2's "new style" gettext fills them in and escapes them).
The translations live in `catalogues/<lang>/LC_MESSAGES/*.po`, one file per area of the site
(`common.po` for the layout and sign-in, `citizen.po` for the citizens' pages, `staff.po` for
the caseworkers', approvers' and Klageinstans' pages), so that the areas can be worked on
apart. Per language the files are read with Babel, compiled in memory and merged into one
set of translations. English has catalogues too, so its wording can be reviewed, but an
empty English entry simply shows the message id.

`catalogue_problems()` lists every message used in a template or in `trygd.web` that is
missing or untranslated in bokmål or nynorsk; the test suite fails until it is empty.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from trygd.rules.benefits import profile_sources

Language = Literal["nb", "nn", "en"]
LANGUAGES: tuple[Language, ...] = ("nb", "nn", "en")
DEFAULT_LANGUAGE: Language = "nb"
LANGUAGE_NAMES: dict[Language, str] = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
# What the <html lang> attribute and the Content-Language header say.
HTML_LANG: dict[Language, str] = {"nb": "nb", "nn": "nn", "en": "en"}


def N_(message: str) -> str:
    """Mark a message for extraction; translate it later with `gettext`."""
    return message


def as_language(value: Any) -> Language | None:
    return value if value in LANGUAGES else None


def _folder(language: str) -> Traversable:
    return resources.files("trygd.web") / "catalogues" / language / "LC_MESSAGES"


def _po_files(language: str) -> Iterator[Traversable]:
    for entry in sorted(_folder(language).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".po"):
            yield entry


def _read(entry: Traversable, language: str) -> Catalog:
    with entry.open("rb") as handle:
        return read_po(handle, locale=language)


@cache
def translations(language: str) -> Translations:
    """All the page catalogues of one language, merged (an unknown language gives nb)."""
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    merged = Translations()
    for entry in _po_files(language):
        buffer = io.BytesIO()
        write_mo(buffer, _read(entry, language), use_fuzzy=False)
        buffer.seek(0)
        merged.merge(Translations(buffer))
    return merged


@dataclass(frozen=True)
class Translator:
    """For route code: translate a message and fill in its `%(name)s` placeholders."""

    language: Language

    def gettext(self, message: str, /, **values: Any) -> str:
        text = translations(self.language).gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        values.setdefault("num", n)
        return translations(self.language).ngettext(singular, plural, n) % values


def translator(language: Language) -> Translator:
    return Translator(language)


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
    """Each message id used but missing, untranslated or fuzzy, as "nn: missing 'Log in'"."""
    problems: list[str] = []
    wanted = sorted(used_message_ids())
    for language in languages:
        entries: dict[str, Any] = {}
        for entry in _po_files(language):
            for read in _read(entry, language):
                if read.id:
                    key = read.id if isinstance(read.id, str) else read.id[0]
                    entries[key] = read
        for message_id in wanted:
            message = entries.get(message_id)
            if message is None:
                problems.append(f"{language}: missing {message_id!r}")
            elif not message.string or (
                isinstance(message.string, tuple | list) and not all(message.string)
            ):
                problems.append(f"{language}: untranslated {message_id!r}")
            elif message.fuzzy:
                problems.append(f"{language}: fuzzy {message_id!r}")
    return problems
