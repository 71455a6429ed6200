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
yearly uføretrygd at the uføregrad, and the reduction for expected income above the
inntektsgrense (§ 12-14: inntekt etter uførhet + 0.4 G, the excess times the kompensasjonsgrad,
nothing paid above 80 % of inntekt før uførhet). The proposed maximum reduksjonsprosent of 70 %
(Prop. 8 L (2025-2026)) is a parameter that is not in force: only a reform applies it.

Barnetillegg (§§ 12-15 and 12-16): 0.4 G per child, pro rata with trygdetid under 40 years
(full with a recognised yrkesskade); from 2016-01-01 until 2022-06-30 uføretrygd and barnetillegg
together could not exceed 95 % of inntekt før uførhet (§ 12-15 third ledd, repealed: the
parameter is not in force outside that window, and the cut falls on the barnetillegg). Then the
income test, separately for særkullsbarn (children not living with both parents: the
applicant's own income against a fribeløp of 3.1 G) and fellesbarn (living with both: both
parents' income, the other parent's less up to 1 G except uføretrygd and pensions from
folketrygden, against 4.6 G), each fribeløp + 0.4 G per extra child in the group and pro rata
with trygdetid; the barnetillegg is reduced by 50 % of the income above the fribeløp.

Which income (§ 12-16 second ledd; NAV's letters, navikt/pensjonsbrev
TBU052V_TBU073V_SlikRedusererViBarnetilleggetUtFraInntekt): personinntekt (skatteloven § 12-2),
that is the uføretrygd itself (as paid, after the § 12-14 reduction), work and business income
(`expected_income`, the same forventet inntekt as § 12-14 uses), and pensions and benefits from
Norway or abroad and income from abroad (`other_income`).

`at` is the date the benefit is assessed from (virkningstidspunkt). Parameters are taken on
that date, also the membership requirement, which NAV keys to the date the first claim was made
(5 years for claims from 2021-01-01): the two dates differ by at most a few months.

Not modelled here (each needs a caseworker or facts this module does not ask for):
- the exceptions to § 12-2 (for example membership for 1 year with a documented earlier cause),
- the income requirement of § 12-4 for claimants aged 62-67,
- ung ufør's other requirements: documented serious illness, and a claim before the age of 36
  for those who were more than 50 % in work after 26 (§ 12-13 third ledd),
- the reduction of the uføretrygd itself for trygdetid under 40 years (§ 12-13 fourth ledd; the
  trygdetid is a fact now, but only the barnetillegg uses it), the converted-from-uførepensjon
  minimum level, and the occupational-injury basis of § 12-17,
- how inntekt før uførhet is fixed (§ 12-9 and its floor): it is a fact, as NAV fixed it,
- the transition rules for barnetillegg granted before 2016 (FOR-2015-09-23-1095), the
  choice between two parents who both could get barnetillegg, and the yearly etteroppgjør.

