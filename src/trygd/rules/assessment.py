"""Assessing one application: the outcome, every condition explained, and the calculation.

This is the single-case entry point of the rules core. An `Assessment` is a decision record
(`trygd.rules.record`: the rule result in no language, with the rule-set version and every
parameter value used) explained in one language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from trygd.rules.benefits import BENEFITS
from trygd.rules.declarations import Benefit, Outcome
from trygd.rules.formatting import LANGUAGES
from trygd.rules.parameters import ParameterSet, Params, UsedParameter, load_default, resolve

RULES_VERSION = "2026.12.1"
"""Bumped whenever a rule's logic changes; the parameter files' digest is appended."""


class UnknownBenefitError(ValueError):
    pass


class Ruleset:
    """A parameter set with the rules, and a cache of parameters resolved per date."""

    def __init__(self, parameters: ParameterSet) -> None:
        self.parameters = parameters
        self._resolved: dict[tuple[str, dt.date], Params] = {}

    @cached_property
    def version(self) -> str:
        return f"{RULES_VERSION}+{self.parameters.digest}"

    def params(self, benefit: Benefit, at: dt.date) -> Params:
        key = (benefit.id, at)
        params = self._resolved.get(key)
        if params is None:
            if len(self._resolved) > 4096:
                self._resolved.clear()
            params = resolve(self.parameters, benefit.parameters, at, benefit.histories)
            self._resolved[key] = params
        return params


_DEFAULT: Ruleset | None = None


def default_ruleset() -> Ruleset:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Ruleset(load_default())
    return _DEFAULT


def benefit_by_id(benefit_id: str) -> Benefit:
    try:
        return BENEFITS[benefit_id]
    except KeyError:
        known = ", ".join(sorted(BENEFITS))
        raise UnknownBenefitError(f"unknown benefit {benefit_id!r}; known: {known}") from None


@dataclass(frozen=True)
class RuleResult:
    id: str
    kind: str
    legal_basis: str
    title: str
    status: str
    explanation: str
    facts_used: dict[str, Any]
    values: dict[str, Any]
    missing_facts: tuple[str, ...]
    not_needed: tuple[str, ...] = ()
    """Missing facts the rule was decided without (see `trygd.rules.unknowns`)."""


@dataclass(frozen=True)
class Assessment:
    benefit: str
    chapter: str
    at: dt.date
    language: str
    outcome: Outcome
    summary: str
    failing_conditions: tuple[str, ...]
    undetermined: tuple[str, ...]
    conditions: tuple[RuleResult, ...]
    calculations: tuple[RuleResult, ...]
    amounts: dict[str, Any]
    parameters: tuple[UsedParameter, ...]
    ruleset_version: str
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form, described by `trygd schema output`."""
        return {
            "format": "trygd.assessment/1",
            "benefit": self.benefit,
            "chapter": self.chapter,
            "at": self.at.isoformat(),
            "language": self.language,
            "outcome": self.outcome.value,
            "summary": self.summary,
            "failing_conditions": list(self.failing_conditions),
            "undetermined": list(self.undetermined),
            "conditions": [_rule_dict(r) for r in self.conditions],
            "calculations": [_rule_dict(r) for r in self.calculations],
            "amounts": {k: jsonable(v) for k, v in self.amounts.items()},
            "parameters": [
                {
                    "name": p.name,
                    "value": jsonable(p.value),
                    "unit": p.unit,
                    "valid_from": p.valid_from.isoformat(),
                    "legal_basis": p.legal_basis,
                    "source": p.source,
                    "status": p.status,
                }
                for p in self.parameters
            ],
            "ruleset_version": self.ruleset_version,
            "warnings": list(self.warnings),
        }


def _rule_dict(result: RuleResult) -> dict[str, Any]:
    entry = {
        "id": result.id,
        "legal_basis": result.legal_basis,
        "title": result.title,
        "status": result.status,
        "explanation": result.explanation,
        "facts_used": {k: jsonable(v) for k, v in result.facts_used.items()},
        "values": {k: jsonable(v) for k, v in result.values.items()},
        "missing_facts": list(result.missing_facts),
    }
    if result.not_needed:  # only where there are any: results from before stay as they were
        entry["not_needed"] = list(result.not_needed)
    return entry


def jsonable(value: Any) -> Any:
    """Dates as ISO strings, whole floats as integers, other floats to six decimals."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        return round(value, 6)
    return value


def assess(
    benefit_id: str,
    facts: dict[str, Any],
    at: dt.date,
    *,
    language: str = "nb",
    ruleset: Ruleset | None = None,
) -> Assessment:
    """Assess one application for `benefit_id` on the date `at` and explain the result.

    The same path as a stored decision: a decision record is made and explained, so a
    preview reads exactly as the vedtak will (see `trygd.rules.record`)."""
    # Imported here: the record module builds on the types above.
    from trygd.rules.record import evaluate_record, explain

    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    return explain(evaluate_record(benefit_id, facts, at, ruleset), language)
