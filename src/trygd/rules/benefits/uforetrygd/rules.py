"""Uføretrygd: benefit for a permanently reduced earning capacity, folketrygdloven chapter 12.

Conditions: membership before the uføretidspunkt (§ 12-2, 3 or 5 years by date), continued
membership (§ 12-3), age 18-67 (§ 12-4), appropriate treatment and work-oriented measures
completed (§ 12-5), illness or injury as the main cause (§ 12-6) and an earning capacity
permanently reduced by at least 50 % (§ 12-7 first ledd), 40 % for a member who received
arbeidsavklaringspenger when the claim was made (§ 12-7 second ledd) or 30 % where a recognised
occupational injury caused the uførhet (§ 12-17).

Calculation: uføregrad (§ 12-10), beregningsgrunnlag from the three best of the last five
calendar years before the uføretidspunkt (§ 12-11), the full yearly amount of 66 % of the basis
or the minimum level (§ 12-13, with the higher levels for ung ufør in the third ledd), the
yearly and monthly uføretrygd at the uføregrad, and the barnetillegg (§ 12-15) BEFORE the income
test of § 12-16.

`at` is the date the benefit is assessed from (virkningstidspunkt). Parameters are taken on
that date, also the membership requirement, which NAV keys to the date the first claim was made
(5 years for claims from 2021-01-01): the two dates differ by at most a few months.

Not modelled here (each needs a caseworker or facts this module does not ask for):
- the exceptions to § 12-2 (for example membership for 1 year with a documented earlier cause),
- the income requirement of § 12-4 for claimants aged 62-67,
- ung ufør's other requirements: documented serious illness, and a claim before the age of 36
  for those who were more than 50 % in work after 26 (§ 12-13 third ledd),
- reduced minimum levels with trygdetid under 40 years (§ 12-13 fourth ledd; full trygdetid is
  assumed), the converted-from-uførepensjon minimum level, and the occupational-injury basis
  of § 12-17,
- the income test of the barnetillegg (§ 12-16: fribeløp 4.6 G / 3.1 G + 0.4 G per extra
  child, 50 % of the income above it, the 95 % cap against inntekt før uførhet). NAV applies
  it separately, after this assessment: the colleague's parameters for it start 2016-01-01
  and it needs the income of both parents and which children live with both. The child
  supplement here is the gross amount, and `annual_amount` includes it gross.
- the reduction of uføretrygd for income while on uføretrygd (§ 12-14).

Rounding: only the monthly payment is rounded to whole kroner (halves up, as NAV's systems do).
The yearly figures keep their øre, so that the worked figure U1 (2.529 G = 329 174.64 kr) is
reproduced exactly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from trygd.rules import age as age_window
from trygd.rules import dates, ops
from trygd.rules.declarations import Benefit, Fact, Namespace, calculation, condition
from trygd.rules.parameters import Params

INCOME_FACTS = (
    Fact(
        "income_year_1",
        "money",
        "Pensjonsgivende inntekt 5 years before the uføretidspunkt year.",
        0,
    ),
    Fact(
        "income_year_2",
        "money",
        "Pensjonsgivende inntekt 4 years before the uføretidspunkt year.",
        0,
    ),
    Fact(
        "income_year_3",
        "money",
        "Pensjonsgivende inntekt 3 years before the uføretidspunkt year.",
        0,
    ),
    Fact(
        "income_year_4",
        "money",
        "Pensjonsgivende inntekt 2 years before the uføretidspunkt year.",
        0,
    ),
    Fact(
        "income_year_5", "money", "Pensjonsgivende inntekt the year before the uføretidspunkt.", 0
    ),
)
"""The last calendar years before the uføretidspunkt, oldest first (§ 12-11). Their number is
the parameter `basis_lookback_years` (5); a test checks that the two agree."""

APPLICATION_FACTS = (
    Fact("birth_date", "date", "The applicant's date of birth."),
    Fact(
        "membership_years",
        "years",
        "Whole years of membership in the folketrygd immediately before the uføretidspunkt.",
        0,
        100,
    ),
    Fact("continued_membership", "bool", "Still a member of the folketrygd (stays in Norway)."),
    Fact(
        "treatment_completed",
        "bool",
        "Appropriate treatment and work-oriented measures completed or tried (or clearly futile).",
    ),
    Fact(
        "illness_main_cause",
        "bool",
        "Permanent illness, injury or defect is the main cause of the reduced earning capacity.",
    ),
    Fact(
        "earning_capacity_reduction",
        "percent",
        "How much the earning capacity is permanently reduced, in percent (0-100).",
    ),
    Fact("received_aap", "bool", "Received arbeidsavklaringspenger when the claim was made."),
    Fact(
        "occupational_injury",
        "bool",
        "The uførhet is caused by a recognised occupational injury or disease (yrkesskade).",
    ),
    Fact(
        "uforetidspunkt", "date", "The date the earning capacity became reduced (uføretidspunkt)."
    ),
    Fact(
        "illness_onset_date",
        "date",
        "The date the serious and lasting illness or injury behind the uførhet arose.",
    ),
    Fact(
        "lives_with_partner",
        "bool",
        "Lives with a spouse, registered partner or cohabitant (samboer 12 of the last 18 months).",
    ),
    Fact("children", "count", "Children under 18 the applicant supports.", 0, 30),
)

FACTS = APPLICATION_FACTS + INCOME_FACTS

INPUTS = (
    *APPLICATION_FACTS,
    Fact(
        "income_history",
        "yearly_amounts",
        "Pensjonsgivende inntekt per calendar year; the last years before the uføretidspunkt.",
    ),
    *INCOME_FACTS,
)
"""What an application may give: the flat facts, and the income per year as a list, from
which `derive` picks the years before the uføretidspunkt. Giving income_year_1..5 directly
(as a population file does) also works."""

PARAMETERS = {
    "g": "common.grunnbelop",
    "g_average": "common.grunnbelop_average",
    "membership_years_required": "uforetrygd.membership_years",
    "min_age": "uforetrygd.min_age",
    "max_age": "uforetrygd.max_age",
    "min_reduction": "uforetrygd.min_reduced_earning_capacity",
    "min_reduction_aap": "uforetrygd.min_reduced_earning_capacity_with_aap",
    "min_reduction_injury": "uforetrygd.min_reduced_earning_capacity_occupational_injury",
    "uforegrad_step": "uforetrygd.uforegrad_step",
    "basis_lookback_years": "uforetrygd.basis_lookback_years",
    "basis_best_years": "uforetrygd.basis_best_years",
    "max_income_factor": "uforetrygd.max_income_factor",
    "benefit_rate": "uforetrygd.benefit_rate",
    "minimum_single": "uforetrygd.minimum_single",
    "minimum_couple": "uforetrygd.minimum_couple",
    "minimum_ung_ufor_single": "uforetrygd.minimum_ung_ufor_single",
    "minimum_ung_ufor_couple": "uforetrygd.minimum_ung_ufor_couple",
    "ung_ufor_age_limit": "uforetrygd.ung_ufor_age_limit",
    "ung_ufor_minimum_from_age": "uforetrygd.ung_ufor_minimum_from_age",
    "child_supplement_factor": "uforetrygd.child_supplement_factor",
}


def derive(raw: dict[str, Any], at: dt.date, params: Params) -> dict[str, Any]:
    """The flat facts: every flat fact given, plus income_year_1..5 from `income_history`.

    The years are the last calendar years before the year of the uføretidspunkt, oldest first.
    A year that is not in the history is left out, so the basis is undetermined and names it:
    a year without income must be given with the amount 0.
    """
    facts = {name: value for name, value in raw.items() if name != "income_history"}
    history = raw.get("income_history")
    uforetidspunkt = raw.get("uforetidspunkt")
    if history is None or uforetidspunkt is None:
        return facts
    by_year = {int(item["year"]): item["amount"] for item in history}
    first_year = dates.year_of(uforetidspunkt) - len(INCOME_FACTS)
    for offset, fact in enumerate(INCOME_FACTS):
        year = first_year + offset
        if year in by_year and facts.get(fact.name) is None:
            facts[fact.name] = float(by_year[year])
    return facts


@condition("ftrl. § 12-2", needs=("membership_years", "at"))
def prior_membership(f: Namespace, p: Any, v: Namespace) -> Any:
    """Member of the folketrygd for the last 3 years before the uføretidspunkt (5 years for
    claims from 2021-01-01). The exceptions in § 12-2 are left to a caseworker."""
    return f.membership_years >= p.membership_years_required


@condition("ftrl. § 12-3", needs=("continued_membership",))
def continued_membership(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.continued_membership


@condition("ftrl. § 12-4", needs=("birth_date", "at"))
def age(f: Namespace, p: Any, v: Namespace) -> Any:
    """From the 18th birthday until the end of the month in which the member turns 67, when
    alderspensjon takes over."""
    return age_window.from_birthday_to_end_of_month(f, v, int(p.min_age), int(p.max_age))


@condition("ftrl. § 12-5", needs=("treatment_completed",))
def treatment_and_measures(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.treatment_completed


@condition("ftrl. § 12-6", needs=("illness_main_cause",))
def illness_main_cause(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.illness_main_cause


@calculation("ftrl. § 12-7 andre ledd og § 12-17", needs=("received_aap", "occupational_injury"))
def required_reduction(f: Namespace, p: Any, v: Namespace) -> Any:
    """The share by which the earning capacity must be reduced: 50 %, 40 % for a member who
    received AAP when the claim was made, 30 % for a recognised occupational injury (the
    lowest that applies)."""
    with_aap = ops.where(f.received_aap, p.min_reduction_aap, p.min_reduction)
    return ops.where(f.occupational_injury, ops.minimum(with_aap, p.min_reduction_injury), with_aap)


@condition(
    "ftrl. § 12-7",
    needs=("earning_capacity_reduction", "received_aap", "occupational_injury"),
    may_be_unknown=("received_aap", "occupational_injury"),
)
def reduced_earning_capacity(f: Namespace, p: Any, v: Namespace) -> Any:
    """The earning capacity is permanently reduced by at least the required share: by half,
    or by 40 % after AAP, or by 30 % for an occupational injury (`required_reduction`, the
    lowest that applies). One that holds is enough, whether the others are known or not."""
    share = f.earning_capacity_reduction / 100
    return ops.any_of(
        share >= p.min_reduction,
        ops.all_of(f.received_aap, share >= p.min_reduction_aap),
        ops.all_of(f.occupational_injury, share >= p.min_reduction_injury),
    )


@calculation("ftrl. § 12-10", needs=("earning_capacity_reduction",))
def uforegrad(f: Namespace, p: Any, v: Namespace) -> Any:
    """The reduction in percent, set to the nearest step of `uforegrad_step` percentage points
    (halves upwards), at most 100. The step is UNCONFIRMED (see the parameter file)."""
    steps = ops.round_half_up(f.earning_capacity_reduction / p.uforegrad_step)
    return ops.minimum(steps * p.uforegrad_step, 100.0)


@calculation(
    "ftrl. § 12-11",
    needs=(
        "uforetidspunkt",
        "income_year_1",
        "income_year_2",
        "income_year_3",
        "income_year_4",
        "income_year_5",
    ),
)
def basis(f: Namespace, p: Any, v: Namespace) -> Any:
    """Each of the last five years' income is converted to G with that year's average G and
    capped at 6 G; the average of the three best years, in G, is multiplied by G on `at`.

    A year outside the table of average G (before 1967, or after the last published year) is
    converted with the nearest year in the table, as G itself keeps its last value."""
    first_year = dates.year_of(f.uforetidspunkt) - len(INCOME_FACTS)
    table = p.g_average
    known_years = (table.first_year, table.first_year + len(table.table) - 1)
    in_g = []
    for offset, fact in enumerate(INCOME_FACTS):
        year = ops.clip(first_year + offset, *known_years)
        g_of_year = table.lookup(year)
        in_g.append(ops.minimum(getattr(f, fact.name) / g_of_year, p.max_income_factor))
    best = int(p.basis_best_years)
    v.average_in_g = ops.sum_of_best(best, in_g) / best
    v.basis_cap = p.max_income_factor * p.g
    return v.average_in_g * p.g


@calculation(
    "ftrl. § 12-13 andre og tredje ledd",
    needs=("birth_date", "illness_onset_date", "lives_with_partner", "at"),
    may_be_unknown=("illness_onset_date",),
)
def minimum_level(f: Namespace, p: Any, v: Namespace) -> Any:
    """The minimum yearly amount at 100 % uføregrad: lower for a member living with a spouse or
    partner than for a single member, higher for ung ufør (illness that arose before the 26th
    birthday), from the age of 20. Before 20 the illness's date does not matter."""
    v.ung_ufor_before = dates.add_years(f.birth_date, int(p.ung_ufor_age_limit))
    v.ung_ufor = f.illness_onset_date < v.ung_ufor_before
    ung_ufor_level = f.birth_date <= dates.latest_birth_date(f.at, int(p.ung_ufor_minimum_from_age))
    v.ung_ufor_level_applies = ops.all_of(v.ung_ufor, ung_ufor_level)
    ordinary = ops.where(f.lives_with_partner, p.minimum_couple, p.minimum_single)
    young = ops.where(f.lives_with_partner, p.minimum_ung_ufor_couple, p.minimum_ung_ufor_single)
    v.minimum_factor = ops.where(v.ung_ufor_level_applies, young, ordinary)
    return v.minimum_factor * p.g


