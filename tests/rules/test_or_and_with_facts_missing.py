"""The law's "or" and "and" with a fact missing, one krone, percent or day either side.

A condition with one side of an "or" met is met, and one with one side of an "and" not met
is not met, whether the other side is known or not (three-valued logic,
`trygd.rules.unknowns`). NAV's dagpenger system states § 4-4 as such an "or": the minimum
income is `enAv(over12mndTerskel, over36mndTerskel)` (navikt/dp-behandling,
dagpenger/src/main/kotlin/no/nav/dagpenger/regel/regelsett/vilkår/Minsteinntekt.kt).
Thresholds are read from the parameters, never typed here.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pytest

from trygd.rules.assessment import Assessment, RuleResult, assess, default_ruleset
from trygd.rules.benefits import BENEFITS
from trygd.rules.formatting import LANGUAGES
from trygd.rules.record import DecisionRecord, evaluate_record, explain, replay
from trygd.rules.texts import catalogue

JUNE_2025 = dt.date(2025, 6, 10)


def params(benefit: str, at: dt.date = JUNE_2025) -> Any:
    return default_ruleset().params(BENEFITS[benefit], at)


def rule(result: Assessment, benefit: str, rule_id: str) -> RuleResult:
    found = [r for r in (*result.conditions, *result.calculations) if r.id == rule_id]
    assert found, f"no rule {rule_id}"
    return found[0]


# -- dagpenger § 4-4 minimum income ---------------------------------------------------------

DAGPENGER: dict[str, Any] = {
    "birth_date": dt.date(1980, 5, 5),
    "stays_in_norway": True,
    "normal_working_hours": 37.5,
    "current_working_hours": 0,
    "registered_job_seeker": True,
    "genuine_job_seeker": True,
    "self_inflicted_unemployment": False,
    "children": 0,
}


def dagpenger(at: dt.date = JUNE_2025, language: str = "en", **facts: Any) -> Assessment:
    given = {k: v for k, v in {**DAGPENGER, **facts}.items() if v is not None}
    return assess("dagpenger", given, at, language=language)


def threshold(factor: str, g: str = "g_minimum_income") -> int:
    """The smallest whole krone that reaches `factor` × G on JUNE_2025."""
    p = params("dagpenger")
    return math.ceil(getattr(p, factor) * getattr(p, g))


def test_12_months_reaching_1_5_g_meet_the_condition_without_the_36_months() -> None:
    at_threshold = threshold("min_income_factor_12m")
    result = dagpenger(income_12m=at_threshold)
    income = rule(result, "dagpenger", "dagpenger.minimum_income")
    assert income.status == "met"
    assert income.not_needed == ("income_36m",) and income.missing_facts == ()


def test_12_months_one_krone_below_1_5_g_leave_it_open_without_the_36_months() -> None:
    result = dagpenger(income_12m=threshold("min_income_factor_12m") - 1)
    income = rule(result, "dagpenger", "dagpenger.minimum_income")
    assert income.status == "undetermined"
    assert income.missing_facts == ("income_36m",) and income.not_needed == ()
    assert result.outcome == "manual_assessment"


def test_36_months_reaching_3_g_meet_the_condition_without_the_12_months() -> None:
    at_threshold = threshold("min_income_factor_36m")
    met = rule(dagpenger(income_36m=at_threshold), "dagpenger", "dagpenger.minimum_income")
    assert met.status == "met" and met.not_needed == ("income_12m",)
    below = rule(dagpenger(income_36m=at_threshold - 1), "dagpenger", "dagpenger.minimum_income")
    assert below.status == "undetermined" and below.missing_facts == ("income_12m",)


def test_without_either_income_the_condition_names_both() -> None:
    income = rule(dagpenger(), "dagpenger", "dagpenger.minimum_income")
    assert income.status == "undetermined"
    assert income.missing_facts == ("income_12m", "income_36m")


def test_both_below_is_still_not_met_and_rejected() -> None:
    result = dagpenger(
        income_12m=threshold("min_income_factor_12m") - 1,
        income_36m=threshold("min_income_factor_36m") - 1,
    )
    assert rule(result, "dagpenger", "dagpenger.minimum_income").status == "not_met"
    assert result.outcome == "rejected"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_explanation_says_which_side_decided_and_that_the_other_was_not_needed(
    language: str,
) -> None:
    income = rule(
        dagpenger(language=language, income_12m=threshold("min_income_factor_12m")),
        "dagpenger",
        "dagpenger.minimum_income",
    )
    label_36 = catalogue("dagpenger").fact_label("income_36m", language)
    assert income.explanation.endswith(f"{label_36}.")
    # the 12 months decided it, and their amount is in the text; no 36-month amount is
    assert {"nb": "12 månedene er nok", "nn": "12 månadene er nok", "en": "12 months is enough"}[
        language
    ] in income.explanation
    assert "None" not in income.explanation


# -- dagpenger § 4-15 period: 104 weeks when either reaches 2 G ------------------------------


def test_period_is_long_when_12_months_reach_2_g_whatever_the_36_months() -> None:
    p = params("dagpenger")
    at_2g = threshold("long_period_threshold_factor", "g")
    long = rule(dagpenger(income_12m=at_2g), "dagpenger", "dagpenger.period_weeks")
    assert long.status == "determined" and long.values["period_weeks"] == p.period_weeks_long
    assert long.not_needed == ("income_36m",)
    open_ = rule(dagpenger(income_12m=at_2g - 1), "dagpenger", "dagpenger.period_weeks")
    assert open_.status == "undetermined" and open_.missing_facts == ("income_36m",)


def test_period_is_long_when_the_36_month_average_reaches_2_g_whatever_the_12_months() -> None:
    p = params("dagpenger")
    three_years = math.ceil(3 * p.long_period_threshold_factor * p.g)
    long = rule(dagpenger(income_36m=three_years), "dagpenger", "dagpenger.period_weeks")
    assert long.values["period_weeks"] == p.period_weeks_long
    assert long.not_needed == ("income_12m",)
    open_ = rule(dagpenger(income_36m=three_years - 1), "dagpenger", "dagpenger.period_weeks")
    assert open_.status == "undetermined" and open_.missing_facts == ("income_12m",)


def test_the_basis_still_needs_all_three_indexed_periods() -> None:
    """The basis is the higher of the latest indexed period and the average of three, each
    capped (§ 4-11): no "or" decides it, and nominal totals cannot stand in for it."""
    result = dagpenger(income_12m=threshold("min_income_factor_12m"))
    assert rule(result, "dagpenger", "dagpenger.basis").missing_facts == (
        "indexed_income_1_12m",
        "indexed_income_13_24m",
        "indexed_income_25_36m",
    )
    assert result.outcome == "manual_assessment"


# -- dagpenger § 4-3 lost working time: no usual hours, nothing to lose -----------------------


def test_no_usual_working_hours_is_not_met_whatever_the_hours_now() -> None:
    result = dagpenger(
        income_12m=threshold("min_income_factor_12m"),
        income_36m=threshold("min_income_factor_36m"),
        normal_working_hours=0,
        current_working_hours=None,
    )
    lost = rule(result, "dagpenger", "dagpenger.lost_working_time")
    assert lost.status == "not_met" and lost.not_needed == ("current_working_hours",)
    assert result.outcome == "rejected"


def test_usual_working_hours_without_the_hours_now_leave_it_open() -> None:
    lost = rule(
        dagpenger(normal_working_hours=0.5, current_working_hours=None),
        "dagpenger",
        "dagpenger.lost_working_time",
    )
    assert lost.status == "undetermined" and lost.missing_facts == ("current_working_hours",)


# -- AAP § 11-5 with § 11-22: half, or 30 % with a yrkesskade ---------------------------------

AAP: dict[str, Any] = {
    "birth_date": dt.date(1995, 3, 1),
    "membership_years": 10,
    "stays_in_norway": True,
    "illness_main_cause": True,
    "needs_assistance": True,
    "capacity_reduced_date": dt.date(2025, 1, 10),
    "income_year_1": 0,
    "income_year_2": 0,
    "income_year_3": 0,
    "children": 0,
}


def percent(benefit: str, name: str) -> int:
    return round(getattr(params(benefit), name) * 100)


@pytest.mark.parametrize(
    ("reduction", "expected"),
    [
        (percent("aap", "min_reduced_work_capacity"), "met"),
        (percent("aap", "min_reduced_work_capacity") - 1, "undetermined"),
        (percent("aap", "min_reduced_work_capacity_yrkesskade"), "undetermined"),
        (percent("aap", "min_reduced_work_capacity_yrkesskade") - 1, "not_met"),
    ],
)
def test_aap_work_capacity_without_knowing_the_cause(reduction: int, expected: str) -> None:
    result = assess("aap", {**AAP, "reduced_work_capacity": reduction}, JUNE_2025)
    capacity = rule(result, "aap", "aap.work_capacity_reduced")
    assert capacity.status == expected
    if expected == "undetermined":
        assert capacity.missing_facts == ("occupational_injury",)
    else:
        assert capacity.not_needed == ("occupational_injury",)


def test_the_yrkesskade_limit_is_never_above_the_ordinary_one() -> None:
    """The three-valued form (half, OR yrkesskade AND 30 %) equals the law's "30 % instead of
    half" only while the yrkesskade limit is the lower one: on every date either changes."""
    benefit = BENEFITS["aap"]
    names = ("min_reduced_work_capacity", "min_reduced_work_capacity_yrkesskade")
    for at in _change_dates(benefit, names):
        p = default_ruleset().params(benefit, at)
        assert p.min_reduced_work_capacity_yrkesskade <= p.min_reduced_work_capacity, at


