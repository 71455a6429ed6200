"""One definition, two speeds: the population path gives exactly what the single path gives.

For every benefit, hypothesis draws batches of random persons (each fact missing now and
then) and a date; every person is evaluated alone with explanations and the whole batch as
columns. Condition statuses, outcomes and every calculated value must be identical.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits import BENEFITS
from trygd.rules.declarations import Benefit, Fact, Status
from trygd.rules.evaluation import evaluate_many, evaluate_one

DATES = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2026, 12, 31))


def value_strategy(fact: Fact, at: dt.date) -> st.SearchStrategy[Any]:
    if fact.kind == "date":
        return st.dates(min_value=dt.date(1940, 1, 1), max_value=at)
    if fact.kind == "bool":
        return st.booleans()
    if fact.kind == "money":
        return st.one_of(
            st.integers(min_value=0, max_value=2_500_000).map(float),
            st.sampled_from(
                # 0.5, 1.5, 2, 3 and 6 G of 2025; 0.4, 1, 3.1 and 4.6 G (uføretrygd's
                # inntektsgrense, the other parent's deduction and the barnetillegg's fribeløp)
                [
                    *(0.0, 65_080.0, 195_240.0, 260_320.0, 390_480.0, 780_960.0),
                    *(52_064.0, 130_160.0, 130_161.0, 403_496.0, 403_497.0, 598_736.0),
                    598_737.0,
                ]
            ),
        )
    if fact.kind == "percent":
        return st.integers(min_value=0, max_value=100).map(float)
    if fact.kind == "hours":
        return st.sampled_from([0.0, 7.5, 18.75, 20.0, 20.1, 37.5, 40.0, 45.0])
    if fact.kind == "years":
        if fact.name.endswith("_year"):
            return st.integers(min_value=at.year - 6, max_value=at.year - 1)
        return st.integers(min_value=0, max_value=45)
    if fact.kind == "days":
        return st.integers(min_value=0, max_value=int(fact.maximum or 400))
    if fact.kind == "count":
        return st.integers(min_value=0, max_value=int(fact.maximum or 10))
    raise AssertionError(f"no strategy for {fact.kind}")


@st.composite
def batches(draw: st.DrawFn, benefit: Benefit) -> tuple[dt.date, list[dict[str, Any]]]:
    at = draw(DATES)
    person = st.fixed_dictionaries(
        {fact.name: st.one_of(*[value_strategy(fact, at)] * 6, st.none()) for fact in benefit.facts}
    )
    return at, draw(st.lists(person, min_size=1, max_size=150))


def as_columns(
    benefit: Benefit, persons: list[dict[str, Any]]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    columns, known = {}, {}
    for fact in benefit.facts:
        values = [p[fact.name] for p in persons]
        present = np.array([v is not None for v in values])
        if fact.kind == "date":
            filled = [v if v is not None else dt.date(2000, 1, 1) for v in values]
            columns[fact.name] = np.array(filled, dtype="datetime64[D]")
        elif fact.kind == "bool":
            columns[fact.name] = np.array([bool(v) for v in values])
        else:
            columns[fact.name] = np.array([v if v is not None else 0 for v in values])
        known[fact.name] = present
    return columns, known


def same(single: Any, many: Any) -> bool:
    if single is None:
        return bool(np.isnat(many)) if isinstance(many, np.datetime64) else bool(np.isnan(many))
    if isinstance(single, dt.date):
        return bool(np.datetime64(single, "D") == many)
    return bool(single == many)


@pytest.mark.parametrize("benefit_id", sorted(BENEFITS))
def test_population_path_equals_single_path(benefit_id: str) -> None:
    benefit = BENEFITS[benefit_id]
    ruleset = default_ruleset()

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(batches(benefit))
    def check(drawn: tuple[dt.date, list[dict[str, Any]]]) -> None:
        at, persons = drawn
        params = ruleset.params(benefit, at)
        columns, known = as_columns(benefit, persons)
        many = evaluate_many(benefit, columns, params, at, known)
        for index, person in enumerate(persons):
            one = evaluate_one(benefit, person, params, at)
            assert many.outcome[index] == one.outcome.code, (person, at)
            for rule in one.rules:
                if rule.rule.kind == "condition":
                    assert many.statuses[rule.rule.id][index] == rule.status, (rule.rule.id, person)
                else:
                    expected = None if rule.status is Status.UNDETERMINED else rule.value
                    actual = many.values[rule.rule.id][index]
                    assert same(expected, actual), (rule.rule.id, expected, actual, person, at)

    check()


UFORETRYGD_DAYS = [
    dt.date(2015, 12, 31),
    dt.date(2016, 1, 1),
    dt.date(2022, 6, 30),
    dt.date(2022, 7, 1),
    dt.date(2025, 6, 1),
    dt.date(2026, 6, 1),
]
"""Both sides of the 95 % cap (2016-01-01 to 2022-06-30) and two years of today's rules."""