Rounding: only the monthly payments are rounded to whole kroner (halves up, as NAV's systems
do). The yearly figures keep their øre, so that the worked figure U1 (2.529 G = 329 174.64 kr)
is reproduced exactly.
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
    Fact(
        "children_with_both_parents",
        "count",
        "Of `children`, how many live with both their parents, the applicant and the other "
        "parent (fellesbarn); the others are særkullsbarn.",
        0,
        30,
        at_most="children",
    ),
    Fact(
        "trygdetid_years",
        "years",
        "Trygdetid in whole years as NAV has fixed it for the uføretrygd (40 or more is full).",
        0,
        100,
    ),
    Fact(
        "income_before_uforhet",
        "money",
        "Inntekt før uførhet (IFU, § 12-9) as fixed in the uføretrygd vedtak, uprated with G to "
        "the assessment date.",
        0,
    ),
    Fact(
        "expected_income",
        "money",
        "Forventet inntekt: the pensjonsgivende inntekt (work and business) the applicant "
        "expects in the calendar year besides the uføretrygd (0 if none).",
        0,
    ),
    Fact(
        "other_income",
        "money",
        "The applicant's other personinntekt in the year besides uføretrygd and "
        "`expected_income`: pensions and benefits from Norway, pensions and income from abroad "
        "(0 if none).",
        0,
    ),
    Fact(
        "other_parent_income",
        "money",
        "The yearly personinntekt of the other parent of the children who live with both "
        "parents, other than uføretrygd and pensions from folketrygden (0 if no child lives "
        "with both parents).",
        0,
    ),
    Fact(
        "other_parent_pension",
        "money",
        "The other parent's yearly uføretrygd and pensions from folketrygden (0 if none, or if "
        "no child lives with both parents).",
        0,
    ),
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
    "income_free_amount_factor": "uforetrygd.income_free_amount_factor",
    "income_ceiling_share": "uforetrygd.income_ceiling_share",
    "compensation_degree_decimals": "uforetrygd.compensation_degree_decimals",
    "max_reduction_share": "uforetrygd.max_reduction_share",
    "child_supplement_factor": "uforetrygd.child_supplement_factor",
    "full_trygdetid_years": "uforetrygd.full_trygdetid_years",
    "total_cap_share": "uforetrygd.child_supplement_total_cap_share",
    "exempt_single_factor": "uforetrygd.child_supplement_exempt_amount_single_factor",
    "exempt_couple_factor": "uforetrygd.child_supplement_exempt_amount_couple_factor",
    "exempt_extra_child_factor": "uforetrygd.child_supplement_exempt_amount_per_extra_child_factor",
    "child_supplement_reduction_rate": "uforetrygd.child_supplement_reduction_rate",
    "other_parent_deduction_factor": "uforetrygd.child_supplement_other_parent_deduction_factor",
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


@calculation(
    "ftrl. § 12-14 første ledd", needs=("income_before_uforhet", "earning_capacity_reduction")
)
def income_limit(f: Namespace, p: Any, v: Namespace) -> Any:
    """The inntektsgrense: inntekt etter uførhet (the part of the income before uførhet that the
    remaining earning capacity can still earn) plus a fribeløp of 0.4 G. Income up to it does
    not reduce the uføretrygd."""
    v.income_after_uforhet = f.income_before_uforhet * (100 - f.earning_capacity_reduction) / 100
    v.income_free_amount = p.income_free_amount_factor * p.g
    return v.income_after_uforhet + v.income_free_amount


@calculation(
    "ftrl. § 12-14 andre ledd",
    needs=(
        "yearly_amount",
        "full_yearly_amount",
        "income_limit",
        "expected_income",
        "income_before_uforhet",
    ),
)
def income_reduction(f: Namespace, p: Any, v: Namespace) -> Any:
    """The yearly uføretrygd is reduced by the expected income above the inntektsgrense times
    the kompensasjonsgrad (uføretrygd at 100 % uføregrad / inntekt før uførhet, with the decimals
    of the parameter); above 80 % of the income before uførhet nothing is paid. A maximum
    reduksjonsprosent applies only where its parameter is in force (proposed at 70 %, not in
    force in the baseline)."""
    scale = 10.0 ** int(p.compensation_degree_decimals)
    # A zero income before uførhet is no real case (NAV sets a floor); the fallback cannot
    # change the result, as any income above the limit is then above the ceiling too.
    ratio = ops.divide_or(v.full_yearly_amount, f.income_before_uforhet, 0.0)
    v.kompensasjonsgrad = ops.round_half_up(ratio * scale) / scale
    if p.max_reduction_share is None:
        v.reduction_rate = v.kompensasjonsgrad
    else:
        v.reduction_rate = ops.minimum(v.kompensasjonsgrad, p.max_reduction_share)
        if v.explaining:
            v.income_reduction_text = "max_rate"
    v.income_ceiling = p.income_ceiling_share * f.income_before_uforhet
    v.above_ceiling = f.expected_income > v.income_ceiling
    v.income_above_limit = ops.maximum(f.expected_income - v.income_limit, 0.0)
    reduced = ops.minimum(v.income_above_limit * v.reduction_rate, v.yearly_amount)
    return ops.where(v.above_ceiling, v.yearly_amount, reduced)


@calculation("ftrl. § 12-14", needs=("yearly_amount", "income_reduction"))
def yearly_payment(f: Namespace, p: Any, v: Namespace) -> Any:
    """The uføretrygd paid for a year: the yearly amount less the reduction for income."""
    return v.yearly_amount - v.income_reduction


