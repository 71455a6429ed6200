"""Plain-language texts for conditions and calculations, in bokmål, nynorsk and English.

Texts live in `texts/<benefit>.toml` next to this module so that they can be reviewed and
translated without reading code: per fact a label, per rule a title and, for a condition,
one text for met and one for not met; for a calculation, one text describing the result.
A rule whose explanation has variants (`Rule.texts`) has one such text per variant, and a
calculation that must be told differently on some dates has other texts `text_<variant>`
that it picks itself by setting `v.<rule id>_text` to the variant.
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

    def decided_without(
        self, rule_id: str, key: str, not_needed: tuple[str, ...], language: str
    ) -> str:
        """The text of a rule decided with `not_needed` missing: `<key>_without_<facts>`
        (the facts joined by `_and_`) where the rule has one for exactly those facts, else
        `<key>_without`. It explains the side that decided; its templates must not name
        the missing facts or values computed from them."""
        entry = self.rules[rule_id]
        exact = entry.get(without_key(key, not_needed))
        return (exact or entry[f"{key}_without"])[language]

    def join(self, items: tuple[str, ...], language: str) -> str:
        """ "a", "a og b", "a, b og c" ("and" in English)."""
        if len(items) < 2:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.common_text('list_and', language)} {items[-1]}"


def without_key(key: str, not_needed: tuple[str, ...]) -> str:
    """The text key of a rule decided without the facts `not_needed` (see `decided_without`)."""
    return f"{key}_without_{'_and_'.join(not_needed)}"


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
        keys: tuple[str, ...] = ("met", "not_met") if rule.kind == "condition" else ("text",)
        if rule.texts:  # one text per variant (see `Rule.texts`)
            keys = tuple(f"{key}_{variant}" for key in keys for variant in rule.texts)
        # A calculation's other texts (`text_no_cap`), picked by the rule itself, need every
        # language as well.
        variants = (
            tuple(k for k in entry if k.startswith("text_") and k not in keys)
            if rule.kind != "condition"
            else ()
        )
        for key in ("title", *keys, *variants):
            need(entry.get(key), f"rule {rule.id}.{key}")
        # Texts for a rule decided with facts missing (`Rule.may_be_unknown`): which of them
        # a rule can need depends on its formula, so the property tests explain random cases
        # in every language; here each must be complete and name facts the rule may lack.
        for key in entry:
            if "_without" not in key:
                continue
            need(entry[key], f"rule {rule.id}.{key}")
            status, _, facts = key.partition("_without")
            named = facts.removeprefix("_").split("_and_") if facts else []
            if (
                status not in keys
                or not rule.may_be_unknown
                or any(name not in rule.may_be_unknown for name in named)
            ):
                problems.append(f"{benefit.id}: rule {rule.id}.{key} is for no case of the rule")
    for name in benefit.parameters.values():
        need(_parameter_labels().get(name), f"parameter label of {name}")
    return problems


def parameters_without_label(names: Any) -> list[str]:
    """Which of the parameters `names` lack a label in one of the languages."""
    labels = _parameter_labels()
    return sorted(n for n in names if any(not labels.get(n, {}).get(lang) for lang in LANGUAGES))
