"""The tilbakekreving rules at every threshold: four rettsgebyr one krone either side,
foreldelse one day either side (ordinary, additional and absolute), rentetillegg by degree
of guilt, and the answers the law refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from trygd.rules.assessment import default_ruleset
from trygd.rules.tilbakekreving import (
    Answers,
    AssessmentError,
    Period,
    assess,
    limitation,
)

PARAMETERS = default_ruleset().parameters
DECIDED = dt.date(2026, 6, 1)  # rettsgebyr 1 345 kr in 2026: four are 5 380 kr
LIMIT_ORE = 4 * 1345 * 100
NEGLIGENT = Answers("forsto_eller_burde_forstatt", "uaktsomhet", None, 0, None)


def one(amount_ore: int, paid_on: dt.date = dt.date(2026, 1, 20)) -> list[Period]:
    return [Period(paid_on.replace(day=1), paid_on.replace(day=28), amount_ore, paid_on)]


def rule(result, rule_id):  # type: ignore[no-untyped-def]
    return next(r for r in result.rules if r.id == rule_id)


@pytest.mark.parametrize(
    ("amount_ore", "recovered_ore"),
    [(LIMIT_ORE - 100, 0), (LIMIT_ORE, LIMIT_ORE), (LIMIT_ORE + 100, LIMIT_ORE + 100)],
)
def test_four_rettsgebyr_one_krone_either_side(amount_ore: int, recovered_ore: int) -> None:
    result = assess(one(amount_ore), NEGLIGENT, DECIDED, PARAMETERS)
    assert result.recovered_ore == recovered_ore
    assert result.outcome == ("none" if recovered_ore == 0 else "full")
    assert rule(result, "small_amount").status == ("met" if recovered_ore == 0 else "not_met")
    assert rule(result, "small_amount").legal_basis == "ftrl. § 22-15 sjette ledd"


def test_the_limit_follows_the_rettsgebyr_of_the_decision_day() -> None:
    # 2025: 1 314 kr, four are 5 256 kr; 5 300 kr is recovered in 2025 and not in 2026
    amount = 5300 * 100
    assert assess(one(amount), NEGLIGENT, dt.date(2025, 12, 31), PARAMETERS).recovered_ore == amount
    assert assess(one(amount), NEGLIGENT, dt.date(2026, 1, 1), PARAMETERS).recovered_ore == 0


@pytest.mark.parametrize("culpability", ["forsett", "grov_uaktsomhet"])
def test_a_small_amount_is_recovered_after_forsett_or_grov_uaktsomhet(culpability: str) -> None:
    answers = Answers("feilaktige_opplysninger", culpability, None, 0, None)
    result = assess(one(LIMIT_ORE - 100), answers, DECIDED, PARAMETERS)
    assert result.recovered_ore == LIMIT_ORE - 100
    assert rule(result, "small_amount").text == "serious"


def test_below_the_limit_is_undetermined_until_the_guilt_is_assessed() -> None:
    result = assess(one(LIMIT_ORE - 100), Answers(), DECIDED, PARAMETERS)
    assert result.outcome == "undetermined"
    assert result.questions == ("grounds",)
    assert rule(result, "small_amount").status == "undetermined"


@pytest.mark.parametrize(
    ("decided_on", "status"),
    [
        (dt.date(2029, 1, 19), "recoverable"),
        (dt.date(2029, 1, 20), "recoverable"),  # the last day of three years
        (dt.date(2029, 1, 21), "undetermined"),  # past it: did the additional period run?
    ],
)
def test_foreldelse_one_day_either_side(decided_on: dt.date, status: str) -> None:
    result = assess(one(600_000), NEGLIGENT, decided_on, PARAMETERS)
    assert result.periods[0].status == status
    assert result.periods[0].last_day == dt.date(2029, 1, 20)
    if status == "undetermined":
        assert "knowledge_date" in result.questions
        assert result.outcome == "undetermined"


def _limit(paid_on: dt.date, decided_on: dt.date, knowledge: dt.date | None) -> str:
    period = Period(paid_on, paid_on, 100, paid_on)
    return limitation(
        period, decided_on, knowledge, years=3, additional_years=1, absolute_years=10
    ).status


def test_the_additional_year_from_nav_s_knowledge_one_day_either_side() -> None:
    paid = dt.date(2022, 3, 20)
    knowledge = dt.date(2025, 6, 2)  # last day of the additional period: 2026-06-02
    assert _limit(paid, dt.date(2026, 6, 2), knowledge) == "recoverable"
    assert _limit(paid, dt.date(2026, 6, 3), knowledge) == "foreldet"


def test_the_additional_period_never_reaches_past_ten_years_from_the_payment() -> None:
    paid = dt.date(2016, 3, 20)  # ten years: 2026-03-20
    knowledge = dt.date(2026, 1, 10)
    assert _limit(paid, dt.date(2026, 3, 20), knowledge) == "recoverable"
    assert _limit(paid, dt.date(2026, 3, 21), knowledge) == "foreldet"


def test_knowledge_long_ago_does_not_shorten_the_ordinary_period() -> None:
    paid = dt.date(2024, 2, 29)  # three years: 2027-02-28
    assert _limit(paid, dt.date(2027, 2, 28), dt.date(2024, 3, 1)) == "recoverable"
    assert _limit(paid, dt.date(2027, 3, 1), dt.date(2024, 3, 1)) == "foreldet"


def test_a_foreldet_period_is_left_out_of_the_claim() -> None:
    periods = [
        Period(dt.date(2023, 1, 1), dt.date(2023, 1, 31), 700_000, dt.date(2023, 1, 20)),
        Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31), 700_000, dt.date(2026, 1, 20)),
    ]
    answers = Answers("forsto_eller_burde_forstatt", "uaktsomhet", dt.date(2025, 1, 1), 0, None)
    result = assess(periods, answers, dt.date(2026, 6, 1), PARAMETERS)
    assert [p.status for p in result.periods] == ["foreldet", "recoverable"]
    assert result.foreldet_ore == 700_000
    assert result.recovered_ore == 700_000
    assert result.outcome == "partial"


@pytest.mark.parametrize(
    ("culpability", "rentetillegg_ore"),
    [("forsett", 123_500), ("grov_uaktsomhet", 123_500), ("uaktsomhet", 0)],
)
def test_rentetillegg_ten_percent_after_forsett_or_grov_uaktsomhet(
    culpability: str, rentetillegg_ore: int
) -> None:
    answers = Answers("forsto_eller_burde_forstatt", culpability, None, 0, None)
    result = assess(one(1_234_567), answers, DECIDED, PARAMETERS)
    assert result.recovered_ore == 1_234_567
    assert result.rentetillegg_ore == rentetillegg_ore  # 1 234.567 kr, to whole kroner
    assert result.claim_ore == 1_234_567 + rentetillegg_ore
    assert rule(result, "rentetillegg").legal_basis == "ftrl. § 22-17a"


def test_a_reduction_for_saerlige_grunner_in_whole_percent() -> None:
    answers = Answers("forsto_eller_burde_forstatt", "uaktsomhet", None, 25, None)
    result = assess(one(1_000_001), answers, DECIDED, PARAMETERS)
    assert result.recovered_ore == 750_001  # 750 000.75 øre, half up
    assert result.outcome == "partial"


def test_no_reduction_after_forsett() -> None:
    with pytest.raises(AssessmentError) as error:
        assess(
            one(900_000),
            Answers("forsto_eller_burde_forstatt", "forsett", None, 10, None),
            DECIDED,
            PARAMETERS,
        )
    assert error.value.field == "reduction_percent"
    # without a reduction the rules need no answer about it
    result = assess(
        one(900_000),
        Answers("forsto_eller_burde_forstatt", "forsett", None, None, None),
        DECIDED,
        PARAMETERS,
    )
    assert result.outcome == "full"
    assert rule(result, "amount").text == "forsett"


def test_good_faith_recovers_at_most_what_is_in_hand() -> None:
    answers = Answers("god_tro", None, None, 0, 200_000)
    result = assess(one(900_000), answers, DECIDED, PARAMETERS)
    assert result.recovered_ore == 200_000
    assert rule(result, "grounds").legal_basis == "ftrl. § 22-15 femte ledd"
    assert assess(one(900_000), Answers("god_tro"), DECIDED, PARAMETERS).questions == (
        "in_hand_ore",
    )


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (Answers("maybe"), "grounds"),
        (Answers("god_tro", "uaktsomhet"), "culpability"),
        (Answers("feilaktige_opplysninger", "slurv"), "culpability"),
        (Answers("feilaktige_opplysninger", "uaktsomhet", None, 101), "reduction_percent"),
        (Answers("god_tro", None, None, 0, -1), "in_hand_ore"),
    ],
)
def test_answers_the_law_does_not_know_are_refused_naming_the_field(
    answers: Answers, field: str
) -> None:
    with pytest.raises(AssessmentError) as error:
        assess(one(900_000), answers, DECIDED, PARAMETERS)
    assert error.value.field == field


def test_every_rule_explains_itself_in_three_languages_with_parameters_and_version() -> None:
    result = assess(
        one(1_234_567),
        Answers("feilaktige_opplysninger", "grov_uaktsomhet", None, 0, None),
        DECIDED,
        PARAMETERS,
    )
    document = result.to_json()
    for entry in document["rules"]:
        assert set(entry["explanation"]) == {"nb", "nn", "en"}
        assert all(entry["explanation"].values())
    names = {p["name"] for p in document["parameters"]}
    assert "tilbakekreving.rettsgebyr" in names
    assert document["rule_version"].startswith("tilbakekreving-")
