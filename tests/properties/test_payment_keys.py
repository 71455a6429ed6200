"""A payment key keeps its hash once made (`domain.payments.PaymentKey`): keys that are equal
hash alike and find each other in a dict, keys that differ in any part are different keys,
and the stored hash is not part of what is compared or shown."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import given
from hypothesis import strategies as st

from trygd.domain.payments import PaymentKey

PARTS = st.tuples(
    st.uuids(),
    st.sampled_from(["uforetrygd", "uforetrygd_barnetillegg", "dagpenger", "aap"]),
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
)


@given(PARTS)
def test_equal_keys_hash_alike_and_find_each_other(
    parts: tuple[uuid.UUID, str, dt.date, dt.date],
) -> None:
    sak_id, kind, start, end = parts
    first = PaymentKey(sak_id, kind, start, end)
    second = PaymentKey(uuid.UUID(str(sak_id)), kind, start, end)  # another UUID object
    assert first == second and hash(first) == hash(second)
    assert {first: 1}[second] == 1
    assert "_hash" not in repr(first)
    assert first != (sak_id, kind, start, end)  # a key equals only a key


@given(PARTS, PARTS)
def test_keys_that_differ_in_a_part_are_different(
    one: tuple[uuid.UUID, str, dt.date, dt.date], other: tuple[uuid.UUID, str, dt.date, dt.date]
) -> None:
    assert (PaymentKey(*one) == PaymentKey(*other)) == (one == other)
    assert len({PaymentKey(*one), PaymentKey(*other)}) == len({one, other})
