"""The vocabulary in which each benefit chapter is written: facts, conditions, calculations.

A benefit module reads like the law: it lists the facts it needs, the parameters it uses, and
then, in order, one declaration per condition (vilkår) and per calculation step (beregning),
each with its legal basis. The formula of a declaration is plain arithmetic through
`trygd.rules.ops`, so the very same function evaluates one application or a whole
population (see `trygd.rules.evaluation`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, Literal

from trygd.rules.parameters import Params


class Status(IntEnum):
    """The status of one condition; the numbers are the codes used in population arrays."""

    NOT_MET = 0
    MET = 1
    UNDETERMINED = 2

    @property
    def label(self) -> str:
        return self.name.lower()


class Outcome(StrEnum):
    REJECTED = "rejected"
    GRANTED = "granted"
    MANUAL = "manual_assessment"

    @property
    def code(self) -> int:
        return _OUTCOME_CODES[self]


_OUTCOME_CODES = {Outcome.REJECTED: 0, Outcome.GRANTED: 1, Outcome.MANUAL: 2}
OUTCOME_BY_CODE = {code: outcome for outcome, code in _OUTCOME_CODES.items()}

AmountKind = Literal["money", "date", "weeks", "percent"]
"""How a result amount is read: NOK, a date, a number of weeks, or a percent (0-100)."""

FactKind = Literal[
    "money",
    "date",
    "bool",
    "count",
    "hours",
    "days",
    "years",
    "percent",
    "periods",
    "yearly_amounts",
]
"""money: NOK; percent: 0-100; periods: a list of {from, to} dates; yearly_amounts: a list
of {year, amount}. The last two appear only as inputs that `Benefit.derive` flattens."""


# The largest value of each kind of number that any application may give, where a fact does
# not declare its own maximum: far above any real case, and far inside what the rules, the
# JSON columns and a database integer can hold (1e308 kroner or 2**63 days is nonsense that
# must be refused, not stored).
KIND_MAXIMUM: dict[str, float] = {
    "money": 1e11,
    "hours": 168,
    "count": 100,
    "days": 100 * 366,
    "years": 150,
    "percent": 100,
}


@dataclass(frozen=True)
class Fact:
    """One fact an application may give. Every fact is optional: a missing fact makes the
    conditions that need it undetermined, never a silent default."""

    name: str
    kind: FactKind
    description: str
    minimum: float | None = None
    maximum: float | None = None
    at_most: str | None = None
    """Another fact of the same application this one can never exceed (the children who
    live with both parents are some of the children): an application that gives both with
    this one larger contradicts itself and is refused, naming the field."""

    @property
    def upper_bound(self) -> float | None:
        """The declared maximum, or the largest sensible value of the fact's kind."""
        return self.maximum if self.maximum is not None else KIND_MAXIMUM.get(self.kind)


class Namespace:
    """A bag of named values (facts or computed values) read and written as attributes.

    The computed values carry `explaining`: True when one application is evaluated with
    explanations, False for a population. A formula may compute values that only its
    explanation shows under `if v.explaining:`; the decision itself must never depend on it.
    """

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        if values:
            self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"no value named {name!r} has been computed yet")

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)


Formula = Callable[[Namespace, Any, Namespace], Any]
"""formula(facts, params, values) -> result; may also store intermediate values on `values`."""


@dataclass(frozen=True)
class Rule:
    """A condition (its formula returns whether it is met) or a calculation step (its formula
    returns an amount, a date or a count). The result is stored under the rule's id."""

    id: str
    kind: Literal["condition", "calculation"]
    legal_basis: str
    needs: tuple[str, ...]
    formula: Formula


def condition(legal_basis: str, *, needs: tuple[str, ...]) -> Callable[[Formula], Rule]:
    """Declare a condition (vilkår): `@condition("ftrl. § 4-4", needs=("income_12m",))`."""

    def declare(formula: Formula) -> Rule:
        return Rule(formula.__name__, "condition", legal_basis, needs, formula)

    return declare


def calculation(legal_basis: str, *, needs: tuple[str, ...]) -> Callable[[Formula], Rule]:
    """Declare a calculation step (beregning) whose result later rules may need."""

    def declare(formula: Formula) -> Rule:
        return Rule(formula.__name__, "calculation", legal_basis, needs, formula)

    return declare


@dataclass(frozen=True)
class Benefit:
    """One benefit chapter: its facts, parameters and rules, and what its result reports."""

    id: str
    chapter: str
    facts: tuple[Fact, ...]
    parameters: Mapping[str, str]
    rules: tuple[Rule, ...]
    amounts: Mapping[str, AmountKind]
    """The results a vedtak reports, each with its kind, so that a page writes a date as a
    date and weeks as weeks (not everything as kroner)."""
    annual_amount: str
    derive: Callable[[dict[str, Any], Any, Params], dict[str, Any]] | None = None
    """Turns the input facts (such as a sick-leave history) into the flat facts, given `at`
    and the benefit's parameters resolved on `at` in the rule-set being used, so that a
    reform reaches the derived facts as it reaches the rules."""
    inputs: tuple[Fact, ...] = ()
    """The facts an application gives, where they differ from `facts` (see `derive`)."""

    def __post_init__(self) -> None:
        known = {fact.name for fact in self.facts} | {"at"}
        for rule in self.rules:
            for need in rule.needs:
                if need not in known:
                    raise ValueError(
                        f"{self.id}.{rule.id} needs {need!r}, defined nowhere before it"
                    )
            known.add(rule.id)
        for name in (*self.amounts, self.annual_amount):
            if name not in known:
                raise ValueError(f"{self.id}: amount {name!r} is not a rule id")

    @property
    def conditions(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.kind == "condition")

    @property
    def input_facts(self) -> tuple[Fact, ...]:
        return self.inputs or self.facts

    @property
    def fact_names(self) -> tuple[str, ...]:
        return tuple(fact.name for fact in self.facts)
