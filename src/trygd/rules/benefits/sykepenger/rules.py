"""Sykepenger: benefit while unable to work because of illness or injury, folketrygdloven
chapter 8 (arbeidstaker).

Conditions: age (§ 8-3 first paragraph: nothing from the 70th birthday), membership in
folketrygden (chapter 2), earning period of four weeks in work (§ 8-2), incapacity caused by
illness or injury (§ 8-4), loss of pensionable income (§ 8-3 first paragraph), minimum income
(§ 8-3 second paragraph: 0.5 G; § 8-51: 2 G after the 67th birthday) and minimum grade
(§ 8-13: at least 20 %). Calculation: sykepengegrunnlag capped at 6 G (§ 8-10), daily basis
(§ 8-10 third paragraph), daily payment (dekningsgrad § 8-16, grade § 8-13), the employer
period and the first day NAV pays (§§ 8-17, 8-19), the maksdato (§ 8-12, § 8-51, § 8-3),
the condition that sykepengedager are left (§ 8-12, § 8-51) and the yearly amount.

`at` is the skjæringstidspunkt: the first day of the incapacity for work the application is
assessed on. Only arbeidstakere are modelled (dekningsgrad 100 %, the employer pays the first
16 days); selvstendig næringsdrivende and frilansere (§§ 8-34 to 8-43) are not.

Rounding follows NAV's sykepenger system (navikt/helse-spleis, `Inntekt.rundTilDaglig`,
HALF_UP): the sykepengegrunnlag is kept in kroner as given; the daily basis (grunnlag / 260)
is rounded to whole kroner, and so is the amount paid per day (daily basis × dekningsgrad ×
grade). The minimum-income test compares the income before the 6 G cap, as spleis does.

Two G values can apply on one day. The minimum income (0.5 G, § 8-3 second paragraph; 2 G,
§ 8-51) is measured against the G NAV uses for minimum-income tests on `at`
(`common.grunnbelop_minimum_income`): a new G counts there only from the day NAV puts it into
use, some weeks after 1 May (2026: from 1 June), as in spleis (`Grunnbeløp.kt`, the
minimum-income G by virkningsdato). The 6 G cap of § 8-10 uses the ordinary G from 1 May.
Between the two dates the threshold is still half of last year's G.

The maksdato (§ 8-12). Sykepengedager are the weekdays Monday to Friday for which NAV pays
(§ 8-11); public holidays are not skipped and a day with graded sykepenger counts as a whole
day, as in spleis. The application gives the earlier periods in which NAV paid sykepenger
(`sick_leave_history`, after the employer periods); `derive` turns them into the number of
sykepengedager already used (`sick_days_used`), the number of those after the 67th birthday
(`sick_days_used_after_67`) and whether they all stay counted until the maksdato
(`used_days_stay_in_window`). The readings followed:

* The 26-week rule (§ 8-12 second paragraph). Earlier days stop counting when the member has
  been without sykepenger for at least 26 weeks = 182 calendar days (spleis,
  `TILSTREKKELIG_OPPHOLD_I_SYKEDAGER = 26 * 7`). Spleis counts those days up to the next day
  NAV pays and so also counts the employer period of the new illness; this module follows the
  law's words "helt arbeidsfør" instead and counts the gap before the new incapacity only:
  the calendar days after the last paid day up to the day before `at`. The days of the new
  illness, its employer period included, are not days fully fit for work. (Worked case S9:
  181 days fit is not enough, 182 is.) Gaps between the earlier periods count as fit days,
  as the history does not say more.
* The three-year window (§ 8-12 first paragraph). Days count if they lie within three years
  before the first day NAV pays in the new period (`first_payment_day`). Days can leave the
  window while the new period runs, which would move the maksdato later. This is not computed:
  when a counted day could leave the window before the latest possible maksdato,
  `derive` leaves out `used_days_stay_in_window`, and the maksdato and the condition that
  days are left become undetermined (a caseworker counts them). When all days are used
  already, the right is taken as used up on the first day (spleis does not give days back to
  a member in that state either).
* Age 67 (§ 8-51, § 8-12 fourth paragraph). From the day after the 67th birthday at most 60
  sykepengedager can be paid, including earlier days after that birthday; the higher minimum
  income (2 G) applies from the same day (spleis `forhøyetInntektskrav`: dato > 67-årsdagen).
* Age 70 (§ 8-3). The last possible day is the day before the 70th birthday; the maksdato is
  the last weekday before that birthday at the latest (spleis `sisteVirkedagFør`).
* The new employer period is taken to be a full 16 days from `at`. An incapacity that starts
  within 16 days after an earlier one shares its employer period (§ 8-19 third paragraph);
  that is not modelled.

`derive` needs the 3-year window, the 26 weeks, the employer period, the 248 days and the age
67 to summarise the history. It gets them as the benefit's parameters on `at` from the
rule-set the assessment runs under, so a reform of these values reaches the summary as it
reaches the rules below.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from trygd.rules import dates, ops
from trygd.rules.declarations import Benefit, Fact, Namespace, calculation, condition
from trygd.rules.parameters import Params

DAYS_PER_WEEK = 7
"""Calendar days in a week, to turn the 26 weeks of § 8-12 into days."""

FACTS = (
    Fact("birth_date", "date", "The applicant's date of birth."),
    Fact("folketrygd_member", "bool", "Whether the applicant is a member of folketrygden."),
    Fact(
        "days_in_work",
        "days",
        "Calendar days the applicant has been in work immediately before `at` (periods with "
        "dagpenger, sykepenger, pleiepenger or foreldrepenger count as work, § 8-2).",
        minimum=0,
    ),
    Fact(
        "incapacity_due_to_illness",
        "bool",
        "Whether the incapacity for work is clearly caused by illness or injury (not by social "
        "or economic problems).",
    ),
    Fact(
        "loses_pensionable_income",
        "bool",
        "Whether the applicant loses pensionable income (pensjonsgivende inntekt) by the absence.",
    ),
    Fact(
        "yearly_income",
        "money",
        "The yearly income the sykepengegrunnlag is set from, before the 6 G cap (for an "
        "arbeidstaker usually the last three months' income times four, § 8-28).",
        minimum=0,
    ),
    Fact(
        "sick_leave_grade",
        "percent",
        "How much the ability to work is reduced (sykmeldingsgrad), 0-100; 100 means fully "
        "sick-listed.",
    ),
    Fact(
        "sick_days_used",
        "count",
        "Sykepengedager NAV has already paid that still count towards the maximum: after the "
        "last 26 weeks without sykepenger and within the last three years (derived from "
        "sick_leave_history).",
        minimum=0,
        maximum=10_000,
    ),
    Fact(
        "sick_days_used_after_67",
        "count",
        "Of sick_days_used, the days after the 67th birthday (derived).",
        minimum=0,
        maximum=10_000,
    ),
    Fact(
        "used_days_stay_in_window",
        "bool",
        "True when none of sick_days_used can leave the three-year window before the maksdato. "
        "derive leaves it out when that is not certain, so the maksdato is undetermined; a "
        "False given directly is not meaningful (the maksdato would then be the earliest "
        "possible one).",
    ),
)

DERIVED = ("sick_days_used", "sick_days_used_after_67", "used_days_stay_in_window")

INPUTS = (
    *(fact for fact in FACTS if fact.name not in DERIVED),
    Fact(
        "sick_leave_history",
        "periods",
        "Earlier periods in which NAV paid sykepenger (after the employer period), both ends "
        "included; an empty list means none.",
    ),
)

PARAMETERS = {
    "g": "common.grunnbelop",
    "g_minimum_income": "common.grunnbelop_minimum_income",
    "working_days_per_year": "common.working_days_per_year",
    "max_age": "sykepenger.max_age",
    "reduced_right_age": "sykepenger.reduced_right_age",
    "earning_period_days": "sykepenger.earning_period_days",
    "min_income_factor": "sykepenger.min_income_factor",
    "min_income_factor_after_67": "sykepenger.min_income_factor_after_67",
    "min_grade": "sykepenger.min_grade",
    "max_basis_factor": "sykepenger.max_basis_factor",
    "coverage_rate": "sykepenger.coverage_rate_employee",
    "employer_period_days": "sykepenger.employer_period_days",
    "max_days": "sykepenger.max_days",
    "max_days_after_67": "sykepenger.max_days_after_67",
    "lookback_years": "sykepenger.lookback_years",
    "reset_weeks": "sykepenger.reset_weeks",
}


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _weekdays(first: dt.date, last: dt.date) -> int:
    """Weekdays Monday to Friday from `first` to `last`, both included."""
    if last < first:
        return 0
    return int(np.busday_count(first, last + dt.timedelta(days=1)))


def _merged(history: list[dict[str, Any]], before: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The paid periods in date order, overlapping or adjoining ones joined, cut before `before`."""
    periods = sorted(
        (_as_date(item["from"]), min(_as_date(item["to"]), before - dt.timedelta(days=1)))
        for item in history
    )
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in periods:
        if end < start:
            continue
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def summarise_history(
    history: list[dict[str, Any]], at: dt.date, birth_date: dt.date | None, p: Params
) -> dict[str, Any]:
    """The flat facts about sykepengedager already used, from the periods NAV paid.

    `p` is the benefit's parameters on `at` (the 26 weeks, the employer period, the three
    years, the 248 days and the age 67 are read from it). See the module docstring for the
    readings of the 26-week rule and the three-year window.
    """
    reset_days = int(p.reset_weeks) * DAYS_PER_WEEK
    periods = _merged(history, at)
    # The 26-week rule: keep only the periods after the last gap of 26 weeks without
    # sykepenger, the gap before the new incapacity included.
    ends = [*(start for start, _ in periods[1:]), at]
    kept_from = 0
    for index, (_, end) in enumerate(periods):
        if (ends[index] - end).days - 1 >= reset_days:
            kept_from = index + 1
    periods = periods[kept_from:]
    first_payment_day = at + dt.timedelta(days=int(p.employer_period_days))
    window_start = dates.add_years(first_payment_day, -int(p.lookback_years))
    counted = [(max(start, window_start), end) for start, end in periods if end >= window_start]
    used = sum(_weekdays(start, end) for start, end in counted)
    facts: dict[str, Any] = {"sick_days_used": used}
    if birth_date is not None:
        after_67 = dates.add_years(birth_date, int(p.reduced_right_age)) + dt.timedelta(days=1)
        facts["sick_days_used_after_67"] = sum(
            _weekdays(max(start, after_67), end) for start, end in counted
        )
    days_left = int(p.max_days) - used
    if not counted or days_left <= 0:
        facts["used_days_stay_in_window"] = True
    else:
        latest_maksdato = dates.add_weekdays(first_payment_day, days_left - 1)
        oldest_kept = dates.add_years(latest_maksdato, -int(p.lookback_years))
        if counted[0][0] >= oldest_kept:
            facts["used_days_stay_in_window"] = True
    return facts


