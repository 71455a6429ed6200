"""Three-valued (Kleene) logic: the laws, the same answer on one value and on a column, and
decisions that no later fact can overturn.

Statuses here are True (met), False (not met) and UNKNOWN. On a column an unknown row is a
row outside the Partial's `known` mask; its value there is random and must not matter.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_two_paths_agree import as_columns, same, value_strategy

from trygd.rules import ops
from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits import BENEFITS
from trygd.rules.declarations import Benefit, Fact, Outcome, Status
from trygd.rules.evaluation import evaluate_many, evaluate_one
from trygd.rules.formatting import LANGUAGES
from trygd.rules.record import evaluate_record, explain
from trygd.rules.unknowns import UNKNOWN, Partial

MET, NOT_MET = True, False
THREE = st.sampled_from([MET, NOT_MET, UNKNOWN])


# -- the laws, on one value ----------------------------------------------------------------


@given(THREE)
def test_met_or_anything_is_met_and_not_met_and_anything_is_not_met(x: Any) -> None:
    assert ops.any_of(MET, x) is MET and ops.any_of(x, MET) is MET
    assert ops.all_of(NOT_MET, x) is NOT_MET and ops.all_of(x, NOT_MET) is NOT_MET


def test_unknown_stays_unknown_unless_the_known_side_decides() -> None:
    assert ops.any_of(NOT_MET, UNKNOWN) is UNKNOWN
    assert ops.any_of(UNKNOWN, UNKNOWN) is UNKNOWN
    assert ops.all_of(MET, UNKNOWN) is UNKNOWN
    assert ops.all_of(UNKNOWN, UNKNOWN) is UNKNOWN
    assert ops.not_(UNKNOWN) is UNKNOWN


@given(st.lists(THREE, min_size=1, max_size=6))
def test_any_and_all_of_many(values: list[Any]) -> None:
    """any_of: met if one is met, not met if all are not met, otherwise unknown; all_of the
    dual; and De Morgan: not all_of(x) = any_of(not x)."""
    known = [v for v in values if v is not UNKNOWN]
    expected_any = MET if MET in known else (NOT_MET if len(known) == len(values) else UNKNOWN)
    expected_all = NOT_MET if NOT_MET in known else (MET if len(known) == len(values) else UNKNOWN)
    assert ops.any_of(*values) is expected_any
    assert ops.all_of(*values) is expected_all
    assert ops.not_(ops.all_of(*values)) is ops.any_of(*(ops.not_(v) for v in values))


@given(THREE, st.integers(0, 3), st.integers(0, 3))
def test_where_with_an_unknown_condition_is_known_only_if_both_branches_agree(
    condition: Any, a: int, b: int
) -> None:
    result = ops.where(condition, a, b)
    if condition is UNKNOWN:
        assert result is (a if a == b else UNKNOWN) or result == a == b
    else:
        assert result == (a if condition else b)


@given(st.sampled_from([3.0, UNKNOWN]), st.sampled_from([2.0, UNKNOWN]))
def test_arithmetic_and_comparisons_with_an_unknown_are_unknown(a: Any, b: Any) -> None:
    results = [a + b, a - b, a * b, a / b, a >= b, a < b, ops.minimum(a, b), ops.maximum(a, b)]
    results += [ops.divide_or(a, b, 0.0), ops.round_half_up(a)]
    for result in results[:-1]:
        assert (result is UNKNOWN) == (a is UNKNOWN or b is UNKNOWN)
    assert (results[-1] is UNKNOWN) == (a is UNKNOWN)


@pytest.mark.parametrize("truth", [lambda x: bool(x), lambda x: x | True, lambda x: ~x])
def test_python_logic_on_an_unknown_is_refused(truth: Any) -> None:
    """`if`, `|` and `~` have no third value: an unknown taken for false would decide."""
    with pytest.raises(TypeError, match=r"ops\.any_of"):
        truth(UNKNOWN)
    with pytest.raises(TypeError, match=r"ops\.any_of"):
        truth(Partial(np.array([True]), np.array([False])))


# -- one value and a column agree ----------------------------------------------------------


def _column(values: list[Any], garbage: list[bool]) -> Partial:
    known = np.array([v is not UNKNOWN for v in values])
    filled = [g if v is UNKNOWN else v for v, g in zip(values, garbage, strict=True)]
    return Partial(np.array(filled), known)


def _agree(scalars: list[Any], column: Any) -> None:
    value, known = (column.value, column.known) if isinstance(column, Partial) else (column, None)
    value = np.broadcast_to(value, (len(scalars),))
    for row, scalar in enumerate(scalars):
        if scalar is UNKNOWN:
            assert known is not None and not known[row], (row, scalars)
        else:
            assert known is None or known[row], (row, scalars)
            assert value[row] == scalar, (row, scalars)


ROWS = st.integers(min_value=1, max_value=40)


@given(st.data())
def test_logic_on_columns_is_the_logic_on_each_row(data: st.DataObject) -> None:
    rows = data.draw(ROWS)
    columns = data.draw(st.integers(1, 4))
    values = [data.draw(st.lists(THREE, min_size=rows, max_size=rows)) for _ in range(columns)]
    garbage = [data.draw(st.lists(st.booleans(), min_size=rows, max_size=rows)) for _ in values]
    parts = [_column(v, g) for v, g in zip(values, garbage, strict=True)]
    by_row = list(zip(*values, strict=True))
    _agree([ops.any_of(*row) for row in by_row], ops.any_of(*parts))
    _agree([ops.all_of(*row) for row in by_row], ops.all_of(*parts))
    _agree([ops.not_(row[0]) for row in by_row], ops.not_(parts[0]))
    # a known column among unknown ones, and a plain scalar
    plain = np.array([bool(g) for g in garbage[0]])
    _agree(
        [ops.any_of(p, *row) for p, row in zip(plain, by_row, strict=True)],
        ops.any_of(plain, *parts),
    )
    _agree([ops.all_of(*row, True) for row in by_row], ops.all_of(*parts, True))


@given(st.data())
def test_where_and_arithmetic_on_columns_are_those_on_each_row(data: st.DataObject) -> None:
    rows = data.draw(ROWS)
    numbers = st.one_of(st.integers(0, 5).map(float), st.just(UNKNOWN))
    a = data.draw(st.lists(numbers, min_size=rows, max_size=rows))
    b = data.draw(st.lists(numbers, min_size=rows, max_size=rows))
    c = data.draw(st.lists(THREE, min_size=rows, max_size=rows))
    noise = data.draw(st.lists(st.integers(0, 5).map(float), min_size=rows, max_size=rows))
    pa, pb = _column(a, noise), _column(b, noise[::-1])
    pc = _column(c, [n > 2 for n in noise])
    _agree([ops.where(x, y, z) for x, y, z in zip(c, a, b, strict=True)], ops.where(pc, pa, pb))
    _agree([ops.where(x, y, 1.0) for x, y in zip(c, a, strict=True)], ops.where(pc, pa, 1.0))
    _agree([y >= z for y, z in zip(a, b, strict=True)], pa >= pb)
    _agree(
        [ops.any_of(y >= 3.0, z < 2.0) for y, z in zip(a, b, strict=True)],
        ops.any_of(pa >= 3.0, pb < 2.0),
    )
    _agree([ops.maximum(y - z, 0.0) for y, z in zip(a, b, strict=True)], ops.maximum(pa - pb, 0.0))
    _agree(
        [ops.divide_or(y, z, 0.0) for y, z in zip(a, b, strict=True)], ops.divide_or(pa, pb, 0.0)
    )


# -- every benefit: the two paths, and decisions that stand ----------------------------------

DATES = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2026, 12, 31))


def near_thresholds(fact: Fact, benefit: Benefit, at: dt.date) -> st.SearchStrategy[Any]:
    """Values around the benefit's own thresholds on `at` (G multiples for money, the
    parameter shares for percentages), one unit either side, so that the sides of an "or"
    land on both sides of their limits; else any value of the fact's kind."""
    params = default_ruleset().params(benefit, at)
    if fact.kind == "money":
        gs = {getattr(params, name) for name in ("g", "g_minimum_income") if name in vars(params)}
        factors = (0.5, 1.5, 2.0, 3.0, 6.0)
        near = sorted(
            {
                max(0.0, math.ceil(f * g * k) + d)
                for g in gs
                for f in factors
                for k in (1, 3)
                for d in (-1, 0)
            }
        )
        if near:
            return st.one_of(st.sampled_from(near), value_strategy(fact, at))
    if fact.kind == "percent":
        shares = [v for k, v in vars(params).items() if isinstance(v, float) and 0 < v < 1]
        near = sorted({max(0.0, round(s * 100) + d) for s in shares for d in (-1, 0)})
        if near:
            return st.one_of(st.sampled_from(near), value_strategy(fact, at))
    return value_strategy(fact, at)


