"""Tilbakekreving: whether and how much of a feilutbetaling is claimed back.

The law as declared rules, each with its legal basis, evaluated in order on the day the
decision is made (`decided_on`):

1. `foreldelse` (foreldelsesloven § 2, § 3 nr. 1, § 10 nr. 1): each period's claim arises the
   day it was paid and is foreldet when three years have passed, unless the additional
   period runs: one year from the day NAV got or should have got the knowledge it needed,
   never beyond ten years from the payment. The day NAV got the knowledge is a
   caseworker's judgement (`knowledge_date`); without it a period past its ordinary period
   is undetermined.
2. `grounds` (ftrl. § 22-15 first ledd): the person understood or should have understood
   that the payment was wrong (forsto / burde forstått), or caused it by giving wrong or
   missing information with intent or negligence. Otherwise they received it in aktsom god
   tro and only what is still in hand may be claimed (fifth ledd).
3. `small_amount` (ftrl. § 22-15 sixth ledd): an amount lower than four rettsgebyr is not
   recovered unless the person acted with forsett or grov uaktsomhet.
4. `amount` (ftrl. § 22-15 fourth and fifth ledd): all, part or none; a reduction for
   særlige grunner (degree of guilt, size, time passed, NAV's own fault) is the caseworker's
   judgement, in whole percent, and never allowed when the person acted with forsett.
5. `rentetillegg` (ftrl. § 22-17a): 10 % of what is recovered, when the person acted with
   forsett or grov uaktsomhet.

What the rules cannot decide they leave `undetermined` and name the caseworker's question;
nothing is assumed. Pure: no database, clock or I/O; money is integer øre.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from trygd.rules.dates import add_years
from trygd.rules.formatting import LANGUAGES, render
from trygd.rules.parameters import ParameterSet, UsedParameter, resolve
from trygd.rules.texts import catalogue

TILBAKEKREVING_RULES_VERSION: Final = "tilbakekreving-2026.12.1"

PARAMETERS: Final = {
    "rettsgebyr": "tilbakekreving.rettsgebyr",
    "small_amount_factor": "tilbakekreving.small_amount_factor",
    "rentetillegg_rate": "tilbakekreving.rentetillegg_rate",
    "foreldelse_years": "tilbakekreving.foreldelse_years",
    "additional_years": "tilbakekreving.foreldelse_additional_years",
    "absolute_years": "tilbakekreving.foreldelse_absolute_years",
}

# § 22-15 first ledd: why the person must pay back, or that they received it in good faith.
GROUNDS: Final = ("forsto_eller_burde_forstatt", "feilaktige_opplysninger", "god_tro")
# The degree of guilt: forsett, grov uaktsomhet, (simple) uaktsomhet; god tro has none.
CULPABILITY: Final = ("forsett", "grov_uaktsomhet", "uaktsomhet")
SERIOUS: Final = ("forsett", "grov_uaktsomhet")

MET: Final = "met"
NOT_MET: Final = "not_met"
UNDETERMINED: Final = "undetermined"

# Where each rule's legal basis is read: an entry of legal_bases.toml, or (for a rule that a
# number carries) the parameter's own `legal_basis`.
LEGAL_BASES: Final = {
    "foreldelse": "tilbakekreving_foreldelse",
    "grounds": "tilbakekreving_grounds",
    "good_faith": "tilbakekreving_good_faith",
    "reduction": "tilbakekreving_reduction",
}
PARAMETER_BASES: Final = {
    "small_amount": "tilbakekreving.small_amount_factor",
    "rentetillegg": "tilbakekreving.rentetillegg_rate",
}


class AssessmentError(ValueError):
    """A caseworker's answer the rules cannot take: `field` names it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Period:
    """One period paid too much: `amount_ore` (positive) and the day it was paid."""

    start: dt.date
    end: dt.date
    amount_ore: int
    paid_on: dt.date

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "amount_ore": self.amount_ore,
            "paid_on": self.paid_on.isoformat(),
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Period:
        return cls(
            dt.date.fromisoformat(doc["start"]),
            dt.date.fromisoformat(doc["end"]),
            int(doc["amount_ore"]),
            dt.date.fromisoformat(doc["paid_on"]),
        )


