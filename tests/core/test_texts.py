"""The text catalogues of every benefit: complete, and staff labels that speak about the person."""

from __future__ import annotations

import re

import pytest

from trygd.rules.benefits import BENEFITS
from trygd.rules.formatting import LANGUAGES
from trygd.rules.texts import catalogue, check_complete

# Words that address the reader: right in a letter or on the person's own pages, wrong on a
# caseworker's page about someone else.
SECOND_PERSON = re.compile(r"\b(du|deg|din|di|ditt|dine|you|your|yours)\b", re.IGNORECASE)


@pytest.mark.parametrize("benefit_id", sorted(BENEFITS))
def test_the_catalogue_is_complete(benefit_id: str) -> None:
    assert check_complete(BENEFITS[benefit_id]) == []


@pytest.mark.parametrize("benefit_id", sorted(BENEFITS))
def test_staff_labels_never_address_the_person(benefit_id: str) -> None:
    benefit = BENEFITS[benefit_id]
    texts = catalogue(benefit_id)
    for fact in (*benefit.facts, *benefit.input_facts):
        for language in LANGUAGES:
            label = texts.staff_fact_label(fact.name, language)
            assert label and not SECOND_PERSON.search(label), (fact.name, language, label)


def test_a_staff_label_falls_back_to_the_fact_label() -> None:
    texts = catalogue("dagpenger")
    assert texts.staff_fact_label("birth_date", "nb") == texts.fact_label("birth_date", "nb")
    assert texts.staff_fact_label("children", "nb") != texts.fact_label("children", "nb")


def test_every_parameter_a_benefit_uses_has_a_name_in_every_language():
    from trygd.rules.benefits import BENEFITS
    from trygd.rules.texts import parameter_label, parameters_without_label

    used = {name for benefit in BENEFITS.values() for name in benefit.parameters.values()}
    assert parameters_without_label(used) == []
    assert parameter_label("dagpenger.max_age", "nn") == "aldersgrense"