def derive(raw: dict[str, Any], at: Any, params: Params) -> dict[str, Any]:
    """The flat facts of an application: the used sykepengedager from the sick-leave history.

    Flat facts given directly are kept, except a `used_days_stay_in_window` of False, which
    is dropped (not certain means undetermined). With a history, the derived facts are
    computed from it and replace any given directly. Without a history they stay missing
    unless given, so the maksdato is undetermined. `sick_days_used_after_67` also needs the
    birth date.
    """
    facts = {fact.name: raw[fact.name] for fact in FACTS if raw.get(fact.name) is not None}
    if facts.get("used_days_stay_in_window") is False:
        del facts["used_days_stay_in_window"]
    history = raw.get("sick_leave_history")
    if history is not None:
        birth = raw.get("birth_date")
        for name in DERIVED:
            facts.pop(name, None)
        birth_date = None if birth is None else _as_date(birth)
        facts.update(summarise_history(list(history), at, birth_date, params))
    return facts


@condition("ftrl. § 8-3 første ledd", needs=("birth_date", "at"))
def age(f: Namespace, p: Any, v: Namespace) -> Any:
    """No sykepenger from the 70th birthday: the day before it is the last possible day."""
    v.birthday_70 = dates.add_years(f.birth_date, int(p.max_age))
    v.last_day_by_age = dates.add_days(v.birthday_70, -1)
    return f.at < v.birthday_70


