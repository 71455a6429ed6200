"""Uføretrygd and income: the reduction for income (ftrl. § 12-14), the barnetillegg's income
test (§ 12-16), the 95 % cap of 2016-2022 (§ 12-15 third ledd) and the proposed maximum
reduksjonsprosent of 70 % (Prop. 8 L (2025-2026)), each one krone, one percent, one year or one
day either side of its threshold.

Worked figures are derived (no NAV test exists for them; Pesys is not public) from the rules
as NAV's letters state them (navikt/pensjonsbrev, ufoeremaler legacy/fraser
TBU052V_TBU073V_SlikBeregnerViStoerrelsenPaaBarnetilleggetDitt.kt and
TBU052V_TBU073V_SlikRedusererViBarnetilleggetUtFraInntekt.kt) and Prop. 8 L (2025-2026)
ch. 2.1.2. G: 130 160 from 2025-05-01, 111 477 from 2022-05-01, 92 576 from 2016-05-01,
90 068 from 2015-05-01.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from trygd.applications.inputs import InputError, parse_application
from trygd.rules.assessment import Ruleset, assess, default_ruleset
from trygd.rules.parameters import ParameterError

D = dt.date
AT = D(2025, 6, 1)
G_2025 = 130_160
ROOT = Path(__file__).resolve().parents[2]
REFORM = ROOT / "examples" / "reforms" / "uforetrygd-max-reduction-70.toml"

# A single member at the minimum level (2.529 G = 329 174.64 in 2025), 100 % ufør, full
# trygdetid, no other income: the figures below add to this one.
MINIMUM: dict[str, Any] = {
    "birth_date": D(1975, 3, 10),
    "membership_years": 30,
    "continued_membership": True,
    "treatment_completed": True,
    "illness_main_cause": True,
    "earning_capacity_reduction": 100,
    "received_aap": False,
    "occupational_injury": False,
    "uforetidspunkt": D(2024, 9, 1),
    "illness_onset_date": D(2022, 5, 1),
    "lives_with_partner": False,
    "children": 1,
    "income_year_1": 0,
    "income_year_2": 0,
    "income_year_3": 0,
    "income_year_4": 0,
    "income_year_5": 0,
    "children_with_both_parents": 0,
    "trygdetid_years": 40,
    "income_before_uforhet": 400_000,
    "expected_income": 0,
    "other_income": 0,
    "other_parent_income": 0,
    "other_parent_pension": 0,
}
SINGLE_MINIMUM = 329_174.64  # 2.529 x 130 160
COUPLE_MINIMUM = 303_142.64  # 2.329 x 130 160


def run(at: dt.date = AT, ruleset: Ruleset | None = None, **changes: Any) -> Any:
    return assess("uforetrygd", {**MINIMUM, **changes}, at, ruleset=ruleset)


def rule(assessment: Any, name: str) -> Any:
    return next(r for r in assessment.calculations if r.id == f"uforetrygd.{name}")


# --- § 12-16: særkullsbarn, fribeløp 3.1 G -----------------------------------------------

# One child who does not live with both parents: fribeløp 3.1 G = 403 496. The income is the
# uføretrygd paid (329 174.64) plus other income; 74 321.36 of other income reaches the
# fribeløp exactly.
AT_SEPARATE_FRIBELOP = 403_496 - SINGLE_MINIMUM


@pytest.mark.parametrize(
    ("description", "other_income", "reduction"),
    [
        ("one krone below the fribeløp of 3.1 G", AT_SEPARATE_FRIBELOP - 1, 0.0),
        ("exactly at the fribeløp", AT_SEPARATE_FRIBELOP, 0.0),
        ("one krone above: 50 øre less", AT_SEPARATE_FRIBELOP + 1, 0.5),
    ],
)
def test_separate_child_fribelop_is_3_1_g(
    description: str, other_income: float, reduction: float
) -> None:
    result = run(other_income=other_income)
    assert result.outcome == "granted"
    assert result.amounts["child_supplement_exempt_separate"] == pytest.approx(403_496)
    assert result.amounts["child_supplement_reduction_separate"] == pytest.approx(
        reduction, abs=1e-6
    )
    assert result.amounts["child_supplement_net"] == pytest.approx(52_064 - reduction, abs=1e-6)
    assert result.amounts["child_supplement_exempt_joint"] == 0


def test_a_partners_income_does_not_count_for_a_separate_child() -> None:
    """TBU052V-TBU073V: 'Inntekt til en ektefelle/partner/samboer som ikke er forelder til
    barnet, har ikke betydning' - the other-parent facts do not reach a særkullsbarn."""
    plain = run(other_income=AT_SEPARATE_FRIBELOP)
    with_partner_income = run(
        other_income=AT_SEPARATE_FRIBELOP, other_parent_income=900_000, other_parent_pension=1
    )
    assert with_partner_income.amounts == plain.amounts


