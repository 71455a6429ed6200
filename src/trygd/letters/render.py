"""Render a `Letter` as an archivable, accessible PDF (Typst) and as accessible HTML (Jinja2).

The PDF declares PDF/A-2a (archivable, tagged) and PDF/UA-1 (universally accessible); Typst
checks both while it writes the file and fails instead of writing something that does not
conform (an image without alt text, for example). The letter reaches Typst as JSON in one
string literal, never as markup, so nothing a person or a caseworker wrote can change the
template. The same letter always gives the same bytes: the document date and the compile
timestamp both come from the letter date.

Why the JSON is a string literal in the source rather than a `sys.inputs` value: Typst
remembers the layout of every paragraph between compiles, but `sys.inputs` is part of its
standard library, so a new value there forgets everything. Most of a letter (how to appeal,
the duty to report changes, ...) is the same in every letter of one kind and language, and
keeping `sys.inputs` the same lets Typst reuse it: 7 ms instead of 11.5 ms for a five-page
vedtak letter, byte for byte the same output.

The Typst compiler object is not thread-safe, so each thread keeps one of its own and reuses
it: most of the work (fonts, the parsed template) is cached between compiles.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import jinja2
import typst
from babel.dates import format_date

from trygd.letters.model import Letter

__all__ = [
    "TEMPLATE_VERSION",
    "LetterRenderError",
    "letter_source",
    "render_html",
    "render_pdf",
    "render_typst_source",
    "template_version",
    "typst_string",
]

# Bump when the layout changes on purpose; `template_version()` adds a hash of the template
# files, so an unplanned change is visible too.
TEMPLATE_VERSION = "letter-2026.12-1"

TEMPLATE_DIR = Path(__file__).parent / "templates"
_TYPST_TEMPLATE = "letter.typ"
_HTML_TEMPLATE = "letter.html.j2"
_LOGO = "logo.svg"
# What a rendered letter depends on besides the letter itself.
_TEMPLATE_FILES = (_TYPST_TEMPLATE, _HTML_TEMPLATE, _LOGO)

PDF_STANDARDS: list[typst.PDFStandard] = ["a-2a", "ua-1"]

# Used where the builder supplied no label. Builders normally supply all of them.
_DEFAULT_LABELS: dict[str, dict[str, str]] = {
    "nb": {
        "reference": "Saksnummer",
        "date": "Dato",
        "page": "Side",
        "of": "av",
        "signatures": "Med vennlig hilsen",
        "legal_basis": "Hjemmel",
        "sender": "Fra",
        "recipient": "Til",
        "logo": "Logo",
    },
    "nn": {
        "reference": "Saksnummer",
        "date": "Dato",
        "page": "Side",
        "of": "av",
        "signatures": "Med venleg helsing",
        "legal_basis": "Heimel",
        "sender": "Frå",
        "recipient": "Til",
        "logo": "Logo",
    },
    "en": {
        "reference": "Reference",
        "date": "Date",
        "page": "Page",
        "of": "of",
        "signatures": "Yours sincerely",
        "legal_basis": "Legal basis",
        "sender": "From",
        "recipient": "To",
        "logo": "Logo",
    },
}
_BABEL_LOCALE = {"nb": "nb", "nn": "nn", "en": "en_GB"}


class LetterRenderError(RuntimeError):
    """Typst could not typeset the letter, or the result would not conform to PDF/A or PDF/UA."""


# ---- Version ---------------------------------------------------------------------------------


@functools.cache
def template_version() -> str:
    """`TEMPLATE_VERSION` as a version number plus 8 hex digits of the templates' SHA-256.

    For example "2026.12.1+3fa9c2d1". Stored with every archived letter, so one can tell which
    template produced it.
    """
    digest = hashlib.sha256()
    for name in _TEMPLATE_FILES:
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update((TEMPLATE_DIR / name).read_bytes())
        digest.update(b"\0")
    number = TEMPLATE_VERSION.removeprefix("letter-").replace("-", ".")
    return f"{number}+{digest.hexdigest()[:8]}"


# ---- PDF -------------------------------------------------------------------------------------

_local = threading.local()


def _compiler() -> typst.Compiler:
    compiler: typst.Compiler | None = getattr(_local, "compiler", None)
    if compiler is None:
        # Only the fonts bundled with Typst: the output must not depend on the machine.
        compiler = typst.Compiler(ignore_system_fonts=True)
        _local.compiler = compiler
    return compiler


@functools.cache
def _template_file(name: str) -> str:
    return (TEMPLATE_DIR / name).read_text(encoding="utf-8")


def render_typst_source(
    source: str, inputs: dict[str, str], *, timestamp: dt.datetime | None = None
) -> bytes:
    """Compile Typst `source` to a PDF/A-2a + PDF/UA-1 file, with `inputs` as `sys.inputs`.

    Raises `LetterRenderError` with Typst's message when compilation fails, including when
    the content does not meet the standards (missing alt text, no title, ...). Without
    `timestamp` the PDF's dates are 1 January 2000 UTC, so the output is still reproducible.
    """
    when = timestamp or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    options: dict[str, Any] = {}
    if getattr(_local, "inputs", None) != inputs:
        # Typst rebuilds its standard library whenever `sys_inputs` is given, even unchanged
        # (0.6 ms); left out, the compiler keeps the inputs of its previous compile.
        options["sys_inputs"] = dict(inputs)
    _local.inputs = None  # unknown until this compile has succeeded
    try:
        pdf = _compiler().compile(
            input=source.encode("utf-8"),
            format="pdf",
            pdf_standards=PDF_STANDARDS,
            timestamp=when,
            **options,
        )
    except typst.TypstError as exc:
        raise LetterRenderError(_describe(exc)) from exc
    except RuntimeError as exc:  # e.g. "Already borrowed" if the compiler were shared
        raise LetterRenderError(str(exc)) from exc
    _local.inputs = dict(inputs)
    if not isinstance(pdf, bytes):  # pragma: no cover - compile returns bytes without `output`
        raise LetterRenderError("Typst returned no PDF")
    return pdf


def _describe(exc: typst.TypstError) -> str:
    message = getattr(exc, "message", "") or str(exc)
    hints = list(getattr(exc, "hints", None) or [])
    diagnostic = getattr(exc, "diagnostic", "") or ""
    text = message
    if hints:
        text += " (hint: " + "; ".join(hints) + ")"
    if diagnostic and diagnostic.strip() != message.strip():
        text += "\n" + diagnostic
    return text


def _labels(letter: Letter) -> dict[str, str]:
    defaults = _DEFAULT_LABELS.get(letter.language, _DEFAULT_LABELS["en"])
    given = {k: v for k, v in letter.labels.items() if v}
    return {**defaults, **given}


def _date_text(letter: Letter) -> str:
    return format_date(letter.letter_date, format="long", locale=_BABEL_LOCALE[letter.language])


def _letter_data(letter: Letter) -> dict[str, Any]:
    data = letter.to_dict()
    data["labels"] = _labels(letter)
    data["date_text"] = _date_text(letter)
    return data


def _timestamp(letter: Letter) -> dt.datetime:
    """Noon UTC on the letter date: the same calendar day in Norway all year round."""
    d = letter.letter_date
    return dt.datetime(d.year, d.month, d.day, 12, 0, tzinfo=dt.UTC)


def typst_string(text: str) -> str:
    """`text` as a Typst string literal: only a backslash and a double quote need escaping."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def letter_source(letter: Letter) -> str:
    """The Typst source of one letter: the template, preceded by the letter's JSON as a string.

    The template parses that string with `json(...)` and places its values as text only. The
    JSON is pure ASCII (other characters as \\u escapes), so the literal holds nothing but
    printable ASCII whatever the letter contains."""
    data = json.dumps(_letter_data(letter), ensure_ascii=True)
    return f"#let letter-json = {typst_string(data)}\n" + _template_file(_TYPST_TEMPLATE)


def render_pdf(letter: Letter) -> bytes:
    """The letter as a PDF/A-2a and PDF/UA-1 file; the same letter always gives the same bytes."""
    # The same inputs for every letter, so that Typst keeps what it laid out before.
    inputs = {"logo": _template_file(_LOGO)}
    return render_typst_source(letter_source(letter), inputs, timestamp=_timestamp(letter))


# ---- HTML ------------------------------------------------------------------------------------

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render_html(letter: Letter, *, heading_level: int = 1) -> str:
    """The letter as an accessible HTML fragment: `<article class="letter" lang="..">`.

    The title is a heading at `heading_level` and the sections' headings one level below, so
    a page that embeds the letter under its own `<h1>` passes 2 and keeps one h1 per page."""
    if not 1 <= heading_level <= 5:
        raise ValueError(f"heading_level must be 1 to 5, not {heading_level}")
    template = _environment.get_template(_HTML_TEMPLATE)
    return template.render(letter=_letter_data(letter), heading_level=heading_level)
