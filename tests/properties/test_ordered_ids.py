"""Time-ordered ids (`trygd.store.ids.ordered_id`): valid version 7 UUIDs whose order follows
the millisecond they were made in, so rows written later go to the end of an index."""

from __future__ import annotations

import uuid
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from trygd.store.ids import ordered_id

MILLISECONDS = st.integers(min_value=0, max_value=(1 << 48) - 1)


def _made_at(milliseconds: int) -> uuid.UUID:
    with mock.patch("trygd.store.ids.time.time_ns", return_value=milliseconds * 1_000_000):
        return ordered_id()


@given(MILLISECONDS)
def test_an_id_is_a_version_7_uuid_that_names_its_millisecond(milliseconds: int) -> None:
    made = _made_at(milliseconds)
    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    assert made.int >> 80 == milliseconds


@given(MILLISECONDS, MILLISECONDS)
def test_an_id_made_in_a_later_millisecond_sorts_after(first: int, second: int) -> None:
    earlier, later = sorted((first, second))
    if earlier == later:
        return
    assert _made_at(earlier) < _made_at(later)
    assert str(_made_at(earlier)) < str(_made_at(later))  # as text too (the order of uuid)


def test_ids_made_in_the_same_millisecond_differ() -> None:
    made = {_made_at(1_796_000_000_000) for _ in range(10_000)}
    assert len(made) == 10_000
