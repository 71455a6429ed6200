"""No legal number, deadline length or § reference is typed into a text a person reads.

Every such value comes from the parameter files (`rules/parameters/*.toml`), from the legal
bases registry (`rules/legal_bases.toml`) or from the deadline module's result, and reaches
the text as a placeholder (`%(weeks)s`, `{count}`, `%(day)s`, `%(basis)s`). A text that says
"3 uker" while the parameter says 2 weeks makes a person miss a deadline; this test reads
every page template, every web and letter catalogue (msgid and msgstr) and every rule text
and names the file and line of anything that looks like a hand-typed value.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parents[2] / "src" / "trygd"

_NUMBER = (
    r"\d+(?:[.,]\d+)?\.?"
    # English
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|sixteen"
    # bokmål and nynorsk
    r"|ett|eitt|to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv|fjorten|seksten"
)
_UNIT = (
    r"weeks?|months?|days?"
    r"|uker?|ukene|ukers|veker?|vekene|måneder|måned|månedene|månader|månad|månadene"
    r"|dager|dag|dagene|dagar|dagane"
)
PATTERNS = {
    "a period typed as a number": re.compile(
        rf"(?<![\w.,])(?:{_NUMBER})\s+(?:{_UNIT})\b", re.IGNORECASE
    ),
    "a multiple of G typed as a number": re.compile(
        r"(?<![\w.,])\d+(?:[.,]\d+)?\s*"
        r"(?:G\b|times the basic amount|ganger grunnbeløpet|gonger grunnbeløpet)"
    ),
    "a § reference": re.compile(r"§"),
    "an article reference": re.compile(r"\b(?:art\.|article|artikkel)\s*\d", re.IGNORECASE),
}

# What looks like a legal value but is not one. Keep this short: each entry is a regular
# expression matched against the whole text, with the reason it is allowed.
ALLOWED = (
    # "The last 12 / 36 months": the windows of the dagpenger facts income_12m and income_36m
    # (the rules read those facts; a reform cannot change a window without new facts), which
    # the questions and explanations name; and the window of the processing-time statistic
    # ("In the last 12 months, four out of five ..."), which is not a legal value.
    (
        re.compile(
            r"(?i:\b(?:last|siste|the|de|dei))\s+(?:12|36)\s+"
            r"(?:months|måneder|månedene|månader|månadene)"
        ),
        "the 12- and 36-month windows of income facts and statistics",
    ),
)


def _allowed(text: str, start: int, end: int) -> bool:
    for pattern, _reason in ALLOWED:
        for match in pattern.finditer(text):
            if match.start() <= start and end <= match.end():
                return True
    return False


def _problems_in(text: str) -> list[str]:
    found = []
    for what, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            if not _allowed(text, match.start(), match.end()):
                found.append(f"{what}: {match.group(0)!r}")
    return found


def _text_files() -> list[Path]:
    files = sorted((SRC / "web" / "templates").rglob("*.html"))
    files += sorted((SRC / "letters" / "templates").iterdir())
    files += sorted((SRC / "rules" / "texts").glob("*.toml"))
    return [f for f in files if f.suffix in {".html", ".j2", ".typ", ".toml"}]


def _catalogues() -> list[Path]:
    return sorted((SRC / "web" / "catalogues").rglob("*.po")) + sorted(
        (SRC / "letters" / "catalogues").rglob("*.po")
    )


def _strings(message_value: object) -> list[str]:
    if isinstance(message_value, str):
        return [message_value]
    if isinstance(message_value, tuple | list):
        return [s for s in message_value if isinstance(s, str)]
    return []


def hand_typed_values() -> list[str]:
    """Every suspicious value, as 'file:line: what'."""
    problems = []
    for path in _text_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if path.suffix == ".toml" and line.lstrip().startswith("#"):
                continue  # a comment in a rule-text file is for the maintainer
            for problem in _problems_in(line):
                problems.append(f"{path.relative_to(SRC)}:{number}: {problem}")
    for path in _catalogues():
        with path.open("rb") as handle:
            catalogue = read_po(handle)
        for message in catalogue:
            if not message.id:
                continue
            for text in _strings(message.id) + _strings(message.string):
                for problem in _problems_in(" ".join(text.split())):
                    problems.append(f"{path.relative_to(SRC)}:{message.lineno}: {problem}")
    return problems


def test_no_legal_value_is_typed_into_a_text() -> None:
    problems = hand_typed_values()
    assert not problems, (
        "legal values typed by hand (take them from the parameters, the legal bases registry "
        "or the deadline module, as a placeholder):\n" + "\n".join(problems)
    )


def test_the_scan_finds_what_it_is_meant_to_find() -> None:
    for text in (
        "Send begrunnelsen innen 3 uker.",
        "innen tre uker",
        "within six weeks",
        "seks veker",
        "at least four weeks",
        "minst fire uker",
        "de siste 6 måneder",
        "every 14 days",
        "hver 14. dag",
        "Legal basis: fvl. § 31",
        "GDPR art. 22",
        "at least 1.5 times the basic amount",
        "or 3 G",
    ):
        assert _problems_in(text), text
    for text in (
        "Send begrunnelsen innen %(day)s.",
        "within %(weeks)s weeks",
        "{count} weeks",
        "{period_weeks:int} uker",
        "You will get {amount} a day before tax.",
        "income from work in the last 12 months",
    ):
        assert not _problems_in(text), text
