"""What a meldekort gives for its meldeperiode: the shared input and result of the benefits'
period rules (`benefits/<id>/meldekort.py`), and their explanation in nb, nn and en.

Each benefit with meldeplikt has its own rule for a period (dagpenger: hours worked reduce
the payment, ftrl. §§ 4-3, 4-8, 4-12; AAP: § 11-23 gradering); both take a `PeriodInput`
(the days as the person reported them, and the vedtak's stored amounts, never recomputed)
and give a `PeriodResult`: one line per day with the reason and its §, the period's amount
in whole øre, the grade, the parameters used and an explanation. A result that the rules
cannot settle (a late card, "no" to still being a job seeker) is `undetermined`, pays
nothing yet and names why, so that a caseworker decides.

Pure: no database or clock; amounts are integers (øre) or exact fractions, never floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, Protocol

from trygd.rules.formatting import LANGUAGES, render
from trygd.rules.parameters import ParameterSet, UsedParameter
from trygd.rules.texts import catalogue

MELDEKORT_RULES_VERSION: Final = "meldekort-2026.12.1"
"""Version of the period rules' logic; the result's `rule_version` adds the parameters'
digest, as assessments do."""

ORE_PER_KRONE: Final = 100

CALCULATED: Final = "calculated"
UNDETERMINED: Final = "undetermined"


class ReportedDay(Protocol):
    """One day as the person reported it (`trygd.domain.meldekort.CardDay` is one)."""

    @property
    def day(self) -> dt.date: ...
    @property
    def hours_worked(self) -> Decimal: ...
    @property
    def sick(self) -> bool: ...
    @property
    def absent(self) -> bool: ...
    @property
    def tiltak(self) -> bool: ...


# Why a day is paid or not: the reason code, and the name of its legal basis in
# legal_bases.toml (or a parameter, for reasons that a number carries).
DAY_REASONS: Final = {
    "paid": "meldekort_work_reduces",
    "paid_graded": "meldekort_aap_graded",
    "weekend": "meldekort_weekend",
    "sick": "meldekort_sick_or_absent",
    "absent": "meldekort_sick_or_absent",
    "outside_vedtak": "meldekort_outside_vedtak",
    "above_limit": "meldekort_work_reduces",
    "above_limit_graded": "meldekort_aap_graded",
    "withheld_late": "meldekort_late",
    "withheld_not_job_seeker": "meldekort_not_job_seeker",
    "withheld_vedtak_incomplete": "meldekort_vedtak_incomplete",
}

UNDETERMINED_REASONS: Final = {
    "late": "meldekort_late",
    "not_job_seeker": "meldekort_not_job_seeker",
    "vedtak_incomplete": "meldekort_vedtak_incomplete",
}


@dataclass(frozen=True)
class PeriodInput:
    """Everything a period rule reads.

    `amounts` are the vedtak's stored amounts in kroner as its decision record holds them
    (dagpenger: `total_daily`, `daily_rate`, `egenandel`; AAP: `daily_rate`,
    `child_supplement`). `facts` are the vedtak's facts (dagpenger reads
    `normal_working_hours`). `egenandel_left_ore` is what is left of the egenandel before
    this period (None: the whole egenandel of the vedtak, the first period)."""

    period_start: dt.date
    period_end: dt.date
    days: Sequence[ReportedDay]
    still_job_seeker: bool
    effective_from: dt.date
    amounts: Mapping[str, Any]
    facts: Mapping[str, Any] = field(default_factory=dict)
    effective_to: dt.date | None = None
    late: bool = False
    egenandel_left_ore: int | None = None
    work_capacity_percent: int = 0
    """AAP: the fastsatt arbeidsevne (§ 11-23 second ledd); 0 where NAV fixed none."""
    opptrapping: bool = False
    """AAP: the period is in arbeidsopptrapping (§ 11-23 sixth ledd)."""
    occupational_injury: bool = False

    def has_right(self, day: dt.date) -> bool:
        if day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to


@dataclass(frozen=True)
class DayLine:
    day: dt.date
    paid: bool
    amount_ore: int
    reason: str
    legal_basis: str
    hours_worked: Decimal


@dataclass(frozen=True)
class PeriodResult:
    """The result of one meldekort version, in no language (`explain` gives the words)."""

    benefit: str
    period_start: dt.date
    period_end: dt.date
    status: str
    """`calculated`, or `undetermined` (then nothing is paid until a caseworker decides)."""
    gross_ore: int
    grade_percent: int
    hours_worked: Decimal
    days: tuple[DayLine, ...]
    parameters: tuple[UsedParameter, ...]
    rule_version: str
    summary: str
    """The text key of the explanation in texts/meldekort.toml (`dagpenger_paid`, ...)."""
    values: Mapping[str, Any]
    """The numbers the explanation names (hours, limits, amounts in kroner, dates)."""
    undetermined: tuple[str, ...] = ()
    egenandel_deducted_ore: int = 0
    egenandel_left_ore: int = 0

    def explain(self, language: str) -> str:
        texts = catalogue("meldekort")
        values = {k: float(v) if isinstance(v, Decimal) else v for k, v in self.values.items()}
        parts = [render(texts.rule_text("summary", self.summary, language), values, language)]
        for reason in self.undetermined:
            parts.append(render(texts.rule_text("undetermined", reason, language), {}, language))
        return " ".join(parts)

    def day_reason(self, line: DayLine, language: str) -> str:
        return catalogue("meldekort").rule_text("day", line.reason, language)

    def to_json(self) -> dict[str, Any]:
        """The result as stored beside the card version (amounts as integers, hours as text)."""
        return {
            "benefit": self.benefit,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "status": self.status,
            "gross_ore": self.gross_ore,
            "grade_percent": self.grade_percent,
            "hours_worked": str(self.hours_worked),
            "egenandel_deducted_ore": self.egenandel_deducted_ore,
            "egenandel_left_ore": self.egenandel_left_ore,
            "undetermined": list(self.undetermined),
            "days": [
                {
                    "date": d.day.isoformat(),
                    "paid": d.paid,
                    "amount_ore": d.amount_ore,
                    "reason": d.reason,
                    "legal_basis": d.legal_basis,
                    "hours_worked": str(d.hours_worked),
                    "explanation": {lang: self.day_reason(d, lang) for lang in LANGUAGES},
                }
                for d in self.days
            ],
            "parameters": [
                {
                    "name": p.name,
                    "value": p.value,
                    "valid_from": p.valid_from.isoformat(),
                    "unit": p.unit,
                    "legal_basis": p.legal_basis,
                    "source": p.source,
                    "status": p.status,
                }
                for p in self.parameters
            ],
            "rule_version": self.rule_version,
            "summary": self.summary,
            "values": {k: _plain(v) for k, v in self.values.items()},
            "explanation": {lang: self.explain(lang) for lang in LANGUAGES},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | Fraction):
        return str(value)
    return value


def ore(kroner: Any, name: str) -> int:
    """A stored amount in kroner (a number from the decision record) as whole øre.

    Refuses a missing, negative or non-numeric amount, naming it: the vedtak's record must
    hold it, and nothing is guessed."""
    if isinstance(kroner, bool) or not isinstance(kroner, int | float | str | Decimal):
        raise ValueError(f"the vedtak's amount {name} is missing or not a number")
    exact = Decimal(str(kroner)) * ORE_PER_KRONE
    if not exact.is_finite() or exact < 0 or exact != exact.to_integral_value():
        raise ValueError(f"the vedtak's amount {name} is not a whole number of øre: {kroner}")
    return int(exact)


def vedtak_incomplete(
    benefit: str, given: PeriodInput, parameter_set: ParameterSet, missing: str
) -> PeriodResult:
    """The result of a card whose vedtak lacks a fact or amount the period's rule needs
    (`missing` names it): nothing is paid and nothing is guessed; a caseworker completes the
    vedtak and decides the period (fvl. § 17). The card itself is kept as sent."""
    lines = tuple(
        DayLine(
            day=day.day,
            paid=False,
            amount_ore=0,
            reason="withheld_vedtak_incomplete",
            legal_basis=legal_basis_text(parameter_set, "withheld_vedtak_incomplete"),
            hours_worked=day.hours_worked,
        )
        for day in given.days
    )
    return PeriodResult(
        benefit=benefit,
        period_start=given.period_start,
        period_end=given.period_end,
        status=UNDETERMINED,
        gross_ore=0,
        grade_percent=0,
        hours_worked=sum((day.hours_worked for day in given.days), Decimal(0)),
        days=lines,
        parameters=(),
        rule_version=rule_version(parameter_set),
        summary="vedtak_incomplete",
        values={"missing": missing},
        undetermined=("vedtak_incomplete",),
    )


def legal_basis_text(parameter_set: ParameterSet, reason: str) -> str:
    return parameter_set.legal_basis(DAY_REASONS[reason]).text


def rule_version(parameter_set: ParameterSet) -> str:
    return f"{MELDEKORT_RULES_VERSION}+{parameter_set.digest}"


def kroner_text(amount_ore: int) -> Decimal:
    """Øre as kroner, for a text."""
    return Decimal(amount_ore) / ORE_PER_KRONE


def hours_text(hours: Fraction) -> Decimal:
    """Hours (an exact fraction) for a text, to two decimals."""
    return (Decimal(hours.numerator) / Decimal(hours.denominator)).quantize(Decimal("0.01"))


def spread(total_ore: int, days: int) -> list[int]:
    """A period's amount over its paid days: equal whole kroner per day, the rest on the last
    day (NAV's `fordelPåDager` in dp-behandling's Beregningsperiode.kt)."""
    if days == 0:
        return []
    kroner, extra_ore = divmod(total_ore, ORE_PER_KRONE)
    each, rest = divmod(kroner, days)
    amounts = [each * ORE_PER_KRONE] * days
    amounts[-1] += rest * ORE_PER_KRONE + extra_ore
    return amounts
