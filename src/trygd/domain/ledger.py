"""The ledger (hovedbok): double entry in integer øre.

Every money event is a transaction of pairs of postings, each pair one debit (positive) and
one credit (negative) of the same amount, so every pair, every transaction and the whole
ledger sum to zero. Accounts:

- `expense` NAV's cost of the benefit (grows with each payment, shrinks with a recovery);
- `tax` tax withheld and owed to Skatteetaten;
- `bank` money sent through the bank (a credit: it left NAV's account);
- `receivable` a feilutbetaling NAV claims back from the person;
- `payable` what NAV owed and had not yet sent: used by ledgers written before December 2026
  (a payment then went expense -> payable -> tax and bank in one transaction; the payable was
  always cleared in the same transaction, so it said nothing the pairs below do not);
- `interest` rentetillegg added to a claim (ftrl. § 22-17a), the state's income;
- `collection` a claim handed on for collection outside NAV's payments.

A tilbakekreving adds its own pairs (`trygd.domain.recovery`): write-off, rentetillegg,
set-off against a payment, and a claim handed on.

A payment's expense is the sum of its pairs: what went to Skatteetaten, what was set off
against a claim, and what went to the bank. Balances are kept per account, person and benefit.
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

    transaction: str  # what made it: "payment", "withholding", "recovery", "rejected", ...
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
    """A payment ordered: its cost is the tax withheld, owed to Skatteetaten (`withholding`:
    expense/tax), the part kept to pay a tilbakekreving claim (`setoff`: expense/receivable,
    motregning: it does not reach the bank) and the net that leaves through the bank
    (`payment`: expense/bank). The gross is their sum on the expense account. A negative
    gross is a feilutbetaling: the cost is reversed against a claim on the person."""
    if gross_ore < 0:
        return list(
            pair("recovery", line_id, person_id, benefit, "receivable", "expense", -gross_ore)
        )
    if not 0 <= tax_ore <= gross_ore:
        raise ValueError("tax_ore: must be between 0 and the gross amount")
    postings: list[Posting] = []
    if tax_ore:
        postings += pair("withholding", line_id, person_id, benefit, "expense", "tax", tax_ore)
    if not 0 <= setoff_ore <= gross_ore - tax_ore:
        raise ValueError("setoff_ore: must be between 0 and the net amount")
    if setoff_ore:
        postings += pair("setoff", line_id, person_id, benefit, "expense", "receivable", setoff_ore)
    net = gross_ore - tax_ore - setoff_ore
    if net:
        postings += pair("payment", line_id, person_id, benefit, "expense", "bank", net)
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