@condition("ftrl. § 8-2 og kapittel 2", needs=("folketrygd_member",))
def membership(f: Namespace, p: Any, v: Namespace) -> Any:
    """Only members of folketrygden (chapter 2) have the rights in chapter 8."""
    return f.folketrygd_member


@condition("ftrl. § 8-2 første ledd", needs=("days_in_work",))
def earning_period(f: Namespace, p: Any, v: Namespace) -> Any:
    """In work for at least four weeks (28 days) immediately before the incapacity. The
    exceptions (§§ 8-44 to 8-47) are not modelled."""
    return f.days_in_work >= p.earning_period_days


@condition("ftrl. § 8-4", needs=("incapacity_due_to_illness",))
def incapacity(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.incapacity_due_to_illness


@condition("ftrl. § 8-3 første ledd", needs=("loses_pensionable_income",))
def loss_of_income(f: Namespace, p: Any, v: Namespace) -> Any:
    return f.loses_pensionable_income


@condition("ftrl. § 8-3 andre ledd, § 8-51", needs=("yearly_income", "birth_date", "at"))
def minimum_income(f: Namespace, p: Any, v: Namespace) -> Any:
    """At least half of G; from the day after the 67th birthday at least 2 G, both measured
    against the G for minimum-income tests on `at` (see the module docstring).

    § 8-51 is applied as "at least 2 G" (an income of exactly 2 G is enough), as NAV's
    sykepenger system does (helse-spleis `oppfyllerMinsteinntektskrav = grunnlag >=
    minsteinntekt`, and its § 8-51 test where exactly 2 G is "oppfylt").
    """
    v.birthday_67 = dates.add_years(f.birth_date, int(p.reduced_right_age))
    v.after_67 = f.at > v.birthday_67
    v.income_factor = ops.where(v.after_67, p.min_income_factor_after_67, p.min_income_factor)
    v.income_threshold = v.income_factor * p.g_minimum_income
    return f.yearly_income >= v.income_threshold


@condition("ftrl. § 8-13", needs=("sick_leave_grade",))
def minimum_grade(f: Namespace, p: Any, v: Namespace) -> Any:
    """The ability to work must be reduced by at least 20 %."""
    v.grade_share = f.sick_leave_grade / 100
    return v.grade_share >= p.min_grade


@calculation("ftrl. § 8-10", needs=("yearly_income",))
def basis(f: Namespace, p: Any, v: Namespace) -> Any:
    """The sykepengegrunnlag: the yearly income, at most 6 G (the ordinary G on `at`)."""
    v.basis_cap = p.max_basis_factor * p.g
    return ops.minimum(f.yearly_income, v.basis_cap)


@calculation("ftrl. § 8-10 tredje ledd", needs=("basis",))
def daily_basis(f: Namespace, p: Any, v: Namespace) -> Any:
    """The sykepengegrunnlag per day: divided by 260 and rounded to whole kroner."""
    return ops.round_half_up(v.basis / p.working_days_per_year)


@calculation("ftrl. § 8-16, § 8-13", needs=("daily_basis", "sick_leave_grade"))
def daily_payment(f: Namespace, p: Any, v: Namespace) -> Any:
    """Sykepenger per day: the daily basis times the dekningsgrad (100 % for an arbeidstaker)
    times the grade, rounded to whole kroner."""
    v.grade_share = f.sick_leave_grade / 100
    return ops.round_half_up(v.daily_basis * p.coverage_rate * v.grade_share)


@calculation("ftrl. §§ 8-17 og 8-19", needs=("at",))
def first_payment_day(f: Namespace, p: Any, v: Namespace) -> Any:
    """The employer pays the first 16 calendar days; NAV pays from day 17 (weekdays only)."""
    v.employer_period_end = dates.add_days(f.at, p.employer_period_days - 1)
    return dates.add_days(f.at, p.employer_period_days)


@calculation(
    "ftrl. § 8-12, § 8-51, § 8-3",
    needs=(
        "first_payment_day",
        "birth_date",
        "sick_days_used",
        "sick_days_used_after_67",
        "used_days_stay_in_window",
    ),
)
def maksdato(f: Namespace, p: Any, v: Namespace) -> Any:
    """The last day sykepenger can be paid: the earliest of the day the 248 days are used up,
    the day the 60 days after the 67th birthday are used up, and the last weekday before the
    70th birthday. Assumes the member stays sick without a break from `at`.

    `used_days_stay_in_window` is only needed: without it the days that may leave the
    three-year window are not known and the maksdato is undetermined.
    """
    v.days_left = p.max_days - f.sick_days_used
    v.by_max_days = dates.add_weekdays(v.first_payment_day, v.days_left - 1)
    v.birthday_67 = dates.add_years(f.birth_date, int(p.reduced_right_age))
    v.days_left_after_67 = p.max_days_after_67 - f.sick_days_used_after_67
    first_day_after_67 = ops.maximum(v.first_payment_day, dates.add_days(v.birthday_67, 1))
    v.by_age_67 = dates.add_weekdays(first_day_after_67, v.days_left_after_67 - 1)
    v.by_age_70 = dates.add_weekdays(dates.add_years(f.birth_date, int(p.max_age)), -1)
    return ops.minimum(ops.minimum(v.by_max_days, v.by_age_67), v.by_age_70)


@condition("ftrl. § 8-12, § 8-51", needs=("maksdato", "first_payment_day"))
def maximum_period(f: Namespace, p: Any, v: Namespace) -> Any:
    """Sykepengedager are left: the maksdato is not before the first day NAV pays."""
    return v.maksdato >= v.first_payment_day


@calculation("ftrl. § 8-10 tredje ledd", needs=("daily_payment",))
def annual_amount(f: Namespace, p: Any, v: Namespace) -> Any:
    """The daily payment over a full year of 260 days, for population cost."""
    return v.daily_payment * p.working_days_per_year


SYKEPENGER = Benefit(
    id="sykepenger",
    chapter="ftrl. kapittel 8",
    facts=FACTS,
    parameters=PARAMETERS,
    rules=(
        age,
        membership,
        earning_period,
        incapacity,
        loss_of_income,
        minimum_income,
        minimum_grade,
        basis,
        daily_basis,
        daily_payment,
        first_payment_day,
        maksdato,
        maximum_period,
        annual_amount,
    ),
    amounts={
        "basis": "money",
        "daily_basis": "money",
        "daily_payment": "money",
        "first_payment_day": "date",
        "maksdato": "date",
    },
    annual_amount="annual_amount",
    derive=derive,
    inputs=INPUTS,
)
