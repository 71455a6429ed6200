"""Dagpenger: benefit while unemployed, folketrygdloven chapter 4.

Conditions: age (§ 4-23), stay in Norway (§ 4-2), minimum income (§ 4-4, with the temporary
pandemic thresholds by claim date), lost working time (§ 4-3), registered job seeker
(§ 4-8) and genuine job seeker (§ 4-5). Calculation: basis (§ 4-11), daily rate, child
supplement and the 90 % cap (§ 4-12), period (§ 4-15), ventetid as waiting days or egenandel
(§ 4-9) and the waiting period for self-inflicted unemployment (§ 4-10).

`at` is the claim date (prøvingsdato) the application is assessed on.

Income, as NAV's dagpenger system (navikt/dp-behandling, commit 54fcd6f) counts it:

* The earning period is the 36 calendar months up to the last completed month, in three
  periods of 12 (the latest first). The last completed month is the month before the claim
  month, or the one before that when the claim date is on or before the day employers must
  have reported last month's income to a-ordningen: the 5th, moved to the next working day
  over weekends and public holidays (a-opplysningsloven § 4; dagpengeforskriften § 3A-2;
  dp-behandling `Opptjeningstid.kt`, `SisteavsluttendeKalenderMåned.kt`, whose
  `00-Opptjeningstid.feature` the tests reproduce). A claim on 5 December 2023 counts
  November 2020 to October 2023; one on 6 December counts to November 2023. Months have been
  counted so for claims from 2019-07-01 (Prop. 12 L (2018–2019)); before, whole calendar
  years were, which this module does not derive (`reporting_deadline_day` is 0 then).
* An application gives the income per month (`monthly_income`, as a-inntekt reports it; a
  month that is not listed had no income, as a-inntekt has no row for it). `derive` sums it
  per period twice: as paid (`income_12m`, `income_36m`) and indexed by G month by month
  (`indexed_income_1_12m`, `_13_24m`, `_25_36m`): amount × G on the claim date / G of the
  month (dp-behandling `Oppjuster.kt`; the G of a month is the one in force on its 10th,
  navikt/dp-grunnbelop `forMåned`; both are the ordinary G from 1 May, NAV's
  `Regel.Grunnlag`). The G history comes from the rule-set in use (`Benefit.histories`), so
  a reform of G reaches the indexing.
* Minimum income (§ 4-4) and the period (§ 4-15) are tested on the sums as paid, against the
  G for minimum-income tests (dp-behandling `Minsteinntekt.kt`, `Dagpengeperiode.kt`).
  Only the basis (§ 4-11) is indexed: each period counts with at most 6 G, and the basis is
  the higher of the latest period and the average of the three, rounded to whole kroner
  before the daily rate and the 90 % cap (dp-behandling `Dagpengegrunnlag.kt`).
* The two sums may be given without the months (the citizen's form asks them): they decide
  §§ 4-4 and 4-15 exactly as the months would, but they cannot be indexed, so the basis and
  everything after it are then undetermined, and the explanation names the indexed figures
  that are missing: a caseworker gives them (the staff page offers the basis step like a
  condition), or the months come through the API. Given with the months, they must
  equal the months' sums. The indexed figures may be given directly (a population file does),
  but not together with the months they are computed from.
* A revurdering is assessed on the day the change takes effect, but keeps the basis of the
  claim it changes (the basis is set when the right is granted): the services give it the
  original claim date as `basis_claim_date`, and the months are counted and indexed from that
  date (`Benefit.claim_date_fact`). The 6 G cap, the thresholds and the rates are those of
  the assessment date.

Not modelled: the other income that counts in the basis but not in the minimum income
(dagpenger, sykepenger, pleiepenger and others, § 4-11 second paragraph; `monthly_income` is
the income that counts for both), a month with a negative net income, verneplikt (§ 4-19),
permittering (§ 4-7, and its egenandel of 0 in fish processing) and samordning (§§ 4-24 to
4-28).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from trygd.rules import dates, holidays, ops
from trygd.rules.declarations import (
    Benefit,
    Fact,
    FactError,
    Namespace,
    calculation,
    condition,
)
from trygd.rules.parameters import Params
from trygd.rules.unknowns import UNKNOWN

MONTHS_PER_PERIOD = 12
"""The months in each period of the earning period (the "12 months" of §§ 4-4 and 4-11)."""

G_LOOKUP_DAY = 10
"""The day of a month whose G indexes that month's income (navikt/dp-grunnbelop `forMåned`
looks G up on the 10th). G has always changed on the 1st of a month, so any day would do."""

AMOUNT_TOLERANCE = 0.005
"""How far (in kroner) a given 12- or 36-month sum may lie from the sum of the months before
the two are called contradictory: half an øre, as sums of amounts in øre carry float error."""

INDEXED_FACTS = (
    Fact(
        "indexed_income_1_12m",
        "money",
        "Income of the latest 12 months of the earning period, each month indexed by G "
        "(amount × G on the claim date / G of the month), before the 6 G cap.",
        minimum=0,
    ),
    Fact(
        "indexed_income_13_24m",
        "money",
        "Income of the 12 months before those, indexed by G month by month, before the cap.",
        minimum=0,
    ),
    Fact(
        "indexed_income_25_36m",
        "money",
        "Income of the earliest 12 months of the earning period, indexed by G, before the cap.",
        minimum=0,
    ),
)
"""The three periods of the basis (§ 4-11), the latest first, as NAV numbers them."""

PERIODS = len(INDEXED_FACTS)

INCOME_FACTS = (
    Fact(
        "income_12m",
        "money",
        "Arbeidsinntekt in the latest 12 months of the earning period, as paid (not indexed).",
        minimum=0,
    ),
    Fact(
        "income_36m",
        "money",
        "Arbeidsinntekt in the 36 months of the earning period, in all, as paid (not indexed).",
        minimum=0,
    ),
)

FACTS = (
    Fact("birth_date", "date", "The applicant's date of birth."),
    Fact("stays_in_norway", "bool", "Whether the applicant stays (oppholder seg) in Norway."),
    *INCOME_FACTS,
    *INDEXED_FACTS,
    Fact("normal_working_hours", "hours", "Usual working hours per week before.", 0, 168),
    Fact("current_working_hours", "hours", "Working hours per week now.", 0, 168),
    Fact("registered_job_seeker", "bool", "Registered as a job seeker with NAV."),
    Fact("genuine_job_seeker", "bool", "Willing and able to take any suitable work."),
    Fact("self_inflicted_unemployment", "bool", "Quit or was dismissed through own fault."),
    Fact("children", "count", "Children under 18 the applicant supports.", 0, 30),
)

MONTHLY_INCOME = Fact(
    "monthly_income",
    "monthly_amounts",
    "Arbeidsinntekt per calendar month ({month: 'YYYY-MM', amount}) in the 36 months of the "
    "earning period, as a-inntekt reports it; a month that is not listed had no income.",
)

BASIS_CLAIM_DATE = Fact(
    "basis_claim_date",
    "date",
    "The claim date whose earning period and G the income per month is counted by, where the "
    "assessment date is a later one: a revurdering keeps the basis of the claim it changes. "
    "Left out, the assessment date.",
)

INPUTS = (*FACTS[:2], MONTHLY_INCOME, BASIS_CLAIM_DATE, *FACTS[2:])
"""What an application may give: the flat facts, and the income per month, from which
`derive` computes the five income facts."""

PARAMETERS = {
    "g": "common.grunnbelop",
    "g_minimum_income": "common.grunnbelop_minimum_income",
    "working_days_per_year": "common.working_days_per_year",
    "working_days_per_week": "common.working_days_per_week",
    "max_age": "dagpenger.max_age",
    "reporting_deadline_day": "dagpenger.reporting_deadline_day",
    "min_income_factor_12m": "dagpenger.min_income_factor_12m",
    "min_income_factor_36m": "dagpenger.min_income_factor_36m",
    "min_lost_working_time": "dagpenger.min_lost_working_time",
    "max_normal_working_hours": "dagpenger.max_normal_working_hours",
    "max_basis_factor": "dagpenger.max_basis_factor",
    "daily_rate_factor": "dagpenger.daily_rate_factor",
    "child_supplement_rate": "dagpenger.child_supplement",
    "max_total_share": "dagpenger.max_total_share",
    "long_period_threshold_factor": "dagpenger.long_period_threshold_factor",
    "period_weeks_short": "dagpenger.period_weeks_short",
    "period_weeks_long": "dagpenger.period_weeks_long",
    "waiting_days": "dagpenger.waiting_days",
    "egenandel_days": "dagpenger.egenandel_days",
    "quarantine_weeks_rate": "dagpenger.quarantine_weeks",
}

HISTORIES = {"g_of_month": "common.grunnbelop"}
"""G on every day, to index each month's income by the G of that month (§ 4-11)."""


