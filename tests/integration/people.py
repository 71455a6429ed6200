"""Invented persons for the population register, numbered per test database.

conftest's `make_person` numbers persons with one counter for the whole pytest session, and a
birth date has only about 500 synthetic identity numbers, so a long session runs out and every
later `make_person` fails. Each test has a database of its own, so numbering per test is
enough: the test modules that create many persons override `make_person` with
`person_factory(service)`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable

from support import NOW

from trygd.domain.identity import synthetic_identity_number
from trygd.services.facade import CaseService
from trygd.store.models import Person


def person_factory(service: CaseService) -> Callable[..., Person]:
    """Register invented persons in `service`'s persons table, as conftest's make_person."""
    numbers = itertools.count(1)

    def make(
        name: str = "Test Person",
        birth_date: dt.date = dt.date(1985, 3, 14),
        municipality: str = "0301",
        protection: str = "none",
        skjermet: bool = False,
    ) -> Person:
        person = Person(
            id=uuid.uuid4(),
            identity_number=synthetic_identity_number(birth_date, next(numbers)),
            name=name,
            birth_date=birth_date,
            municipality=municipality,
            protection=protection,
            skjermet=skjermet,
            created_at=NOW,
        )
        with service.sessions.begin() as session:
            session.add(person)
        return person

    return make
