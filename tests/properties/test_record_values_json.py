"""A decision record's values survive their JSON: `decode(encode(value))` is the value, for
any nesting of lists and mappings of the scalars a record holds (dates, whole and decimal
numbers, NaN and infinities, text, booleans and None), also after a trip through the JSON
text that is stored."""

from __future__ import annotations

import math

import orjson
from hypothesis import given
from hypothesis import strategies as st

from trygd.rules.record import decode, encode

SCALARS = (
    st.dates()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.text(max_size=8)
    | st.booleans()
    | st.none()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(max_size=6).filter(lambda k: not k.startswith("$")), inner, max_size=4
        )
    ),
    max_leaves=20,
)


def _same(a: object, b: object) -> bool:
    """Equal, with NaN equal to NaN and the types kept (1.0 is not 1, nor True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b  # type: ignore[arg-type]
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)  # type: ignore[attr-defined,index]
    return a == b


@given(VALUES)
def test_a_value_survives_its_json(value):
    assert _same(decode(encode(value)), value)
    assert _same(decode(orjson.loads(orjson.dumps(encode(value)))), value)