# --- The earning period and the income per month -------------------------------------------


def month_text(index: int) -> str:
    """A month number (year × 12 + month − 1) as "YYYY-MM"."""
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def month_index(text: str) -> int:
    """ "YYYY-MM" as a month number (year × 12 + month − 1)."""
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def earning_months(at: dt.date, reporting_deadline_day: int) -> range:
    """The 36 months of the earning period, as month numbers, the latest first.

    The last is the month before the claim month; when the claim date is on or before the
    reporting deadline (the `reporting_deadline_day` of the claim month, moved to the next
    working day), employers need not yet have reported that month, and the last is the month
    before it (dagpenger-forskriften § 3A-2; dp-behandling `SisteavsluttendeKalenderMåned`).
    """
    deadline = holidays.next_working_day(dt.date(at.year, at.month, reporting_deadline_day))
    back = 2 if at <= deadline else 1
    last = at.year * 12 + at.month - 1 - back
    return range(last, last - PERIODS * MONTHS_PER_PERIOD, -1)


def income_problems(raw: dict[str, Any], at: dt.date, params: Params) -> list[tuple[str, str]]:
    """What is wrong with the income per month given the claim date (see `Benefit.input_problems`):
    a month listed twice or outside the earning period, the indexed figures given as well, or
    a 12- or 36-month sum that is not the sum of the months."""
    months = raw.get("monthly_income")
    if months is None:
        return []
    at = _basis_claim_date(raw, at)
    deadline_day = int(params.reporting_deadline_day)
    if deadline_day == 0:
        return [
            (
                "monthly_income",
                "the income is counted by month only for claims from 2019-07-01; for an "
                "earlier claim give income_12m, income_36m and the indexed figures instead",
            )
        ]
    problems: list[tuple[str, str]] = []
    given = [month_index(str(item["month"])) for item in months]
    twice = sorted({m for m in given if given.count(m) > 1})
    if twice:
        listed = ", ".join(month_text(m) for m in twice)
        problems.append(("monthly_income", f"has the same month more than once: {listed}"))
    window = earning_months(at, deadline_day)
    outside = sorted({m for m in given if m not in window})
    if outside:
        listed = ", ".join(month_text(m) for m in outside)
        problems.append(
            (
                "monthly_income",
                f"has months outside the earning period {month_text(window[-1])} to "
                f"{month_text(window[0])} (claim date {at.isoformat()}): {listed}",
            )
        )
    for fact in INDEXED_FACTS:
        if raw.get(fact.name) is not None:
            problems.append(
                (fact.name, "is computed from monthly_income; give one of the two, not both")
            )
    if problems:
        return problems
    sums = _nominal_sums(months, window)
    for name, months_counted in (("income_12m", MONTHS_PER_PERIOD), ("income_36m", len(window))):
        value = raw.get(name)
        if value is not None and abs(float(value) - sums[name]) > AMOUNT_TOLERANCE:
            first = month_text(window[months_counted - 1])
            problems.append(
                (
                    name,
                    f"is not the sum of monthly_income from {first} to "
                    f"{month_text(window[0])} ({sums[name]:.2f})",
                )
            )
    return problems


