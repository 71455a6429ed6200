"""Which decisions trygd may make without a caseworker.

A fully automated decision needs a legal basis (GDPR art. 22(2)(b)); NAV-loven § 4 a allows
it where the case handling is still sound (forsvarlig). trygd decides automatically only
where every condition is determined from the facts and the benefit's home allows it
(`BenefitProfile.automation`). AAP and
uføretrygd always go to a caseworker: their central conditions (reduced work or earning
capacity, § 11-5 and § 12-7) are medical and legal judgements that an application's facts
only summarise. A klage against an automatic vedtak is always handled by a caseworker.
"""

from __future__ import annotations

from dataclasses import dataclass

from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits import PROFILES

LEGAL_BASIS = default_ruleset().parameters.legal_basis("automatic_decision").text
"""Printed on every automatic vedtak; the text lives in `rules/legal_bases.toml`."""


@dataclass(frozen=True, slots=True)
class AutomationPolicy:
    benefit: str
    automatic: bool
    reason: str


# Each benefit's home says whether it may be decided automatically, and why.
POLICIES: dict[str, AutomationPolicy] = {
    benefit: AutomationPolicy(benefit, profile.automation.automatic, profile.automation.reason)
    for benefit, profile in PROFILES.items()
}


def may_decide_automatically(benefit: str, outcome: str) -> bool:
    """True when the rules gave a final outcome and the benefit allows automation."""
    policy = POLICIES.get(benefit)
    return policy is not None and policy.automatic and outcome in ("granted", "rejected")