@calculation("ftrl. § 12-14", needs=("yearly_payment",))
def monthly_amount(f: Namespace, p: Any, v: Namespace) -> Any:
    """Paid monthly: a twelfth of the yearly payment, rounded to whole kroner."""
    return ops.round_half_up(v.yearly_payment / 12)


@calculation("ftrl. § 12-15", needs=("children", "trygdetid_years", "occupational_injury"))
def child_supplement_gross(f: Namespace, p: Any, v: Namespace) -> Any:
    """Barnetillegg of 0.4 G per child per year, pro rata with a trygdetid under 40 years (full
    where a recognised yrkesskade caused the uførhet), before the cap and the income test."""
    full = p.full_trygdetid_years
    v.trygdetid_share = ops.where(
        f.occupational_injury, 1.0, ops.minimum(f.trygdetid_years, full) / full
    )
    v.per_child = p.child_supplement_factor * p.g * v.trygdetid_share
    return f.children * v.per_child


@calculation(
    "ftrl. § 12-15 tredje ledd",
    needs=("child_supplement_gross", "yearly_amount", "uforegrad", "income_before_uforhet"),
)
def child_supplement_after_cap(f: Namespace, p: Any, v: Namespace) -> Any:
    """From 2016-01-01 until 2022-06-30 uføretrygd and barnetillegg together could not exceed
    95 % of the income before uførhet (graded by the uføregrad); what is above is cut from the
    barnetillegg. Outside that window the parameter is not in force and nothing is cut."""
    if p.total_cap_share is None:
        if v.explaining:
            v.child_supplement_after_cap_text = "no_cap"
        return v.child_supplement_gross
    v.total_cap = p.total_cap_share * f.income_before_uforhet * v.uforegrad / 100
    v.cap_cut = ops.clip(
        v.yearly_amount + v.child_supplement_gross - v.total_cap, 0.0, v.child_supplement_gross
    )
    return v.child_supplement_gross - v.cap_cut


@calculation(
    "ftrl. § 12-16 første ledd",
    needs=("children", "children_with_both_parents", "child_supplement_gross"),
)
def child_supplement_exempt_separate(f: Namespace, p: Any, v: Namespace) -> Any:
    """The fribeløp for the særkullsbarn (children who do not live with both parents): 3.1 G
    for one child and 0.4 G for each further one, pro rata with the trygdetid; none without
    such children."""
    v.separate_children = ops.maximum(f.children - f.children_with_both_parents, 0)
    factor = p.exempt_single_factor + p.exempt_extra_child_factor * (v.separate_children - 1)
    if v.explaining and v.separate_children == 0:
        v.child_supplement_exempt_separate_text = "none"
    return ops.where(v.separate_children > 0, factor * p.g * v.trygdetid_share, 0.0)


@calculation(
    "ftrl. § 12-16 første og tredje ledd",
    needs=("children_with_both_parents", "child_supplement_gross"),
)
def child_supplement_exempt_joint(f: Namespace, p: Any, v: Namespace) -> Any:
    """The fribeløp for the fellesbarn (children who live with both parents): 4.6 G for one
    child and 0.4 G for each further one, pro rata with the trygdetid; none without such
    children."""
    v.joint_children = f.children_with_both_parents
    factor = p.exempt_couple_factor + p.exempt_extra_child_factor * (v.joint_children - 1)
    if v.explaining and v.joint_children == 0:
        v.child_supplement_exempt_joint_text = "none"
    return ops.where(v.joint_children > 0, factor * p.g * v.trygdetid_share, 0.0)


@calculation(
    "ftrl. § 12-16 andre ledd", needs=("yearly_payment", "expected_income", "other_income")
)
def personal_income(f: Namespace, p: Any, v: Namespace) -> Any:
    """The applicant's income for the barnetillegg's income test: personinntekt, that is the
    uføretrygd paid, the expected work and business income and other pensions, benefits and
    income from abroad."""
    return v.yearly_payment + f.expected_income + f.other_income


