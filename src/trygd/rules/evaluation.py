"""Evaluating a benefit's declarations: one application with explanations, or a population.

Both paths run the same formulas in the same order. They differ only in how missing facts are
tracked: the single path skips a rule whose inputs are missing and marks it undetermined; the
population path computes every rule on whole columns and masks the rows whose inputs were
missing. The outcome is the same in both: rejected if any condition is not met, otherwise
manual assessment if anything is undetermined, otherwise granted.

A rule that declares inputs it `may_be_unknown` is not skipped for those: its formula runs
with them unknown (`UNKNOWN` on the single path, a `Partial` column on the population path,
see `trygd.rules.unknowns`), and the rule is undetermined only where its result is unknown.
Where it is decided all the same, the single path records the missing inputs it did without
(`RuleEvaluation.not_needed`), so the explanation can say which side decided it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trygd.rules import unknowns
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
    not_needed: tuple[str, ...] = ()
    """Missing facts the rule was decided without (see `Rule.may_be_unknown`)."""


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
        missing = _facts_behind(rule.needs, missing_of)
        if any(need in missing_of and need not in rule.may_be_unknown for need in rule.needs):
            # A missing input the rule cannot do without.
            missing_of[rule.id] = missing
            setattr(v, rule.id, None)
            evaluations.append(RuleEvaluation(rule, Status.UNDETERMINED, None, missing))
            continue
        before = set(vars(v))
        unknown = {need: unknowns.UNKNOWN for need in rule.may_be_unknown if need in missing_of}
        with _standing_in(f, v, unknown):
            result = rule.formula(f, params, v)
        not_known = _forget_unknowns(v)
        if result is unknowns.UNKNOWN:
            if not missing:
                raise TypeError(f"{benefit.id}.{rule.id} gave an unknown from known inputs")
            missing_of[rule.id] = missing
            setattr(v, rule.id, None)
            evaluations.append(RuleEvaluation(rule, Status.UNDETERMINED, None, missing))
            continue
        if isinstance(result, np.bool_ | np.floating | np.integer):
            result = result.item()
        setattr(v, rule.id, result)
        computed = {
            k: value
            for k, value in vars(v).items()
            if k not in before and k != rule.id and k not in not_known
        }
        if rule.kind == "condition":
            status = Status.MET if result else Status.NOT_MET
        else:
            status = Status.MET
        evaluations.append(RuleEvaluation(rule, status, result, (), computed, missing))
    return SingleEvaluation(benefit, at, f, params, v, evaluations, _outcome_of(evaluations))


def _facts_behind(
    needs: tuple[str, ...], missing_of: dict[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """The missing facts behind `needs`: a missing fact itself, or those an undetermined
    rule was missing."""
    return tuple(dict.fromkeys(m for need in needs for m in missing_of.get(need, ())))


@contextmanager
def _standing_in(f: Namespace, v: Namespace, values: dict[str, Any]) -> Iterator[None]:
    """Let `values` stand in for the named facts or rule results while one formula runs."""
    saved = []
    for name, value in values.items():
        space = f if name in vars(f) else v
        saved.append((space, name, getattr(space, name)))
        setattr(space, name, value)
    try:
        yield
    finally:
        for space, name, old in saved:
            setattr(space, name, old)


def _forget_unknowns(v: Namespace) -> set[str]:
    """Intermediate values a formula could not know are missing (None) like any other;
    returns their names."""
    names = {name for name, value in vars(v).items() if value is unknowns.UNKNOWN}
    for name in names:
        setattr(v, name, None)
    return names


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
    at: dt.date | np.ndarray,
    known: dict[str, np.ndarray] | None = None,
) -> PopulationEvaluation:
    """Evaluate a population given as one array per fact.

    `known` optionally holds a boolean array per fact that may be missing; facts without one
    are known for everyone. Values in rows where a fact is unknown are ignored.
    """
    size = len(next(iter(columns.values())))
    f = Namespace({name: columns[name] for name in benefit.fact_names})
    f.at = at.astype("datetime64[D]") if isinstance(at, np.ndarray) else np.datetime64(at, "D")
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
            optional = rule.may_be_unknown
            mask = _combine(masks.get(need) for need in rule.needs if need not in optional)
            partly = {
                need: unknowns.Partial(_value_of(f, v, need), masks[need])
                for need in optional
                if masks.get(need) is not None
            }
            with _standing_in(f, v, partly):
                value, decided = unknowns.parts(rule.formula(f, params, v))
            for name, computed in list(vars(v).items()):
                if isinstance(computed, unknowns.Partial):
                    setattr(v, name, computed.value)
            if decided is not None:
                decided = np.broadcast_to(decided, (size,))
                mask = decided if mask is None else mask & decided
            masks[rule.id] = mask
            result = np.broadcast_to(value, (size,))
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


def _value_of(f: Namespace, v: Namespace, name: str) -> Any:
    return getattr(f if name in vars(f) else v, name)


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
