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


# -- dagpenger from income per month ------------------------------------------------------

CLAIM_DATES = st.dates(min_value=dt.date(2019, 7, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def dagpenger_batches(draw: st.DrawFn) -> tuple[dt.date, list[dict[str, Any]]]:
    """Claims with income per month: some months of the earning period with income (a month
    left out had none), amounts around the thresholds, and the other facts as above."""
    from trygd.rules.benefits.dagpenger.rules import earning_months, month_text

    at = draw(CLAIM_DATES)
    window = list(earning_months(at, 5))
    amount = st.one_of(
        st.integers(min_value=0, max_value=120_000).map(float),
        st.sampled_from([1.0, 16_270.0, 65_080.0, 780_960.0]),
        st.floats(min_value=0, max_value=90_000, allow_nan=False).map(lambda x: round(x, 2)),
    )
    benefit = BENEFITS["dagpenger"]
    others = {
        fact.name: st.one_of(*[value_strategy(fact, at)] * 6, st.none())
        for fact in benefit.facts
        if not fact.name.startswith(("income_", "indexed_income_"))
    }

    @st.composite
    def person(draw_person: st.DrawFn) -> dict[str, Any]:
        months = draw_person(st.lists(st.sampled_from(window), unique=True, max_size=36))
        facts = draw_person(st.fixed_dictionaries(others))
        facts["monthly_income"] = [
            {"month": month_text(m), "amount": draw_person(amount)} for m in months
        ]
        return facts

    return at, draw(st.lists(person(), min_size=1, max_size=40))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(dagpenger_batches())
def test_dagpenger_from_monthly_income_agrees_on_both_paths(
    drawn: tuple[dt.date, list[dict[str, Any]]],
) -> None:
    """Each person's months are derived to the flat facts once; the single path (from the
    months, as an application is assessed) and the population path (the derived columns)
    give the same statuses, outcome and amounts."""
    from trygd.rules.record import derived_facts

    at, persons = drawn
    benefit = BENEFITS["dagpenger"]
    params = default_ruleset().params(benefit, at)
    flats = [derived_facts(benefit, person, at, params) for person in persons]
    for flat in flats:
        for name in benefit.fact_names:
            flat.setdefault(name, None)
    columns, known = as_columns(benefit, flats)
    many = evaluate_many(benefit, columns, params, at, known)
    for index, flat in enumerate(flats):
        one = evaluate_one(benefit, flat, params, at)
        assert many.outcome[index] == one.outcome.code, (flat, at)
        for rule in one.rules:
            if rule.rule.kind == "condition":
                assert many.statuses[rule.rule.id][index] == rule.status, (rule.rule.id, flat)
            else:
                expected = None if rule.status is Status.UNDETERMINED else rule.value
                actual = many.values[rule.rule.id][index]
                assert same(expected, actual), (rule.rule.id, expected, actual, flat, at)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dagpenger_batches())
def test_dagpenger_invariants_of_the_income_per_month(
    drawn: tuple[dt.date, list[dict[str, Any]]],
) -> None:
    """Indexing never lowers a period (G has never fallen); § 4-4 and § 4-15 come out the same
    from the months as from their two sums; the basis is at most 6 G; the total per day is at
    most the 90 % cap and at most rate plus child supplement; the egenandel is whole days."""
    from trygd.rules.assessment import assess
    from trygd.rules.record import derived_facts

    at, persons = drawn
    benefit = BENEFITS["dagpenger"]
    params = default_ruleset().params(benefit, at)
    for person in persons[:5]:
        flat = derived_facts(benefit, person, at, params)
        paid = [m["amount"] for m in person["monthly_income"]]
        assert flat["income_36m"] == pytest.approx(sum(paid))
        assert flat["income_12m"] <= flat["income_36m"] + 1e-6
        assert flat["indexed_income_1_12m"] >= flat["income_12m"] - 1e-6
        indexed = sum(flat[f"indexed_income_{p}"] for p in ("1_12m", "13_24m", "25_36m"))
        assert indexed >= flat["income_36m"] - 1e-6
        facts = {k: v for k, v in person.items() if v is not None}
        from_months = assess("dagpenger", facts, at)
        totals = {k: v for k, v in facts.items() if k != "monthly_income"}
        totals.update(income_12m=flat["income_12m"], income_36m=flat["income_36m"])
        from_sums = assess("dagpenger", totals, at)
        for name in ("minimum_income",):
            assert [c.status for c in from_months.conditions if c.id.endswith(name)] == [
                c.status for c in from_sums.conditions if c.id.endswith(name)
            ]
        assert from_months.amounts["period_weeks"] == from_sums.amounts["period_weeks"]
        assert from_months.amounts["basis"] <= params.max_basis_factor * params.g
        total = from_months.amounts["total_daily"]
        if total is not None:
            calc = next(c for c in from_months.calculations if c.id == "dagpenger.total_daily")
            assert total <= calc.values["daily_cap"]
            assert (
                total <= from_months.amounts["daily_rate"] + from_months.amounts["child_supplement"]
            )
            assert from_months.amounts["egenandel"] == params.egenandel_days * total


# --- Sykepenger: random sick-note periods, derived, then evaluated both ways -----------------

SYKEPENGER = BENEFITS["sykepenger"]
GRADES = st.one_of(st.sampled_from([0.0, 15.0, 19.0, 20.0, 50.0, 100.0]), st.integers(0, 100))


@st.composite
def sick_notes(draw: st.DrawFn, at: dt.date) -> list[dict[str, Any]]:
    """One to six periods from a day at most 60 days before `at` (a revurdering), with gaps
    around the 16 days of § 8-19 and now and then a long one (182 days of § 8-12)."""
    day = at - dt.timedelta(days=draw(st.integers(0, 60)))
    periods = []
    for _ in range(draw(st.integers(1, 6))):
        length = draw(st.one_of(st.integers(1, 40), st.integers(100, 400)))
        last = day + dt.timedelta(days=length - 1)
        periods.append({"from": day, "to": last, "grade": float(draw(GRADES))})
        gap = draw(st.one_of(st.integers(0, 20), st.integers(160, 200)))
        day = last + dt.timedelta(days=gap + 1)
    return periods


@st.composite
def nav_history(draw: st.DrawFn, before: dt.date) -> list[dict[str, Any]] | None:
    if draw(st.booleans()):
        return None if draw(st.booleans()) else []
    end = before - dt.timedelta(days=draw(st.integers(1, 400)))
    history = []
    for _ in range(draw(st.integers(1, 4))):
        start = end - dt.timedelta(days=draw(st.integers(0, 300)))
        history.append({"from": start, "to": end})
        end = start - dt.timedelta(days=draw(st.integers(1, 250)))
    return history


@st.composite
def sick_leaves(draw: st.DrawFn) -> tuple[dt.date, bool, list[dict[str, Any]]]:
    at = draw(DATES)
    nav_practice = draw(st.booleans())

    def person(periods: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        flat = {
            fact.name: st.one_of(*[value_strategy(fact, at)] * 6, st.none())
            for fact in SYKEPENGER.input_facts
            if fact.kind not in ("periods", "graded_periods")
        }
        flat["birth_date"] = st.one_of(
            *[st.dates(min_value=dt.date(1948, 1, 1), max_value=dt.date(2005, 1, 1))] * 6,
            st.none(),
        )
        return st.fixed_dictionaries(
            {
                **flat,
                "sick_leave_periods": st.just(periods),
                "sick_leave_history": nav_history(min(p["from"] for p in periods)),
            }
        )

    persons = draw(st.lists(sick_notes(at).flatmap(person), min_size=1, max_size=25))
    return at, nav_practice, persons


def _ruleset(nav_practice: bool) -> Any:
    if nav_practice:
        return default_ruleset()
    from trygd.rules.assessment import Ruleset
    from trygd.rules.parameters import load_default

    reform = {
        "parameters": {
            "sykepenger.reset_counts_nav_practice": {
                "values": [{"from": dt.date(1997, 5, 1), "value": 0, "source": "test"}]
            }
        }
    }
    return Ruleset(load_default().with_reform(reform, "law's words"))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(sick_leaves())
def test_sykepenger_periods_derived_then_both_paths_agree(
    drawn: tuple[dt.date, bool, list[dict[str, Any]]],
) -> None:
    """Sick notes and histories drawn at random are derived once per person; the flat facts
    then give the same statuses and values alone and as columns, and the counts keep their
    invariants."""
    at, nav_practice, raw_persons = drawn
    params = _ruleset(nav_practice).params(SYKEPENGER, at)
    assert SYKEPENGER.derive is not None
    persons = [SYKEPENGER.derive(raw, at, params) for raw in raw_persons]
    columns, known = as_columns(SYKEPENGER, [_filled(p) for p in persons])
    many = evaluate_many(SYKEPENGER, columns, params, at, known)
    for index, (raw, person) in enumerate(zip(raw_persons, persons, strict=True)):
        one = evaluate_one(SYKEPENGER, person, params, at)
        assert many.outcome[index] == one.outcome.code, (person, at)
        for rule in one.rules:
            if rule.rule.kind == "condition":
                assert many.statuses[rule.rule.id][index] == rule.status, (rule.rule.id, person)
            else:
                expected = None if rule.status is Status.UNDETERMINED else rule.value
                actual = many.values[rule.rule.id][index]
                assert same(expected, actual), (rule.rule.id, expected, actual, person, at)
        _check_invariants(raw, person, {r.rule.id: r for r in one.rules}, params)


def _filled(person: dict[str, Any]) -> dict[str, Any]:
    return {fact.name: person.get(fact.name) for fact in SYKEPENGER.facts}


def _check_invariants(
    raw: dict[str, Any], person: dict[str, Any], rules: dict[str, Any], params: Any
) -> None:
    periods = raw["sick_leave_periods"]
    last_day = max(p["to"] for p in periods)
    assert person["employer_period_last_day"] < person["first_nav_day"]
    if person["sick_after_employer_period"]:
        assert person["first_nav_day"] <= last_day
    assert 0 <= person["sick_days_used"] <= params.max_days
    if "sick_days_used_after_67" in person:
        assert 0 <= person["sick_days_used_after_67"] <= params.max_days_after_67
        assert person["sick_days_used_after_67"] <= person["sick_days_used"]
        assert person["days_counted_to"] <= last_day
        assert person["next_sick_weekday"] > person["days_counted_to"]
    maksdato, refused = rules["maksdato"], rules["first_refused_day"]
    if refused.status is not Status.UNDETERMINED:
        assert refused.value > maksdato.value
        assert refused.value.weekday() < 5
        remaining = rules["days_remaining"].value
        assert 0 <= remaining <= params.max_days - person["sick_days_used"]


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
