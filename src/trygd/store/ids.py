"""Ids for rows written by the thousand: time-ordered UUIDs (version 7, RFC 9562).

A random id (version 4) lands anywhere in its primary-key index, so a batch that writes
ten thousand rows touches ten thousand leaf pages spread over the whole index; once the index
is larger than the database's buffers, each of those is read back from disk and written out
again, with a full-page image in the WAL after every checkpoint. A version 7 id begins with
the time in milliseconds, so the rows a batch writes go to the right-hand end of the index,
a few pages, in order.

Only rows whose time of writing is stored with them anyway use these (a regulering's
vedtak, behandling, decision record and outcome): the first 48 bits tell the millisecond the
id was made, which is no more than their `created_at` already says.
"""

from __future__ import annotations

import os
import time
import uuid

_VERSION_7 = 0x7 << 76
_VARIANT = 0x2 << 62
_RANDOM_A = (1 << 12) - 1
_RANDOM_B = (1 << 62) - 1


def ordered_id() -> uuid.UUID:
    """A version 7 UUID: 48 bits of Unix time in milliseconds, the version, 74 random bits
    and the variant."""
    random = int.from_bytes(os.urandom(10), "big")
    value = (
        (time.time_ns() // 1_000_000) << 80
        | _VERSION_7
        | (random >> 62 & _RANDOM_A) << 64
        | _VARIANT
        | random & _RANDOM_B
    )
    return uuid.UUID(int=value)
