"""Dagpenger: benefit while unemployed, folketrygdloven chapter 4.

Conditions: age (§ 4-23), stay in Norway (§ 4-2), minimum income (§ 4-4, with the temporary
pandemic thresholds by claim date), lost working time (§ 4-3), registered job seeker
(§ 4-8) and genuine job seeker (§ 4-5). Calculation: basis (§ 4-11), daily rate, child
supplement and the 90 % cap (§ 4-12), period (§ 4-15), egenandel (§ 4-9) and the waiting
period for self-inflicted unemployment (§ 4-10).

`at` is the claim date (prøvingsdato) the application is assessed on.
"""

from __future__ import annotations

from typing import Any

from trygd.rules import dates, ops
from trygd.rules.declarations import Benefit, Fact, Namespace, calculation, condition

FACTS = (
    Fact("birth_date", "date", "The applicant's date of birth."),
    Fact("stays_in_norway", "bool", "Whether the applicant stays (oppholder seg) in Norway."),
    Fact("income_12m", "money", "Arbeidsinntekt in the last 12 full months.", minimum=0),
    Fact("income_36m", "money", "Arbeidsinntekt in the last 36 full months, in all.", minimum=0),
    Fact("normal_working_hours", "hours", "Usual working hours per week before.", 0, 168),
    Fact("current_working_hours", "hours", "Working hours per week now.", 0, 168),
    Fact("registered_job_seeker", "bool", "Registered as a job seeker with NAV."),
    Fact("genuine_job_seeker", "bool", "Willing and able to take any suitable work."),
    Fact("self_inflicted_unemployment", "bool", "Quit or was dismissed through own fault."),
    Fact("children", "count", "Children under 18 the applicant supports.", 0, 30),
)

PARAMETERS = {
    "g": "common.grunnbelop",
    "g_minimum_income": "common.grunnbelop_minimum_income",
    "working_days_per_year": "common.working_days_per_year",
    "working_days_per_week": "common.working_days_per_week",
    "max_age": "dagpenger.max_age",
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
    "egenandel_days": "dagpenger.egenandel_days",
    "quarantine_weeks_rate": "dagpenger.quarantine_weeks",
}


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
    """1.5 G in the last 12 months or 3 G in the last 36 (lower during the pandemic). Either
    period that reaches its threshold is enough, whether the other is known or not."""
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


@calculation("ftrl. § 4-11", needs=("income_12m", "income_36m"))
def basis(f: Namespace, p: Any, v: Namespace) -> Any:
    """The higher of last year's income and the yearly average of three years, capped at 6 G."""
    v.average_36m = f.income_36m / 3
    v.basis_cap = p.max_basis_factor * p.g
    return ops.minimum(ops.maximum(f.income_12m, v.average_36m), v.basis_cap)


@calculation("ftrl. § 4-12", needs=("basis",))
def daily_rate(f: Namespace, p: Any, v: Namespace) -> Any:
    return ops.round_half_up(p.daily_rate_factor * v.basis)


@calculation("ftrl. § 4-12", needs=("children",))
def child_supplement(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.children * p.child_supplement_rate


@calculation("ftrl. § 4-12", needs=("daily_rate", "child_supplement"))
def total_daily(f: Namespace, p: Any, v: Namespace) -> Any:
    """Rate and child supplement together may not exceed 90 % of the basis per working day;
    any excess is cut from the rate, not from the child supplement."""
    v.daily_cap = ops.round_half_up(p.max_total_share * v.basis / p.working_days_per_year)
    v.cut = ops.maximum(v.daily_rate + v.child_supplement - v.daily_cap, 0.0)
    v.reduced_daily_rate = ops.maximum(v.daily_rate - v.cut, 0.0)
    return v.reduced_daily_rate + v.child_supplement


@calculation("ftrl. § 4-12", needs=("total_daily",))
def weekly_amount(f: Namespace, p: Any, v: Namespace) -> Any:
    return v.total_daily * p.working_days_per_week


@calculation(
    "ftrl. § 4-15",
    needs=("income_12m", "income_36m"),
    may_be_unknown=("income_12m", "income_36m"),
)
def period_weeks(f: Namespace, p: Any, v: Namespace) -> Any:
    """104 weeks if income reached 2 G last year or on average over three years, else 52:
    known as soon as one of the two reaches 2 G."""
    v.long_period_threshold = p.long_period_threshold_factor * p.g
    long = ops.any_of(
        f.income_12m >= v.long_period_threshold, f.income_36m / 3 >= v.long_period_threshold
    )
    return ops.where(long, p.period_weeks_long, p.period_weeks_short)


@calculation("ftrl. § 4-9", needs=("total_daily",))
def egenandel(f: Namespace, p: Any, v: Namespace) -> Any:
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
)
