"""Keep the web pages' gettext catalogues in step with the texts the pages use.

    python scripts/web_catalogues.py missing            # what nb or nn still lacks
    python scripts/web_catalogues.py set AREA FILE.json # add or change translations
    python scripts/web_catalogues.py remove AREA ID...  # drop ids no page uses any more

AREA is the catalogue file (common, citizen or staff) under
src/trygd/web/catalogues/<lang>/LC_MESSAGES/. FILE.json maps each English message id to its
translations: {"Sign in": {"nb": "Logg inn", "nn": "Logg inn"}}; an "en" entry is optional
(the English text is the message id itself unless a wording is given). Plural messages are
written {"msgid": ["one", "many"], "nb": ["...", "..."], ...} inside a list under "plurals".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from trygd.web.i18n import LANGUAGES, catalogue_problems

FOLDER = Path(__file__).resolve().parents[1] / "src" / "trygd" / "web" / "catalogues"


def _path(language: str, area: str) -> Path:
    return FOLDER / language / "LC_MESSAGES" / f"{area}.po"


def _load(language: str, area: str) -> Catalog:
    path = _path(language, area)
    if not path.exists():
        return Catalog(locale=language, project="trygd", domain=area)
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _save(catalog: Catalog, language: str, area: str) -> None:
    path = _path(language, area)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False)


def set_translations(area: str, source: Path) -> None:
    data = json.loads(source.read_text(encoding="utf-8"))
    plurals = data.pop("plurals", [])
    for language in LANGUAGES:
        catalog = _load(language, area)
        for message_id, translated in data.items():
            text = translated.get(language, "" if language == "en" else None)
            if text is None:
                raise SystemExit(f"{message_id!r} has no {language} translation")
            catalog.add(message_id, text)
        for entry in plurals:
            forms = entry.get(language, entry["msgid"] if language == "en" else None)
            if forms is None:
                raise SystemExit(f"{entry['msgid']!r} has no {language} translation")
            catalog.add(tuple(entry["msgid"]), tuple(forms))
        _save(catalog, language, area)


def remove_messages(area: str, message_ids: list[str]) -> None:
    """Drop messages from every language's catalogue (an id whose wording or placeholder
    changed leaves its old entry behind)."""
    for language in LANGUAGES:
        catalog = _load(language, area)
        for message_id in message_ids:
            if message_id not in catalog:
                raise SystemExit(f"{message_id!r} is not in {language}/{area}.po")
            catalog.delete(message_id)
        _save(catalog, language, area)


def main() -> None:
    if len(sys.argv) >= 2 and sys.argv[1] == "missing":
        problems = catalogue_problems()
        print("\n".join(problems) or "nothing is missing")
        raise SystemExit(1 if problems else 0)
    if len(sys.argv) == 4 and sys.argv[1] == "set":
        set_translations(sys.argv[2], Path(sys.argv[3]))
        return
    if len(sys.argv) >= 4 and sys.argv[1] == "remove":
        remove_messages(sys.argv[2], sys.argv[3:])
        return
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