def test_each_extra_child_adds_0_4_g_to_the_fribelop() -> None:
    """Two særkullsbarn: 3.1 G + 0.4 G = 455 560; three: 507 624. Two fellesbarn: 4.6 G +
    0.4 G = 650 800."""
    assert run(children=2).amounts["child_supplement_exempt_separate"] == pytest.approx(455_560)
    assert run(children=3).amounts["child_supplement_exempt_separate"] == pytest.approx(507_624)
    joint = run(children=2, children_with_both_parents=2, lives_with_partner=True)
    assert joint.amounts["child_supplement_exempt_joint"] == pytest.approx(650_800)
    assert joint.amounts["child_supplement_exempt_separate"] == 0


def test_the_reduction_never_takes_more_than_the_supplement() -> None:
    result = run(children=2, other_income=2_000_000)
    assert result.amounts["child_supplement_reduction_separate"] == pytest.approx(2 * 52_064)
    assert result.amounts["child_supplement_net"] == 0
    assert result.amounts["child_supplement_monthly"] == 0


# --- § 12-16 third ledd: fellesbarn, fribeløp 4.6 G, both parents' income ----------------

# One child living with both parents: fribeløp 4.6 G = 598 736. The applicant (living with the
# other parent, minimum 2.329 G = 303 142.64) has no other income; the other parent's pension
# from folketrygden counts in full, so 295 593.36 of it reaches the fribeløp exactly.
AT_JOINT_FRIBELOP = 598_736 - COUPLE_MINIMUM
JOINT = {"lives_with_partner": True, "children_with_both_parents": 1}


@pytest.mark.parametrize(
    ("description", "pension", "reduction"),
    [
        ("one krone below the fribeløp of 4.6 G", AT_JOINT_FRIBELOP - 1, 0.0),
        ("exactly at the fribeløp", AT_JOINT_FRIBELOP, 0.0),
        ("one krone above: 50 øre less", AT_JOINT_FRIBELOP + 1, 0.5),
    ],
)
def test_joint_child_fribelop_is_4_6_g(description: str, pension: float, reduction: float) -> None:
    result = run(**JOINT, other_parent_pension=pension)
    assert result.amounts["child_supplement_exempt_joint"] == pytest.approx(598_736)
    assert result.amounts["child_supplement_reduction_joint"] == pytest.approx(reduction, abs=1e-6)
    assert result.amounts["child_supplement_exempt_separate"] == 0
    assert result.amounts["child_supplement_net"] == pytest.approx(52_064 - reduction, abs=1e-6)


@pytest.mark.parametrize(
    ("other_parent_income", "reduction"),
    [(G_2025 - 1, 0.0), (G_2025, 0.0), (G_2025 + 1, 0.5)],
)
def test_the_other_parents_income_counts_less_one_g(
    other_parent_income: float, reduction: float
) -> None:
    """§ 12-16 third ledd (NAV rundskriv 2016): the other parent's income counts less up to
    1 G, their pension from folketrygden in full. At the fribeløp by the pension alone, up to
    1 G of other income changes nothing, and one krone more reduces by 50 øre."""
    result = run(
        **JOINT, other_parent_pension=AT_JOINT_FRIBELOP, other_parent_income=other_parent_income
    )
    assert result.amounts["child_supplement_reduction_joint"] == pytest.approx(reduction, abs=1e-6)
    joint = rule(result, "child_supplement_reduction_joint")
    assert joint.values["other_parent_deduction"] == min(other_parent_income, G_2025)


