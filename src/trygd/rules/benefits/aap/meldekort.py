"""What an AAP meldekort gives for its meldeperiode (ftrl. §§ 11-10, 11-20, 11-23).

The grade comes from `gradering.grade_for_work` (§ 11-23, as NAV's aap-behandlingsflyt
`GraderingArbeidRegel` computes it): 100 % less the larger of the share worked (all hours of
the period over 75, scaled down for a period with fewer weekdays with a right) and the
fastsatt arbeidsevne; nothing above 60 % worked (80 % in arbeidsopptrapping, 70 % with a
recognised yrkesskade). Each weekday with a right pays the vedtak's daily rate and its
barnetillegg, both graded by the same percent (§ 11-23: the barnetillegg is graded the same
way, navikt/aap-behandlingsflyt `BeregnTilkjentYtelseService`: rate x grade + barnetillegg x
grade). Saturday and Sunday are not paid.

Sick, absent and tiltak days do not change the AAP paid for the period here: absence from an
agreed activity is a matter of aktivitetsplikt (§§ 11-7 to 11-9), which a caseworker handles.
The rounding of a graded day to whole kroner (HALF_UP per day) is trygd's; NAV's rounding of
tilkjent ytelse per day was not read, so the amounts may differ from NAV's by up to a krone a
day (an open question in docs/architecture.md).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from trygd.rules.benefits.aap.gradering import GRADERING_PARAMETERS, Reason, grade_for_work
from trygd.rules.meldekort import (
    CALCULATED,
    ORE_PER_KRONE,
    UNDETERMINED,
    DayLine,
    PeriodInput,
    PeriodResult,
    kroner_text,
    legal_basis_text,
    ore,
    rule_version,
)
from trygd.rules.parameters import ParameterSet, resolve

BENEFIT_ID: Final = "aap"
SATURDAY: Final = 5
FULL: Final = 100


def _graded_day(amount_ore: int, grade: int) -> int:
    """One day's amount at `grade` percent, to whole kroner HALF_UP (in øre)."""
    kroner = Fraction(amount_ore, ORE_PER_KRONE) * grade / FULL
    return math.floor(kroner + Fraction(1, 2)) * ORE_PER_KRONE


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dict) and "$date" in value:
        value = value["$date"]
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{field}: {value!r} is not a date") from None


def with_vedtak_terms(given: PeriodInput) -> PeriodInput:
    """The terms the vedtak fixed for its meldeperioder, read from its facts where it has
    them: the fastsatt arbeidsevne (§ 11-23 second ledd, `fixed_work_capacity`), whether the
    period starts in arbeidsopptrapping (§ 11-23 sixth ledd, `opptrapping_periods`) and a
    recognised yrkesskade (`occupational_injury`, the 70 % limit). A vedtak without them
    fixed none, and the fields of `given` stand."""
    facts = given.facts
    terms: dict[str, Any] = {}
    capacity = facts.get("fixed_work_capacity")
    if capacity is not None:
        if isinstance(capacity, bool) or not isinstance(capacity, (int, float)):
            raise ValueError(f"fixed_work_capacity: {capacity!r} is not a percent")
        if not 0 <= capacity <= FULL:
            raise ValueError(f"fixed_work_capacity: {capacity!r} is not from 0 to 100")
        terms["work_capacity_percent"] = int(capacity)
    periods = facts.get("opptrapping_periods")
    if periods is not None:
        terms["opptrapping"] = any(
            _date(p.get("from"), "opptrapping_periods.from")
            <= given.period_start
            <= _date(p.get("to"), "opptrapping_periods.to")
            for p in periods
        )
    if facts.get("occupational_injury") is not None:
        terms["occupational_injury"] = facts.get("occupational_injury") is True
    return replace(given, **terms) if terms else given


def calculate(given: PeriodInput, parameter_set: ParameterSet) -> PeriodResult:
    """The AAP of one meldeperiode. Raises ValueError naming a stored amount that is missing."""
    given = with_vedtak_terms(given)
    p = resolve(parameter_set, GRADERING_PARAMETERS, given.period_start)
    rate = ore(given.amounts.get("daily_rate"), "daily_rate")
    child = ore(given.amounts.get("child_supplement", 0), "child_supplement")
    kinds: list[str] = []
    hours = Decimal(0)
    for day in given.days:
        if not given.has_right(day.day):
            kinds.append("outside_vedtak")
            continue
        hours += day.hours_worked
        kinds.append("weekend" if day.day.weekday() >= SATURDAY else "paid_graded")
    weekdays = kinds.count("paid_graded")
    if weekdays:
        grading = grade_for_work(
            float(hours),
            given.work_capacity_percent,
            p,
            weekdays=weekdays,
            occupational_injury=given.occupational_injury,
            opptrapping=given.opptrapping,
        )
        grade = int(grading.payment_percent)
        above = grading.reason is Reason.ABOVE_LIMIT
        share, limit = int(grading.share_worked_percent), int(grading.limit_percent)
    else:
        grade, above, share, limit = 0, False, 0, 0
    per_day = _graded_day(rate, grade) + _graded_day(child, grade)
    undetermined = ("late",) if given.late else ()
    if above:
        kinds = ["above_limit_graded" if k == "paid_graded" else k for k in kinds]
    if undetermined:
        kinds = ["withheld_late" if k == "paid_graded" else k for k in kinds]
    lines = tuple(
        DayLine(
            day=day.day,
            paid=kind == "paid_graded",
            amount_ore=per_day if kind == "paid_graded" else 0,
            reason=kind,
            legal_basis=legal_basis_text(parameter_set, kind),
            hours_worked=day.hours_worked,
        )
        for day, kind in zip(given.days, kinds, strict=True)
    )
    total = sum(line.amount_ore for line in lines)
    summary = "aap_no_workdays" if weekdays == 0 else "aap_above_limit" if above else "aap_paid"
    return PeriodResult(
        benefit=BENEFIT_ID,
        period_start=given.period_start,
        period_end=given.period_end,
        status=UNDETERMINED if undetermined else CALCULATED,
        gross_ore=total,
        grade_percent=0 if undetermined else grade,
        hours_worked=hours,
        days=lines,
        parameters=p.used,
        rule_version=rule_version(parameter_set),
        summary=summary,
        values={
            "hours": hours,
            "share_worked": share / FULL,
            "work_capacity": given.work_capacity_percent / FULL,
            "limit_share": limit / FULL,
            "grade": grade / FULL,
            "weekdays": weekdays,
            "daily_rate": kroner_text(rate),
            "child_supplement": kroner_text(child),
            "per_day": kroner_text(per_day),
            "amount": kroner_text(total),
        },
        undetermined=undetermined,
    )