@calculation("ftrl. § 12-13 første ledd", needs=("basis", "minimum_level"))
def full_yearly_amount(f: Namespace, p: Any, v: Namespace) -> Any:
    """Uføretrygd at 100 % uføregrad: 66 % of the basis, but at least the minimum level."""
    v.from_basis = p.benefit_rate * v.basis
    v.minimum_applies = v.minimum_level > v.from_basis
    return ops.maximum(v.from_basis, v.minimum_level)


@calculation("ftrl. § 12-13 og § 12-10", needs=("full_yearly_amount", "uforegrad"))
def yearly_amount(f: Namespace, p: Any, v: Namespace) -> Any:
    """The full yearly amount graded by the uføregrad."""
    return v.full_yearly_amount * v.uforegrad / 100


@calculation("ftrl. § 12-13", needs=("yearly_amount",))
def monthly_amount(f: Namespace, p: Any, v: Namespace) -> Any:
    """Paid monthly: a twelfth of the yearly amount, rounded to whole kroner."""
    return ops.round_half_up(v.yearly_amount / 12)


@calculation("ftrl. § 12-15", needs=("children",))
def child_supplement_gross(f: Namespace, p: Any, v: Namespace) -> Any:
    """Barnetillegg of 0.4 G per child per year BEFORE the income test of § 12-16, which is
    applied separately and may reduce it, down to nothing."""
    v.per_child = p.child_supplement_factor * p.g
    return f.children * v.per_child


@calculation("ftrl. §§ 12-13 og 12-15", needs=("yearly_amount", "child_supplement_gross"))
def annual_amount(f: Namespace, p: Any, v: Namespace) -> Any:
    """Uføretrygd and the gross barnetillegg for one year (an upper bound on the cost: the
    barnetillegg's income test is not applied)."""
    return v.yearly_amount + v.child_supplement_gross


UFORETRYGD = Benefit(
    id="uforetrygd",
    chapter="ftrl. kapittel 12",
    facts=FACTS,
    parameters=PARAMETERS,
    rules=(
        prior_membership,
        continued_membership,
        age,
        treatment_and_measures,
        illness_main_cause,
        required_reduction,
        reduced_earning_capacity,
        uforegrad,
        basis,
        minimum_level,
        full_yearly_amount,
        yearly_amount,
        monthly_amount,
        child_supplement_gross,
        annual_amount,
    ),
    amounts={
        "uforegrad": "percent",
        "basis": "money",
        "minimum_level": "money",
        "full_yearly_amount": "money",
        "yearly_amount": "money",
        "monthly_amount": "money",
        "child_supplement_gross": "money",
    },
    annual_amount="annual_amount",
    derive=derive,
    inputs=INPUTS,
)