@st.composite
def case(draw: st.DrawFn, benefit: Benefit) -> tuple[dt.date, dict[str, Any], dict[str, Any]]:
    """A date, a person with some facts missing, and values for those missing facts."""
    at = draw(DATES)
    person: dict[str, Any] = {}
    completion: dict[str, Any] = {}
    for fact in benefit.facts:
        value = draw(near_thresholds(fact, benefit, at))
        if draw(st.integers(0, 3)) == 0:
            person[fact.name] = None
            completion[fact.name] = value
        else:
            person[fact.name] = value
    return at, person, completion


SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("benefit_id", sorted(BENEFITS))
def test_both_paths_agree_near_the_thresholds_with_facts_missing(benefit_id: str) -> None:
    benefit = BENEFITS[benefit_id]

    @SETTINGS
    @given(st.data())
    def check(data: st.DataObject) -> None:
        at = data.draw(DATES)
        persons = data.draw(st.lists(case(benefit), min_size=1, max_size=40))
        persons = [person for _at, person, _rest in persons]
        params = default_ruleset().params(benefit, at)
        columns, known = as_columns(benefit, persons)
        many = evaluate_many(benefit, columns, params, at, known)
        for index, person in enumerate(persons):
            one = evaluate_one(benefit, person, params, at)
            assert many.outcome[index] == one.outcome.code, (person, at)
            for rule in one.rules:
                if rule.rule.kind == "condition":
                    status = many.statuses[rule.rule.id][index]
                    assert status == rule.status, (rule.rule.id, person, at)
                else:
                    expected = None if rule.status is Status.UNDETERMINED else rule.value
                    actual = many.values[rule.rule.id][index]
                    assert same(expected, actual), (rule.rule.id, expected, actual, person, at)

    check()