def test_separate_and_joint_children_are_tested_separately() -> None:
    """Three children, one living with both parents: særkullsbarn fribeløp 3.5 G = 455 560
    against the applicant's income, fellesbarn 4.6 G against both parents'. An income of
    500 000 (303 142.64 + 196 857.36 other) is 44 440 above the first: 22 220 less for the two
    særkullsbarn; the other parent's 400 000 (less 1 G) brings the family to 769 840, 171 104
    above 4.6 G: the fellesbarn's 52 064 is gone."""
    result = run(
        children=3,
        children_with_both_parents=1,
        lives_with_partner=True,
        other_income=500_000 - COUPLE_MINIMUM,
        other_parent_income=400_000,
    )
    amounts = result.amounts
    assert amounts["child_supplement_exempt_separate"] == pytest.approx(455_560)
    assert amounts["child_supplement_exempt_joint"] == pytest.approx(598_736)
    assert amounts["child_supplement_reduction_separate"] == pytest.approx(22_220)
    assert amounts["child_supplement_reduction_joint"] == pytest.approx(52_064)
    assert amounts["child_supplement_net"] == pytest.approx(3 * 52_064 - 22_220 - 52_064)
    assert amounts["child_supplement_monthly"] == 6_826  # 81 908 / 12 = 6 825.67


def test_the_uforetrygd_itself_and_the_expected_work_income_count_as_income() -> None:
    """NAV's letters: 'Barnetillegget kan bli redusert ut fra: uføretrygd, arbeidsinntekt,
    næringsinntekt, inntekt fra utlandet, ytelser/pensjon fra Norge, pensjon fra utlandet'."""
    result = run(expected_income=40_000, other_income=10_000)
    personal = rule(result, "personal_income")
    assert personal.values["personal_income"] == pytest.approx(SINGLE_MINIMUM + 50_000)


# --- Trygdetid: barnetillegg and fribeløp pro rata under 40 years -------------------------


@pytest.mark.parametrize(
    ("trygdetid", "share"),
    [(39, 39 / 40), (40, 1.0), (41, 1.0), (30, 0.75), (0, 0.0)],
)
def test_trygdetid_under_40_years_reduces_supplement_and_fribelop(
    trygdetid: int, share: float
) -> None:
    result = run(trygdetid_years=trygdetid)
    assert result.amounts["child_supplement_gross"] == pytest.approx(52_064 * share)
    assert result.amounts["child_supplement_exempt_separate"] == pytest.approx(403_496 * share)


def test_a_recognised_yrkesskade_gives_full_trygdetid() -> None:
    """TBU052V-TBU073V shows the trygdetid reduction only when the yrkesskade is not 'oppfylt'."""
    result = run(trygdetid_years=20, occupational_injury=True)
    assert result.amounts["child_supplement_gross"] == pytest.approx(52_064)
    assert result.amounts["child_supplement_exempt_separate"] == pytest.approx(403_496)


# --- § 12-15 third ledd: the 95 % cap, 2016-01-01 to 2022-06-30 ---------------------------

CAP_2022 = {
    "income_before_uforhet": 300_000,
    "uforetidspunkt": D(2021, 6, 1),
    "illness_onset_date": D(2020, 1, 1),
}


def test_the_cap_applies_on_2022_06_30() -> None:
    """G 111 477: minimum 2.48 G = 276 462.96 and one child 44 590.80, 321 053.76 in all, over
    95 % of 300 000 = 285 000: 36 053.76 is cut from the barnetillegg."""
    result = run(D(2022, 6, 30), **CAP_2022)
    after = rule(result, "child_supplement_after_cap")
    assert after.values["total_cap"] == pytest.approx(285_000)
    assert after.values["cap_cut"] == pytest.approx(36_053.76)
    assert after.values["child_supplement_after_cap"] == pytest.approx(8_537.04)
    assert "95" in after.explanation


