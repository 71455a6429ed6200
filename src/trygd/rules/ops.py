"""Arithmetic that works the same on one person (Python scalars) and on a population (arrays).

Rule declarations are written once and evaluated at two speeds: with plain Python numbers for
a single application (fast, explainable) and with NumPy arrays for millions of persons. Python
`if` and `not` do not work on arrays, and NumPy's operators are slow on single numbers, so each
operation here picks the right implementation for its arguments. Both branches do the same
IEEE arithmetic in the same order, so the two paths give identical amounts.

Some inputs may be unknown (`trygd.rules.unknowns`): `UNKNOWN` on one person, a `Partial` column
on a population. `any_of`, `all_of`, `not_` and `where` then follow three-valued (Kleene) logic,
and the other operations give an unknown wherever an operand is unknown.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trygd.rules.unknowns import UNKNOWN, Partial, is_unknown, partial, parts, split_all

Num = Any
"""A number, a bool, or an array of them: the operand type of every rule formula."""


def is_array(*values: Num) -> bool:
    return any(isinstance(v, np.ndarray | Partial) for v in values)


def _any_unknown(*values: Num) -> bool:
    return any(is_unknown(v) for v in values)


def where(condition: Num, if_true: Num, if_false: Num) -> Num:
    """`if_true` where `condition` holds, else `if_false`. Where the condition is unknown,
    the result is known only if both branches are known and equal."""
    if _any_unknown(condition, if_true, if_false):
        return _where_unknown(condition, if_true, if_false)
    if isinstance(condition, np.ndarray):
        return np.where(condition, if_true, if_false)
    if is_array(if_true, if_false):
        return np.where(condition, if_true, if_false)
    return if_true if condition else if_false


def _where_unknown(condition: Num, if_true: Num, if_false: Num) -> Num:
    if not is_array(condition, if_true, if_false):
        if condition is UNKNOWN:
            agree = if_true is not UNKNOWN and if_false is not UNKNOWN and if_true == if_false
            return if_true if agree else UNKNOWN
        return if_true if condition else if_false
    (c, kc), (a, ka), (b, kb) = parts(condition), parts(if_true), parts(if_false)
    kc, ka, kb = (np.asarray(True) if k is None else k for k in (kc, ka, kb))
    value = np.where(c, a, b)
    decided = kc & np.where(c, ka, kb)
    undecided_but_same = np.logical_not(kc) & ka & kb & (np.asarray(a) == np.asarray(b))
    return partial(value, decided | undecided_but_same)


def minimum(a: Num, b: Num) -> Num:
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if is_array(a, b):
        return np.minimum(a, b)
    return a if a <= b else b


def maximum(a: Num, b: Num) -> Num:
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if is_array(a, b):
        return np.maximum(a, b)
    return a if a >= b else b


def clip(value: Num, low: Num, high: Num) -> Num:
    return minimum(maximum(value, low), high)


def divide_or(numerator: Num, denominator: Num, fallback: Num) -> Num:
    """numerator / denominator, or `fallback` where the denominator is zero."""
    if any(v is UNKNOWN for v in (numerator, denominator, fallback)):
        return UNKNOWN
    if is_array(numerator, denominator, fallback) and _any_unknown(
        numerator, denominator, fallback
    ):
        (numerator, denominator, fallback), known = split_all((numerator, denominator, fallback))
        return partial(divide_or(numerator, denominator, fallback), known)
    if is_array(numerator, denominator):
        numerator, denominator = np.broadcast_arrays(
            np.asarray(numerator, dtype=np.float64), np.asarray(denominator, dtype=np.float64)
        )
        result = np.full(numerator.shape, fallback, dtype=np.float64)
        np.divide(numerator, denominator, out=result, where=denominator != 0)
        return result
    return numerator / denominator if denominator != 0 else fallback


def not_(value: Num) -> Num:
    """Logical not. Python's `~True` is -2, so rules must never use `~` or `not` directly.
    Not unknown is unknown."""
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, Partial):
        return Partial(np.logical_not(value.value), value.known)
    if isinstance(value, np.ndarray):
        return np.logical_not(value)
    return not value


def all_of(*values: Num) -> Num:
    """Met if all are met, not met if one is not met (even if others are unknown), otherwise
    unknown: the law's "and" in three-valued (Kleene) logic."""
    if _any_unknown(*values):
        return _kleene(values, decisive=False)
    result = values[0]
    for value in values[1:]:
        result = result & value
    return result


