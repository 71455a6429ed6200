"""The appeal chain as an explicit state machine: klage, NAV Klageinstans, Trygderetten, court.

A klage (ftrl. § 21-12, fvl. §§ 28-36) is one appeal against one vedtak. It first goes back
to the unit that decided (fvl. § 33 second paragraph): that unit either changes its own
decision (omgjøring, which makes a new vedtak through an ordinary behandling) or keeps it and
sends the case on to NAV Klageinstans with its statement, which the person gets a copy of and
may comment on. Klageinstans upholds (stadfester), changes (omgjør), partly changes, or
cancels the decision and sends the case back (opphever og hjemviser). After Klageinstans the
person may appeal (anke) to Trygderetten (trygderettsloven), and from there bring the case to
the court of appeal (lagmannsretten, trygderettsloven § 23). Those two steps happen outside
NAV; trygd registers them with their dates and outcomes.

Two detours sit before the review: a fristavbrytende klage (a short notice that stops the
clock) waits for its full grounds, and a late klage waits for a caseworker to decide whether it
is considered anyway (fvl. § 31). As with behandlinger, `next_state` is the only way to move,
and anything the table does not list raises `IllegalTransition`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum


class KlageState(StrEnum):
    AWAITING_GROUNDS = "awaiting_grounds"  # fristavbrytende: the full grounds come later
    LATE_ASSESSMENT = "late_assessment"  # after the deadline: consider it anyway? (fvl. § 31)
    FIRST_INSTANCE_REVIEW = "first_instance_review"  # the unit that decided looks again
    AT_KLAGEINSTANS = "at_klageinstans"
    KLAGEINSTANS_DECIDED = "klageinstans_decided"
    AT_TRYGDERETTEN = "at_trygderetten"
    TRYGDERETTEN_DECIDED = "trygderetten_decided"
    AT_COURT_OF_APPEAL = "at_court_of_appeal"
    CLOSED = "closed"


class KlageAction(StrEnum):
    GROUNDS_RECEIVED = "grounds_received"
    GROUNDS_DEADLINE_PASSED = "grounds_deadline_passed"
    CONSIDER_LATE = "consider_late"
    REJECT_LATE = "reject_late"  # avvisning (fvl. § 31, § 33)
    WITHDRAW = "withdraw"
    CHANGE_DECISION = "change_decision"  # omgjøring in the first instance
    FORWARD = "forward"  # oversendelse to NAV Klageinstans
    KLAGEINSTANS_DECIDE = "klageinstans_decide"
    REGISTER_ANKE = "register_anke"
    TRYGDERETTEN_DECIDE = "trygderetten_decide"
    REGISTER_COURT_CASE = "register_court_case"
    COURT_DECIDE = "court_decide"
    EXPIRE = "expire"  # no further appeal: the last decision stands


class Outcome(StrEnum):
    """The outcomes an appeal body gives (the same words for Klageinstans and the courts)."""

    STADFESTET = "stadfestet"  # upheld
    OMGJORT = "omgjort"  # changed in the person's favour
    DELVIS_OMGJORT = "delvis_omgjort"  # partly changed
    OPPHEVET = "opphevet"  # cancelled and sent back (hjemvist) for a new assessment
    AVVIST = "avvist"  # not considered (a court may refuse a late anke)


KLAGEINSTANS_OUTCOMES = frozenset(
    {Outcome.STADFESTET, Outcome.OMGJORT, Outcome.DELVIS_OMGJORT, Outcome.OPPHEVET}
)
COURT_OUTCOMES = frozenset(Outcome)

# Outcomes after which the first instance must make a new vedtak that carries out the decision.
NEEDS_NEW_BEHANDLING = frozenset({Outcome.OMGJORT, Outcome.DELVIS_OMGJORT, Outcome.OPPHEVET})


_S = KlageState
_A = KlageAction
TRANSITIONS: dict[tuple[KlageState, KlageAction], KlageState] = {
    (_S.AWAITING_GROUNDS, _A.GROUNDS_RECEIVED): _S.FIRST_INSTANCE_REVIEW,
    (_S.AWAITING_GROUNDS, _A.GROUNDS_DEADLINE_PASSED): _S.FIRST_INSTANCE_REVIEW,
    (_S.AWAITING_GROUNDS, _A.WITHDRAW): _S.CLOSED,
    (_S.LATE_ASSESSMENT, _A.CONSIDER_LATE): _S.FIRST_INSTANCE_REVIEW,
    (_S.LATE_ASSESSMENT, _A.REJECT_LATE): _S.CLOSED,
    (_S.LATE_ASSESSMENT, _A.WITHDRAW): _S.CLOSED,
    (_S.FIRST_INSTANCE_REVIEW, _A.CHANGE_DECISION): _S.CLOSED,
    (_S.FIRST_INSTANCE_REVIEW, _A.FORWARD): _S.AT_KLAGEINSTANS,
    (_S.FIRST_INSTANCE_REVIEW, _A.WITHDRAW): _S.CLOSED,
    (_S.AT_KLAGEINSTANS, _A.KLAGEINSTANS_DECIDE): _S.KLAGEINSTANS_DECIDED,
    (_S.AT_KLAGEINSTANS, _A.WITHDRAW): _S.CLOSED,
    (_S.KLAGEINSTANS_DECIDED, _A.REGISTER_ANKE): _S.AT_TRYGDERETTEN,
    (_S.KLAGEINSTANS_DECIDED, _A.EXPIRE): _S.CLOSED,
    (_S.AT_TRYGDERETTEN, _A.TRYGDERETTEN_DECIDE): _S.TRYGDERETTEN_DECIDED,
    (_S.TRYGDERETTEN_DECIDED, _A.REGISTER_COURT_CASE): _S.AT_COURT_OF_APPEAL,
    (_S.TRYGDERETTEN_DECIDED, _A.EXPIRE): _S.CLOSED,
    (_S.AT_COURT_OF_APPEAL, _A.COURT_DECIDE): _S.CLOSED,
}

OPEN_STATES = frozenset(set(KlageState) - {KlageState.CLOSED})

# What the person is waiting for in each state, as a key the letters and pages translate.
NEXT_STEP: dict[KlageState, str] = {
    _S.AWAITING_GROUNDS: "send_grounds",
    _S.LATE_ASSESSMENT: "late_assessment",
    _S.FIRST_INSTANCE_REVIEW: "first_instance_review",
    _S.AT_KLAGEINSTANS: "klageinstans_review",
    _S.KLAGEINSTANS_DECIDED: "anke_possible",
    _S.AT_TRYGDERETTEN: "trygderetten_review",
    _S.TRYGDERETTEN_DECIDED: "court_possible",
    _S.AT_COURT_OF_APPEAL: "court_review",
    _S.CLOSED: "none",
}


class IllegalKlageTransition(ValueError):
    def __init__(self, state: KlageState, action: KlageAction) -> None:
        self.state = state
        self.action = action
        allowed = sorted(a.value for (s, a) in TRANSITIONS if s is state)
        hint = f"; allowed now: {', '.join(allowed)}" if allowed else "; it is closed"
        super().__init__(f"cannot {action.value} a klage that is {state.value}{hint}")


def next_klage_state(state: KlageState, action: KlageAction) -> KlageState:
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalKlageTransition(state, action) from None


def allowed_klage_actions(state: KlageState) -> list[KlageAction]:
    return [action for (s, action) in TRANSITIONS if s is state]


def first_state(*, late: bool, fristavbrytende: bool) -> KlageState:
    """Where a new klage starts: a late one is first assessed for lateness (fvl. § 31); a
    short notice then waits for its grounds; otherwise the review begins at once."""
    if late:
        return KlageState.LATE_ASSESSMENT
    if fristavbrytende:
        return KlageState.AWAITING_GROUNDS
    return KlageState.FIRST_INSTANCE_REVIEW


def in_persons_favour(outcome: Outcome) -> bool:
    return outcome in (Outcome.OMGJORT, Outcome.DELVIS_OMGJORT)


def waiting_for_comments(
    comment_deadline: dt.date | None, comments: Sequence[object], today: dt.date
) -> bool:
    """Whether NAV Klageinstans must still wait before deciding: the person may comment on
    the first instance's statement until the deadline (fvl. § 33), unless they already have."""
    return comment_deadline is not None and today <= comment_deadline and not comments