@st.composite
def uforetrygd_families(draw: st.DrawFn) -> tuple[dt.date, list[dict[str, Any]]]:
    """Consistent families (the children living with both parents are some of the children)
    with incomes in the range of the thresholds on the date drawn: the other parent's income
    one krone either side of the 1 G deduction, expected income one krone either side of the
    inntektsgrense of 100 % ufør and of the 80 % ceiling, other income and pensions around the
    fribeløp of 3.1 G and 4.6 G (+ 0.4 G per extra child)."""
    at = draw(st.sampled_from(UFORETRYGD_DAYS))
    g = default_ruleset().params(BENEFITS["uforetrygd"], at).g
    near = st.sampled_from([-1.0, 0.0, 1.0])
    persons = []
    for _ in range(draw(st.integers(min_value=1, max_value=40))):
        children = draw(st.integers(min_value=0, max_value=4))
        with_both = draw(st.integers(min_value=0, max_value=children))
        before = draw(st.sampled_from([200_000.0, 300_000.0, 450_000.0, 650_000.0]))
        factor = draw(st.sampled_from([0.4, 3.1, 3.5, 4.6, 5.0]))
        person = {
            "birth_date": dt.date(1975, 3, 10),
            "membership_years": 30,
            "continued_membership": True,
            "treatment_completed": True,
            "illness_main_cause": True,
            "earning_capacity_reduction": float(draw(st.sampled_from([50, 60, 100]))),
            "received_aap": False,
            "occupational_injury": draw(st.booleans()),
            "uforetidspunkt": dt.date(at.year - 1, 1, 1),
            "illness_onset_date": dt.date(at.year - 2, 1, 1),
            "lives_with_partner": with_both > 0 or draw(st.booleans()),
            "children": children,
            "children_with_both_parents": with_both,
            "trygdetid_years": draw(st.sampled_from([0, 20, 39, 40, 41])),
            "income_before_uforhet": before,
            "expected_income": draw(
                st.sampled_from([0.0, 0.4 * g, 0.4 * g + 1, 0.8 * before, 0.8 * before + 1])
            ),
            "other_income": max(factor * g - 300_000 + draw(near), 0.0),
            "other_parent_income": g + draw(near),
            "other_parent_pension": max(factor * g - 500_000 + draw(near), 0.0),
        }
        for year in range(1, 6):
            person[f"income_year_{year}"] = draw(st.sampled_from([0.0, 300_000.0, 900_000.0]))
        persons.append(person)
    return at, persons


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(uforetrygd_families())
def test_uforetrygd_income_tests_agree_at_their_thresholds(
    drawn: tuple[dt.date, list[dict[str, Any]]],
) -> None:
    at, persons = drawn
    benefit = BENEFITS["uforetrygd"]
    params = default_ruleset().params(benefit, at)
    columns, known = as_columns(benefit, persons)
    many = evaluate_many(benefit, columns, params, at, known)
    for index, person in enumerate(persons):
        one = evaluate_one(benefit, person, params, at)
        assert many.outcome[index] == one.outcome.code
        for rule in one.rules:
            if rule.rule.kind == "calculation":
                assert same(rule.value, many.values[rule.rule.id][index]), (rule.rule.id, at)
            else:
                assert many.statuses[rule.rule.id][index] == rule.status
