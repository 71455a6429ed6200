"""Sykepenger: benefit while unable to work because of illness or injury, folketrygdloven
chapter 8 (arbeidstaker).

Conditions: age (§ 8-3 first paragraph: nothing from the 70th birthday), membership in
folketrygden (chapter 2), earning period of four weeks in work (§ 8-2), incapacity caused by
illness or injury (§ 8-4), loss of pensionable income (§ 8-3 first paragraph), minimum income
(§ 8-3 second paragraph: 0.5 G; § 8-51: 2 G after the 67th birthday), minimum grade
(§ 8-13: at least 20 %), sick leave beyond the arbeidsgiverperiode (§ 8-17) and sykepengedager
left (§ 8-12, § 8-51). Calculation: sykepengegrunnlag capped at 6 G (§ 8-10), daily basis
(§ 8-10 third paragraph), daily payment (dekningsgrad § 8-16, grade § 8-13), the end of the
arbeidsgiverperiode and the first day NAV pays (§§ 8-17, 8-19), the maksdato (§ 8-12, § 8-51,
§ 8-3), the sykepengedager used and left, the first day refused, and the yearly amount.

`at` is the skjæringstidspunkt: the first day of the sick leave the application is assessed
on (a revurdering is assessed from the day of the change instead). Only arbeidstakere are
modelled (dekningsgrad 100 %, the employer pays the first 16 days); selvstendig
næringsdrivende and frilansere (§§ 8-34 to 8-43) are not.

Rounding follows NAV's sykepenger system (navikt/helse-spleis, `Inntekt.rundTilDaglig`,
HALF_UP): the sykepengegrunnlag is kept in kroner as given; the daily basis (grunnlag / 260)
is rounded to whole kroner, and so is the amount paid per day (daily basis × dekningsgrad ×
grade). The minimum-income test compares the income before the 6 G cap, as spleis does.

Two G values can apply on one day. The minimum income (0.5 G, § 8-3 second paragraph; 2 G,
§ 8-51) is measured against the G NAV uses for minimum-income tests on `at`
(`common.grunnbelop_minimum_income`): a new G counts there only from the day NAV puts it into
use, some weeks after 1 May (2026: from 1 June), as in spleis (`Grunnbeløp.kt`, the
minimum-income G by virkningsdato). The 6 G cap of § 8-10 uses the ordinary G from 1 May.
Between the two dates the threshold is still half of last year's G. The higher requirement
of § 8-51 is applied when `at` is after the 67th birthday; spleis applies it to every
vedtaksperiode that ends after that birthday (`Minsteinntektsvurdering`), so a sick leave
that runs past the 67th birthday on an income between 0.5 G and 2 G is paid up to the
birthday only. That is not modelled here (a sick leave across the 67th birthday is assessed
on `at`).

The sick leave. The application gives its sick notes as periods (`sick_leave_periods`: from,
to and grade, both ends included) and the earlier periods in which NAV paid sykepenger
(`sick_leave_history`, after the employer periods). `derive` walks through the days
(`timeline.py`, where the readings are described) and gives the rules flat facts:

* the arbeidsgiverperiode of the last sick leave: 16 calendar days counted over the periods,
  a gap of fewer than 16 days between two periods continuing it (§ 8-19); its last day
  (`employer_period_last_day`), the first day of sick leave after it (`first_nav_day`) and
  whether the sick leave goes on after it on a weekday (`sick_after_employer_period`);
* the sykepengedager used by the end of the sick leave (`sick_days_used`, and
  `sick_days_used_after_67`), counted as NAV counts them: weekdays after the
  arbeidsgiverperiode (§ 8-11), public holidays not skipped, a graded day a whole day; a
  weekday with a grade under 20 % is refused and not counted;
* the day they are counted to (`days_counted_to`): the last weekday of the sick leave (but
  not after the last weekday before the 70th birthday), or, when every day is used, the day
  the last one was used. When the quota is used up, the maksdato stays that day, however
  later a new sick leave starts (shared/rules corrections 2026-12; spleis
  `MaksdatoberegningTest`, "opphold på mindre enn 26 uker skal ikke nullstille telleren");
* the first weekday after that day on which NAV would pay if days were left
  (`next_sick_weekday`): the first refused day is the later of it and the weekday after the
  maksdato.

The maksdato is then computed as spleis does (`Maksdatokontekst.beregnMaksdato`): the
days left counted as weekdays after `days_counted_to`; from the day after the 67th birthday
at most 60 days (§ 8-51, § 8-12 fourth paragraph), earlier days after that birthday
included; and never on or after the 70th birthday (§ 8-3; spleis `sisteVirkedagFør`). The
earliest of the three is the maksdato. (Spleis does not cap the ordinary maksdato at the 70th
birthday when it comes before the 67 limit; this module does, as § 8-3 says.) After the sick
leave the maksdato assumes the member stays sick without a break.

The 26-week rule (§ 8-12 second paragraph) follows NAV's practice by default: 182 calendar
days without sykepenger, the days of a new arbeidsgiverperiode counted (spleis
`TILSTREKKELIG_OPPHOLD_I_SYKEDAGER`). The law's words ("helt arbeidsfør i 26 uker") are the
other reading, chosen with the parameter `sykepenger.reset_counts_nav_practice` = 0; see
`timeline.py` for both. (Worked case S9: after 181 days at work the new arbeidsgiverperiode
makes 197 days without sykepenger, a new right in NAV's practice but not by the law's words.)

The three-year window (§ 8-12 first paragraph) is moved as spleis moves it: to three years
before the first day paid after a pause. After the sick leave, days could leave the window
while the member stays sick; spleis does not move the window then, but the words "de siste
tre årene" could be read so. This module stays careful: when a counted day could leave the
window before the latest possible maksdato, `derive` leaves out `used_days_stay_in_window`,
and the maksdato and the condition that days are left become undetermined (a caseworker
counts them). When all days are used already, the right is taken as used up.

An application without `sick_leave_periods` (the format before them) is a sick leave from
`at` that is taken to go on without a break: the arbeidsgiverperiode is the 16 days from
`at`, and the days used are counted before it, from the history alone. Without the history
the days used are not known, and the maksdato is undetermined.

`sick_leave_grade` is the grade the daily payment and § 8-13 are assessed on. With periods
it is the grade of the last period, unless the application gives it as well (a change of the
grade reported later, which applies from the day of the change).

`derive` needs the 16 days, the 26 weeks, the three years, the 248 and 60 days, the ages and
the minimum grade. It gets them as the benefit's parameters on `at` from the rule-set the
assessment runs under, so a reform of these values reaches the derived facts as it reaches
the rules below.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from trygd.rules import dates, ops
from trygd.rules.benefits.sykepenger import timeline
from trygd.rules.declarations import Benefit, Fact, Namespace, calculation, condition
from trygd.rules.parameters import Params

DAYS_PER_WEEK = 7
"""Calendar days in a week, to turn the 26 weeks of § 8-12 into days."""

PERCENT = 100
"""A grade is given in percent; the parameter `min_grade` is a share."""

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
        "sick-listed. With sick_leave_periods, the grade of the last period unless given.",
    ),
    Fact(
        "employer_period_last_day",
        "date",
        "The last day of the arbeidsgiverperiode of the last sick leave: its 16th calendar "
        "day, or where that would be if the sick leave went on (derived from "
        "sick_leave_periods; without them the 16th day from `at`).",
    ),
    Fact(
        "first_nav_day",
        "date",
        "The first day of sick leave after the arbeidsgiverperiode, from which NAV pays "
        "(derived; without sick_leave_periods the 17th day from `at`).",
    ),
    Fact(
        "sick_after_employer_period",
        "bool",
        "Whether the sick leave goes on after the arbeidsgiverperiode on at least one weekday "
        "(derived; without sick_leave_periods the sick leave is taken to go on).",
    ),
    Fact(
        "sick_days_used",
        "count",
        "Sykepengedager NAV has paid, or pays in the sick leave, that count towards the "
        "maximum: after the last 26 weeks without sykepenger and within the three-year window, "
        "up to days_counted_to (derived from sick_leave_history and sick_leave_periods).",
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
        "days_counted_to",
        "date",
        "The day sick_days_used is counted to: the last weekday of the sick leave (not after "
        "the last weekday before the 70th birthday), or the day the last sykepengedag was "
        "used when all are used (derived; needs the birth date).",
    ),
    Fact(
        "next_sick_weekday",
        "date",
        "The first weekday after days_counted_to, and after the arbeidsgiverperiode, on which "
        "the member is on sick leave; after the end of the sick leave it is taken to go on "
        "(derived).",
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

EMPLOYER_PERIOD_FACTS = (
    "employer_period_last_day",
    "first_nav_day",
    "sick_after_employer_period",
)
COUNT_FACTS = (
    "sick_days_used",
    "sick_days_used_after_67",
    "days_counted_to",
    "next_sick_weekday",
    "used_days_stay_in_window",
)
DERIVED = (*EMPLOYER_PERIOD_FACTS, *COUNT_FACTS)

INPUTS = (
    *(fact for fact in FACTS if fact.name not in DERIVED),
    Fact(
        "sick_leave_periods",
        "graded_periods",
        "The sick notes (sykmeldinger) of the sick leave: from, to (both included) and grade "
        "in percent. Days between the periods are days at work. The first period starts on "
        "the claim date (or before it, in a revurdering). Left out: a sick leave from the "
        "claim date that goes on (the format before periods).",
    ),
    Fact(
        "employer_refund",
        "bool",
        "Whether the employer keeps paying the salary during the sick leave and claims the "
        "sykepenger refunded (refusjon, ftrl. § 22-3; the employer says so in the "
        "inntektsmelding). Read by the payments, not by the rules: without it the payments "
        "are undetermined.",
    ),
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
    "employer_period_gap_days": "sykepenger.employer_period_gap_days",
    "max_days": "sykepenger.max_days",
    "max_days_after_67": "sykepenger.max_days_after_67",
    "lookback_years": "sykepenger.lookback_years",
    "reset_weeks": "sykepenger.reset_weeks",
    "reset_counts_nav_practice": "sykepenger.reset_counts_nav_practice",
}


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def limits(p: Params, birth_date: dt.date | None) -> timeline.Limits:
    """The numbers the day-by-day counts need: the benefit's parameters on `at`."""
    return timeline.Limits(
        employer_period_days=int(p.employer_period_days),
        employer_period_gap_days=int(p.employer_period_gap_days),
        reset_days=int(p.reset_weeks) * DAYS_PER_WEEK,
        lookback_years=int(p.lookback_years),
        max_days=int(p.max_days),
        max_days_after_67=int(p.max_days_after_67),
        min_grade=float(p.min_grade),
        nav_practice=bool(p.reset_counts_nav_practice),
        birthday_67=None
        if birth_date is None
        else dates.add_years(birth_date, int(p.reduced_right_age)),
        birthday_70=None if birth_date is None else dates.add_years(birth_date, int(p.max_age)),
    )