# -- uføretrygd § 12-7 and § 12-17: half, 40 % after AAP, 30 % for a yrkesskade ---------------

UFORETRYGD: dict[str, Any] = {
    "birth_date": dt.date(1975, 3, 10),
    "membership_years": 30,
    "continued_membership": True,
    "treatment_completed": True,
    "illness_main_cause": True,
    "uforetidspunkt": dt.date(2024, 9, 1),
    "illness_onset_date": dt.date(2022, 5, 1),
    "lives_with_partner": False,
    "children": 0,
    **{f"income_year_{n}": 300_000 for n in range(1, 6)},
}
HALF = percent("uforetrygd", "min_reduction")
AFTER_AAP = percent("uforetrygd", "min_reduction_aap")
INJURY = percent("uforetrygd", "min_reduction_injury")


@pytest.mark.parametrize(
    ("known", "reduction", "expected"),
    [
        ({}, HALF, "met"),
        ({}, HALF - 1, "undetermined"),
        ({}, INJURY, "undetermined"),
        ({}, INJURY - 1, "not_met"),
        ({"received_aap": True}, AFTER_AAP, "met"),
        ({"received_aap": True}, AFTER_AAP - 1, "undetermined"),
        ({"occupational_injury": False}, AFTER_AAP, "undetermined"),
        ({"occupational_injury": False}, AFTER_AAP - 1, "not_met"),
        ({"occupational_injury": True}, INJURY, "met"),
        ({"received_aap": False}, HALF - 1, "undetermined"),
        ({"received_aap": False, "occupational_injury": False}, HALF - 1, "not_met"),
    ],
)
def test_uforetrygd_reduction_with_facts_missing(
    known: dict[str, bool], reduction: int, expected: str
) -> None:
    result = assess(
        "uforetrygd", {**UFORETRYGD, **known, "earning_capacity_reduction": reduction}, JUNE_2025
    )
    capacity = rule(result, "uforetrygd", "uforetrygd.reduced_earning_capacity")
    assert capacity.status == expected
    lacking = tuple(n for n in ("received_aap", "occupational_injury") if n not in known)
    assert (capacity.missing_facts if expected == "undetermined" else capacity.not_needed) == (
        lacking
    )


