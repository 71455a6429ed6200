"""Free text that people write: how long each kind may be, and that it says something.

Every text field a person or an employee fills in is checked here, so the limits live in one
place. A text must contain visible characters: whitespace, control characters and invisible
format characters (zero-width spaces, joiners, direction marks) alone say nothing, yet would
pass a plain `strip()`. A text longer than its limit is refused rather than stored (a 10 MB
description would otherwise go into the case, every letter and every export).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from trygd.services.errors import InvalidInput

# The longest text of each kind, in characters.
DESCRIPTION = 4_000  # a søknad's or a change's description; what an information request asks
ANSWER = 10_000  # the person's answer to an information request
REASON = 4_000  # a caseworker's or approver's written reason; a late klage's reason
KLAGE = 20_000  # a klage, its grounds and comments; the unit's statement; Klageinstans' reasons
SERVICEKLAGE = 20_000  # a complaint about the service, and its answer
PURPOSE = 500  # why an employee searches or reads the audit trail (logged with the record)

# Characters that show nothing on their own: separators, controls, formats (Cf: zero-width
# space and joiners, direction marks, the byte order mark), and the unassigned.
_INVISIBLE = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cn", "Co", "Cs"})


def visible_length(text: str) -> int:
    """How many characters of `text` show something."""
    return sum(1 for char in text if unicodedata.category(char) not in _INVISIBLE)


def checked(value: Any, field: str, maximum: int, *, minimum: int = 1) -> str:
    """`value` as a text of at most `maximum` characters with at least `minimum` visible
    ones, without the whitespace around it; otherwise InvalidInput naming `field`."""
    if not isinstance(value, str):
        raise InvalidInput([(field, "must be a text")])
    if len(value) > maximum:
        raise InvalidInput([(field, f"must be at most {maximum} characters")])
    if "\x00" in value:
        raise InvalidInput([(field, "must not contain the NUL character")])
    if visible_length(value) == 0:
        raise InvalidInput([(field, "must contain visible characters")])
    if _length(value.strip()) < minimum:
        raise InvalidInput([(field, f"must be a text of at least {minimum} characters")])
    return value.strip()


def _length(text: str) -> int:
    """The length that counts towards a minimum: visible characters and the spaces between
    words, not invisible padding."""
    return sum(1 for char in text if char == " " or unicodedata.category(char) not in _INVISIBLE)


def optional(value: Any, field: str, maximum: int) -> str | None:
    """As `checked`, but nothing (None or only whitespace) is allowed and gives None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return checked(value, field, maximum)
