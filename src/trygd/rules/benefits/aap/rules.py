"""Arbeidsavklaringspenger (AAP): benefit while work capacity is reduced, folketrygdloven
chapter 11.

Conditions: membership before the claim (§ 11-2), stay in Norway (§ 11-3), age (§ 11-4),
work capacity reduced by at least half, or by 30 % when a recognised occupational injury is
the cause (§ 11-5 with § 11-22), illness or injury as the main cause (§ 11-5) and the need
for treatment or work-oriented help to get or keep work (§ 11-6). Calculation: basis
(§ 11-19), yearly amount with the minimum amounts (§ 11-20 first paragraph), daily rate
(§ 11-20 second paragraph), child supplement and the 90 % cap (§ 11-20; UNCONFIRMED, see
`total_daily`). The grading of a meldeperiode for work (§ 11-23) is a pure function in
`gradering.py`, for the meldekort.

`at` is the date the right is assessed from (virkningsdato). The amounts are those paid for a
day with full payment; reductions for work, meldeplikt or samordning in a meldeperiode
(§ 11-23 and others) are outside this assessment (see `graded_daily_amount` and
`gradering.grade_for_work`).

Rounding follows NAV's AAP system (navikt/aap-behandlingsflyt, `BeregnTilkjentYtelseService`):
kroner are rounded HALF_UP only for the amount per day; the basis and the yearly amount are
kept unrounded.
"""

from __future__ import annotations

from typing import Any

from trygd.rules import age as age_window
from trygd.rules import dates, ops
from trygd.rules.declarations import Benefit, Fact, Namespace, calculation, condition
from trygd.rules.parameters import Params

INCOME_YEARS = ("income_year_1", "income_year_2", "income_year_3")
"""Pensjonsgivende inntekt in the three calendar years before the year work capacity was
reduced, oldest first: income_year_3 is the year just before (§ 11-19)."""

FACTS = (
    Fact("birth_date", "date", "The applicant's date of birth."),
    Fact(
        "membership_years",
        "years",
        "Whole years of membership in folketrygden immediately before the claim.",
        minimum=0,
        maximum=100,
    ),
    Fact("stays_in_norway", "bool", "Whether the applicant stays (oppholder seg) in Norway."),
    Fact(
        "reduced_work_capacity",
        "percent",
        "How much the work capacity (arbeidsevne) is reduced, in percent.",
    ),
    Fact(
        "occupational_injury",
        "bool",
        "Whether a recognised occupational injury or disease (yrkesskade) is the cause.",
    ),
    Fact(
        "illness_main_cause",
        "bool",
        "Whether illness, injury or defect is the main cause of the reduced work capacity.",
    ),
    Fact(
        "needs_assistance",
        "bool",
        "Whether the applicant needs active treatment, a work-oriented measure or other "
        "follow-up from NAV to get or keep work.",
    ),
    Fact(
        "capacity_reduced_date",
        "date",
        "The date the work capacity was reduced by at least half (30 % with yrkesskade).",
    ),
    Fact(
        "income_year_1",
        "money",
        "Pensjonsgivende inntekt in the third calendar year before the year of reduction.",
        minimum=0,
    ),
    Fact(
        "income_year_2",
        "money",
        "Pensjonsgivende inntekt in the second calendar year before the year of reduction.",
        minimum=0,
    ),
    Fact(
        "income_year_3",
        "money",
        "Pensjonsgivende inntekt in the calendar year before the year of reduction.",
        minimum=0,
    ),
    Fact("children", "count", "Children the applicant supports (forsørger).", 0, 30),
)

INPUTS = (
    *(fact for fact in FACTS if fact.name not in INCOME_YEARS),
    Fact(
        "fixed_work_capacity",
        "percent",
        "The work capacity NAV fixed in the vedtak (fastsatt arbeidsevne, § 11-23 second "
        "ledd), 0-100: a meldeperiode is graded by the larger of it and the share worked. "
        "Read by the meldekort, not by the rules; left out: none fixed (0).",
    ),
    Fact(
        "opptrapping_periods",
        "periods",
        "Periods of arbeidsopptrapping (§ 11-23 sixth ledd), both ends included: a "
        "meldeperiode that starts in one is paid up to the higher limit. Read by the "
        "meldekort, not by the rules.",
    ),
    Fact(
        "income_history",
        "yearly_amounts",
        "Pensjonsgivende inntekt per calendar year; a year that is not listed had no income.",
    ),
    *(fact for fact in FACTS if fact.name in INCOME_YEARS),
)

