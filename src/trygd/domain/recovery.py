"""Recovery of a decided tilbakekreving claim: set-off (motregning) against later payments and
the ledger postings of the claim's life.

- `setoff(outstanding, net, max_share)`: how much of one payment (after tax withholding) is
  kept to pay the claim: never more than the claim left, never more than the share of the
  payment the parameter allows (`tilbakekreving.setoff_max_share`, UNCONFIRMED), rounded
  down to whole øre so that the person never gets less than the share allows.
- postings, each a pair summing to zero (`trygd.domain.ledger`): the claim itself is booked
  when the payment run meets the negative line of the feilutbetaling (`receivable` debit,
  `expense` credit); the tilbakekreving vedtak then writes off what is not recovered
  (`expense` / `receivable`) and adds the rentetillegg (`receivable` / `interest`); a set-off
  moves part of a payment's cost to the claim instead of the bank (`expense` / `receivable`, posted
  with the payment by `trygd.domain.ledger.payment_postings`); a claim handed on for
  collection leaves NAV's receivable (`collection` / `receivable`).

Pure: integers in, postings out.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_FLOOR, Decimal

from trygd.domain.ledger import Posting, pair


def setoff(outstanding_ore: int, net_ore: int, max_share: float) -> int:
    """What to keep of a payment of `net_ore` (after tax) for a claim of `outstanding_ore`."""
    if outstanding_ore <= 0 or net_ore <= 0:
        return 0
    if not 0 <= max_share <= 1:
        raise ValueError("max_share must be between 0 and 1")
    allowed = int(
        (Decimal(net_ore) * Decimal(str(max_share))).quantize(Decimal(1), rounding=ROUND_FLOOR)
    )
    return min(outstanding_ore, allowed)


def decision_postings(
    line_id: uuid.UUID,
    person_id: uuid.UUID,
    benefit: str,
    *,
    feilutbetalt_ore: int,
    recovered_ore: int,
    rentetillegg_ore: int,
) -> list[Posting]:
    """The vedtak's postings: what is not recovered is written off (NAV bears it), and the
    rentetillegg is added to the claim."""
    if not 0 <= recovered_ore <= feilutbetalt_ore:
        raise ValueError("recovered_ore must be between 0 and the feilutbetaling")
    postings: list[Posting] = []
    written_off = feilutbetalt_ore - recovered_ore
    if written_off:
        postings += pair(
            "writeoff", line_id, person_id, benefit, "expense", "receivable", written_off
        )
    if rentetillegg_ore:
        postings += pair(
            "rentetillegg", line_id, person_id, benefit, "receivable", "interest", rentetillegg_ore
        )
    return postings


def handed_on_postings(
    line_id: uuid.UUID, person_id: uuid.UUID, benefit: str, outstanding_ore: int
) -> list[Posting]:
    """The claim left is handed on for collection: it leaves NAV's receivable."""
    if outstanding_ore <= 0:
        return []
    return list(
        pair("handed_on", line_id, person_id, benefit, "collection", "receivable", outstanding_ore)
    )