def _basis_claim_date(raw: dict[str, Any], at: dt.date) -> dt.date:
    given = raw.get("basis_claim_date")
    if given is None:
        return at
    return given if isinstance(given, dt.date) else dt.date.fromisoformat(str(given))


def _nominal_sums(months: list[dict[str, Any]], window: range) -> dict[str, float]:
    by_month = {month_index(str(item["month"])): float(item["amount"]) for item in months}
    paid = [by_month.get(month, 0.0) for month in window]
    return {"income_12m": sum(paid[:MONTHS_PER_PERIOD]), "income_36m": sum(paid)}


def derive(raw: dict[str, Any], at: dt.date, params: Params) -> dict[str, Any]:
    """The flat facts: every flat fact given, and from `monthly_income` the income of the
    earning period, as paid and indexed by G.

    The earning period is the 36 months up to the last month employers had to report: the
    month before the claim month, or the one before that when the claim date is on or before
    the 5th of the claim month (moved to the next working day). A claim on 10 June 2025
    counts June 2022 to May 2025; one on 5 June 2025 counts May 2022 to April 2025. The
    claim date is `basis_claim_date` where given (a revurdering keeps its claim's period),
    else the assessment date. A month that is not listed had no income.

    `income_12m` and `income_36m` are the sums as paid of the last 12 and of all 36 months
    (for the minimum income and the period); `indexed_income_1_12m`, `indexed_income_13_24m`
    and `indexed_income_25_36m` are the three periods, the latest first, each month's income
    times G on the claim date divided by G in that month (for the basis).

    Given only the two sums (the short form), nothing can be indexed: the basis stays
    undetermined for a caseworker to fetch the months, except where the 12 months as paid
    reach 6 G, which settles the basis at 6 G (see `basis`).

    Refused, naming the fact (the application format refuses the same): a month outside the
    earning period or listed twice, an indexed figure given as well, a 12- or 36-month sum
    that is not the sum of the months, and months for a claim before 2019-07-01, when the
    periods were calendar years (`FactError`)."""
    facts = {fact.name: raw[fact.name] for fact in FACTS if raw.get(fact.name) is not None}
    months = raw.get("monthly_income")
    if months is None:
        return facts
    problems = income_problems(raw, at, params)
    if problems:
        raise FactError(problems)
    claimed = _basis_claim_date(raw, at)
    window = earning_months(claimed, int(params.reporting_deadline_day))
    facts.update(_nominal_sums(months, window))
    by_month = {month_index(str(item["month"])): float(item["amount"]) for item in months}
    g_at = params.g_of_month.value_at(claimed)
    for number, fact in enumerate(INDEXED_FACTS):
        period = window[number * MONTHS_PER_PERIOD : (number + 1) * MONTHS_PER_PERIOD]
        total = 0.0
        for month in period:
            amount = by_month.get(month, 0.0)
            if amount:
                year, month_of_year = divmod(month, 12)
                g_then = params.g_of_month.value_at(dt.date(year, month_of_year + 1, G_LOOKUP_DAY))
                total += amount * g_at / g_then
        facts[fact.name] = total
    return facts


