"""The content of a letter, independent of how it is rendered.

A letter is built once from the case (see `build`), then rendered twice from the same content:
as an archivable, accessible PDF (`render.render_pdf`) and as accessible HTML for the web pages
(`render.render_html`). Keeping the content as plain data makes the two agree, lets a
caseworker preview exactly what will be sent, and lets the tests measure its readability.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from trygd.i18n import Language as Language  # named from here by the letters' callers

LetterKind = Literal[
    "vedtak",
    "information_request",
    "advance_notice",
    "klage_received",
    "klage_forwarded",
    "klageinstans_decision",
    "serviceklage_answer",
    "privacy_answer",
    "privacy_extension",
    "tilbakekreving_varsel",
    "tilbakekreving_vedtak",
]
LETTER_KINDS: tuple[LetterKind, ...] = (
    "vedtak",
    "information_request",
    "advance_notice",
    "klage_received",
    "klage_forwarded",
    "klageinstans_decision",
    "serviceklage_answer",
    "privacy_answer",
    "privacy_extension",
    "tilbakekreving_varsel",
    "tilbakekreving_vedtak",
)


@dataclass(frozen=True)
class Paragraph:
    """Running text: one or a few short sentences."""

    text: str


@dataclass(frozen=True)
class Items:
    """A bulleted list; each item is running text."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class FactList:
    """Label–value pairs ("Dagsats: 456 kr"), rendered as a two-column table with row headers."""

    caption: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; every row has as many cells as the header."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.header):
                raise ValueError(f"table {self.caption!r}: a row has {len(row)} cells")


Block = Paragraph | Items | FactList | Table


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]
    # A small print line under the section (the legal basis), never instead of the explanation.
    legal_basis: str | None = None


@dataclass(frozen=True)
class Letter:
    """Everything printed on a letter.

    `reference` is the case's reference as the person sees it (never an identity number);
    `sender` is the NAV unit that sends the letter; `signatures` name the people who decided
    (empty for an automatic decision).
    """

    kind: LetterKind
    language: Language
    title: str
    letter_date: dt.date
    recipient: str
    reference: str
    sender: str
    sections: tuple[Section, ...]
    signatures: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)

    def running_text(self) -> str:
        """The letter's prose (paragraphs and list items), as read aloud, for readability."""
        parts: list[str] = []
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    parts.append(block.text)
                elif isinstance(block, Items):
                    parts.extend(block.items)
        return "\n".join(parts)

    def plain_text(self) -> str:
        """All visible text in reading order; used for search and for tests."""
        lines = [self.title, self.recipient, self.reference, self.sender]
        for section in self.sections:
            lines.append(section.heading)
            for block in section.blocks:
                lines.extend(_block_lines(block))
            if section.legal_basis:
                lines.append(section.legal_basis)
        lines.extend(self.signatures)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready content: what the PDF template reads and what the API shows in a preview."""
        return {
            "kind": self.kind,
            "language": self.language,
            "title": self.title,
            "letter_date": self.letter_date.isoformat(),
            "recipient": self.recipient,
            "reference": self.reference,
            "sender": self.sender,
            "signatures": list(self.signatures),
            "labels": dict(self.labels),
            "sections": [
                {
                    "heading": s.heading,
                    "legal_basis": s.legal_basis,
                    "blocks": [_block_dict(b) for b in s.blocks],
                }
                for s in self.sections
            ],
        }


def _block_lines(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, Items):
        return list(block.items)
    if isinstance(block, FactList):
        return [block.caption, *(f"{label}: {value}" for label, value in block.rows)]
    return [block.caption, " | ".join(block.header), *(" | ".join(r) for r in block.rows)]


def _block_dict(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text}
    if isinstance(block, Items):
        return {"type": "items", "items": list(block.items)}
    if isinstance(block, FactList):
        return {"type": "facts", "caption": block.caption, "rows": [list(r) for r in block.rows]}
    return {
        "type": "table",
        "caption": block.caption,
        "header": list(block.header),
        "rows": [list(r) for r in block.rows],
    }