@pytest.mark.parametrize("benefit_id", sorted(BENEFITS))
def test_a_decision_made_with_facts_missing_stands_whatever_they_turn_out_to_be(
    benefit_id: str,
) -> None:
    """Kleene's logic is sound: what is decided without a fact is what the rules decide once
    the fact is known, for any value it may have. (Rejected stays rejected, granted stays
    granted; undetermined may become anything.)"""
    benefit = BENEFITS[benefit_id]

    @SETTINGS
    @given(case(benefit))
    def check(drawn: tuple[dt.date, dict[str, Any], dict[str, Any]]) -> None:
        at, person, completion = drawn
        params = default_ruleset().params(benefit, at)
        partly = evaluate_one(benefit, person, params, at)
        fully = evaluate_one(benefit, {**person, **completion}, params, at)
        for before, after in zip(partly.rules, fully.rules, strict=True):
            if before.status is Status.UNDETERMINED:
                continue
            assert after.status is before.status, (before.rule.id, person, completion, at)
            assert after.value == before.value, (before.rule.id, person, completion, at)
        if partly.outcome is not Outcome.MANUAL:
            assert fully.outcome is partly.outcome

    check()


@pytest.mark.parametrize("benefit_id", sorted(BENEFITS))
def test_every_case_is_explained_in_every_language(benefit_id: str) -> None:
    """Each way a rule can be decided with facts missing has its text in nb, nn and en, and
    names the facts that were not needed; an undetermined rule names the facts it lacks."""
    benefit = BENEFITS[benefit_id]

    @SETTINGS
    @given(case(benefit))
    def check(drawn: tuple[dt.date, dict[str, Any], dict[str, Any]]) -> None:
        at, person, _completion = drawn
        facts = {name: value for name, value in person.items() if value is not None}
        record = evaluate_record(benefit_id, facts, at)
        for language in LANGUAGES:
            explained = explain(record, language)
            for rule in (*explained.conditions, *explained.calculations):
                assert rule.explanation
                assert not (rule.not_needed and rule.status == "undetermined")
                assert not (rule.not_needed and rule.missing_facts)

    check()