def _history_days(history: list[dict[str, Any]], before: dt.date) -> set[dt.date]:
    """The days NAV paid, cut before `before` (the new sick leave)."""
    last = before - dt.timedelta(days=1)
    periods = ((_as_date(item["from"]), min(_as_date(item["to"]), last)) for item in history)
    return timeline.days_of(timeline.merged(periods))


def _sick_days(periods: list[dict[str, Any]]) -> dict[dt.date, float]:
    """Day → grade over the sick notes; where two overlap (the input format refuses that),
    the one that starts later decides."""
    sick: dict[dt.date, float] = {}
    ordered = sorted(periods, key=lambda item: (_as_date(item["from"]), _as_date(item["to"])))
    for item in ordered:
        grade = float(item["grade"])
        for day in timeline.days_of([(_as_date(item["from"]), _as_date(item["to"]))]):
            sick[day] = grade
    return sick


def _counted(
    used: timeline.Used,
    end: dt.date,
    nav_sick: list[dt.date],
    first_nav_day: dt.date,
    rules: timeline.Limits,
    lookback_years: int,
) -> dict[str, Any]:
    """The flat facts of the count: the days used, the day they are counted to, the next
    sick weekday and whether the days used stay in the window."""
    facts: dict[str, Any] = {"sick_days_used": len(used.days)}
    last_weekday = timeline.last_weekday_on_or_before(end)
    days_left = rules.max_days - len(used.days)
    if not used.days or days_left <= 0:
        facts["used_days_stay_in_window"] = True
    else:
        latest_maksdato = dates.add_weekdays(last_weekday + timeline.ONE_DAY, days_left - 1)
        if used.days[0] >= dates.add_years(latest_maksdato, -lookback_years):
            facts["used_days_stay_in_window"] = True
    if rules.birthday_67 is None or rules.birthday_70 is None:
        return facts  # the age limits decide what counts: nothing more without them
    after_67 = used.after(rules.birthday_67)
    facts["sick_days_used_after_67"] = after_67
    used_up = days_left <= 0 or after_67 >= rules.max_days_after_67
    if used_up and used.days:
        counted_to = used.days[-1]
    else:
        before_70 = timeline.last_weekday_on_or_before(rules.birthday_70 - timeline.ONE_DAY)
        counted_to = min(last_weekday, before_70)
    facts["days_counted_to"] = counted_to
    after = max(counted_to, first_nav_day - timeline.ONE_DAY)
    facts["next_sick_weekday"] = next(
        (day for day in nav_sick if day > after), timeline.first_weekday_after(max(after, end))
    )
    return facts


