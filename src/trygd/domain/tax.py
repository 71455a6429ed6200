"""Tax withholding (forskuddstrekk) on a payment, by the person's tax card (skattekort).

NAV withholds tax like an employer (skattebetalingsloven chapter 5). The tax card is a fact
about the person, read from Skatteetaten; trygd does not make one up:

- percentage card (prosenttrekk): the percentage of the gross, in whole kroner, rounded as the
  parameter `payments.percentage_withholding_round_down` says (unconfirmed: see
  parameters/payments.toml);
- table card (tabelltrekk): Skatteetaten's trekktabeller are published tables (and a
  calculation routine, github.com/Skatteetaten/trekktabell) that trygd does not ship. A table
  card therefore needs the table amount for this payment given with the card; without it
  the withholding is undetermined and a person must look (a task), never a guess;
- frikort: nothing withheld;
- no tax card: the default rate (`payments.default_withholding_rate`, 50 %).

Money is integer øre; the percentage is a Decimal, so nothing passes through a float.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Literal

from trygd.rules.assessment import default_ruleset
from trygd.rules.parameters import ParameterSet

CardKind = Literal["percentage", "table", "frikort", "none"]


@dataclass(frozen=True)
class TaxCard:
    """A person's tax card as a fact. `percentage` for a percentage card (0-100);
    `table_number` and, for the payment at hand, `table_amount_ore` for a table card."""

    kind: CardKind
    percentage: Decimal | None = None
    table_number: str | None = None
    table_amount_ore: int | None = None

    def __post_init__(self) -> None:
        if self.kind == "percentage" and (
            self.percentage is None or not Decimal(0) <= self.percentage <= Decimal(100)
        ):
            raise ValueError("percentage: a percentage card needs a percentage from 0 to 100")
        if self.table_amount_ore is not None and self.table_amount_ore < 0:
            raise ValueError("table_amount_ore: cannot be negative")


@dataclass(frozen=True)
class Withholding:
    """The tax withheld from one payment, and on what basis; `undetermined` names what is
    missing when no amount could be set (then `tax_ore` is None)."""

    gross_ore: int
    tax_ore: int | None
    basis: str
    undetermined: str | None = None

    @property
    def net_ore(self) -> int | None:
        return None if self.tax_ore is None else self.gross_ore - self.tax_ore


def _whole_kroner(ore: Decimal, round_down: bool) -> int:
    kroner = (ore / 100).quantize(Decimal(1), rounding=ROUND_DOWN if round_down else ROUND_HALF_UP)
    return int(kroner) * 100


def withhold(
    gross_ore: int, card: TaxCard | None, *, default_rate: Decimal, round_down: bool
) -> Withholding:
    """The withholding on `gross_ore` by `card` (None: no tax card). Only positive payments
    carry tax; a recovery (negative) withholds nothing here: the tax on a feilutbetaling is
    settled with Skatteetaten, not by the payment run."""
    if gross_ore <= 0:
        return Withholding(gross_ore, 0, "no payment")
    if card is None or card.kind == "none":
        tax = _whole_kroner(Decimal(gross_ore) * default_rate, round_down)
        return Withholding(gross_ore, min(tax, gross_ore), f"no tax card: {default_rate * 100}%")
    if card.kind == "frikort":
        return Withholding(gross_ore, 0, "frikort")
    if card.kind == "percentage":
        assert card.percentage is not None
        tax = _whole_kroner(Decimal(gross_ore) * card.percentage / 100, round_down)
        return Withholding(gross_ore, min(tax, gross_ore), f"percentage card: {card.percentage}%")
    if card.table_amount_ore is None:
        return Withholding(
            gross_ore,
            None,
            f"table card {card.table_number or '?'}",
            undetermined="tax_table_amount",
        )
    return Withholding(
        gross_ore,
        min(card.table_amount_ore, gross_ore),
        f"table card {card.table_number or '?'}: amount from Skatteetaten's table",
    )


@dataclass(frozen=True)
class TaxRules:
    default_rate: Decimal
    round_down: bool


def tax_rules(at: dt.date, parameters: ParameterSet | None = None) -> TaxRules:
    """The withholding parameters in force on `at` (parameters/payments.toml)."""
    parameters = parameters if parameters is not None else default_ruleset().parameters
    rate = parameters["payments.default_withholding_rate"].value_at(at).value
    flag = parameters["payments.percentage_withholding_round_down"].value_at(at).value
    return TaxRules(Decimal(str(rate)), flag == 1.0)


def card_from_fact(fact: object) -> TaxCard | None:
    """A tax card from its stored JSON form ({"kind": ..., "percentage": "30.5", ...});
    None (no card) for a missing fact. A malformed one raises ValueError naming the field."""
    if fact is None:
        return None
    if not isinstance(fact, dict):
        raise ValueError("tax_card: must be an object")
    kind = fact.get("kind")
    if kind not in ("percentage", "table", "frikort", "none"):
        raise ValueError("tax_card.kind: must be percentage, table, frikort or none")
    percentage = fact.get("percentage")
    amount = fact.get("table_amount_ore")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
        raise ValueError("tax_card.table_amount_ore: must be whole øre")
    return TaxCard(
        kind,
        Decimal(str(percentage)) if percentage is not None else None,
        fact.get("table_number"),
        amount,
    )
