"""The tilbakekreving case: its own behandling, as a state machine, and the feilutbetaling
it starts from.

A revurdering whose new payment plan gives less for periods already paid makes a
feilutbetaling (the negative lines the payment plan settles, `trygd.domain.payments`). Each
such revurdering vedtak opens one tilbakekreving, which goes:

    varsel_sent ──answer / deadline passed──▶ assessing ──propose──▶ proposed
                                                  ▲                     │ return
                                                  └─────────────────────┤
                                                                        │ approve (another
                                                                        ▼ person: totrinn)
                        closed ◀──recovered / nothing to recover── decided ──hand_on──▶ handed_on

- forhåndsvarsel (fvl. § 16): the case opens with the varsel sent and a deadline to comment;
  the caseworker cannot propose before the person has answered or the deadline has passed;
- the caseworker's assessment (ftrl. § 22-15: the questions `trygd.rules.tilbakekreving`
  leaves open) is stored with its reason, and a proposal needs every question answered;
- a second person approves (totrinnskontroll) and the vedtak is made;
- recovery: set-off against later payments (`trygd.domain.recovery`) until the claim is
  paid, or the claim handed on for collection.

Pure: no database, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from trygd.domain.payments import SimulatedPeriod, Simulation
from trygd.rules.tilbakekreving import Period


class State(StrEnum):
    VARSEL_SENT = "varsel_sent"
    ASSESSING = "assessing"
    PROPOSED = "proposed"
    DECIDED = "decided"
    HANDED_ON = "handed_on"
    CLOSED = "closed"


class Action(StrEnum):
    ANSWER = "answer"  # the person comments on the varsel
    DEADLINE_PASSED = "deadline_passed"  # the comment period ended without an answer
    PROPOSE = "propose"
    RETURN = "return"
    APPROVE = "approve"
    HAND_ON = "hand_on"  # the claim is handed on for collection
    SETTLE = "settle"  # nothing (more) to recover


TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.VARSEL_SENT, Action.ANSWER): State.ASSESSING,
    (State.VARSEL_SENT, Action.DEADLINE_PASSED): State.ASSESSING,
    (State.ASSESSING, Action.PROPOSE): State.PROPOSED,
    (State.PROPOSED, Action.RETURN): State.ASSESSING,
    (State.PROPOSED, Action.APPROVE): State.DECIDED,
    (State.DECIDED, Action.HAND_ON): State.HANDED_ON,
    (State.DECIDED, Action.SETTLE): State.CLOSED,
    (State.HANDED_ON, Action.SETTLE): State.CLOSED,
}

OPEN_STATES = frozenset({State.VARSEL_SENT, State.ASSESSING, State.PROPOSED})
RECOVERING_STATES = frozenset({State.DECIDED})


class IllegalTransition(ValueError):
    def __init__(self, state: State, action: Action) -> None:
        allowed = sorted(a.value for (s, a) in TRANSITIONS if s is state)
        hint = f"; allowed now: {', '.join(allowed)}" if allowed else "; it is closed"
        super().__init__(f"cannot {action.value} a tilbakekreving that is {state.value}{hint}")
        self.state = state
        self.action = action


def next_state(state: State, action: Action) -> State:
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalTransition(state, action) from None


@dataclass(frozen=True)
class FeilutbetaltPeriod:
    """One period paid too much: what was paid, what the new vedtak gives, and the payment
    line that books the difference as a claim (the ledger's receivable)."""

    kind: str
    start: dt.date
    end: dt.date
    paid_ore: int
    correct_ore: int
    paid_on: dt.date
    line_id: str

    @property
    def amount_ore(self) -> int:
        return self.paid_ore - self.correct_ore

    def as_rule_period(self) -> Period:
        return Period(self.start, self.end, self.amount_ore, self.paid_on)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "paid_ore": self.paid_ore,
            "correct_ore": self.correct_ore,
            "amount_ore": self.amount_ore,
            "paid_on": self.paid_on.isoformat(),
            "line_id": self.line_id,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> FeilutbetaltPeriod:
        return cls(
            doc["kind"],
            dt.date.fromisoformat(doc["start"]),
            dt.date.fromisoformat(doc["end"]),
            int(doc["paid_ore"]),
            int(doc["correct_ore"]),
            dt.date.fromisoformat(doc["paid_on"]),
            str(doc["line_id"]),
        )


def feilutbetaling(simulation: Simulation) -> list[SimulatedPeriod]:
    """The periods of a simulation (the new plan against what was paid) that were paid too
    much; the others are etterbetaling or unchanged."""
    return [p for p in simulation.periods if p.difference_ore < 0]


def total_ore(periods: Iterable[FeilutbetaltPeriod]) -> int:
    return sum(p.amount_ore for p in periods)


def can_propose(state: State, questions: Iterable[str]) -> str | None:
    """Why the caseworker cannot propose yet, or None."""
    if state is State.VARSEL_SENT:
        return "varsel_open"  # fvl. § 16: the person's answer or the deadline first
    if state is not State.ASSESSING:
        return "not_assessing"
    if list(questions):
        return "questions_open"
    return None