def summarise_periods(
    periods: list[dict[str, Any]],
    history: list[dict[str, Any]] | None,
    birth_date: dt.date | None,
    p: Params,
) -> dict[str, Any]:
    """The flat facts from the sick notes and the history (see the module docstring)."""
    rules = limits(p, birth_date)
    sick = _sick_days(periods)
    paid_before = _history_days(history or [], min(sick))
    kinds, employer = timeline.classify(sick, paid_before, rules)
    used = timeline.count_used(kinds, rules, window_at=None)
    nav_sick = sorted(
        day
        for day, kind in kinds.items()
        if day >= employer.first_nav_day and kind in (timeline.Day.PAID, timeline.Day.LOW_GRADE)
    )
    return {
        "employer_period_last_day": employer.last_day,
        "first_nav_day": employer.first_nav_day,
        "sick_after_employer_period": employer.nav_has_days,
        **_counted(used, max(sick), nav_sick, employer.first_nav_day, rules, int(p.lookback_years)),
    }


def summarise_history(
    history: list[dict[str, Any]], at: dt.date, birth_date: dt.date | None, p: Params
) -> dict[str, Any]:
    """The flat facts of a sick leave from `at` that goes on (no periods given): the days
    used before it, from the periods NAV paid, counted up to the end of its
    arbeidsgiverperiode (the 16 days from `at`)."""
    rules = limits(p, birth_date)
    period_end = at + dt.timedelta(days=int(p.employer_period_days) - 1)
    kinds = {day: timeline.Day.PAID for day in _history_days(history, at)}
    for day in kinds:
        if not timeline.is_weekday(day):
            kinds[day] = timeline.Day.SICK_WEEKEND
    for day in timeline.days_of([(at, period_end)]):
        kinds[day] = timeline.Day.EMPLOYER
    first_nav_day = period_end + timeline.ONE_DAY
    used = timeline.count_used(kinds, rules, window_at=first_nav_day)
    return _counted(used, period_end, [], first_nav_day, rules, int(p.lookback_years))