def test_the_cap_is_gone_on_2022_07_01() -> None:
    """'fra juli 2022 ble taket opphevet' (arbeidogvelferd.nav.no 2022/11)."""
    result = run(D(2022, 7, 1), **CAP_2022)
    after = rule(result, "child_supplement_after_cap")
    assert after.values["child_supplement_after_cap"] == pytest.approx(44_590.80)
    assert "total_cap" not in after.values
    assert "ikke noe tak" in after.explanation
    used = {p.name for p in result.parameters}
    assert "uforetrygd.child_supplement_total_cap_share" not in used  # not in force: no value


def test_the_cap_is_graded_by_the_uforegrad() -> None:
    """60 % ufør: cap 95 % x 300 000 x 60 % = 171 000; 60 % of 276 462.96 = 165 877.78 and
    44 590.80 make 210 468.58: 39 468.58 is cut."""
    result = run(D(2022, 6, 30), **CAP_2022, earning_capacity_reduction=60)
    after = rule(result, "child_supplement_after_cap")
    assert after.values["total_cap"] == pytest.approx(171_000)
    assert after.values["cap_cut"] == pytest.approx(39_468.576)


CAP_2016 = {
    "income_before_uforhet": 250_000,
    "uforetidspunkt": D(2015, 6, 1),
    "illness_onset_date": D(2014, 1, 1),
}


def test_the_cap_starts_on_2016_01_01() -> None:
    """G 90 068: minimum 2.48 G = 223 368.64 and one child 36 027.20 = 259 395.84; the cap of
    95 % of 250 000 = 237 500 cuts 21 895.84 from 2016-01-01, not on 2015-12-31."""
    before = rule(run(D(2015, 12, 31), **CAP_2016), "child_supplement_after_cap")
    after = rule(run(D(2016, 1, 1), **CAP_2016), "child_supplement_after_cap")
    assert before.values["child_supplement_after_cap"] == pytest.approx(36_027.20)
    assert after.values["cap_cut"] == pytest.approx(21_895.84)


def test_the_cap_parameter_ends_on_2022_07_01_with_its_legal_basis() -> None:
    parameter = default_ruleset().parameters["uforetrygd.child_supplement_total_cap_share"]
    assert parameter.legal_basis == "ftrl. § 12-15 tredje ledd"
    assert parameter.value_at(D(2022, 6, 30)).value == 0.95
    assert not parameter.value_at(D(2022, 7, 1)).in_force
    assert not parameter.value_at(D(2015, 12, 31)).in_force


# --- § 12-14: inntektsgrense (IEU + 0.4 G), kompensasjonsgrad, 80 % ceiling -------------

# 100 % ufør, full uføretrygd 2.529 G = 329 174.64, inntekt før uførhet 400 000: inntekt etter
# uførhet 0, inntektsgrense 0.4 G = 52 064, kompensasjonsgrad 329 174.64 / 400 000 = 82.29 %.


@pytest.mark.parametrize(
    ("expected_income", "reduction"),
    [(52_063, 0.0), (52_064, 0.0), (52_065, 0.8229)],
)
def test_income_up_to_the_limit_does_not_reduce(expected_income: float, reduction: float) -> None:
    """Prop. 8 L (2025-2026) ch. 2.1.2: the limit is the expected income after uførhet plus a
    fribeløp of 0.4 G; above it the uføretrygd is reduced by the kompensasjonsgrad."""
    result = run(children=0, expected_income=expected_income)
    assert result.amounts["income_limit"] == pytest.approx(52_064)
    assert result.amounts["income_reduction"] == pytest.approx(reduction, abs=1e-6)
    assert rule(result, "income_reduction").values["kompensasjonsgrad"] == 0.8229