PARAMETERS = {
    "g": "common.grunnbelop",
    "g_average": "common.grunnbelop_average",
    "working_days_per_year": "common.working_days_per_year",
    "min_age": "aap.min_age",
    "max_age": "aap.max_age",
    "required_membership_years": "aap.membership_years",
    "min_reduced_work_capacity": "aap.min_reduced_work_capacity",
    "min_reduced_work_capacity_yrkesskade": "aap.min_reduced_work_capacity_occupational_injury",
    "max_income_factor": "aap.max_income_factor",
    "benefit_rate": "aap.benefit_rate",
    "minimum_factor": "aap.minimum_factor",
    "under_25_age": "aap.under_25_age",
    "under_25_minimum_share": "aap.under_25_minimum_share",
    "child_supplement_rate": "aap.child_supplement",
    "max_total_share": "aap.max_total_share",
}


def derive(raw: dict[str, Any], at: Any, params: Params) -> dict[str, Any]:
    """The flat facts of an application: income_year_1..3 from the income history.

    The history lists pensjonsgivende inntekt per calendar year; a year that is not listed
    counts as a year without income. Without a history, or without the date the work capacity
    was reduced, the income facts stay missing (unless given directly) and the basis is
    undetermined. Income facts given directly are kept.
    """
    facts = {name: raw[name] for name in (f.name for f in FACTS) if raw.get(name) is not None}
    history = raw.get("income_history")
    reduced = raw.get("capacity_reduced_date")
    if history is not None and reduced is not None:
        by_year: dict[int, float] = {}
        for entry in history:
            by_year[int(entry["year"])] = by_year.get(int(entry["year"]), 0.0) + float(
                entry["amount"]
            )
        for back, name in zip((3, 2, 1), INCOME_YEARS, strict=True):
            facts.setdefault(name, by_year.get(reduced.year - back, 0.0))
    return facts


@condition("ftrl. § 11-2", needs=("membership_years",))
def membership(f: Namespace, p: Any, v: Namespace) -> Any:
    """Member of folketrygden for the required years immediately before the claim (three
    years, five for claims from 2021-01-01). The exceptions in § 11-2 are not modelled."""
    return f.membership_years >= p.required_membership_years