@dataclass(frozen=True)
class Answers:
    """What the caseworker decided where the rules cannot (None: not yet decided)."""

    grounds: str | None = None
    culpability: str | None = None
    knowledge_date: dt.date | None = None
    reduction_percent: int | None = None
    in_hand_ore: int | None = None

    def check(self) -> None:
        """Refuse answers the law does not allow, naming the field."""
        if self.grounds is not None and self.grounds not in GROUNDS:
            raise AssessmentError("grounds", f"must be one of: {', '.join(GROUNDS)}")
        if self.culpability is not None:
            if self.culpability not in CULPABILITY:
                raise AssessmentError("culpability", f"must be one of: {', '.join(CULPABILITY)}")
            if self.grounds == "god_tro":
                raise AssessmentError(
                    "culpability", "a person in aktsom god tro has no degree of guilt"
                )
        if self.reduction_percent is not None:
            if isinstance(self.reduction_percent, bool) or not isinstance(
                self.reduction_percent, int
            ):
                raise AssessmentError("reduction_percent", "must be a whole number 0-100")
            if not 0 <= self.reduction_percent <= 100:
                raise AssessmentError("reduction_percent", "must be a whole number 0-100")
            if self.culpability == "forsett" and self.reduction_percent != 0:
                raise AssessmentError(
                    "reduction_percent",
                    "must be 0: a claim is never reduced when the person acted with forsett",
                )
        if self.in_hand_ore is not None and (
            isinstance(self.in_hand_ore, bool)
            or not isinstance(self.in_hand_ore, int)
            or self.in_hand_ore < 0
        ):
            raise AssessmentError("in_hand_ore", "must be a whole, non-negative number of øre")

    def to_json(self) -> dict[str, Any]:
        return {
            "grounds": self.grounds,
            "culpability": self.culpability,
            "knowledge_date": self.knowledge_date.isoformat() if self.knowledge_date else None,
            "reduction_percent": self.reduction_percent,
            "in_hand_ore": self.in_hand_ore,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Answers:
        known = doc.get("knowledge_date")
        return cls(
            doc.get("grounds"),
            doc.get("culpability"),
            dt.date.fromisoformat(known) if known else None,
            doc.get("reduction_percent"),
            doc.get("in_hand_ore"),
        )


@dataclass(frozen=True)
class PeriodOutcome:
    period: Period
    status: str  # "recoverable", "foreldet" or "undetermined"
    last_day: dt.date  # the ordinary period's last day
    extended_last_day: dt.date | None  # with the additional period, when it applies


@dataclass(frozen=True)
class RuleOutcome:
    """One rule's result: its status, its legal basis, the text key and the values named."""

    id: str
    legal_basis: str
    status: str
    text: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def title(self, language: str) -> str:
        return catalogue("tilbakekreving").rule_text(self.id, "title", language)

    def explain(self, language: str) -> str:
        template = catalogue("tilbakekreving").rule_text(self.id, self.text, language)
        return render(template, _for_text(self.values), language)


@dataclass(frozen=True)
class Result:
    """The whole assessment, in no language (`RuleOutcome.explain` gives the words)."""

    outcome: str  # "full", "partial", "none" or "undetermined"
    decided_on: dt.date
    feilutbetalt_ore: int
    foreldet_ore: int
    recovered_ore: int
    rentetillegg_ore: int
    periods: tuple[PeriodOutcome, ...]
    rules: tuple[RuleOutcome, ...]
    parameters: tuple[UsedParameter, ...]
    rule_version: str
    questions: tuple[str, ...]  # what a caseworker must still answer

    @property
    def claim_ore(self) -> int:
        """What the person owes: the amount recovered and the rentetillegg."""
        return self.recovered_ore + self.rentetillegg_ore

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "decided_on": self.decided_on.isoformat(),
            "feilutbetalt_ore": self.feilutbetalt_ore,
            "foreldet_ore": self.foreldet_ore,
            "recovered_ore": self.recovered_ore,
            "rentetillegg_ore": self.rentetillegg_ore,
            "claim_ore": self.claim_ore,
            "periods": [
                {
                    **p.period.to_json(),
                    "status": p.status,
                    "last_day": p.last_day.isoformat(),
                    "extended_last_day": (
                        p.extended_last_day.isoformat() if p.extended_last_day else None
                    ),
                }
                for p in self.periods
            ],
            "rules": [
                {
                    "id": r.id,
                    "legal_basis": r.legal_basis,
                    "status": r.status,
                    "text": r.text,
                    "values": {k: _plain(v) for k, v in r.values.items()},
                    "explanation": {lang: r.explain(lang) for lang in LANGUAGES},
                }
                for r in self.rules
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
            "questions": list(self.questions),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _for_text(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as the templates take them: øre as kroner (`*_ore` → `*`), dates as dates."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str) and len(value) == 10 and value[4] == "-":
            value = dt.date.fromisoformat(value)
        if key.endswith("_ore") and isinstance(value, int):
            out[key.removesuffix("_ore")] = float(Decimal(value) / 100)
        else:
            out[key] = float(value) if isinstance(value, Decimal) else value
    return out


def rule_version(parameter_set: ParameterSet) -> str:
    return f"{TILBAKEKREVING_RULES_VERSION}+{parameter_set.digest}"


def _whole_years(value: float, name: str) -> int:
    if not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number of years, not {value}")
    return int(value)


def limitation(
    period: Period,
    decided_on: dt.date,
    knowledge_date: dt.date | None,
    *,
    years: int,
    additional_years: int,
    absolute_years: int,
) -> PeriodOutcome:
    """Foreldelse of one period's claim (foreldelsesloven § 2, § 3 nr. 1, § 10 nr. 1).

    The ordinary period ends `years` after the payment day (the same date; 29 February
    becomes 28 February). A claim decided on that last day or before is not foreldet. After
    it, the additional period may still run: `additional_years` from the day NAV got or
    should have got the knowledge, but never beyond `absolute_years` from the payment."""
    last_day = add_years(period.paid_on, years)
    if decided_on <= last_day:
        return PeriodOutcome(period, "recoverable", last_day, None)
    if knowledge_date is None:
        return PeriodOutcome(period, UNDETERMINED, last_day, None)
    extended = min(
        add_years(knowledge_date, additional_years), add_years(period.paid_on, absolute_years)
    )
    extended = max(extended, last_day)
    status = "recoverable" if decided_on <= extended else "foreldet"
    return PeriodOutcome(period, status, last_day, extended)


def _ore(kroner: Decimal) -> int:
    """Kroner as whole øre, rounded half up."""
    return int((kroner * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _round_percent(amount_ore: int, percent_kept: int) -> int:
    """`amount_ore` × `percent_kept` / 100, rounded half up to whole øre."""
    exact = Decimal(amount_ore) * percent_kept / 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _rentetillegg(recovered_ore: int, rate: float) -> int:
    """The rentetillegg in whole kroner (rounded half up), as øre."""
    exact = Decimal(recovered_ore) * Decimal(str(rate)) / 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 100


def assess(
    periods: Sequence[Period],
    answers: Answers,
    decided_on: dt.date,
    parameter_set: ParameterSet,
) -> Result:
    """Evaluate the rules in order. Raises `AssessmentError` for answers the law does not
    allow; leaves `undetermined` (with the question) what only a caseworker can decide."""
    answers.check()
    if not periods:
        raise AssessmentError("periods", "a tilbakekreving needs at least one period")
    for index, period in enumerate(periods):
        if period.amount_ore <= 0:
            raise AssessmentError(f"periods[{index}].amount_ore", "must be more than 0")
    p = resolve(parameter_set, PARAMETERS, decided_on)
    bases = {key: parameter_set.legal_basis(name).text for key, name in LEGAL_BASES.items()}
    bases |= {key: parameter_set[name].legal_basis for key, name in PARAMETER_BASES.items()}
    questions: list[str] = []
    rules: list[RuleOutcome] = []
    feilutbetalt = sum(period.amount_ore for period in periods)

    # 1. Foreldelse, period by period.
    outcomes = tuple(
        limitation(
            period,
            decided_on,
            answers.knowledge_date,
            years=_whole_years(p.foreldelse_years, "foreldelse_years"),
            additional_years=_whole_years(p.additional_years, "additional_years"),
            absolute_years=_whole_years(p.absolute_years, "absolute_years"),
        )
        for period in periods
    )
    foreldet = sum(o.period.amount_ore for o in outcomes if o.status == "foreldet")
    open_periods = [o for o in outcomes if o.status == UNDETERMINED]
    if open_periods:
        questions.append("knowledge_date")
        rules.append(
            RuleOutcome(
                "foreldelse",
                bases["foreldelse"],
                UNDETERMINED,
                "undetermined",
                {"first_last_day": min(o.last_day for o in open_periods)},
            )
        )
    else:
        rules.append(
            RuleOutcome(
                "foreldelse",
                bases["foreldelse"],
                NOT_MET if foreldet else MET,
                "some_foreldet" if foreldet else "none_foreldet",
                {"foreldet_ore": foreldet, "years": p.foreldelse_years},
            )
        )
    recoverable = feilutbetalt - foreldet  # what is not foreldet (or not yet known to be)

    # 2. § 22-15 first ledd: grounds, and the degree of guilt.
    if answers.grounds is None or (answers.grounds != "god_tro" and answers.culpability is None):
        questions.append("grounds" if answers.grounds is None else "culpability")
        rules.append(RuleOutcome("grounds", bases["grounds"], UNDETERMINED, "undetermined"))
    elif answers.grounds == "god_tro":
        rules.append(RuleOutcome("grounds", bases["good_faith"], NOT_MET, "god_tro"))
    else:
        rules.append(
            RuleOutcome(
                "grounds",
                bases["grounds"],
                MET,
                f"{answers.grounds}_{answers.culpability}",
            )
        )
    serious = answers.culpability in SERIOUS

    # 3. § 22-15 sixth ledd: a small amount is not recovered.
    decided_grounds = answers.grounds is not None and (
        answers.grounds == "god_tro" or answers.culpability is not None
    )
    limit_ore = _ore(Decimal(str(p.rettsgebyr)) * Decimal(str(p.small_amount_factor)))
    small_values = {
        "limit_ore": limit_ore,
        "recoverable_ore": recoverable,
        "factor": p.small_amount_factor,
        "rettsgebyr": p.rettsgebyr,
    }
    small: bool | None
    if open_periods:
        small = None
    elif recoverable >= limit_ore:
        small = False
    elif not decided_grounds:
        small = None
    else:
        small = not serious
    if small is None:
        status, text = UNDETERMINED, "undetermined"
    elif small:
        status, text = MET, "waived"
    else:
        status, text = NOT_MET, ("above_limit" if recoverable >= limit_ore else "serious")
    rules.append(RuleOutcome("small_amount", bases["small_amount"], status, text, small_values))

    # 4. § 22-15 fourth (and fifth) ledd: the amount.
    recovered: int | None = None
    if small:
        recovered = 0
        rules.append(RuleOutcome("amount", bases["small_amount"], MET, "none_small"))
    elif small is None or not decided_grounds:
        rules.append(RuleOutcome("amount", bases["reduction"], UNDETERMINED, "undetermined"))
    elif answers.grounds == "god_tro" and answers.in_hand_ore is None:
        questions.append("in_hand_ore")
        rules.append(RuleOutcome("amount", bases["good_faith"], UNDETERMINED, "in_hand"))
    elif answers.reduction_percent is None and answers.culpability != "forsett":
        questions.append("reduction_percent")
        rules.append(RuleOutcome("amount", bases["reduction"], UNDETERMINED, "undetermined"))
    else:
        base = recoverable
        if answers.grounds == "god_tro":
            base = min(recoverable, int(answers.in_hand_ore or 0))
        reduction = 0 if answers.culpability == "forsett" else int(answers.reduction_percent or 0)
        recovered = _round_percent(base, 100 - reduction)
        if answers.culpability == "forsett":
            text = "forsett"
        elif recovered == 0:
            text = "none"
        else:
            text = "full" if reduction == 0 else "reduced"
        basis = bases["good_faith" if answers.grounds == "god_tro" else "reduction"]
        rules.append(
            RuleOutcome(
                "amount",
                basis,
                MET,
                text,
                {
                    "base_ore": base,
                    "reduction": Decimal(reduction) / 100,
                    "recovered_ore": recovered,
                },
            )
        )

    # 5. § 22-17a: rentetillegg.
    rentetillegg = 0
    if recovered is None:
        rules.append(
            RuleOutcome("rentetillegg", bases["rentetillegg"], UNDETERMINED, "undetermined")
        )
    elif serious and recovered > 0:
        rentetillegg = _rentetillegg(recovered, p.rentetillegg_rate)
        rules.append(
            RuleOutcome(
                "rentetillegg",
                bases["rentetillegg"],
                MET,
                "added",
                {"rate": p.rentetillegg_rate, "rentetillegg_ore": rentetillegg},
            )
        )
    else:
        rules.append(RuleOutcome("rentetillegg", bases["rentetillegg"], NOT_MET, "none"))

    if recovered is None:
        outcome = UNDETERMINED
    elif recovered == 0:
        outcome = "none"
    elif recovered == feilutbetalt:
        outcome = "full"
    else:
        outcome = "partial"
    return Result(
        outcome,
        decided_on,
        feilutbetalt,
        foreldet,
        recovered or 0,
        rentetillegg,
        outcomes,
        tuple(rules),
        p.used,
        rule_version(parameter_set),
        tuple(dict.fromkeys(questions)),
    )