def test_the_lower_uforetrygd_limits_are_never_above_half() -> None:
    benefit = BENEFITS["uforetrygd"]
    names = ("min_reduction", "min_reduction_aap", "min_reduction_injury")
    for at in _change_dates(benefit, names):
        p = default_ruleset().params(benefit, at)
        assert p.min_reduction_injury <= p.min_reduction_aap <= p.min_reduction, at


# -- uføretrygd § 12-13: the ung ufør level applies from 20, so before 20 the onset is moot --


def _twenty_on(day: dt.date) -> dt.date:
    age = int(params("uforetrygd").ung_ufor_minimum_from_age)
    return day.replace(year=day.year - age)


@pytest.mark.parametrize(("days_after", "expected"), [(1, "determined"), (0, "undetermined")])
def test_the_minimum_level_before_20_needs_no_onset_date(days_after: int, expected: str) -> None:
    """Born one day too late to have turned 20 on the date: the ordinary level, whenever the
    illness arose. Turned 20 that day: the onset decides it."""
    born = _twenty_on(JUNE_2025) + dt.timedelta(days=days_after)
    facts = {**UFORETRYGD, "birth_date": born, "earning_capacity_reduction": 100}
    facts.pop("illness_onset_date")
    result = assess("uforetrygd", facts, JUNE_2025)
    level = rule(result, "uforetrygd", "uforetrygd.minimum_level")
    assert level.status == expected
    if expected == "determined":
        p = params("uforetrygd")
        assert level.values["minimum_level"] == pytest.approx(p.minimum_single * p.g)
        assert level.not_needed == ("illness_onset_date",)