def test_the_limit_includes_the_income_after_uforhet() -> None:
    """60 % ufør: inntekt etter uførhet 40 % of 400 000 = 160 000, limit 212 064."""
    result = run(children=0, earning_capacity_reduction=60, expected_income=160_000)
    assert result.amounts["income_limit"] == pytest.approx(212_064)
    assert result.amounts["income_reduction"] == 0


@pytest.mark.parametrize(
    ("expected_income", "paid"),
    [
        # 320 000 - 52 064 = 267 936 x 82.29 % = 220 484.53 less: 108 690.11 paid
        (320_000, 108_690.1056),
        # one krone above 80 % of 400 000: nothing is paid
        (320_001, 0.0),
    ],
)
def test_above_80_percent_of_the_income_before_nothing_is_paid(
    expected_income: float, paid: float
) -> None:
    result = run(children=0, expected_income=expected_income)
    assert result.amounts["yearly_payment"] == pytest.approx(paid)
    assert result.amounts["monthly_amount"] == round(paid / 12)


# --- The proposed maximum reduksjonsprosent of 70 % (only in the reform file) -------------


def reform() -> Ruleset:
    from trygd.cli.main import load_reform

    return load_reform(REFORM)


def test_the_baseline_has_no_maximum_reduction_on_any_date() -> None:
    parameter = default_ruleset().parameters["uforetrygd.max_reduction_share"]
    assert all(not value.in_force for value in parameter.values)
    assert {value.status for value in parameter.values} == {"unconfirmed"}
    assert "Prop. 8 L (2025-2026)" in parameter.values[0].source


def test_the_reform_file_applies_70_percent_from_its_date_only() -> None:
    """Kompensasjonsgrad 82.29 % (see above); 100 000 above the limit reduces 82 290 in the
    baseline and, with the reform, 70 000 from the reform's first day, not the day before."""
    changed = reform()
    start = changed.parameters["uforetrygd.max_reduction_share"].values[-1].start
    excess = {"children": 0, "expected_income": 152_064}
    before = run(start - dt.timedelta(days=1), changed, **excess)
    after = run(start, changed, **excess)
    base_after = run(start, **excess)
    assert before.amounts == run(start - dt.timedelta(days=1), **excess).amounts
    rate_after = rule(after, "income_reduction").values["reduction_rate"]
    assert rate_after == 0.7
    assert rule(base_after, "income_reduction").values["reduction_rate"] > 0.7
    assert after.amounts["income_reduction"] < base_after.amounts["income_reduction"]
    assert "høyst 70" in rule(after, "income_reduction").explanation
    assert "høyst" not in rule(base_after, "income_reduction").explanation


def test_the_reform_changes_nothing_for_a_compensation_rate_under_70_percent() -> None:
    """Inntekt før uførhet 650 000: 329 174.64 / 650 000 = 50.64 %, under the maximum."""
    changed = reform()
    start = changed.parameters["uforetrygd.max_reduction_share"].values[-1].start
    given = {"children": 0, "expected_income": 152_064, "income_before_uforhet": 650_000}
    assert run(start, changed, **given).amounts == run(start, **given).amounts


# --- Input: the children living with both parents are some of the children ---------------


def test_more_children_with_both_parents_than_children_is_refused_naming_the_field() -> None:
    example = json.loads((ROOT / "examples" / "uforetrygd-60-prosent.json").read_text())
    example["facts"]["children_with_both_parents"] = example["facts"]["children"] + 1
    with pytest.raises(InputError) as raised:
        parse_application(json.dumps(example))
    fields = [field for field, _ in raised.value.problems]
    assert fields == ["facts.children_with_both_parents"]


def test_a_not_in_force_entry_takes_no_value() -> None:
    reform_text = {
        "parameters": {
            "uforetrygd.max_reduction_share": {
                "values": [{"from": D(2030, 1, 1), "in_force": False, "value": 0.7, "source": "t"}]
            }
        }
    }
    with pytest.raises(ParameterError, match="in_force = false, so it takes no value"):
        default_ruleset().parameters.with_reform(reform_text, "t")
