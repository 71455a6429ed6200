"""The behandling state machine: every allowed move, and every other move refused."""

from __future__ import annotations

import itertools

import pytest

from trygd.domain.automation import POLICIES, may_decide_automatically
from trygd.domain.behandling import (
    OPEN_STATES,
    TRANSITIONS,
    Action,
    IllegalTransition,
    State,
    allowed_actions,
    next_state,
)


def test_the_happy_paths():
    automatic = [Action.START, Action.DECIDE_AUTOMATICALLY, Action.IMPLEMENT]
    manual = [Action.START, Action.PROPOSE, Action.APPROVE, Action.DECIDE, Action.IMPLEMENT]
    for path in (automatic, manual):
        state = State.RECEIVED
        for action in path:
            state = next_state(state, action)
        assert state is State.IMPLEMENTED


@pytest.mark.parametrize(("state", "action"), list(itertools.product(State, Action)))
def test_every_pair_is_either_in_the_table_or_refused(state, action):
    if (state, action) in TRANSITIONS:
        assert next_state(state, action) is TRANSITIONS[(state, action)]
    else:
        with pytest.raises(IllegalTransition) as error:
            next_state(state, action)
        assert state.value in str(error.value) and action.value in str(error.value)


def test_a_manual_decision_always_passes_proposed_and_approved():
    # The only ways into DECIDED are the automatic one and DECIDE from APPROVED,
    # and the only way into APPROVED is APPROVE from PROPOSED.
    into_decided = {(s, a) for (s, a), t in TRANSITIONS.items() if t is State.DECIDED}
    assert into_decided == {
        (State.ASSESSING, Action.DECIDE_AUTOMATICALLY),
        (State.APPROVED, Action.DECIDE),
    }
    into_approved = {(s, a) for (s, a), t in TRANSITIONS.items() if t is State.APPROVED}
    assert into_approved == {(State.PROPOSED, Action.APPROVE)}


def test_closed_states_allow_nothing_but_implementation():
    assert allowed_actions(State.IMPLEMENTED) == []
    assert allowed_actions(State.DECIDED) == [Action.IMPLEMENT]
    assert State.DECIDED not in OPEN_STATES and State.IMPLEMENTED not in OPEN_STATES


@pytest.mark.parametrize("benefit", sorted(POLICIES))
@pytest.mark.parametrize("outcome", ["granted", "rejected", "manual_assessment"])
def test_automation_only_for_listed_benefits_and_final_outcomes(benefit, outcome):
    expected = benefit in ("dagpenger", "sykepenger") and outcome != "manual_assessment"
    assert may_decide_automatically(benefit, outcome) is expected


def test_unknown_benefit_is_never_automatic():
    assert may_decide_automatically("barnetrygd", "granted") is False