# -- the decision record ----------------------------------------------------------------------


def test_a_rule_decided_without_a_fact_is_recorded_replayed_and_explained_from_the_record():
    record = evaluate_record(
        "dagpenger", {**DAGPENGER, "income_12m": threshold("min_income_factor_12m")}, JUNE_2025
    )
    stored = json.loads(json.dumps(record.to_json()))
    income = next(r for r in stored["rules"] if r["id"] == "minimum_income")
    assert income["not_needed"] == ["income_36m"]
    assert "not_needed" not in next(r for r in stored["rules"] if r["id"] == "age")
    again = DecisionRecord.from_json(stored)
    assert again == record
    assert replay(again) == []
    for language in LANGUAGES:
        assert explain(again, language) == explain(record, language)


def test_a_record_from_before_has_no_not_needed_and_reads_as_it_did():
    record = evaluate_record(
        "dagpenger", {**DAGPENGER, "income_12m": 1, "income_36m": 1}, JUNE_2025
    )
    stored = record.to_json()
    assert all("not_needed" not in r for r in stored["rules"])
    assert DecisionRecord.from_json(stored).to_json() == stored


def _change_dates(benefit: Any, names: tuple[str, ...]) -> list[dt.date]:
    parameters = default_ruleset().parameters
    starts = {
        value.start for name in names for value in parameters[benefit.parameters[name]].values
    }
    return sorted(starts)


def test_the_assessment_json_lists_what_was_not_needed_and_matches_its_schema():
    import jsonschema

    from trygd.applications.output_schema import output_schema

    document = dagpenger(income_12m=threshold("min_income_factor_12m")).to_dict()
    jsonschema.validate(document, output_schema())
    by_id = {r["id"]: r for r in (*document["conditions"], *document["calculations"])}
    assert by_id["dagpenger.minimum_income"]["not_needed"] == ["income_36m"]
    assert "not_needed" not in by_id["dagpenger.age"]