def derive(raw: dict[str, Any], at: Any, params: Params) -> dict[str, Any]:
    """The flat facts of an application: the arbeidsgiverperiode and the sykepengedager used
    from the sick notes and the history.

    Flat facts given directly are kept, except a `used_days_stay_in_window` of False, which
    is dropped (not certain means undetermined). With sick-leave periods, every derived fact
    is computed from them and the history and replaces any given directly. Without periods the
    sick leave runs from `at` and goes on: the arbeidsgiverperiode is the 16 days from `at`,
    and the days used come from the history; without a history they stay missing unless
    given, so the maksdato is undetermined. `sick_days_used_after_67`, `days_counted_to`
    and `next_sick_weekday` also need the birth date, as the age limits decide what counts.
    """
    facts = {fact.name: raw[fact.name] for fact in FACTS if raw.get(fact.name) is not None}
    if facts.get("used_days_stay_in_window") is False:
        del facts["used_days_stay_in_window"]
    birth = raw.get("birth_date")
    birth_date = None if birth is None else _as_date(birth)
    history = raw.get("sick_leave_history")
    periods = raw.get("sick_leave_periods")
    if periods:
        for name in DERIVED:
            facts.pop(name, None)
        facts.update(summarise_periods(list(periods), history, birth_date, params))
        if "sick_leave_grade" not in facts:
            last = max(periods, key=lambda item: (_as_date(item["from"]), _as_date(item["to"])))
            facts["sick_leave_grade"] = last["grade"]
        return facts
    period_end = at + dt.timedelta(days=int(params.employer_period_days) - 1)
    facts.setdefault("employer_period_last_day", period_end)
    facts.setdefault("first_nav_day", period_end + timeline.ONE_DAY)
    facts.setdefault("sick_after_employer_period", True)
    if history is not None:
        for name in COUNT_FACTS:
            facts.pop(name, None)
        facts.update(summarise_history(list(history), at, birth_date, params))
        return facts
    facts.update(_counted_as_given(facts, period_end, birth_date, params))
    return facts