@condition("ftrl. § 11-3", needs=("stays_in_norway",))
def stay_in_norway(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.stays_in_norway


@condition("ftrl. § 11-4", needs=("birth_date", "at"))
def age(f: Namespace, p: Any, v: Namespace) -> Any:
    """From the 18th birthday to the end of the month of the 67th birthday, as NAV's AAP
    system counts (aap-behandlingsflyt `Aldersvilkåret`: fyller(18) to
    YearMonth.from(fyller(67)).atEndOfMonth())."""
    return age_window.from_birthday_to_end_of_month(f, v, int(p.min_age), int(p.max_age))


@condition(
    "ftrl. § 11-5, § 11-22",
    needs=("reduced_work_capacity", "occupational_injury"),
    may_be_unknown=("occupational_injury",),
)
def work_capacity_reduced(f: Namespace, p: Any, v: Namespace) -> Any:
    """Reduced by at least half, or by at least 30 % when a recognised yrkesskade is the
    cause: half or more is enough, and under 30 % too little, whether there is one or not."""
    v.required_reduction = ops.where(
        f.occupational_injury, p.min_reduced_work_capacity_yrkesskade, p.min_reduced_work_capacity
    )
    v.reduction_share = f.reduced_work_capacity / 100
    return ops.any_of(
        v.reduction_share >= p.min_reduced_work_capacity,
        ops.all_of(
            f.occupational_injury,
            v.reduction_share >= p.min_reduced_work_capacity_yrkesskade,
        ),
    )


@condition("ftrl. § 11-5", needs=("illness_main_cause",))
def illness_main_cause(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.illness_main_cause


@condition("ftrl. § 11-6", needs=("needs_assistance",))
def needs_assistance(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.needs_assistance


@calculation("ftrl. § 11-19", needs=("capacity_reduced_date", *INCOME_YEARS))
def basis(f: Namespace, p: Any, v: Namespace) -> Any:
    """The income of the year before the year of reduction, or the average of the three years
    before it if higher. Each year is converted to G with that year's average G and capped at
    6 G; the result is multiplied by the G in force on `at` (NAV's practice).

    Years outside the table of average G (before 1967, or a year whose average is not yet
    published) use the nearest year in the table.
    """
    table = p.g_average
    first, last = table.first_year, table.first_year + len(table.table) - 1
    v.reduction_year = dates.year_of(f.capacity_reduced_date)
    v.first_income_year = v.reduction_year - 3
    v.last_income_year = v.reduction_year - 1
    in_g = []
    incomes = (f.income_year_1, f.income_year_2, f.income_year_3)
    for back, income in zip((3, 2, 1), incomes, strict=True):
        year = ops.clip(v.reduction_year - back, first, last)
        in_g.append(ops.minimum(income / table.lookup(year), p.max_income_factor))
    v.income_g_1, v.income_g_2, v.income_g_3 = in_g
    v.average_g = (v.income_g_1 + v.income_g_2 + v.income_g_3) / 3
    v.basis_g = ops.maximum(v.income_g_3, v.average_g)
    return v.basis_g * p.g


@calculation("ftrl. § 11-20", needs=("basis", "birth_date", "at"))
def yearly_amount(f: Namespace, p: Any, v: Namespace) -> Any:
    """66 % of the basis, at least the minimum yearly amount (2 G; 2.041 G from 2024-07-01).
    Members under 25 get two thirds of the minimum; the ordinary minimum applies from the 25th
    birthday itself (29 February: 28 February in other years)."""
    v.ordinary_amount = p.benefit_rate * v.basis
    if v.explaining:
        v.birthday_25 = dates.add_years(f.birth_date, int(p.under_25_age))
    v.turned_25 = f.birth_date <= dates.latest_birth_date(f.at, int(p.under_25_age))
    v.ordinary_minimum = p.minimum_factor * p.g
    v.minimum_amount = ops.where(
        v.turned_25, v.ordinary_minimum, v.ordinary_minimum * p.under_25_minimum_share
    )
    return ops.maximum(v.ordinary_amount, v.minimum_amount)


@calculation("ftrl. § 11-20", needs=("yearly_amount",))
def daily_rate(f: Namespace, p: Any, v: Namespace) -> Any:
    """The yearly amount divided by 260, rounded to whole kroner (HALF_UP)."""
    return ops.round_half_up(v.yearly_amount / p.working_days_per_year)


@calculation("ftrl. § 11-20", needs=("children",))
def child_supplement(f: Namespace, p: Any, v: Namespace) -> Any:
    """A fixed amount per child per day, whatever the income."""
    return f.children * p.child_supplement_rate


@calculation("ftrl. § 11-20", needs=("daily_rate", "child_supplement"))
def total_daily(f: Namespace, p: Any, v: Namespace) -> Any:
    """AAP and child supplement together may not exceed 90 % of the basis per day, where the
    cap's parameter is in force.

    The cap is UNCONFIRMED: NAV's AAP system today (aap-behandlingsflyt
    `BeregnTilkjentYtelseService`) applies none, its first payment model did, and no repeal
    was found in the law. The parameter keeps it until that is settled; an entry that is not
    in force (in the files or a reform) switches it off from its date, and then the amount
    is the rate plus the whole child supplement.

    For a member paid the minimum amount, the cap is measured against the basis that would
    give that minimum (minimum / 66 %), as NAV's first AAP payment model did
    (navikt/aap-utbetaling: the minimum raises the grunnlagsfaktor to 2 G / 0.66 before
    `Paragraf_11_20_6_ledd`), so the cap is never 90 % of a basis of zero. With that reading
    the cap can only cut the child supplement, never the AAP itself. The daily cap is
    rounded HALF_UP.
    """
    if p.max_total_share is None:
        if v.explaining:
            v.total_daily_text = "no_cap"
        return v.daily_rate + v.child_supplement
    v.cap_basis = ops.maximum(v.basis, v.yearly_amount / p.benefit_rate)
    v.daily_cap = ops.round_half_up(p.max_total_share * v.cap_basis / p.working_days_per_year)
    v.cut = ops.clip(v.daily_rate + v.child_supplement - v.daily_cap, 0.0, v.child_supplement)
    v.child_supplement_paid = v.child_supplement - v.cut
    return v.daily_rate + v.child_supplement_paid


@calculation("ftrl. § 11-20", needs=("total_daily",))
def annual_amount(f: Namespace, p: Any, v: Namespace) -> Any:
    """AAP is paid five days a week: the amount per day times 260 working days."""
    return v.total_daily * p.working_days_per_year


def graded_daily_amount(daily_rate: Any, child_supplement: Any, payment_share: Any) -> Any:
    """The amount paid for a day when payment is graded in a meldeperiode (work § 11-23,
    meldeplikt, samordning): rate and child supplement both times the payment share, rounded
    to whole kroner HALF_UP (aap-behandlingsflyt `redusertDagsats`; the barnepensjon
    deduction is not modelled). `payment_share` is 0-1."""
    return ops.round_half_up(daily_rate * payment_share + child_supplement * payment_share)


AAP = Benefit(
    id="aap",
    chapter="ftrl. kapittel 11",
    facts=FACTS,
    parameters=PARAMETERS,
    rules=(
        membership,
        stay_in_norway,
        age,
        work_capacity_reduced,
        illness_main_cause,
        needs_assistance,
        basis,
        yearly_amount,
        daily_rate,
        child_supplement,
        total_daily,
        annual_amount,
    ),
    amounts={
        "basis": "money",
        "yearly_amount": "money",
        "daily_rate": "money",
        "child_supplement": "money",
        "total_daily": "money",
    },
    annual_amount="annual_amount",
    derive=derive,
    inputs=INPUTS,
)
