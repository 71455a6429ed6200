"""The benefit guide: a few answers in, which benefits may apply out, and why.

The guide decides nothing itself. It turns the answers into the facts of each benefit's
application format, checks them the way an application is checked (`parse_application`), and
asks the rules engine (`assess`) what it would say; the verdict only sums up the engine's
conditions, and the page shows the engine's own explanations and legal references. Facts
the guide does not ask about stay unknown, so the conditions that need them are "not yet
known" rather than guessed. Nothing is stored.

A person using the guide has no case, so a condition left open is not explained with the
engine's words for a case ("a caseworker must look at the case") but with what would settle
it: the answers left empty here, and what only an application asks (`settle`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from trygd.applications.inputs import InputError, parse_application
from trygd.rules.assessment import Assessment, RuleResult, assess
from trygd.rules.benefits import PROFILES
from trygd.rules.texts import catalogue
from trygd.web.i18n import as_language, translator

SITUATIONS = ("ill", "unemployed", "reduced", "disabled")


def _fitting(situation: str) -> tuple[str, ...]:
    """The benefits whose home says they fit `situation`, the closest first (a tie keeps the
    order of `PROFILES`)."""
    ranked = [
        (profile.guide.situations[situation], benefit)
        for benefit, profile in PROFILES.items()
        if situation in profile.guide.situations
    ]
    return tuple(benefit for _rank, benefit in sorted(ranked, key=lambda pair: pair[0]))


# Which benefits fit each situation, the closest first.
BENEFITS_FOR = {situation: _fitting(situation) for situation in SITUATIONS}
LIKELY, UNLIKELY, DEPENDS = "may_apply", "probably_not", "depends"


@dataclass(frozen=True)
class Answers:
    """The guide's answers, already checked by the page: numbers are numbers, dates dates."""

    situation: str
    birth_date: dt.date
    lives_in_norway: bool
    income: int
    income_3y: int | None = None  # the last 36 months in all, which can also qualify
    hours_before: float | None = None
    hours_now: float | None = None
    reduction: int | None = None  # how many percent illness reduces the ability to work


def facts_for(benefit: str, answers: Answers) -> dict[str, Any]:
    """The facts of `benefit`'s application format that the answers give; no others."""
    facts: dict[str, Any] = {"birth_date": answers.birth_date.isoformat()}
    for fact, answer in PROFILES[benefit].guide.facts.items():
        value = getattr(answers, answer)
        if value is not None:
            facts[fact] = value
    return facts


@dataclass(frozen=True)
class Finding:
    benefit: str
    verdict: str  # may_apply | probably_not | depends
    met: tuple[RuleResult, ...]
    not_met: tuple[RuleResult, ...]
    unknown: tuple[RuleResult, ...]


def verdict_of(assessment: Assessment) -> str:
    """Probably not if the engine finds a condition not met; may apply if it finds them all
    met; otherwise it depends on what the guide did not ask."""
    statuses = {c.status for c in assessment.conditions}
    if "not_met" in statuses:
        return UNLIKELY
    if statuses <= {"met"} and assessment.outcome.value == "granted":
        return LIKELY
    return DEPENDS


def settle(benefit: str, condition: RuleResult, language: str) -> str:
    """What would settle a condition the answers leave open, from the facts it misses: the
    guide's own questions left empty ("Oppgi arbeidsinntekt de siste 36 månedene for å
    avgjøre dette"), and the facts only an application asks about."""
    texts = catalogue(benefit)
    asked = {"birth_date", *PROFILES[benefit].guide.facts}
    here = tuple(texts.fact_label(m, language) for m in condition.missing_facts if m in asked)
    others = tuple(texts.fact_label(m, language) for m in condition.missing_facts if m not in asked)
    tr = translator(as_language(language) or "nb")
    if here and others:
        return tr.gettext(
            "To settle this, answer the question about %(asked)s. This may also depend on "
            "%(others)s, which the guide does not ask about. You answer that in the "
            "application.",
            asked=texts.join(here, language),
            others=texts.join(others, language),
        )
    if here:
        return tr.gettext(
            "To settle this, answer the question about %(facts)s.",
            facts=texts.join(here, language),
        )
    return tr.gettext(
        "This depends on %(facts)s, which the guide does not ask about. You answer that in "
        "the application.",
        facts=texts.join(others, language),
    )


def find(answers: Answers, on: dt.date, language: str) -> list[Finding]:
    """The benefits of the person's situation, each with the engine's verdict and reasons."""
    findings = []
    for benefit in BENEFITS_FOR[answers.situation]:
        document = {"benefit": benefit, "claim_date": on.isoformat()}
        document["facts"] = facts_for(benefit, answers)  # type: ignore[assignment]
        try:
            application = parse_application(json.dumps(document))
        except InputError as error:  # the page checks the answers first; this is a bug
            raise ValueError(f"the guide made facts {benefit} refuses: {error.problems}") from None
        assessment = assess(benefit, application.facts, on, language=language)
        conditions = assessment.conditions
        findings.append(
            Finding(
                benefit=benefit,
                verdict=verdict_of(assessment),
                met=tuple(c for c in conditions if c.status == "met"),
                not_met=tuple(c for c in conditions if c.status == "not_met"),
                unknown=tuple(
                    dataclasses.replace(c, explanation=settle(benefit, c, language))
                    for c in conditions
                    if c.status == "undetermined"
                ),
            )
        )
    return findings
