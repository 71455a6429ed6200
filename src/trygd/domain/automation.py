"""Which decisions trygd may make without a caseworker.

A fully automated decision needs a legal basis (GDPR art. 22(2)(b)); NAV-loven § 4 a allows
it where the case handling is still sound (forsvarlig). trygd decides automatically only
where every condition is determined from the facts and the benefit is listed here. AAP and
uføretrygd always go to a caseworker: their central conditions (reduced work or earning
capacity, § 11-5 and § 12-7) are medical and legal judgements that an application's facts
only summarise. A klage against an automatic vedtak is always handled by a caseworker.
"""

from __future__ import annotations

from dataclasses import dataclass

from trygd.rules.assessment import default_ruleset

LEGAL_BASIS = default_ruleset().parameters.legal_basis("automatic_decision").text
"""Printed on every automatic vedtak; the text lives in `rules/legal_bases.toml`."""


@dataclass(frozen=True, slots=True)
class AutomationPolicy:
    benefit: str
    automatic: bool
    reason: str


POLICIES: dict[str, AutomationPolicy] = {
    "dagpenger": AutomationPolicy(
        "dagpenger", True, "All conditions are assessed from register and application facts."
    ),
    "sykepenger": AutomationPolicy(
        "sykepenger", True, "All conditions are assessed from sykmelding, employer and A-ordningen."
    ),
    "aap": AutomationPolicy(
        "aap", False, "Reduced work capacity (ftrl. § 11-5) needs a caseworker's judgement."
    ),
    "uforetrygd": AutomationPolicy(
        "uforetrygd",
        False,
        "Reduced earning capacity (ftrl. § 12-7) needs a caseworker's judgement.",
    ),
}


def may_decide_automatically(benefit: str, outcome: str) -> bool:
    """True when the rules gave a final outcome and the benefit allows automation."""
    policy = POLICIES.get(benefit)
    return policy is not None and policy.automatic and outcome in ("granted", "rejected")
