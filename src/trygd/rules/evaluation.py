"""Evaluating a benefit's declarations: one application with explanations, or a population.

Both paths run the same formulas in the same order. They differ only in how missing facts are
tracked: the single path skips a rule whose inputs are missing and marks it undetermined; the
population path computes every rule on whole columns and masks the rows whose inputs were
missing. The outcome is the same in both: rejected if any condition is not met, otherwise
manual assessment if anything is undetermined, otherwise granted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trygd.rules.declarations import OUTCOME_BY_CODE, Benefit, Namespace, Outcome, Rule, Status
from trygd.rules.parameters import Params


@dataclass
class RuleEvaluation:
    """What one rule did for one application."""

    rule: Rule
    status: Status
    value: Any
    missing: tuple[str, ...]
    computed: dict[str, Any] = field(default_factory=dict)


@dataclass
class SingleEvaluation:
    benefit: Benefit
    at: dt.date
    facts: Namespace
    params: Params
    values: Namespace
    rules: list[RuleEvaluation]
    outcome: Outcome


def evaluate_one(
    benefit: Benefit, facts: dict[str, Any], params: Params, at: dt.date
) -> SingleEvaluation:
    """Evaluate one application. `facts` maps fact names to values; None means missing."""
    f = Namespace({name: facts.get(name) for name in benefit.fact_names})
    f.at = at
    v = Namespace({"explaining": True})
    missing_of: dict[str, tuple[str, ...]] = {
        name: (name,) for name in benefit.fact_names if facts.get(name) is None
    }
    evaluations = []
    for rule in benefit.rules:
        missing = tuple(dict.fromkeys(m for need in rule.needs for m in missing_of.get(need, ())))
        if missing:
            missing_of[rule.id] = missing
            setattr(v, rule.id, None)
            evaluations.append(RuleEvaluation(rule, Status.UNDETERMINED, None, missing))
            continue
        before = set(vars(v))
        result = rule.formula(f, params, v)
        if isinstance(result, np.bool_ | np.floating | np.integer):
            result = result.item()
        setattr(v, rule.id, result)
        computed = {k: value for k, value in vars(v).items() if k not in before and k != rule.id}
        if rule.kind == "condition":
            status = Status.MET if result else Status.NOT_MET
        else:
            status = Status.MET
        evaluations.append(RuleEvaluation(rule, status, result, (), computed))
    return SingleEvaluation(benefit, at, f, params, v, evaluations, _outcome_of(evaluations))


def _outcome_of(evaluations: list[RuleEvaluation]) -> Outcome:
    if any(e.rule.kind == "condition" and e.status is Status.NOT_MET for e in evaluations):
        return Outcome.REJECTED
    if any(e.status is Status.UNDETERMINED for e in evaluations):
        return Outcome.MANUAL
    return Outcome.GRANTED


@dataclass
class PopulationEvaluation:
    """Column results for a population: status codes per condition, values per calculation
    (NaN or NaT where undetermined) and the outcome code per person."""

    benefit: Benefit
    statuses: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    outcome: np.ndarray

    def outcomes(self) -> list[Outcome]:
        return [OUTCOME_BY_CODE[int(code)] for code in self.outcome]


def evaluate_many(
    benefit: Benefit,
    columns: dict[str, np.ndarray],
    params: Params,
    at: dt.date,
    known: dict[str, np.ndarray] | None = None,
) -> PopulationEvaluation:
    """Evaluate a population given as one array per fact.

    `known` optionally holds a boolean array per fact that may be missing; facts without one
    are known for everyone. Values in rows where a fact is unknown are ignored.
    """
    size = len(next(iter(columns.values())))
    f = Namespace({name: columns[name] for name in benefit.fact_names})
    f.at = np.datetime64(at, "D")
    v = Namespace({"explaining": False})
    masks: dict[str, np.ndarray | None] = {
        name: (known or {}).get(name) for name in benefit.fact_names
    }
    statuses: dict[str, np.ndarray] = {}
    values: dict[str, np.ndarray] = {}
    not_met = np.zeros(size, dtype=bool)
    undetermined = np.zeros(size, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for rule in benefit.rules:
            mask = _combine(masks.get(need) for need in rule.needs)
            masks[rule.id] = mask
            result = np.broadcast_to(rule.formula(f, params, v), (size,))
            setattr(v, rule.id, result)
            if rule.kind == "condition":
                status = result.astype(np.int8)
                if mask is not None:
                    status = np.where(mask, status, np.int8(Status.UNDETERMINED))
                    undetermined |= ~mask
                    not_met |= mask & ~result
                else:
                    not_met |= ~result
                statuses[rule.id] = status
            else:
                if mask is not None:
                    undetermined |= ~mask
                    result = np.where(mask, result, _missing_value(result))
                values[rule.id] = result
    outcome = np.where(
        not_met,
        Outcome.REJECTED.code,
        np.where(undetermined, Outcome.MANUAL.code, Outcome.GRANTED.code),
    ).astype(np.int8)
    return PopulationEvaluation(benefit, statuses, values, outcome)


def _combine(masks: Any) -> np.ndarray | None:
    combined = None
    for mask in masks:
        if mask is not None:
            combined = mask if combined is None else combined & mask
    return combined


def _missing_value(array: np.ndarray) -> Any:
    if np.issubdtype(array.dtype, np.datetime64):
        return np.datetime64("NaT")
    return np.nan
