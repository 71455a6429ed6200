"""The vocabulary in which each benefit chapter is written: facts, conditions, calculations.

A benefit module reads like the law: it lists the facts it needs, the parameters it uses, and
then, in order, one declaration per condition (vilkår) and per calculation step (beregning),
each with its legal basis. The formula of a declaration is plain arithmetic through
`trygd.rules.ops`, so the very same function evaluates one application or a whole
population (see `trygd.rules.evaluation`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, Literal

from trygd.rules.parameters import Params


class FactError(ValueError):
    """Input facts the rules refuse to flatten (see `Benefit.input_problems`); `problems` are
    (fact name, problem). The application format refuses the same facts earlier, naming the
    field; this is for callers that assess facts it did not check (or on another date)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in problems))


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

AmountKind = Literal["money", "date", "weeks", "days", "percent"]
"""How a result amount is read: NOK, a date, a number of weeks, a number of days (such as
sykepengedager), or a percent (0-100)."""

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
    "graded_periods",
    "yearly_amounts",
    "monthly_amounts",
]
"""money: NOK; percent: 0-100; periods: a list of {from, to} dates; graded_periods: a list of
{from, to, grade} (grade a percent, as on a sick note); yearly_amounts: a list of {year,
amount}; monthly_amounts: a list of {month: "YYYY-MM", amount}. The last four appear only as
inputs that `Benefit.derive` flattens."""

LIST_KINDS: tuple[FactKind, ...] = (
    "periods",
    "graded_periods",
    "yearly_amounts",
    "monthly_amounts",
)
"""The kinds of fact that are lists of objects: inputs only, never read by a rule, and not
typed into a form field."""


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
    returns an amount, a date or a count). The result is stored under the rule's id.

    `texts` names the variants of the rule's explanation where one text cannot fit every
    case (a rule that changed on a date and must say which version applied): the formula
    then sets `v.<rule id>_text` to one of them when `v.explaining`, and the explanation is
    the catalogue's `text_<variant>` (`met_<variant>`, `not_met_<variant>` for a condition)."""

    id: str
    kind: Literal["condition", "calculation"]
    legal_basis: str
    needs: tuple[str, ...]
    formula: Formula
    may_be_unknown: tuple[str, ...] = ()
    """The inputs among `needs` the rule can be decided without (the law's "or" and "and":
    one side met, or one side not met, decides). Where one of them is missing the formula
    still runs, with it unknown (`trygd.rules.unknowns`), and must combine it through
    `ops.any_of`, `ops.all_of` or `ops.where`; the rule is undetermined only if its result
    is unknown. A missing input not listed here makes the rule undetermined at once."""

    texts: tuple[str, ...] = ()

    @property
    def text_variable(self) -> str:
        """The computed value that names the variant of the explanation (see `texts`)."""
        return f"{self.id}_text"


def condition(
    legal_basis: str,
    *,
    needs: tuple[str, ...],
    may_be_unknown: tuple[str, ...] = (),
    texts: tuple[str, ...] = (),
) -> Callable[[Formula], Rule]:
    """Declare a condition (vilkår): `@condition("ftrl. § 4-4", needs=("income_12m",))`."""

    def declare(formula: Formula) -> Rule:
        return Rule(
            formula.__name__, "condition", legal_basis, needs, formula, may_be_unknown, texts
        )

    return declare


def calculation(
    legal_basis: str,
    *,
    needs: tuple[str, ...],
    may_be_unknown: tuple[str, ...] = (),
    texts: tuple[str, ...] = (),
) -> Callable[[Formula], Rule]:
    """Declare a calculation step (beregning) whose result later rules may need."""

    def declare(formula: Formula) -> Rule:
        return Rule(
            formula.__name__, "calculation", legal_basis, needs, formula, may_be_unknown, texts
        )

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
    histories: Mapping[str, str] = field(default_factory=dict)
    """Parameters `derive` needs on other days than `at`, whole (short name to parameter
    name; each is a `History` in the params): dagpenger index each month's income by the G
    of that month."""
    input_problems: Callable[[dict[str, Any], Any, Params], list[tuple[str, str]]] | None = None
    """What is wrong with the input facts given `at` and the benefit's parameters on `at`,
    as (fact name, problem), for checks that need the claim date and the law (dagpenger:
    income months outside the months the law counts). The application format refuses an
    application with such a problem, and `derive` refuses to flatten it."""
    claim_date_fact: str | None = None
    """An input date fact that keeps the claim date a later behandling of the same right (a
    revurdering, an omgjøring) counts from, where the rules need it besides `at`: the services
    set it to the claim date of the vedtak they change when its facts lack it (dagpenger: the
    earning period and the G of the basis are those of the claim)."""

    def __post_init__(self) -> None:
        known = {fact.name for fact in self.facts} | {"at"}
        for rule in self.rules:
            for need in rule.needs:
                if need not in known:
                    raise ValueError(
                        f"{self.id}.{rule.id} needs {need!r}, defined nowhere before it"
                    )
            for name in rule.may_be_unknown:
                if name not in rule.needs or name == "at":
                    raise ValueError(
                        f"{self.id}.{rule.id}: {name!r} may be unknown but is not one of its needs"
                    )
            known.add(rule.id)
        for name in (*self.amounts, self.annual_amount):
            if name not in known:
                raise ValueError(f"{self.id}: amount {name!r} is not a rule id")
        if self.claim_date_fact is not None:
            kinds = {fact.name: fact.kind for fact in self.input_facts}
            if kinds.get(self.claim_date_fact) != "date":
                raise ValueError(f"{self.id}: {self.claim_date_fact!r} is not an input date fact")

    @property
    def conditions(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.kind == "condition")

    @property
    def input_facts(self) -> tuple[Fact, ...]:
        return self.inputs or self.facts

    @property
    def fact_names(self) -> tuple[str, ...]:
        return tuple(fact.name for fact in self.facts)
