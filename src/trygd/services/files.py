"""The one check of files people send: application documents and klage attachments alike.

A file is taken if its content is a PDF, PNG or JPEG file, judged by the signature bytes the
formats define and never by the name or the type the sender claims, and it is neither empty
nor larger than 5 MB. Its name is cleaned before it is stored: only the last part of a path,
without control characters or bidirectional overrides (U+202E can make "gpj.exe" read as
"exe.jpg" on a caseworker's screen). The web pages and the API call the same functions, so a
file refused on one path is refused on the other with the same words.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from trygd.services.errors import InvalidInput

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NAME_LENGTH = 200
# The first bytes of each file type we take, as the formats themselves define them.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
ACCEPTED_TYPES = tuple(content_type for _signature, content_type in SIGNATURES)

# The problems, worded once; the web pages translate them by these texts.
NOT_ACCEPTED = "the file is not a PDF, PNG or JPEG file"
TOO_LARGE = "the file is larger than 5 MB"
EMPTY = "the file is empty"
BAD_NAME = f"the file name must be 1 to {MAX_NAME_LENGTH} characters"

# Unicode categories that have no place in a file name: control characters (Cc), format
# characters such as the bidirectional overrides and isolates (Cf), surrogates (Cs) and the
# line and paragraph separators (Zl, Zp).
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    content: bytes


def content_type_of(content: bytes) -> str | None:
    """The file's real type from its first bytes, or None if it is not one we take."""
    for signature, content_type in SIGNATURES:
        if content.startswith(signature):
            return content_type
    return None


def clean_filename(name: str) -> str:
    """The name without its path, control characters or bidirectional overrides."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(
        c for c in unicodedata.normalize("NFC", last) if unicodedata.category(c) not in _DROPPED
    )
    return kept.strip()


def check_file(filename: str, content: bytes, field: str) -> CheckedFile:
    """The file as it is to be stored, or InvalidInput naming `field`."""
    name = clean_filename(filename)
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        raise InvalidInput([(field, BAD_NAME)])
    if not content:
        raise InvalidInput([(field, EMPTY)])
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput([(field, TOO_LARGE)])
    content_type = content_type_of(content)
    if content_type is None:
        raise InvalidInput([(field, NOT_ACCEPTED)])
    return CheckedFile(name, content_type, content)


def too_many(maximum: int) -> str:
    return f"at most {maximum} documents can be sent"


def check_count(count: int, maximum: int, field: str) -> None:
    """Refuse more than `maximum` files."""
    if count > maximum:
        raise InvalidInput([(field, too_many(maximum))])
