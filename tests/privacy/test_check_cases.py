"""`access.check_cases` decides each case exactly as `access.check` one case at a time would,
with one audit record per case, though it asks the policy once per distinct subject."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from trygd.privacy.policy import Action, Actor, Role
from trygd.services import access
from trygd.services.errors import Forbidden


class _Recorder:
    """What `check_cases` needs of a unit of work for callers whose access follows from their
    role or their own identity (no query): the actor, and the audit records written."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.audit: list[dict[str, Any]] = []

    def record_access(self, **fields: Any) -> None:
        self.audit.append(fields)


SYSTEM = Actor(id="system:worker", name="trygd worker", roles=frozenset({Role.SYSTEM}))


def _case(person_id: uuid.UUID, protection: str = "none", unit: str = "0301") -> Any:
    return access.CaseFacts(uuid.uuid4(), unit, person_id, protection, False)


def test_each_case_gets_its_own_audit_record_with_its_person() -> None:
    people = [uuid.uuid4() for _ in range(5)]
    cases = [_case(p, protection) for p in people for protection in ("none", "fortrolig")]
    recorder = _Recorder(SYSTEM)
    access.check_cases(recorder, Action.RUN_JOB, cases, object_type="payment")  # type: ignore[arg-type]
    assert [(r["person_id"], r["object_id"]) for r in recorder.audit] == [
        (c.person_id, str(c.sak_id)) for c in cases
    ]
    one_by_one = _Recorder(SYSTEM)
    for case in cases:
        subject = access._case_subject(one_by_one, case)  # type: ignore[arg-type]
        access.check(
            one_by_one, Action.RUN_JOB, subject, object_type="payment", object_id=case.sak_id
        )  # type: ignore[arg-type]
    assert recorder.audit == one_by_one.audit


def test_a_caller_with_a_person_of_their_own_is_decided_for_each_person() -> None:
    """For a citizen the person id is what decides: their own case is permitted, and the
    next case, alike in everything but its person, is refused (and audited as refused)."""
    own, other = uuid.uuid4(), uuid.uuid4()
    citizen = Actor(id="citizen", name="Kari", roles=frozenset({Role.CITIZEN}), person_id=str(own))
    recorder = _Recorder(citizen)
    with pytest.raises(Forbidden):
        access.check_cases(
            recorder,  # type: ignore[arg-type]
            Action.READ_CASE,
            [_case(own), _case(other)],
            object_type="sak",
        )
    assert [r["outcome"] for r in recorder.audit] == ["permit", "deny"]
