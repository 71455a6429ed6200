"""The life of one behandling (one assessment of one case) as an explicit state machine.

A behandling moves through a small, fixed set of states. Every move is an `Action`, and
`next_state` is the only way to compute where an action leads; an action that the table does
not allow from the current state raises `IllegalTransition` instead of leaving the case in a
state the law does not know. The table is the place a reviewer reads to see that, for
example, no manual decision can be made without going through `proposed` and `approved`
(totrinnskontroll), and that only the automatic path may go straight from assessment to a
decision.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    RECEIVED = "received"
    ASSESSING = "assessing"
    WAITING_FOR_INFORMATION = "waiting_for_information"
    PROPOSED = "proposed"
    APPROVED = "approved"
    DECIDED = "decided"
    IMPLEMENTED = "implemented"


class Kind(StrEnum):
    """Why the behandling exists."""

    FIRST = "forstegangsbehandling"  # a new søknad
    REVURDERING = "revurdering"  # a reported change or NAV's own review of a vedtak
    OMGJORING = "omgjoring"  # the first instance changes its decision after a klage
    ETTER_KLAGEINSTANS = "etter_klageinstans"  # carries out Klageinstans' decision
    ETTER_ANKE = "etter_anke"  # carries out a judgment of Trygderetten or a court
    REGULERING = "regulering"  # a new G reaches a running grant (no caseworker, no letter)
    KLAGE = "klage"  # the klage itself; its states are trygd.domain.klage.KlageState


class Action(StrEnum):
    START = "start"
    DECIDE_AUTOMATICALLY = "decide_automatically"
    REQUEST_INFORMATION = "request_information"
    INFORMATION_RECEIVED = "information_received"
    DEADLINE_PASSED = "deadline_passed"
    PROPOSE = "propose"
    RETURN = "return"
    APPROVE = "approve"
    DECIDE = "decide"
    IMPLEMENT = "implement"


TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.RECEIVED, Action.START): State.ASSESSING,
    # Only where the benefit allows it and every condition is determined (services check both).
    (State.ASSESSING, Action.DECIDE_AUTOMATICALLY): State.DECIDED,
    # Opplysningsplikt, ftrl. § 21-3: the case waits for the person.
    (State.ASSESSING, Action.REQUEST_INFORMATION): State.WAITING_FOR_INFORMATION,
    (State.WAITING_FOR_INFORMATION, Action.INFORMATION_RECEIVED): State.ASSESSING,
    (State.WAITING_FOR_INFORMATION, Action.DEADLINE_PASSED): State.ASSESSING,
    # Totrinnskontroll: a caseworker proposes, a different person approves or returns.
    (State.ASSESSING, Action.PROPOSE): State.PROPOSED,
    (State.PROPOSED, Action.RETURN): State.ASSESSING,
    (State.PROPOSED, Action.APPROVE): State.APPROVED,
    (State.APPROVED, Action.DECIDE): State.DECIDED,
    # Iverksetting: the vedtak is carried out (payments, registers).
    (State.DECIDED, Action.IMPLEMENT): State.IMPLEMENTED,
}

OPEN_STATES = frozenset(
    {
        State.RECEIVED,
        State.ASSESSING,
        State.WAITING_FOR_INFORMATION,
        State.PROPOSED,
        State.APPROVED,
    }
)


class IllegalTransition(ValueError):
    """An action that is not allowed in the behandling's current state."""

    def __init__(self, state: State, action: Action) -> None:
        self.state = state
        self.action = action
        allowed = sorted(a.value for (s, a) in TRANSITIONS if s is state)
        hint = f"; allowed now: {', '.join(allowed)}" if allowed else "; it is closed"
        super().__init__(f"cannot {action.value} a behandling that is {state.value}{hint}")


def next_state(state: State, action: Action) -> State:
    """The state `action` leads to from `state`, or IllegalTransition."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalTransition(state, action) from None


def allowed_actions(state: State) -> list[Action]:
    return [action for (s, action) in TRANSITIONS if s is state]
