"""Values that are not known, on both evaluation paths, for three-valued (Kleene) logic.

The law often joins two tests with "or" or "and": dagpenger need 1.5 G in the last 12 months
OR 3 G in the last 36 (ftrl. § 4-4). When the 12 months already reach 1.5 G, the 36 months
do not matter: the condition is met even if they are not known. A rule that can be decided
like that says so by declaring the inputs it can do without (`may_be_unknown` in
`trygd.rules.declarations`). Its formula then runs with those inputs in place even where
they are missing:

* on the single path a missing input is `UNKNOWN`;
* on the population path a column with missing rows is a `Partial`: the values and the mask
  of the rows where they are known.

Arithmetic and comparisons on an unknown give an unknown again (on a `Partial`, a `Partial`
whose mask is where every operand was known). `trygd.rules.ops` then decides where it can,
following Kleene's strong three-valued logic, the same on both paths:

    any_of: met if one is met, not met if all are not met, otherwise unknown
    all_of: not met if one is not met, met if all are met, otherwise unknown
    where:  the chosen branch; with an unknown condition, known only if both branches agree

Python's `|`, `&`, `~`, `not` and `if` have no third value. On an unknown they raise a
`TypeError` that names the operation to use instead, so that a formula cannot take unknown
for false without anyone noticing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

_NO_TRUTH = (
    "an unknown value is neither true nor false: combine it with ops.any_of, ops.all_of, "
    "ops.not_ or ops.where, never with |, &, ~, not or if"
)


class Unknown:
    """The value of an input that is missing, for one application (there is one: UNKNOWN).

    Numbers and dates met with it in arithmetic or comparisons give UNKNOWN."""

    __slots__ = ()
    _instance: Unknown | None = None
    # NumPy scalars (np.float64(3) < UNKNOWN) must leave the operation to this class.
    __array_ufunc__ = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError(_NO_TRUTH)

    def __hash__(self) -> int:
        return id(self)

    def _unknown(self, *_other: Any) -> Unknown:
        return self

    def _no_truth(self, *_other: Any) -> Any:
        raise TypeError(_NO_TRUTH)

    __add__ = __radd__ = __sub__ = __rsub__ = _unknown
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _unknown
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pow__ = __rpow__ = _unknown
    __neg__ = __pos__ = __abs__ = _unknown
    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _unknown  # type: ignore[assignment]
    __or__ = __ror__ = __and__ = __rand__ = __xor__ = __rxor__ = __invert__ = _no_truth


UNKNOWN = Unknown()

# Bitwise and logical ufuncs: the operators |, &, ^, ~ on a Partial end up here.
_NO_TRUTH_UFUNCS = {
    np.bitwise_or,
    np.bitwise_and,
    np.bitwise_xor,
    np.invert,
    np.logical_or,
    np.logical_and,
    np.logical_xor,
    np.logical_not,
}


class Partial(NDArrayOperatorsMixin):
    """A column known only in some rows: `value` everywhere (meaningless where not known) and
    `known`, a boolean array. Every NumPy ufunc (and so every arithmetic operator and
    comparison) works on it and gives a Partial known where all its operands were."""

    __slots__ = ("known", "value")

    def __init__(self, value: Any, known: Any) -> None:
        self.value = np.asarray(value)
        self.known = np.asarray(known, dtype=bool)

    def __repr__(self) -> str:
        return f"Partial({self.value!r}, known={self.known!r})"

    def __bool__(self) -> bool:
        raise TypeError(_NO_TRUTH)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__" or "out" in kwargs:
            return NotImplemented
        if ufunc in _NO_TRUTH_UFUNCS:
            raise TypeError(_NO_TRUTH)
        values, known = split_all(inputs)
        result = ufunc(*values, **kwargs)
        if isinstance(result, tuple):
            return tuple(partial(r, known) for r in result)
        return partial(result, known)


def is_unknown(value: Any) -> bool:
    """Whether `value` is unknown on the single path or partly unknown on the population path."""
    return value is UNKNOWN or isinstance(value, Partial)


def parts(value: Any) -> tuple[Any, Any]:
    """(values, known mask) of a Partial, or (value, None) for a value known everywhere."""
    if isinstance(value, Partial):
        return value.value, value.known
    return value, None


def split_all(values: Any) -> tuple[list[Any], Any]:
    """The plain values of `values` and the mask where all of them are known (None: all)."""
    plain = []
    known = None
    for value in values:
        v, k = parts(value)
        plain.append(v)
        if k is not None:
            known = k if known is None else known & k
    return plain, known


def partial(value: Any, known: Any) -> Any:
    """A Partial of `value` known where `known` (None: a plain value, known everywhere)."""
    if known is None:
        return value
    value, known = np.broadcast_arrays(np.asarray(value), np.asarray(known, dtype=bool))
    return Partial(value, known)