@calculation(
    "ftrl. § 12-16 første ledd",
    needs=(
        "children",
        "child_supplement_after_cap",
        "child_supplement_exempt_separate",
        "personal_income",
    ),
)
def child_supplement_reduction_separate(f: Namespace, p: Any, v: Namespace) -> Any:
    """The barnetillegg for særkullsbarn is reduced by 50 % of the applicant's own income above
    their fribeløp, down to nothing (a spouse's or partner's income does not count)."""
    per_child = ops.divide_or(v.child_supplement_after_cap, f.children, 0.0)
    v.separate_supplement = v.separate_children * per_child
    v.separate_income_above = ops.maximum(
        v.personal_income - v.child_supplement_exempt_separate, 0.0
    )
    if v.explaining and v.separate_children == 0:
        v.child_supplement_reduction_separate_text = "none"
    return ops.minimum(
        p.child_supplement_reduction_rate * v.separate_income_above, v.separate_supplement
    )


@calculation(
    "ftrl. § 12-16 tredje ledd",
    needs=(
        "children",
        "child_supplement_after_cap",
        "child_supplement_exempt_joint",
        "personal_income",
        "other_parent_income",
        "other_parent_pension",
    ),
)
def child_supplement_reduction_joint(f: Namespace, p: Any, v: Namespace) -> Any:
    """The barnetillegg for fellesbarn is reduced by 50 % of both parents' income above their
    fribeløp, down to nothing. The other parent's income counts less up to 1 G, except their
    uføretrygd and pensions from folketrygden, which count in full."""
    per_child = ops.divide_or(v.child_supplement_after_cap, f.children, 0.0)
    v.joint_supplement = v.joint_children * per_child
    v.other_parent_deduction = ops.minimum(
        f.other_parent_income, p.other_parent_deduction_factor * p.g
    )
    v.joint_income = (
        v.personal_income
        + f.other_parent_income
        - v.other_parent_deduction
        + f.other_parent_pension
    )
    v.joint_income_above = ops.maximum(v.joint_income - v.child_supplement_exempt_joint, 0.0)
    if v.explaining and v.joint_children == 0:
        v.child_supplement_reduction_joint_text = "none"
    return ops.minimum(p.child_supplement_reduction_rate * v.joint_income_above, v.joint_supplement)


@calculation(
    "ftrl. §§ 12-15 og 12-16",
    needs=(
        "child_supplement_after_cap",
        "child_supplement_reduction_separate",
        "child_supplement_reduction_joint",
    ),
)
def child_supplement_net(f: Namespace, p: Any, v: Namespace) -> Any:
    """The barnetillegg paid for a year: after the cap, less the reductions for income."""
    v.child_supplement_reduction = (
        v.child_supplement_reduction_separate + v.child_supplement_reduction_joint
    )
    return v.child_supplement_after_cap - v.child_supplement_reduction


@calculation("ftrl. § 12-16", needs=("child_supplement_net",))
def child_supplement_monthly(f: Namespace, p: Any, v: Namespace) -> Any:
    """The barnetillegg paid each month: a twelfth of the yearly amount, in whole kroner."""
    return ops.round_half_up(v.child_supplement_net / 12)


@calculation("ftrl. §§ 12-14 og 12-16", needs=("yearly_payment", "child_supplement_net"))
def annual_amount(f: Namespace, p: Any, v: Namespace) -> Any:
    """Uføretrygd and barnetillegg paid for one year, after the reductions for income."""
    return v.yearly_payment + v.child_supplement_net


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
        income_limit,
        income_reduction,
        yearly_payment,
        monthly_amount,
        child_supplement_gross,
        child_supplement_after_cap,
        child_supplement_exempt_separate,
        child_supplement_exempt_joint,
        personal_income,
        child_supplement_reduction_separate,
        child_supplement_reduction_joint,
        child_supplement_net,
        child_supplement_monthly,
        annual_amount,
    ),
    amounts={
        "uforegrad": "percent",
        "basis": "money",
        "minimum_level": "money",
        "full_yearly_amount": "money",
        "yearly_amount": "money",
        "income_limit": "money",
        "income_reduction": "money",
        "yearly_payment": "money",
        "monthly_amount": "money",
        "child_supplement_gross": "money",
        "child_supplement_exempt_separate": "money",
        "child_supplement_exempt_joint": "money",
        "child_supplement_reduction_separate": "money",
        "child_supplement_reduction_joint": "money",
        "child_supplement_net": "money",
        "child_supplement_monthly": "money",
    },
    annual_amount="annual_amount",
    derive=derive,
    inputs=INPUTS,
)