def any_of(*values: Num) -> Num:
    """Met if one is met (even if others are unknown), not met if all are not met, otherwise
    unknown: the law's "or" in three-valued (Kleene) logic."""
    if _any_unknown(*values):
        return _kleene(values, decisive=True)
    result = values[0]
    for value in values[1:]:
        result = result | value
    return result


def _kleene(values: tuple[Num, ...], decisive: bool) -> Num:
    """`any_of` (decisive True: one true value decides) or `all_of` (one false value decides)
    with at least one operand unknown."""
    if not is_array(*values):
        if any(v is not UNKNOWN and bool(v) is decisive for v in values):
            return decisive
        return UNKNOWN
    decided: Any = np.asarray(False)
    all_known: Any = np.asarray(True)
    for v in values:
        value, known = parts(v)
        hit = np.asarray(value, dtype=bool) if decisive else np.logical_not(value)
        if known is not None:
            hit = hit & known
            all_known = all_known & known
        decided = decided | hit
    # Where nothing decided it, every operand was known and had the other value.
    result = decided if decisive else np.logical_not(decided)
    return partial(result, decided | all_known)


def round_half_up(value: Num) -> Num:
    """Round to whole kroner, halves upwards, as NAV's systems do (Kotlin roundToInt, HALF_UP).

    Python's built-in `round` rounds halves to even and must not be used for amounts.
    """
    if value is UNKNOWN:
        return UNKNOWN
    if is_array(value):
        return np.floor(value + 0.5)
    return float(math.floor(value + 0.5))


EXACT_DECIMALS = 6
"""The decimals to which `round_half_up_exact` first takes a value."""


def round_half_up_exact(value: Num) -> Num:
    """`round_half_up` of a value whose exact decimal value may be a half that binary floating
    point cannot hold: 425 625 × 0.0024 is exactly 1021.5, which NAV's BigDecimal arithmetic
    rounds to 1022 (navikt/dp-behandling `12-DagpengensStørrelse.feature`), but the float
    product is 1021.4999999999999 and would round to 1021.

    The value is first taken to the nearest millionth (`EXACT_DECIMALS`): far below an øre,
    and far above the float's error on any amount a rule computes (below a thousand million
    kroner the error is under a ten-millionth). Both paths use NumPy's rounding for that
    step, so they agree.
    """
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, Partial):
        values, known = parts(value)
        return partial(np.floor(np.round(values, EXACT_DECIMALS) + 0.5), known)
    if isinstance(value, np.ndarray):
        return np.floor(np.round(value, EXACT_DECIMALS) + 0.5)
    return float(np.floor(np.round(value, EXACT_DECIMALS) + 0.5))


def sum_of_best(count: int, values: list[Num]) -> Num:
    """The sum of the `count` largest of `values` (e.g. the 3 best of 5 income years).

    The largest values are added from the smallest of them upwards in both paths so that the
    floating-point result is identical.
    """
    if _any_unknown(*values):
        raise TypeError("sum_of_best needs every value known; declare them in needs")
    if is_array(*values):
        stacked = np.sort(np.stack(np.broadcast_arrays(*values), axis=1), axis=1)
        best = stacked[:, stacked.shape[1] - count :]
        total = best[:, 0].copy()
        for i in range(1, count):
            total = total + best[:, i]
        return total
    ordered = sorted(values)[len(values) - count :]
    total = ordered[0]
    for v in ordered[1:]:
        total = total + v
    return total
