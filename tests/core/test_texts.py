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


def test_a_text_for_a_case_no_rule_can_reach_is_reported(monkeypatch) -> None:
    """`<status>_without_<facts>` texts must belong to a rule that may be decided without
    those facts (`Rule.may_be_unknown`), and exist in every language."""
    import dataclasses

    from trygd.rules import texts as texts_module

    real = catalogue("dagpenger")
    rules = {rule_id: dict(entry) for rule_id, entry in real.rules.items()}
    rules["minimum_income"]["met_without_birth_date"] = {"nb": "x", "nn": "x", "en": "x"}
    rules["age"]["not_met_without"] = {"nb": "x", "nn": "x", "en": "x"}
    rules["minimum_income"]["met_without_income_12m"] = {"nb": "x", "nn": "x"}
    changed = dataclasses.replace(real, rules=rules)
    monkeypatch.setattr(texts_module, "catalogue", lambda _benefit_id: changed)
    problems = check_complete(BENEFITS["dagpenger"])
    assert problems == [
        "dagpenger: rule age.not_met_without is for no case of the rule",
        "dagpenger: rule minimum_income.met_without_income_12m has no en text",
        "dagpenger: rule minimum_income.met_without_birth_date is for no case of the rule",
    ]
