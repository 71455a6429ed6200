"""The ledger (hovedbok): double entry in integer øre.

Every money event is a transaction of pairs of postings, each pair one debit (positive) and
one credit (negative) of the same amount, so every pair, every transaction and the whole
ledger sum to zero. Accounts:

- `expense` NAV's cost of the benefit (grows with each payment, shrinks with a recovery);
- `payable` what NAV owes the person (or the employer) and has not yet sent;
- `tax` tax withheld and owed to Skatteetaten;
- `bank` money sent through the bank (a credit: it left NAV's account);
- `receivable` a feilutbetaling NAV claims back from the person;
- `interest` rentetillegg added to a claim (ftrl. § 22-17a), the state's income;
- `collection` a claim handed on for collection outside NAV's payments.

A tilbakekreving adds its own pairs (`trygd.domain.recovery`): write-off, rentetillegg,
set-off against a payment, and a claim handed on.

Balances are kept per account, person and benefit; a payable of zero after a run means every
krone owed was either sent or withheld.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Account = Literal["expense", "payable", "tax", "bank", "receivable", "interest", "collection"]
ACCOUNTS: tuple[Account, ...] = (
    "expense",
    "payable",
    "tax",
    "bank",
    "receivable",
    "interest",
    "collection",
)


@dataclass(frozen=True)
class Posting:
    """One side of a pair: `amount_ore` positive is a debit, negative a credit."""

    transaction: str  # what made it: "payment", "withholding", "order", "recovery", ...
    line_id: uuid.UUID
    person_id: uuid.UUID
    benefit: str
    account: Account
    amount_ore: int


def pair(
    transaction: str,
    line_id: uuid.UUID,
    person_id: uuid.UUID,
    benefit: str,
    debit: Account,
    credit: Account,
    amount_ore: int,
) -> tuple[Posting, Posting]:
    """Two postings of one amount that sum to zero (none when the amount is zero)."""
    return (
        Posting(transaction, line_id, person_id, benefit, debit, amount_ore),
        Posting(transaction, line_id, person_id, benefit, credit, -amount_ore),
    )


def payment_postings(
    line_id: uuid.UUID,
    person_id: uuid.UUID,
    benefit: str,
    gross_ore: int,
    tax_ore: int,
    setoff_ore: int = 0,
) -> list[Posting]:
    """A payment ordered: the cost is owed to the person, the tax is moved to Skatteetaten's
    account, and the net leaves through the bank. A negative gross is a feilutbetaling: the
    cost is reversed against a claim on the person. `setoff_ore` of the net is kept to pay a
    tilbakekreving claim (motregning) and does not reach the bank."""
    if gross_ore < 0:
        return list(
            pair("recovery", line_id, person_id, benefit, "receivable", "expense", -gross_ore)
        )
    if not 0 <= tax_ore <= gross_ore:
        raise ValueError("tax_ore: must be between 0 and the gross amount")
    postings = list(pair("payment", line_id, person_id, benefit, "expense", "payable", gross_ore))
    if tax_ore:
        postings += pair("withholding", line_id, person_id, benefit, "payable", "tax", tax_ore)
    if not 0 <= setoff_ore <= gross_ore - tax_ore:
        raise ValueError("setoff_ore: must be between 0 and the net amount")
    if setoff_ore:
        postings += pair("setoff", line_id, person_id, benefit, "payable", "receivable", setoff_ore)
    net = gross_ore - tax_ore - setoff_ore
    if net:
        postings += pair("order", line_id, person_id, benefit, "payable", "bank", net)
    return postings


def reversal(postings: Iterable[Posting], transaction: str) -> list[Posting]:
    """Postings that undo others exactly (a correction never deletes a posting). A payment the
    bank rejected is reversed in full: the money came back, and the new attempt line posts
    the payment anew."""
    return [
        Posting(transaction, p.line_id, p.person_id, p.benefit, p.account, -p.amount_ore)
        for p in postings
    ]


def balances(postings: Iterable[Posting]) -> dict[tuple[uuid.UUID, str, Account], int]:
    """The balance of every (person, benefit, account) that has postings."""
    out: dict[tuple[uuid.UUID, str, Account], int] = {}
    for p in postings:
        key = (p.person_id, p.benefit, p.account)
        out[key] = out.get(key, 0) + p.amount_ore
    return out


def total(postings: Iterable[Posting]) -> int:
    """The sum of postings: zero for any set of whole transactions."""
    return sum(p.amount_ore for p in postings)
