"""AAP graded for work in a meldeperiode (ftrl. § 11-23): the pure function
`trygd.rules.benefits.aap.gradering.grade_for_work`, ready for the meldekort.

Worked cases come from navikt/aap-behandlingsflyt (repository), file
behandlingsflyt/src/test/kotlin/no/nav/aap/behandlingsflyt/behandling/underveis/regler/
GraderingArbeidRegelTest.kt (and its copy ArbeidsGraderingArbeidRegelTest.kt), test names
quoted in each case, and from the example in the comment of GraderingArbeidRegel.kt (cases A5
and A6 of shared/rules/test-cases.md). The boundaries follow Vurdering.kt
(`arbeiderMindreEnnGrenseverdi`: grenseverdi >= andelArbeid, so exactly the limit is paid) and
the rounding of GraderingArbeidRegel.kt (three decimals HALF_UP) and of the `Prosent` it uses
(no.nav.aap.komponenter.verdityper.Prosent: two decimals of the ratio, HALF_UP).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits.aap.gradering import GRADERING_PARAMETERS, Reason, grade_for_work
from trygd.rules.parameters import ParameterError, resolve

AT = dt.date(2025, 6, 1)
P = resolve(default_ruleset().parameters, GRADERING_PARAMETERS, AT)


def grade(hours: float, capacity: float = 0, **kw: Any) -> Any:
    return grade_for_work(hours, capacity, P, **kw)


# --- navikt/aap-behandlingsflyt GraderingArbeidRegelTest ----------------------------------

NAV_CASES = [
    # (test name in GraderingArbeidRegelTest.kt, hours in a full meldeperiode, fastsatt
    #  arbeidsevne, payment %)
    (
        "Hvis fastsatt arbeidsevne er lavere enn timer arbeidet, blir timer arbeidet brukt i "
        "utregning av gradering",
        10,
        50,
        50,
    ),
    (
        "Hvis timer arbeidet er lavere enn fastsatt arbeidsevne, blir fastsatt arbeidsevne "
        "brukt i utregning av gradering",
        37.5,
        30,
        50,
    ),
    ("Hvis det ikke er registrert timer arbeidet brukes fastsatt arbeidsevne", 0, 30, 70),
    ("Hvis det ikke er registrert arbeidsevne brukes timer arbeidet", 37.5, 0, 50),
    ("Jobber over 100 prosent", 100, 0, 0),
    ("Jobber over flere meldeperioder (meldeperiode 1)", 0, 30, 70),
    ("Jobber over flere meldeperioder (meldeperiode 2)", 37.5, 30, 50),
    # GraderingArbeidRegel.kt comment: arbeidsevne 30 %, faktisk arbeid 40 % -> 60 % (A5)
    ("GraderingArbeidRegel.kt comment, worked 40 % (A5)", 30, 30, 60),
    # ... arbeidsevne 30 %, faktisk arbeid 20 % -> 70 % (A6)
    ("GraderingArbeidRegel.kt comment, worked 20 % (A6)", 15, 30, 70),
]


@pytest.mark.parametrize(
    ("name", "hours", "capacity", "payment"), NAV_CASES, ids=[c[0][:60] for c in NAV_CASES]
)
def test_navs_worked_cases(name: str, hours: float, capacity: float, payment: float) -> None:
    assert grade(hours, capacity).payment_percent == payment


def test_a7_two_thirds_worked_is_above_the_limit() -> None:
    """A7: 50 of 75 hours is 66.7 %, shown as 67 %, above 60 %: nothing is paid."""
    result = grade(50)
    assert (result.share_worked_percent, result.payment_percent) == (67, 0)
    assert result.reason is Reason.ABOVE_LIMIT


def test_the_reason_names_the_larger_of_work_and_capacity() -> None:
    assert grade(0, 0).reason is Reason.NOT_REDUCED
    assert grade(0, 0).payment_percent == 100
    assert grade(37.5, 30).reason is Reason.HOURS_WORKED
    assert grade(15, 30).reason is Reason.WORK_CAPACITY
    assert grade(22.5, 30).reason is Reason.HOURS_WORKED  # equal: 30 % either way


# --- The limits, one percent either side --------------------------------------------------

LIMIT_CASES = [
    # (description, hours of 75, flags, share %, payment %)
    ("59 % worked", 44.25, {}, 59, 41),
    ("exactly 60 %: still paid (grenseverdi >= andelArbeid)", 45, {}, 60, 40),
    ("61 % worked: above 60 %", 45.75, {}, 61, 0),
    ("69 % with yrkesskade", 51.75, {"occupational_injury": True}, 69, 31),
    ("exactly 70 % with yrkesskade", 52.5, {"occupational_injury": True}, 70, 30),
    ("71 % with yrkesskade", 53.25, {"occupational_injury": True}, 71, 0),
    ("79 % in arbeidsopptrapping", 59.25, {"opptrapping": True}, 79, 21),
    ("exactly 80 % in arbeidsopptrapping", 60, {"opptrapping": True}, 80, 20),
    ("81 % in arbeidsopptrapping", 60.75, {"opptrapping": True}, 81, 0),
    (
        "opptrapping overrides the yrkesskade limit (prioriterHøyreSide)",
        60,
        {"opptrapping": True, "occupational_injury": True},
        80,
        20,
    ),
]


@pytest.mark.parametrize(
    ("description", "hours", "flags", "share", "payment"),
    LIMIT_CASES,
    ids=[c[0] for c in LIMIT_CASES],
)
def test_limits_one_percent_either_side(
    description: str, hours: float, flags: dict[str, bool], share: float, payment: float
) -> None:
    result = grade(hours, **flags)
    assert result.share_worked_percent == share
    assert result.payment_percent == payment
    assert (result.reason is Reason.ABOVE_LIMIT) == (payment == 0)


def test_the_limit_is_on_hours_worked_not_on_the_fixed_capacity() -> None:
    """A fixed work capacity of 70 % with no work pays 30 %: the limit compares andelArbeid
    only (Vurdering.arbeiderMindreEnnGrenseverdi)."""
    result = grade(0, 70)
    assert (result.payment_percent, result.reason) == (30, Reason.WORK_CAPACITY)


# --- Rounding: three decimals, then whole percent, both HALF_UP ---------------------------


@pytest.mark.parametrize(
    ("hours", "share", "payment"),
    [
        (45.3, 60, 40),  # 60.4 % counts as 60 %: still paid
        (45.33, 60, 40),  # 60.44 % -> 0.604 -> 60 %
        # 60.48 % -> 0.605 (three decimals) -> 61 % (whole percent): NAV's two roundings
        # push it over the limit although 60.48 % itself would round to 60 %
        (45.36, 61, 0),
        (45.375, 61, 0),  # exactly 60.5 % rounds up to 61 %: above the limit
    ],
)
def test_rounding_to_whole_percent(hours: float, share: float, payment: float) -> None:
    result = grade(hours)
    assert (result.share_worked_percent, result.payment_percent) == (share, payment)


def test_a_short_meldeperiode_scales_the_normal_hours() -> None:
    """GraderingArbeidRegel.kt: (hours x 10) / (75 x weekdays). 22.5 hours in 5 weekdays is
    60 %, paid at 40 %; 23 hours is 61.3 %, above the limit."""
    assert grade(22.5, weekdays=5).payment_percent == 40
    assert grade(23, weekdays=5).payment_percent == 0
    assert grade(22.5, weekdays=10).payment_percent == 70


# --- Arrays agree with scalars ------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=400).map(lambda quarters: quarters / 4),
            st.integers(min_value=0, max_value=100),
            st.integers(min_value=1, max_value=10),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_arrays_give_what_each_period_gives_alone(periods: list[tuple[Any, ...]]) -> None:
    hours, capacity, weekdays, injury, opptrapping = (
        np.array(c) for c in zip(*periods, strict=True)
    )
    many = grade_for_work(
        hours,
        capacity,
        P,
        weekdays=weekdays,
        occupational_injury=injury,
        opptrapping=opptrapping,
    )
    for i, (h, c, w, inj, opp) in enumerate(periods):
        one = grade_for_work(h, c, P, weekdays=w, occupational_injury=inj, opptrapping=opp)
        assert many.payment_percent[i] == one.payment_percent
        assert many.share_worked_percent[i] == one.share_worked_percent
        assert many.reason[i] == one.reason
        assert 0 <= one.payment_percent <= 100


# --- Bad input and the parameters ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"hours_worked": -1}, "hours_worked"),
        ({"work_capacity_percent": 101}, "work_capacity_percent"),
        ({"weekdays": 0}, "weekdays"),
        ({"weekdays": 11}, "weekdays"),
    ],
)
def test_bad_input_is_refused_naming_the_argument(kwargs: dict[str, Any], name: str) -> None:
    arguments: dict[str, Any] = {"hours_worked": 10, "work_capacity_percent": 0, **kwargs}
    hours = arguments.pop("hours_worked")
    capacity = arguments.pop("work_capacity_percent")
    with pytest.raises(ValueError, match=name):
        grade_for_work(hours, capacity, P, **arguments)


def test_every_number_comes_from_a_sourced_parameter() -> None:
    parameters = default_ruleset().parameters
    expected = {
        "aap.working_hours_per_meldeperiode": 75,
        "aap.weekdays_per_meldeperiode": 10,
        "aap.max_work_share": 0.6,
        "aap.max_work_share_occupational_injury": 0.7,
        "aap.max_work_share_opptrapping": 0.8,
    }
    for name, value in expected.items():
        dated = parameters[name].value_at(AT)
        assert dated.value == value
        assert "GraderingArbeidRegel" in dated.source
        assert parameters[name].legal_basis.startswith("ftrl. § 11-23")
    with pytest.raises(ParameterError):
        resolve(parameters, GRADERING_PARAMETERS, dt.date(2017, 12, 31))
