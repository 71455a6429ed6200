"""Texts in bokmål, nynorsk and English from gettext catalogues: the machinery the pages
(`trygd.web.i18n`) and the letters (`trygd.letters.i18n`) share.

Code writes every text in English as a gettext message id. The translations live in `.po`
files, `<package>/catalogues/<lang>/LC_MESSAGES/<name>.po`, which are read with Babel and
compiled in memory once per language; no compiled `.mo` file is kept in git. A package may
split its texts over several `.po` files (the pages have one per area of the site); they are
merged into one set of translations per language.

Placeholders are named, never positional, so a translation may put them in another order.
Two styles are in use, and each set of catalogues keeps to one:

- `%(name)s` (`PercentTranslator`): the pages. Jinja2's "new style" gettext fills the
  templates' placeholders this way (and escapes the values), so route code does the same.
- `{name}` (`FormatTranslator`): the letters, filled with `str.format`. A missing value raises
  `KeyError`, so a placeholder can never reach a letter unformatted.

`catalogue_problems` lists the message ids that a set of catalogues lacks, leaves empty or
marks fuzzy (a guess by `pybabel update` that no one has checked); the tests of the pages and
of the letters fail until it returns nothing.

Only Babel and the standard library here: both the letters and the pages import this module.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import ClassVar, Literal

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

Language = Literal["nb", "nn", "en"]
LANGUAGES: tuple[Language, ...] = ("nb", "nn", "en")
DEFAULT_LANGUAGE: Language = "nb"


def as_language(value: object) -> Language | None:
    """`value` if it names one of the languages (a query parameter, a cookie), else None."""
    for language in LANGUAGES:
        if value == language:
            return language
    return None


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet (translate it later)."""
    return message


# -- the catalogues ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogues:
    """One package's set of catalogues: `<package>/catalogues/<lang>/LC_MESSAGES/*.po`.

    `domain` names the one `.po` file to read (`letters` for `letters.po`); without it every
    `.po` file in the folder is read, in name order, and merged."""

    package: str
    domain: str | None = None

    def folder(self) -> Traversable:
        return resources.files(self.package) / "catalogues"

    def po_files(self, language: str) -> list[Traversable]:
        folder = self.folder() / language / "LC_MESSAGES"
        if self.domain is not None:
            return [folder / f"{self.domain}.po"]
        return sorted(
            (entry for entry in folder.iterdir() if entry.name.endswith(".po")),
            key=lambda entry: entry.name,
        )

    def read(self, entry: Traversable, language: str | None = None) -> Catalog:
        """One `.po` (or `.pot`) file as a Babel catalogue."""
        with entry.open("rb") as handle:
            return read_po(handle, locale=language, domain=self.domain)

    def messages(self, language: str) -> dict[str, Message]:
        """Every entry of the language's files by message id (the singular of a plural)."""
        found: dict[str, Message] = {}
        for entry in self.po_files(language):
            found.update(message_ids(self.read(entry, language)))
        return found

    def translations(self, language: str) -> Translations:
        """The language's files compiled and merged (once: the result is kept)."""
        return _compiled(self, language)


@cache
def _compiled(catalogues: Catalogues, language: str) -> Translations:
    """The first file's translations (its plural rule too) with the others' merged in."""
    merged: Translations | None = None
    for entry in catalogues.po_files(language):
        buffer = io.BytesIO()
        write_mo(buffer, catalogues.read(entry, language), use_fuzzy=False)
        buffer.seek(0)
        compiled = Translations(buffer, domain=catalogues.domain)
        merged = compiled if merged is None else merged.merge(compiled)
    if merged is None:
        raise FileNotFoundError(f"no catalogue for {language!r} in {catalogues.package}")
    return merged


def message_ids(catalog: Catalog) -> dict[str, Message]:
    """The entries of `catalog` by message id (the singular of a plural), without the header."""
    return {_key(message.id): message for message in catalog if message.id}


def _key(message_id: str | tuple[str, ...] | list[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _is_empty(string: str | tuple[str, ...] | list[str] | None) -> bool:
    if isinstance(string, tuple | list):
        return not string or any(not part for part in string)
    return not string


def catalogue_problems(
    catalogues: Catalogues, message_ids: Iterable[str], languages: Iterable[str]
) -> list[str]:
    """Each of `message_ids` missing, untranslated or fuzzy in a language, as
    "nn: missing 'Sign in'" (also "untranslated", "fuzzy"); empty when all is well."""
    wanted = sorted(set(message_ids))
    problems: list[str] = []
    for language in languages:
        found = catalogues.messages(language)
        for message_id in wanted:
            message = found.get(message_id)
            if message is None:
                problems.append(f"{language}: missing {message_id!r}")
            elif _is_empty(message.string):
                problems.append(f"{language}: untranslated {message_id!r}")
            elif message.fuzzy:
                problems.append(f"{language}: fuzzy {message_id!r}")
    return problems


# -- translating -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Translator:
    """Translates messages into one language and fills in their named placeholders.

    The subclasses say how placeholders are written; `ngettext` passes `n` as the placeholder
    `count_name` unless a value for it is given."""

    language: Language
    translations: Translations

    count_name: ClassVar[str]

    def fill(self, text: str, values: dict[str, object]) -> str:
        raise NotImplementedError

    def gettext(self, message: str, /, **values: object) -> str:
        return self.fill(self.translations.gettext(message), values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The form for `n`, with `n` as the count placeholder unless that is given."""
        values.setdefault(self.count_name, n)
        return self.fill(self.translations.ngettext(singular, plural, n), values)


class PercentTranslator(Translator):
    """`%(name)s` placeholders, `%(num)s` for the count: as Jinja2's new-style gettext fills
    them in the templates. A text translated without values is left as it is."""

    count_name = "num"

    def fill(self, text: str, values: dict[str, object]) -> str:
        return text % values if values else text


class FormatTranslator(Translator):
    """`{name}` placeholders, `{count}` for the count, filled with `str.format`; a text with a
    placeholder and no value for it raises `KeyError` (so `{` in a text is written `{{`)."""

    count_name = "count"

    def fill(self, text: str, values: dict[str, object]) -> str:
        return text.format(**values)