def _counted_as_given(
    facts: dict[str, Any], period_end: dt.date, birth_date: dt.date | None, p: Params
) -> dict[str, Any]:
    """Without periods and history, the day the days given directly are counted to: the end
    of the arbeidsgiverperiode, when none of the maxima is reached (the day a maximum was
    reached is not known)."""
    found: dict[str, Any] = {}
    used, after_67 = facts.get("sick_days_used"), facts.get("sick_days_used_after_67")
    if birth_date is None or used is None or after_67 is None:
        return found
    if used >= int(p.max_days) or after_67 >= int(p.max_days_after_67):
        return found
    birthday_70 = dates.add_years(birth_date, int(p.max_age))
    before_70 = timeline.last_weekday_on_or_before(birthday_70 - timeline.ONE_DAY)
    counted_to = min(timeline.last_weekday_on_or_before(period_end), before_70)
    if "days_counted_to" not in facts:
        found["days_counted_to"] = counted_to
    if "next_sick_weekday" not in facts:
        found["next_sick_weekday"] = timeline.first_weekday_after(max(counted_to, period_end))
    return found


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


@calculation("ftrl. § 8-19", needs=("employer_period_last_day",))
def employer_period_end(f: Namespace, p: Any, v: Namespace) -> Any:
    """The employer pays the first 16 calendar days of the sick leave; sick leaves with fewer
    than 16 days between them are one arbeidsgiverperiode (counted by `derive`)."""
    return f.employer_period_last_day


@calculation("ftrl. §§ 8-17 og 8-19", needs=("first_nav_day", "employer_period_end"))
def first_payment_day(f: Namespace, p: Any, v: Namespace) -> Any:
    """NAV pays from the first day of sick leave after the arbeidsgiverperiode (weekdays
    only, § 8-11)."""
    return f.first_nav_day


@condition(
    "ftrl. § 8-17 første ledd bokstav a",
    needs=("sick_after_employer_period", "employer_period_end"),
)
def beyond_employer_period(f: Namespace, p: Any, v: Namespace) -> Any:
    """NAV pays only for sick leave after the arbeidsgiverperiode: a sick leave that ends
    within it is the employer's alone."""
    return f.sick_after_employer_period


