"""The access policy on its own: first denying rule wins, deny by default, fail closed."""

from __future__ import annotations

import pytest

from trygd.privacy.policy import (
    Action,
    Actor,
    Clearance,
    Role,
    Subject,
    decide,
)

KARI = Actor("Z1", "Kari", frozenset({Role.CASEWORKER}), unit="0312", person_id="p-kari")
OLA = Actor("Z2", "Ola", frozenset({Role.APPROVER}), unit="0312")
VIKAFOSSEN = Actor(
    "Z3",
    "Hanne",
    frozenset({Role.CASEWORKER}),
    unit="2103",
    clearances=frozenset({Clearance.STRENGT_FORTROLIG, Clearance.FORTROLIG}),
)
AUDITOR = Actor("Z4", "Arne", frozenset({Role.AUDITOR}))
ANNA = Actor("person:a", "Anna", frozenset({Role.CITIZEN}), person_id="p-anna")


def person(
    pid: str = "p-anna", protection: str | None = "none", units=("0312",), skjermet=False
) -> Subject:
    return Subject(pid, protection, skjermet, frozenset(units))


def test_citizen_sees_own_data_only():
    assert decide(ANNA, Action.READ_CASE, person("p-anna"), None).permit
    assert not decide(ANNA, Action.READ_CASE, person("p-other"), None).permit


def test_citizen_cannot_do_casework_even_on_own_case():
    assert not decide(ANNA, Action.APPROVE, person("p-anna"), None).permit
    assert not decide(ANNA, Action.SEARCH_PERSON, person("p-anna"), "curious").permit


def test_caseworker_sees_own_unit_only():
    assert decide(KARI, Action.READ_CASE, person(units=("0312",)), None).permit
    assert not decide(KARI, Action.READ_CASE, person(units=("4450",)), None).permit


def test_assignment_gives_access_outside_the_unit():
    subject = Subject("p-anna", "none", False, frozenset({"4450"}), frozenset({"Z1"}))
    assert decide(KARI, Action.READ_CASE, subject, None).permit


@pytest.mark.parametrize("protection", ["strengt_fortrolig", "strengt_fortrolig_utland"])
def test_strictly_protected_persons_need_the_clearance(protection):
    subject = person(protection=protection, units=("0312", "2103"))
    assert not decide(KARI, Action.READ_CASE, subject, None).permit
    assert decide(VIKAFOSSEN, Action.READ_CASE, subject, None).permit


def test_fortrolig_needs_its_clearance_even_in_the_unit():
    assert not decide(KARI, Action.READ_CASE, person(protection="fortrolig"), None).permit


def test_skjermet_needs_the_skjerming_clearance():
    assert not decide(KARI, Action.READ_CASE, person(skjermet=True), None).permit


def test_unknown_protection_fails_closed():
    assert not decide(KARI, Action.READ_CASE, person(protection=None), None).permit
    assert not decide(KARI, Action.READ_CASE, person(protection="kode 99"), None).permit


def test_employees_cannot_handle_their_own_case():
    decision = decide(KARI, Action.READ_CASE, person(pid="p-kari"), None)
    assert not decision.permit and "own case" in decision.reason


def test_search_and_audit_need_a_purpose():
    assert not decide(KARI, Action.SEARCH_PERSON, person(), None).permit
    assert not decide(KARI, Action.SEARCH_PERSON, person(), "  ").permit
    assert decide(KARI, Action.SEARCH_PERSON, person(), "Saksbehandling").permit
    assert not decide(AUDITOR, Action.READ_AUDIT, person(), "").permit
    assert decide(AUDITOR, Action.READ_AUDIT, person(), "Kontroll").permit


def test_roles_limit_the_actions():
    assert not decide(KARI, Action.APPROVE, person(), None).permit
    assert decide(OLA, Action.APPROVE, person(), None).permit
    assert not decide(OLA, Action.PROPOSE, person(), None).permit
    assert not decide(AUDITOR, Action.READ_CASE, person(), None).permit


def test_an_actor_without_roles_is_denied_everything():
    nobody = Actor("x", "x", frozenset())
    assert all(not decide(nobody, a, person(), "p").permit for a in Action)
