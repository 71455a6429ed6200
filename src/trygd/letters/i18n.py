"""The words of the letters in bokmål, nynorsk and English, from gettext catalogues.

The letter builders (`trygd.letters.build`) write every sentence in English as a gettext
message id, with named `str.format` placeholders (`{deadline}`, never `{}` or `%s`). The
translations live in `catalogues/<lang>/LC_MESSAGES/letters.po` next to this module, one
catalogue per language (English too, so that its wording can be reviewed like the others).
The catalogues are read with Babel and compiled in memory, once per language; no compiled
`.mo` file is kept in git.

`translator(language)` returns a `Translator`. Its `gettext` and `ngettext` translate a
message and fill its placeholders, so a placeholder can never reach a letter unformatted:
a missing value raises `KeyError` instead.

To update the catalogues after changing the texts in `build.py` or a benefit's letter wording
(`L_` in its home's `profile.py`):

    .venv/bin/pybabel extract --no-location --sort-output --omit-header -k L_ \\
        -o src/trygd/letters/catalogues/letters.pot src/trygd/letters/build.py \\
        src/trygd/rules/profiles.py src/trygd/rules/benefits/*/profile.py
    .venv/bin/pybabel update --ignore-obsolete -w 100 -D letters \\
        -i src/trygd/letters/catalogues/letters.pot -d src/trygd/letters/catalogues

then translate the new entries in each `letters.po` (English included: its msgstr is the
text printed), check the entries Babel marked fuzzy (a guess from a similar old message)
and remove their fuzzy flags. `catalogue_problems()` lists what is still missing or fuzzy;
the test suite fails until it returns nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from trygd.letters.model import Language

DOMAIN = "letters"
LANGUAGES: tuple[Language, ...] = ("nb", "nn", "en")


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet (translate it later)."""
    return message


def _catalogues() -> Traversable:
    return resources.files("trygd.letters") / "catalogues"


def _po_file(language: str) -> Traversable:
    return _catalogues() / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(entry: Traversable, language: str | None = None) -> Catalog:
    with entry.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


@cache
def _compiled(language: str) -> Translations:
    if language not in LANGUAGES:
        raise ValueError(f"no letter catalogue for language {language!r}")
    buffer = io.BytesIO()
    write_mo(buffer, _read(_po_file(language), language), use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """Translates letter messages into one language and fills in their named placeholders."""

    language: Language
    compiled: Translations

    def gettext(self, message: str, /, **values: Any) -> str:
        return self.compiled.gettext(message).format(**values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        """The form for `n`; `{count}` in the message is `n` unless `count` is given."""
        values.setdefault("count", n)
        return self.compiled.ngettext(singular, plural, n).format(**values)


def translator(language: Language) -> Translator:
    return Translator(language, _compiled(language))


def _is_empty(string: str | tuple[str, ...] | list[str] | None) -> bool:
    if isinstance(string, tuple | list):
        return not string or any(not part for part in string)
    return not string


def _message_ids(catalog: Catalog) -> dict[str, Any]:
    return {_key(message.id): message for message in catalog if message.id}


def _key(message_id: str | tuple[str, ...] | list[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def template_ids() -> list[str]:
    """The message ids of the template `catalogues/letters.pot` (singular form for plurals)."""
    return sorted(_message_ids(_read(_catalogues() / f"{DOMAIN}.pot")))


def catalogue_problems(
    languages: Iterable[str] = LANGUAGES, message_ids: Iterable[str] | None = None
) -> list[str]:
    """Every message id (from the template unless given) missing, untranslated or fuzzy in a
    catalogue, as "nn: missing 'We have received your appeal'"; empty when all is well."""
    wanted = sorted(message_ids) if message_ids is not None else template_ids()
    problems: list[str] = []
    for language in languages:
        found = _message_ids(_read(_po_file(language), language))
        for message_id in wanted:
            message = found.get(message_id)
            if message is None or _is_empty(message.string):
                problems.append(f"{language}: missing {message_id!r}")
            elif message.fuzzy:
                problems.append(f"{language}: fuzzy {message_id!r}")
    return problems
