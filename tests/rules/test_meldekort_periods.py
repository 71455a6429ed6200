"""What a meldeperiode gives: dagpenger (ftrl. §§ 4-3, 4-9, 4-12) and AAP (§ 11-23).

Dagpenger cases are NAV's own, from navikt/dp-behandling 54fcd6f,
dagpenger/src/test/resources/features/XX-Beregning.feature (scenario names quoted); the
period of 6 January 2020 is a meldeperiode in trygd's calendar as well. Threshold tests put
the hours one hour either side of each limit; property tests check that more hours never
pay more, that no period pays more than the full period, and that no work pays it all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trygd.domain.meldekort import CardDay, Meldeperiode
from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits import MELDEKORT
from trygd.rules.benefits.aap import meldekort as aap
from trygd.rules.benefits.dagpenger import meldekort as dp
from trygd.rules.formatting import LANGUAGES
from trygd.rules.meldekort import CALCULATED, UNDETERMINED, PeriodInput, spread

PARAMS = default_ruleset().parameters
NAV_PERIOD = Meldeperiode.starting(dt.date(2020, 1, 6))
PERIOD = Meldeperiode.starting(dt.date(2026, 11, 16))


def days(period: Meldeperiode, hours: list[float] | None = None, **marks: list[int]) -> tuple:
    hours = hours or []
    out = []
    for i, day in enumerate(period.days):
        h = Decimal(str(hours[i])) if i < len(hours) else Decimal(0)
        out.append(
            CardDay(
                day,
                h,
                sick=i in marks.get("sick", []),
                absent=i in marks.get("absent", []),
                tiltak=i in marks.get("tiltak", []),
            )
        )
    return tuple(out)


def dp_input(period: Meldeperiode, reported: tuple, *, sats: float, fva: float, **kw: Any):
    return PeriodInput(
        period_start=period.start,
        period_end=period.end,
        days=reported,
        still_job_seeker=kw.pop("still_job_seeker", True),
        effective_from=kw.pop("effective_from", dt.date(2020, 1, 1)),
        amounts={"total_daily": sats, "egenandel": kw.pop("egenandel", 0)},
        facts={"normal_working_hours": fva},
        **kw,
    )


def test_the_registry_holds_the_benefits_with_meldeplikt() -> None:
    assert set(MELDEKORT) == {dp.BENEFIT_ID, aap.BENEFIT_ID}


# --- navikt/dp-behandling XX-Beregning.feature -----------------------------------------


def test_nav_exactly_at_the_threshold_is_paid_half() -> None:
    """'Jobbet nøyaktig på terskel og får 50% gradert utbetaling': 40 of 80 hours -> 500."""
    hours = [5, 5, 5, 5, 0, 0, 0, 0, 5, 5, 5, 5, 0, 0]
    r = dp.calculate(dp_input(NAV_PERIOD, days(NAV_PERIOD, hours), sats=100, fva=40), PARAMS)
    assert (r.gross_ore, r.grade_percent, r.status) == (500_00, 50, CALCULATED)


def test_nav_amount_spread_with_the_rest_on_the_last_day() -> None:
    """'Jobbet under terskel og får 25% gradert utbetaling': sats 101, FVA 37.5, 19 hours ->
    754 kroner, 75 a day and 79 on day 10."""
    hours = [5, 5, 2.5, 4, 2.5]
    r = dp.calculate(dp_input(NAV_PERIOD, days(NAV_PERIOD, hours), sats=101, fva=37.5), PARAMS)
    assert r.gross_ore == 754_00
    paid = [d.amount_ore for d in r.days if d.paid]
    assert paid == [75_00] * 9 + [79_00]


def test_nav_decimal_rest() -> None:
    """'... fordeler desimaltall overskytende riktig': sats 903, 7 hours -> 8187; 818 / 825."""
    r = dp.calculate(dp_input(NAV_PERIOD, days(NAV_PERIOD, [3, 2, 2]), sats=903, fva=37.5), PARAMS)
    paid = [d.amount_ore for d in r.days if d.paid]
    assert (r.gross_ore, paid[0], paid[-1]) == (8187_00, 818_00, 825_00)


def test_nav_sick_and_absent_days_are_not_paid() -> None:
    """'Jobbet under terskel med sykdom og fravær og får 100% utbetaling for arbeidsdagene':
    the second week absent (4 days) and sick (Friday): 5 days x 100 = 500."""
    reported = days(NAV_PERIOD, absent=[7, 8, 9, 10], sick=[11])
    r = dp.calculate(dp_input(NAV_PERIOD, reported, sats=100, fva=40), PARAMS)
    assert r.gross_ore == 500_00
    assert [d.reason for d in r.days][7:12] == ["absent"] * 4 + ["sick"]


def test_nav_egenandel_is_taken_from_the_first_period() -> None:
    """'Skal få 50% gradert utbetaling, men trekkes for egenandel': 1000 - 300 = 700."""
    r = dp.calculate(
        dp_input(NAV_PERIOD, days(NAV_PERIOD), sats=100, fva=40, egenandel=300), PARAMS
    )
    assert (r.gross_ore, r.egenandel_deducted_ore, r.egenandel_left_ore) == (700_00, 300_00, 0)


def test_egenandel_larger_than_a_period_carries_over() -> None:
    first = dp.calculate(dp_input(PERIOD, days(PERIOD), sats=100, fva=40, egenandel=1500), PARAMS)
    assert (first.gross_ore, first.egenandel_left_ore) == (0, 500_00)
    second_period = PERIOD.next()
    second = dp.calculate(
        dp_input(second_period, days(second_period), sats=100, fva=40, egenandel_left_ore=500_00),
        PARAMS,
    )
    assert (second.gross_ore, second.egenandel_left_ore) == (500_00, 0)


# --- thresholds one hour either side -----------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "paid"), [(36.5, True), (37.5, True), (38.5, False)], ids=["-1h", "at", "+1h"]
)
def test_dagpenger_limit_is_half_the_working_time(hours: float, paid: bool) -> None:
    """37.5 h a week: 75 h for 10 days, limit 50 % (dagpenger.min_lost_working_time)."""
    r = dp.calculate(dp_input(PERIOD, days(PERIOD, [hours]), sats=1000, fva=37.5), PARAMS)
    assert (r.gross_ore > 0) is paid
    assert (r.summary == "dagpenger_above_limit") is not paid


@pytest.mark.parametrize(("usual", "counted"), [(39, 39), (40, 40), (41, 40)])
def test_working_time_is_capped(usual: float, counted: int) -> None:
    """dagpenger.max_normal_working_hours: 40 h a week, one hour either side."""
    r = dp.calculate(dp_input(PERIOD, days(PERIOD), sats=100, fva=usual), PARAMS)
    assert r.values["weekly_hours"] == Decimal(counted)


@pytest.mark.parametrize(
    ("hours", "grade"), [(44, 41), (45, 40), (46, 0)], ids=["-1h", "at", "+1h"]
)
def test_aap_limit_sixty_percent(hours: float, grade: int) -> None:
    """75 h per period, 60 % = 45 h is still paid (aap.max_work_share)."""
    r = aap.calculate(aap_input(days(PERIOD, [hours])), PARAMS)
    assert r.grade_percent == grade


@pytest.mark.parametrize(("hours", "paid"), [(59, True), (60, True), (61, False)])
def test_aap_limit_eighty_percent_in_opptrapping(hours: float, paid: bool) -> None:
    r = aap.calculate(aap_input(days(PERIOD, [24, 24, hours - 48]), opptrapping=True), PARAMS)
    assert (r.gross_ore > 0) is paid


def aap_input(reported: tuple, **kw: Any) -> PeriodInput:
    return PeriodInput(
        period_start=PERIOD.start,
        period_end=PERIOD.end,
        days=reported,
        still_job_seeker=True,
        effective_from=kw.pop("effective_from", dt.date(2026, 1, 1)),
        amounts={"daily_rate": 1000, "child_supplement": 38},
        **kw,
    )


def test_aap_grades_rate_and_barnetillegg_alike_and_capacity_counts() -> None:
    """Worked 15 h (20 %) with fastsatt arbeidsevne 30 %: 70 % of 1000 + 70 % of 38 (A6)."""
    r = aap.calculate(aap_input(days(PERIOD, [7.5, 7.5]), work_capacity_percent=30), PARAMS)
    assert r.grade_percent == 70
    assert r.days[0].amount_ore == 700_00 + 27_00  # 26.6 rounds to 27
    assert r.gross_ore == 10 * (700_00 + 27_00)


def test_the_vedtak_facts_give_the_fastsatt_arbeidsevne() -> None:
    """The same as above, with the arbeidsevne the vedtak fixed (§ 11-23 second ledd)."""
    facts = {"fixed_work_capacity": 30}
    r = aap.calculate(aap_input(days(PERIOD, [7.5, 7.5]), facts=facts), PARAMS)
    assert (r.grade_percent, r.values["work_capacity"]) == (70, 0.3)


@pytest.mark.parametrize(
    ("opptrapping_to", "paid"),
    [(PERIOD.start - dt.timedelta(days=1), False), (PERIOD.start, True)],
    ids=["ended the day before", "ends on the first day"],
)
def test_a_period_starting_in_arbeidsopptrapping_has_the_higher_limit(
    opptrapping_to: dt.date, paid: bool
) -> None:
    """60 h worked (80 % of 75 h): paid only when the period starts in the opptrapping the
    vedtak fixed (§ 11-23 sixth ledd); outside it the limit is 60 %."""
    facts = {"opptrapping_periods": [{"from": "2026-01-01", "to": opptrapping_to.isoformat()}]}
    r = aap.calculate(aap_input(days(PERIOD, [24, 24, 12]), facts=facts), PARAMS)
    assert (r.gross_ore > 0) is paid


@pytest.mark.parametrize(("hours", "paid"), [(52.5, True), (53, False)])
def test_a_recognised_yrkesskade_in_the_vedtak_gives_the_seventy_percent_limit(
    hours: float, paid: bool
) -> None:
    facts = {"occupational_injury": True}
    r = aap.calculate(aap_input(days(PERIOD, [24, 24, hours - 48]), facts=facts), PARAMS)
    assert (r.gross_ore > 0) is paid


@pytest.mark.parametrize("capacity", [-1, 101, "30", True])
def test_a_wrong_fixed_work_capacity_is_refused_naming_it(capacity: Any) -> None:
    with pytest.raises(ValueError, match="fixed_work_capacity"):
        aap.calculate(aap_input(days(PERIOD, [1]), facts={"fixed_work_capacity": capacity}), PARAMS)


def test_a_period_starting_mid_way_pays_only_days_with_a_right() -> None:
    start = dt.date(2026, 11, 19)  # a Thursday
    r = dp.calculate(dp_input(PERIOD, days(PERIOD), sats=100, fva=40, effective_from=start), PARAMS)
    assert [d.reason for d in r.days][:3] == ["outside_vedtak"] * 3
    assert r.gross_ore == 7 * 100_00
    a = aap.calculate(aap_input(days(PERIOD), effective_from=start), PARAMS)
    assert a.values["weekdays"] == 7


def test_late_card_and_no_to_job_seeking_are_left_to_a_caseworker() -> None:
    late = dp.calculate(dp_input(PERIOD, days(PERIOD), sats=100, fva=40, late=True), PARAMS)
    assert (late.status, late.gross_ore, late.undetermined) == (UNDETERMINED, 0, ("late",))
    assert "withheld_late" in {d.reason for d in late.days}
    stop = dp.calculate(
        dp_input(PERIOD, days(PERIOD), sats=100, fva=40, still_job_seeker=False, egenandel=300),
        PARAMS,
    )
    assert (stop.status, stop.gross_ore, stop.egenandel_left_ore) == (UNDETERMINED, 0, 300_00)
    assert aap.calculate(aap_input(days(PERIOD), late=True), PARAMS).status == UNDETERMINED


def test_a_missing_stored_amount_is_refused_by_name() -> None:
    given_ = dp_input(PERIOD, days(PERIOD), sats=100, fva=40)
    with pytest.raises(ValueError, match="total_daily"):
        dp.calculate(dataclasses.replace(given_, amounts={"egenandel": 0}), PARAMS)
    with pytest.raises(ValueError, match="normal_working_hours"):
        dp.calculate(dataclasses.replace(given_, facts={}), PARAMS)


def test_result_carries_parameters_version_and_three_languages() -> None:
    r = dp.calculate(dp_input(PERIOD, days(PERIOD, [4]), sats=1000, fva=37.5), PARAMS)
    doc = r.to_json()
    names = {p["name"] for p in doc["parameters"]}
    assert "dagpenger.min_lost_working_time" in names
    assert all(p["source"] and p["valid_from"] for p in doc["parameters"])
    assert doc["rule_version"].startswith("meldekort-")
    for language in LANGUAGES:
        assert doc["explanation"][language]
        assert doc["days"][0]["explanation"][language]
    assert "9 466" in doc["explanation"]["nb"].replace("\xa0", " ")
    assert doc["days"][0]["legal_basis"].startswith("ftrl.")


# --- properties --------------------------------------------------------------------------

half_hours = st.integers(min_value=0, max_value=48).map(lambda n: n / 2)
hour_lists = st.lists(half_hours, min_size=14, max_size=14)


@settings(max_examples=150, deadline=None)
@given(hour_lists, st.integers(min_value=0, max_value=13), st.sampled_from([37.5, 40, 20]))
def test_dagpenger_more_hours_never_pay_more(hours: list[float], at: int, fva: float) -> None:
    more = list(hours)
    more[at] += 0.5
    if more[at] > 24:
        return
    base = dp.calculate(dp_input(PERIOD, days(PERIOD, hours), sats=987, fva=fva), PARAMS)
    again = dp.calculate(dp_input(PERIOD, days(PERIOD, more), sats=987, fva=fva), PARAMS)
    full = dp.calculate(dp_input(PERIOD, days(PERIOD), sats=987, fva=fva), PARAMS)
    assert again.gross_ore <= base.gross_ore <= full.gross_ore == 10 * 987_00
    assert sum(d.amount_ore for d in base.days) == base.gross_ore


@settings(max_examples=150, deadline=None)
@given(hour_lists, st.integers(min_value=0, max_value=13), st.integers(0, 100))
def test_aap_more_hours_never_pay_more(hours: list[float], at: int, capacity: int) -> None:
    more = list(hours)
    more[at] += 0.5
    if more[at] > 24:
        return
    kw = {"work_capacity_percent": capacity}
    base = aap.calculate(aap_input(days(PERIOD, hours), **kw), PARAMS)
    again = aap.calculate(aap_input(days(PERIOD, more), **kw), PARAMS)
    full = aap.calculate(aap_input(days(PERIOD)), PARAMS)
    assert again.gross_ore <= base.gross_ore <= full.gross_ore == 10 * 1038_00


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=14))
def test_spreading_keeps_every_ore(total: int, count: int) -> None:
    parts = spread(total, count)
    assert sum(parts) == total and len(parts) == count and min(parts) >= 0
