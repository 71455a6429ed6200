"""What a dagpenger meldekort gives for its meldeperiode (ftrl. §§ 4-3, 4-8, 4-9, 4-12).

The rule follows NAV's dagpenger engine (navikt/dp-behandling 54fcd6f, `regelsett/beregning/
Beregningsperiode.kt`, `BeregningsperiodeFabrikk.kt`, `hendelse/MeldekortDagerTilOpplysning.kt`
and `features/XX-Beregning.feature`); facts are used, the code is not copied:

- A weekday (Monday-Friday) with a right to dagpenger is an arbeidsdag unless the person was
  sick or away (ferie, fravær) that day; such a day is not paid and brings no working time.
  A day in a tiltak is an arbeidsdag. Saturday and Sunday are never paid (five days a week,
  § 4-12), but hours worked on them count.
- Each arbeidsdag brings a fifth of the fastsatt arbeidstid: the vedtak's usual weekly hours,
  at most `dagpenger.max_normal_working_hours` (§ 4-3).
- If the hours worked are more than (1 - `dagpenger.min_lost_working_time`) of that sum
  (50 %: the same threshold as § 4-3), nothing is paid for the period; exactly the limit is
  still paid (dp-behandling: timer / sumFva <= terskel).
- Otherwise each arbeidsdag pays the vedtak's daily amount with barnetillegg (`total_daily`,
  after the 90 % cap) times the share of working time lost, (sum - hours) / sum.
- The egenandel of the vedtak (§ 4-9, three daily amounts from 2024) is taken from the first
  periods' amounts until it is used up.
- The period's amount and the egenandel taken are whole kroner, rounded down after rounding
  to øre, as NAV's `Beløp.avrundetBeløp` does (`Money.with(ører)` HALF_UP, then `toInt()`);
  the amount is spread over the paid days, equal kroner and the rest on the last day.

Not modelled (each stated as a limit in docs/architecture.md): the quota of stønadsdager left
(a period past the last day of the right is cut by the vedtak's end date only), sanksjon and
bortfall days, samordning changes within a period, and the rule that three periods in a row
without enough lost working time can stop the right (dp-behandling
`TreMeldePerioderUtentilstrekkeligTapAvArbeidstid`).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Final

from trygd.rules.meldekort import (
    CALCULATED,
    ORE_PER_KRONE,
    UNDETERMINED,
    DayLine,
    PeriodInput,
    PeriodResult,
    hours_text,
    kroner_text,
    legal_basis_text,
    ore,
    rule_version,
    spread,
)
from trygd.rules.parameters import ParameterSet, resolve

BENEFIT_ID: Final = "dagpenger"

PARAMETERS: Final = {
    "min_lost_working_time": "dagpenger.min_lost_working_time",
    "max_normal_working_hours": "dagpenger.max_normal_working_hours",
    "working_days_per_week": "common.working_days_per_week",
}

SATURDAY: Final = 5


def _whole_kroner_down(amount_ore: Fraction) -> int:
    """NAV's `avrundetBeløp`: to øre HALF_UP, then the kroner without the øre (in øre)."""
    in_ore = math.floor(amount_ore + Fraction(1, 2))
    return (in_ore // ORE_PER_KRONE) * ORE_PER_KRONE


def calculate(given: PeriodInput, parameter_set: ParameterSet) -> PeriodResult:
    """The dagpenger of one meldeperiode. Raises ValueError naming a stored amount or fact of
    the vedtak that is missing (nothing is guessed)."""
    p = resolve(parameter_set, PARAMETERS, given.period_start)
    usual = given.facts.get("normal_working_hours")
    if isinstance(usual, bool) or not isinstance(usual, int | float | str):
        raise ValueError("the vedtak's fact normal_working_hours is missing or not a number")
    weekly = min(Fraction(str(usual)), Fraction(str(p.max_normal_working_hours)))
    per_day = weekly / Fraction(str(p.working_days_per_week))
    rate = ore(given.amounts.get("total_daily"), "total_daily")
    egenandel_left = (
        given.egenandel_left_ore
        if given.egenandel_left_ore is not None
        else ore(given.amounts.get("egenandel"), "egenandel")
    )

    kinds: list[str] = []
    hours = Fraction(0)
    for day in given.days:
        if not given.has_right(day.day):
            kinds.append("outside_vedtak")
            continue
        hours += Fraction(day.hours_worked)
        if day.day.weekday() >= SATURDAY:
            kinds.append("weekend")
        elif day.sick:
            kinds.append("sick")
        elif day.absent:
            kinds.append("absent")
        else:
            kinds.append("paid")
    workdays = kinds.count("paid")
    working_time = per_day * workdays
    max_share = 1 - Fraction(str(p.min_lost_working_time))
    limit = working_time * max_share
    above = workdays > 0 and hours > limit
    factor = (working_time - hours) / working_time if workdays and not above else Fraction(0)

    gross = Fraction(rate) * workdays * factor
    used = min(gross, Fraction(egenandel_left))
    deducted = _whole_kroner_down(used)
    amount = _whole_kroner_down(gross - used)

    undetermined = tuple(
        reason
        for reason, applies in (
            ("late", given.late),
            ("not_job_seeker", not given.still_job_seeker),
        )
        if applies
    )
    if undetermined:
        withheld = "withheld_late" if given.late else "withheld_not_job_seeker"
        kinds = [withheld if k == "paid" else k for k in kinds]
        payable, taken = 0, 0
    else:
        payable, taken = amount, deducted
    if above:
        kinds = ["above_limit" if k == "paid" else k for k in kinds]
    amounts = iter(spread(payable, kinds.count("paid")))
    lines = tuple(
        DayLine(
            day=day.day,
            paid=kind == "paid",
            amount_ore=next(amounts) if kind == "paid" else 0,
            reason=kind,
            legal_basis=legal_basis_text(parameter_set, kind),
            hours_worked=day.hours_worked,
        )
        for day, kind in zip(given.days, kinds, strict=True)
    )
    if workdays == 0:
        summary = "dagpenger_no_workdays"
    elif above:
        summary = "dagpenger_above_limit"
    else:
        summary = "dagpenger_paid"
    grade = math.floor(factor * 100 + Fraction(1, 2))
    return PeriodResult(
        benefit=BENEFIT_ID,
        period_start=given.period_start,
        period_end=given.period_end,
        status=UNDETERMINED if undetermined else CALCULATED,
        gross_ore=payable,
        grade_percent=0 if undetermined else grade,
        hours_worked=Decimal(hours.numerator) / Decimal(hours.denominator),
        days=lines,
        parameters=p.used,
        rule_version=rule_version(parameter_set),
        summary=summary,
        values={
            "hours": hours_text(hours),
            "weekly_hours": hours_text(weekly),
            "working_time": hours_text(working_time),
            "limit_hours": hours_text(limit),
            "limit_share": float(max_share),
            "lost_share": float(factor),
            "workdays": workdays,
            "daily_amount": kroner_text(rate),
            "amount": kroner_text(amount),
            "egenandel_deducted": kroner_text(deducted),
            "egenandel_left": kroner_text(egenandel_left - deducted),
        },
        undetermined=undetermined,
        egenandel_deducted_ore=taken,
        egenandel_left_ore=egenandel_left - taken,
    )
