"""The demo persons' account numbers are valid kontonummer (checked by trygd.bank)."""

from __future__ import annotations

from trygd.bank.accounts import check_account, is_norwegian
from trygd.demo.seed import PERSONS, demo_account, demo_tax_card
from trygd.domain.tax import card_from_fact


def test_every_demo_person_has_a_valid_distinct_norwegian_account() -> None:
    accounts = [demo_account(index) for index in range(len(PERSONS))]
    assert len(set(accounts)) == len(accounts)
    for account in accounts:
        assert check_account(account) == account
        assert is_norwegian(account)


def test_demo_tax_cards_are_valid_facts_of_each_kind() -> None:
    cards = [card_from_fact(demo_tax_card(index)) for index in range(len(PERSONS))]
    kinds = {card.kind if card is not None else "none" for card in cards}
    assert kinds == {"percentage", "table", "none"}
