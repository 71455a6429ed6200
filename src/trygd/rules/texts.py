"""Plain-language texts for conditions and calculations, in bokmål, nynorsk and English.

Texts live in `texts/<benefit>.toml` next to this module so that they can be reviewed and
translated without reading code: per fact a label, per rule a title and, for a condition,
one text for met and one for not met; for a calculation, one text describing the result (and,
where the result must be told differently on some dates, other texts `text_<variant>` that
the calculation picks itself).
A fact whose label speaks to the person ("hvor mye du er sykmeldt") also has a staff label
that speaks about them ("sykmeldingsgrad"), for the caseworkers' pages.
Templates name facts, parameters and computed values (see `trygd.rules.formatting`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from trygd.rules.formatting import LANGUAGES


class TextError(ValueError):
    """A text catalogue is incomplete or malformed."""


@dataclass(frozen=True)
class Catalogue:
    facts: dict[str, dict[str, str]]
    rules: dict[str, dict[str, dict[str, str]]]
    common: dict[str, dict[str, str]]
    # Labels for caseworkers where the person's own label speaks to them ("du", "your").
    staff_facts: dict[str, dict[str, str]] = field(default_factory=dict)

    def fact_label(self, name: str, language: str) -> str:
        return self.facts[name][language]

    def staff_fact_label(self, name: str, language: str) -> str:
        """The label a caseworker reads: about the person, not addressed to them."""
        return self.staff_facts.get(name, self.facts[name])[language]

    def rule_text(self, rule_id: str, key: str, language: str) -> str:
        return self.rules[rule_id][key][language]

    def common_text(self, key: str, language: str) -> str:
        return self.common[key][language]


def _read(name: str) -> dict[str, Any]:
    entry = resources.files("trygd.rules") / "texts" / f"{name}.toml"
    return tomllib.loads(entry.read_text(encoding="utf-8"))


@cache
def catalogue(benefit_id: str) -> Catalogue:
    data = _read(benefit_id)
    common = _read("common")
    return Catalogue(
        data.get("facts", {}), data.get("rules", {}), common, data.get("staff_facts", {})
    )


@cache
def _parameter_labels() -> dict[str, dict[str, str]]:
    return _read("parameters")


def parameter_label(name: str, language: str) -> str | None:
    """A parameter's short name for the caseworkers' pages (`common.grunnbelop` →
    "grunnbeløpet (G)"); None for a parameter without one. The parameter files' own
    descriptions are research notes in English and are never shown on a page."""
    entry = _parameter_labels().get(name)
    return entry.get(language) if entry else None


def check_complete(benefit: Any) -> list[str]:
    """Every problem with a benefit's catalogue: missing labels, titles, texts or languages."""
    problems: list[str] = []
    texts = catalogue(benefit.id)

    def need(entry: dict[str, str] | None, where: str) -> None:
        for language in LANGUAGES:
            if not entry or not entry.get(language):
                problems.append(f"{benefit.id}: {where} has no {language} text")

    for fact in benefit.facts:
        need(texts.facts.get(fact.name), f"fact {fact.name}")
    known = {fact.name for fact in (*benefit.facts, *benefit.input_facts)}
    for name, labels in texts.staff_facts.items():
        if name not in known:
            problems.append(f"{benefit.id}: staff label for unknown fact {name}")
        need(labels, f"staff label of {name}")
    for rule in benefit.rules:
        entry = texts.rules.get(rule.id, {})
        keys = ("title", "met", "not_met") if rule.kind == "condition" else ("title", "text")
        # A calculation's other texts (`text_no_cap`), picked by the rule itself (see
        # `trygd.rules.record.variant_name`), need every language as well.
        variants = (
            tuple(k for k in entry if k.startswith("text_")) if rule.kind != "condition" else ()
        )
        for key in (*keys, *variants):
            need(entry.get(key), f"rule {rule.id}.{key}")
    for name in benefit.parameters.values():
        need(_parameter_labels().get(name), f"parameter label of {name}")
    return problems


def parameters_without_label(names: Any) -> list[str]:
    """Which of the parameters `names` lack a label in one of the languages."""
    labels = _parameter_labels()
    return sorted(n for n in names if any(not labels.get(n, {}).get(lang) for lang in LANGUAGES))