@calculation(
    "ftrl. § 8-12, § 8-51, § 8-3",
    needs=(
        "days_counted_to",
        "birth_date",
        "sick_days_used",
        "sick_days_used_after_67",
        "used_days_stay_in_window",
    ),
)
def maksdato(f: Namespace, p: Any, v: Namespace) -> Any:
    """The last day sykepenger can be paid: the earliest of the day the 248 days are used up,
    the day the 60 days after the 67th birthday are used up, and the last weekday before the
    70th birthday. The days left are weekdays after `days_counted_to`; when all are used,
    that is the day the last one was used, and the maksdato stays there. After the sick
    leave it assumes the member stays sick without a break.

    `used_days_stay_in_window` is only needed: without it the days that may leave the
    three-year window are not known and the maksdato is undetermined.
    """
    v.days_left = p.max_days - f.sick_days_used
    first_counted = dates.add_days(f.days_counted_to, 1)
    v.by_max_days = dates.add_weekdays(first_counted, v.days_left - 1)
    v.birthday_67 = dates.add_years(f.birth_date, int(p.reduced_right_age))
    v.days_left_after_67 = p.max_days_after_67 - f.sick_days_used_after_67
    first_counted_after_67 = dates.add_days(ops.maximum(f.days_counted_to, v.birthday_67), 1)
    v.by_age_67 = dates.add_weekdays(first_counted_after_67, v.days_left_after_67 - 1)
    v.by_age_70 = dates.add_weekdays(dates.add_years(f.birth_date, int(p.max_age)), -1)
    return ops.minimum(ops.minimum(v.by_max_days, v.by_age_67), v.by_age_70)


@condition("ftrl. § 8-12, § 8-51", needs=("maksdato", "first_payment_day"))
def maximum_period(f: Namespace, p: Any, v: Namespace) -> Any:
    """Sykepengedager are left: the maksdato is not before the first day NAV pays."""
    return v.maksdato >= v.first_payment_day


@calculation("ftrl. § 8-12", needs=("sick_days_used", "days_counted_to"))
def days_used(f: Namespace, p: Any, v: Namespace) -> Any:
    """The sykepengedager used by the end of the sick leave (by `days_counted_to`)."""
    return f.sick_days_used


@calculation("ftrl. § 8-12, § 8-51, § 8-3", needs=("maksdato", "days_counted_to"))
def days_remaining(f: Namespace, p: Any, v: Namespace) -> Any:
    """The sykepengedager left after the sick leave: the weekdays after `days_counted_to`
    up to and including the maksdato (so the limits at 67 and 70 are in it), as spleis
    counts `gjenståendeDager`."""
    return dates.weekdays_after(f.days_counted_to, v.maksdato)


@calculation("ftrl. § 8-12, § 8-51, § 8-3", needs=("maksdato", "next_sick_weekday"))
def first_refused_day(f: Namespace, p: Any, v: Namespace) -> Any:
    """The first day NAV cannot pay: the first weekday after the maksdato, but not before
    the next weekday of sick leave (a sick leave after a used-up quota is refused from its
    first day after the arbeidsgiverperiode). Within the sick leave it is a day refused;
    after it, the day NAV would stop if the sick leave went on."""
    v.day_after_maksdato = dates.add_weekdays(dates.add_days(v.maksdato, 1), 0)
    return ops.maximum(f.next_sick_weekday, v.day_after_maksdato)


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
        employer_period_end,
        first_payment_day,
        beyond_employer_period,
        maksdato,
        maximum_period,
        days_used,
        days_remaining,
        first_refused_day,
        annual_amount,
    ),
    amounts={
        "basis": "money",
        "daily_basis": "money",
        "daily_payment": "money",
        "employer_period_end": "date",
        "first_payment_day": "date",
        "maksdato": "date",
        "days_used": "days",
        "days_remaining": "days",
        "first_refused_day": "date",
    },
    annual_amount="annual_amount",
    derive=derive,
    inputs=INPUTS,
)
