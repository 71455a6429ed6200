"""Whether a vedtak needed a forhåndsvarsel (advance notice, fvl. § 16), and why not if none
was sent.

fvl. § 16 first paragraph: a party who has not already stated their view, by an application
or otherwise, is to be told before a vedtak is made and given a deadline to answer. Third
paragraph lets the notice be left out when (a) it is not practically possible or would put
the vedtak at risk, (b) the party has no known address and tracing them would take more
than is reasonable, or (c) the party already knows in another way that a vedtak will be made
and has had reasonable cause and time to state their view, or notice is for other reasons
obviously unnecessary.

A first vedtak answers the person's own søknad, and a vedtak after a klage answers their
klage: they have stated their view, so no notice is owed. A revurdering in the person's
favour takes nothing from them. What remains is a revurdering that stops or reduces a
benefit. When it rests only on facts the person reported themselves in an endringsmelding
(no caseworker added findings of their own), the person has stated their view by that report
and knows that a new vedtak follows it: notice is left out under § 16 first paragraph and
third paragraph letter c. When a caseworker's own findings are part of it, notice is owed; a
vedtak made without one is recorded as `missing`, so that it shows in the case history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trygd.rules.assessment import default_ruleset

# The texts live in rules/legal_bases.toml, with their sources.
FIRST_PARAGRAPH = default_ruleset().parameters.legal_basis("advance_notice_required").text
OMITTED_BASIS = default_ruleset().parameters.legal_basis("advance_notice_omitted").text


@dataclass(frozen=True, slots=True)
class AdvanceNotice:
    """`status`: not_required, sent, omitted or missing; `legal_basis` and `reason` say why."""

    status: str
    legal_basis: str
    reason: str

    def to_record(self) -> dict[str, str]:
        return {
            "advance_notice": self.status,
            "advance_notice_basis": self.legal_basis,
            "advance_notice_reason": self.reason,
        }


def _numbers(amounts: Mapping[str, Any] | None) -> dict[str, float]:
    found = {}
    for name, value in (amounts or {}).items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            found[name] = float(value)
    return found


def against_person(
    old_outcome: str,
    new_outcome: str,
    old_amounts: Mapping[str, Any] | None,
    new_amounts: Mapping[str, Any] | None,
) -> bool:
    """A new vedtak goes against the person if it stops a granted benefit (granted then
    rejected) or, both granted, lowers any amount the old one gave."""
    if old_outcome == "granted" and new_outcome == "rejected":
        return True
    if old_outcome == "granted" and new_outcome == "granted":
        old, new = _numbers(old_amounts), _numbers(new_amounts)
        return any(new[name] < old[name] for name in old.keys() & new.keys())
    return False


def advance_notice(
    *, kind: str, against: bool, facts_from_person_only: bool, notice_sent: bool
) -> AdvanceNotice:
    """What fvl. § 16 asked of the vedtak a behandling of `kind` makes."""
    if notice_sent:
        return AdvanceNotice("sent", FIRST_PARAGRAPH, "a forhåndsvarsel was sent")
    if kind != "revurdering":
        return AdvanceNotice(
            "not_required",
            FIRST_PARAGRAPH,
            "the person has stated their view in their søknad or klage",
        )
    if not against:
        return AdvanceNotice(
            "not_required", FIRST_PARAGRAPH, "the revurdering does not go against the person"
        )
    if facts_from_person_only:
        return AdvanceNotice(
            "omitted",
            OMITTED_BASIS,
            "the change rests only on facts the person reported in their endringsmelding: "
            "they have stated their view and know that a new vedtak follows",
        )
    return AdvanceNotice(
        "missing",
        FIRST_PARAGRAPH,
        "the revurdering goes against the person and rests on a caseworker's own findings, "
        "but no forhåndsvarsel was sent",
    )
