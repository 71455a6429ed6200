"""The one status a person sees for a case: granted, stopped from a date, under klage, ...

The overview, the list of cases and the case page all show the same label, so it is computed
once, here, from the case's stored records (its behandlinger, vedtak, information requests and
klager, as the services return them) rather than from the state of whichever behandling
happens to be the latest. The order of the checks is the order of what matters to the person:
something they must do, then something NAV is doing, then what has been decided.

A vedtak that says no to a benefit the person had (a revurdering that replaces a granted
vedtak) stops the benefit from its `effective_from`: that is "stopped", not "rejected", and
the date comes from the vedtak, never from a template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DECIDED_STATES = frozenset({"decided", "implemented"})


@dataclass(frozen=True, slots=True)
class CaseStatus:
    """`kind` is one of waiting_for_you, processing, under_klage, granted, stopped, rejected;
    `since` is the date a stop takes effect (ISO), else None; `tone` the colour of the tag."""

    kind: str
    since: str | None = None

    @property
    def tone(self) -> str:
        return {
            "waiting_for_you": "warning",
            "processing": "info",
            "under_klage": "info",
            "granted": "success",
            "stopped": "warning",
            "rejected": "error",
        }[self.kind]


def vedtak_in_force(vedtak: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The vedtak no later vedtak replaces (the newest if several qualify)."""
    replaced = {v["replaces_vedtak_id"] for v in vedtak if v.get("replaces_vedtak_id")}
    standing = [v for v in vedtak if v["id"] not in replaced]
    return max(standing, key=lambda v: v["decided_at"]) if standing else None


def stops_benefit(vedtak: Mapping[str, Any], replaced: Mapping[str, Any] | None) -> bool:
    """A vedtak that says no where the vedtak it replaces said yes stops the benefit."""
    return (
        vedtak["outcome"] == "rejected"
        and replaced is not None
        and replaced["outcome"] == "granted"
    )


def case_status(sak: Mapping[str, Any], klager: Sequence[Mapping[str, Any]]) -> CaseStatus:
    """The case's status from its records (`sak` as `get_sak` returns it, `klager` as
    `list_klager` returns their items)."""
    if any(r["status"] == "open" for r in sak["information_requests"]):
        return CaseStatus("waiting_for_you")
    behandlinger = [b for b in sak["behandlinger"] if b["kind"] != "klage"]
    if any(b["state"] not in DECIDED_STATES for b in behandlinger):
        return CaseStatus("processing")
    if any(k["state"] != "closed" for k in klager):
        return CaseStatus("under_klage")
    current = vedtak_in_force(sak["vedtak"])
    if current is None:
        return CaseStatus("processing")
    if current["outcome"] == "granted":
        return CaseStatus("granted")
    stop = first_stop(current, sak["vedtak"])
    if stop is not None:
        return CaseStatus("stopped", since=str(stop["effective_from"])[:10])
    return CaseStatus("rejected")


def first_stop(
    current: Mapping[str, Any], vedtak: Sequence[Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The vedtak that stopped the benefit, if `current` is a no that follows a yes: walking
    back through the vedtak each one replaces, the first no after the last yes. Another no
    after a stop (a later change) keeps the date the benefit stopped."""
    by_id = {v["id"]: v for v in vedtak}
    step: Mapping[str, Any] | None = current
    seen: set[str] = set()
    while step is not None and step["outcome"] == "rejected" and step["id"] not in seen:
        seen.add(step["id"])
        replaced = by_id.get(step.get("replaces_vedtak_id") or "")
        if stops_benefit(step, replaced):
            return step
        step = replaced
    return None