# --- The rules ---------------------------------------------------------------------------


@condition("ftrl. § 4-23", needs=("birth_date", "at"))
def age(f: Namespace, p: Any, v: Namespace) -> Any:
    """The right ends at the end of the month in which the member turns 67: on `at` the member
    must have been born on or after the first day of that month 67 years earlier."""
    v.earliest_birth_date = dates.first_of_month(dates.latest_birth_date(f.at, int(p.max_age)))
    if v.explaining:
        v.last_day_by_age = dates.end_of_month(dates.add_years(f.birth_date, int(p.max_age)))
    return f.birth_date >= v.earliest_birth_date


@condition("ftrl. § 4-2", needs=("stays_in_norway",))
def stay_in_norway(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.stays_in_norway


@condition(
    "ftrl. § 4-4",
    needs=("income_12m", "income_36m"),
    may_be_unknown=("income_12m", "income_36m"),
)
def minimum_income(f: Namespace, p: Any, v: Namespace) -> Any:
    """1.5 G in the last 12 months or 3 G in the last 36 (lower during the pandemic), on the
    income as paid and the G for minimum-income tests. Either period that reaches its
    threshold is enough, whether the other is known or not."""
    v.threshold_12m = p.min_income_factor_12m * p.g_minimum_income
    v.threshold_36m = p.min_income_factor_36m * p.g_minimum_income
    return ops.any_of(f.income_12m >= v.threshold_12m, f.income_36m >= v.threshold_36m)


@condition(
    "ftrl. § 4-3",
    needs=("normal_working_hours", "current_working_hours"),
    may_be_unknown=("current_working_hours",),
)
def lost_working_time(f: Namespace, p: Any, v: Namespace) -> Any:
    """Working time must be reduced by at least half of the usual hours (at most 40 a week).
    Without usual working hours there is nothing to lose, whatever the hours now."""
    v.counted_normal_hours = ops.minimum(f.normal_working_hours, p.max_normal_working_hours)
    lost_hours = ops.maximum(v.counted_normal_hours - f.current_working_hours, 0.0)
    v.lost_share = ops.divide_or(lost_hours, v.counted_normal_hours, 0.0)
    return ops.all_of(v.counted_normal_hours > 0, v.lost_share >= p.min_lost_working_time)


@condition("ftrl. § 4-8", needs=("registered_job_seeker",))
def registered_job_seeker(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.registered_job_seeker


@condition("ftrl. § 4-5", needs=("genuine_job_seeker",))
def genuine_job_seeker(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.genuine_job_seeker


@calculation(
    "ftrl. § 4-11",
    needs=(*(fact.name for fact in INDEXED_FACTS), "income_12m"),
    may_be_unknown=(*(fact.name for fact in INDEXED_FACTS), "income_12m"),
    texts=("months", "latest_reaches_cap", "reaches_cap"),
)
def basis(f: Namespace, p: Any, v: Namespace) -> Any:
    """Each of the three periods, indexed by G month by month, counts with at most 6 G (the G
    on `at`); the basis is the higher of the latest period and the average of the three,
    rounded to whole kroner (dp-behandling `Dagpengegrunnlag.kt`: `minstAv` per period,
    `høyesteAv`, `avrund`).

    The short form (only the sums as paid, no months) can still settle one case exactly:
    indexing multiplies a month by G on the claim date over G in that month, and G has never
    been lowered, so 12 months that reach 6 G as paid reach it indexed too. The latest
    period then counts with exactly 6 G, the average of three capped periods cannot pass it,
    and the basis is 6 G whatever the months were. Below 6 G the months are needed: the
    basis stays unknown and a caseworker fetches them (a-inntekt)."""
    v.basis_cap = p.max_basis_factor * p.g
    v.capped_1_12m = ops.minimum(f.indexed_income_1_12m, v.basis_cap)
    v.capped_13_24m = ops.minimum(f.indexed_income_13_24m, v.basis_cap)
    v.capped_25_36m = ops.minimum(f.indexed_income_25_36m, v.basis_cap)
    v.average_36m = (v.capped_1_12m + v.capped_13_24m + v.capped_25_36m) / PERIODS
    from_months = ops.round_half_up_exact(ops.maximum(v.capped_1_12m, v.average_36m))
    reaches_cap = ops.any_of(f.income_12m >= v.basis_cap, f.indexed_income_1_12m >= v.basis_cap)
    if v.explaining:
        periods = (f.indexed_income_1_12m, f.indexed_income_13_24m, f.indexed_income_25_36m)
        if all(period is not UNKNOWN for period in periods):
            v.basis_text = "months"
        elif f.indexed_income_1_12m is not UNKNOWN:
            v.basis_text = "latest_reaches_cap"
        else:
            v.basis_text = "reaches_cap"
    return ops.where(reaches_cap, ops.round_half_up_exact(v.basis_cap), from_months)


@calculation("ftrl. § 4-12", needs=("basis",))
def daily_rate(f: Namespace, p: Any, v: Namespace) -> Any:
    return ops.round_half_up_exact(p.daily_rate_factor * v.basis)


@calculation("ftrl. § 4-12", needs=("children",))
def child_supplement(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.children * p.child_supplement_rate


@calculation("ftrl. § 4-12", needs=("daily_rate", "child_supplement"))
def total_daily(f: Namespace, p: Any, v: Namespace) -> Any:
    """Rate and child supplement together may not exceed 90 % of the basis per working day,
    rounded to whole kroner. The excess is cut from the rate first; where the child
    supplement alone passes the cap, it is cut too, so that the total paid is never above
    the cap (dp-behandling `DagpengenesStørrelse.kt`: `minstAv(dagsats + barnetillegg,
    avrundetMaksSats)`)."""
    v.daily_cap = ops.round_half_up_exact(p.max_total_share * v.basis / p.working_days_per_year)
    v.before_cap = v.daily_rate + v.child_supplement
    v.cut = ops.maximum(v.before_cap - v.daily_cap, 0.0)
    v.reduced_daily_rate = ops.maximum(v.daily_rate - v.cut, 0.0)
    total = ops.minimum(v.before_cap, v.daily_cap)
    v.paid_child_supplement = total - v.reduced_daily_rate
    v.rate_cut = v.daily_rate - v.reduced_daily_rate
    v.child_supplement_cut = v.child_supplement - v.paid_child_supplement
    return total


@calculation("ftrl. § 4-12", needs=("total_daily",))
def weekly_amount(f: Namespace, p: Any, v: Namespace) -> Any:
    return v.total_daily * p.working_days_per_week


@calculation(
    "ftrl. § 4-15",
    needs=("income_12m", "income_36m"),
    may_be_unknown=("income_12m", "income_36m"),
)
def period_weeks(f: Namespace, p: Any, v: Namespace) -> Any:
    """104 weeks if the income as paid reached 2 G in the last 12 months or on average per
    year over 36, else 52; 2 G in the G for minimum-income tests, as the minimum income
    (dp-behandling `Dagpengeperiode.kt` uses `Minsteinntekt.grunnbeløp`). Known as soon as
    one of the two reaches 2 G."""
    v.long_period_threshold = p.long_period_threshold_factor * p.g_minimum_income
    v.yearly_average_36m = f.income_36m / PERIODS
    long = ops.any_of(
        f.income_12m >= v.long_period_threshold, v.yearly_average_36m >= v.long_period_threshold
    )
    return ops.where(long, p.period_weeks_long, p.period_weeks_short)


@calculation("ftrl. § 4-9", needs=("total_daily",), texts=("egenandel", "waiting_days", "none"))
def egenandel(f: Namespace, p: Any, v: Namespace) -> Any:
    """The ventetid. From 2024-01-01 it is an egenandel of three daily amounts (rate and child
    supplement after the 90 % cap), deducted from the first payments (dp-behandling
    `Egenandel.kt`); before, it was three waiting days (ventedager) without payment and no
    egenandel, and during the pandemic neither. The explanation says which applied."""
    if v.explaining:
        if p.egenandel_days > 0:
            v.egenandel_text = "egenandel"
        elif p.waiting_days > 0:
            v.egenandel_text = "waiting_days"
        else:
            v.egenandel_text = "none"
    return p.egenandel_days * v.total_daily


@calculation("ftrl. § 4-10", needs=("self_inflicted_unemployment",))
def quarantine_weeks(f: Namespace, p: Any, v: Namespace) -> Any:
    return ops.where(f.self_inflicted_unemployment, p.quarantine_weeks_rate, 0.0)


@calculation("ftrl. § 4-12", needs=("total_daily",))
def annual_amount(f: Namespace, p: Any, v: Namespace) -> Any:
    return v.total_daily * p.working_days_per_year


DAGPENGER = Benefit(
    id="dagpenger",
    chapter="ftrl. kapittel 4",
    facts=FACTS,
    parameters=PARAMETERS,
    rules=(
        age,
        stay_in_norway,
        minimum_income,
        lost_working_time,
        registered_job_seeker,
        genuine_job_seeker,
        basis,
        daily_rate,
        child_supplement,
        total_daily,
        weekly_amount,
        period_weeks,
        egenandel,
        quarantine_weeks,
        annual_amount,
    ),
    amounts={
        "basis": "money",
        "daily_rate": "money",
        "child_supplement": "money",
        "total_daily": "money",
        "weekly_amount": "money",
        "period_weeks": "weeks",
        "egenandel": "money",
        "quarantine_weeks": "weeks",
    },
    annual_amount="annual_amount",
    derive=derive,
    inputs=INPUTS,
    histories=HISTORIES,
    input_problems=income_problems,
    claim_date_fact="basis_claim_date",
)
