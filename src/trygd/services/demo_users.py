"""The users of demo mode's sign-in, read through the services like any other read.

In demo mode one signs in by choosing a user from a list instead of through ID-porten. The
list has two halves that live in different places:

- the citizens are the persons the demo seed stored in the database, so they are read from
  there, here;
- the employees are stored nowhere (trygd keeps no staff register: see `employees.py`). They
  are invented in `trygd.demo.users`, which sits above the services in the layers and so
  cannot be imported from here. The application hands them in when it wires itself up in demo
  mode (`trygd.api.app.create_app`): `DemoUsers(service, EMPLOYEES)`.

`DemoUsers` refuses a service that is not in demo mode, and the application makes none
outside it, so the list and the sign-in by name are not there at all in production. The reads
are not checked by `access.check`: no one is signed in yet, and the sign-in hands out the
identities that everything afterwards is checked against (the stand-in for ID-porten and the
staff's identity provider).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from trygd.privacy.policy import Assurance
from trygd.services.errors import InvalidInput
from trygd.store.models import Person

if TYPE_CHECKING:
    from trygd.services.facade import CaseService

# How many citizens the sign-in lists (the demo seed stores fewer).
CITIZENS_LISTED = 50
CITIZEN_PREFIX = "person:"


@dataclass(frozen=True)
class DemoEmployee:
    """An invented employee: `id` is a NAV ident (a letter and six digits)."""

    id: str
    name: str
    roles: tuple[str, ...]
    unit: str | None
    clearances: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class DemoCitizen:
    """A stored person as the sign-in lists them; `user` is what to sign in as."""

    user: str
    name: str
    municipality: str


class DemoUsers:
    def __init__(self, service: CaseService, employees: Iterable[DemoEmployee]) -> None:
        if not service.settings.demo:
            raise ValueError("demo users exist only in demo mode")
        self.service = service
        self.employees: tuple[DemoEmployee, ...] = tuple(employees)
        self._by_id = {employee.id: employee for employee in self.employees}

    def citizens(self) -> list[DemoCitizen]:
        """The stored persons by name (at most `CITIZENS_LISTED`)."""
        with self.service.sessions() as session:
            persons = session.scalars(select(Person).order_by(Person.name).limit(CITIZENS_LISTED))
            return [DemoCitizen(f"{CITIZEN_PREFIX}{p.id}", p.name, p.municipality) for p in persons]

    def claims(self, user: str) -> dict[str, Any]:
        """The token claims of `user` (an employee's id or "person:<id>"), or InvalidInput."""
        employee = self._by_id.get(user)
        if employee is not None:
            return {
                "sub": employee.id,
                "name": employee.name,
                "roles": list(employee.roles),
                "unit": employee.unit,
                "clearances": list(employee.clearances),
            }
        person = self._person(user)
        if person is None:
            raise InvalidInput([("user", "is not a demo user; see GET /api/v1/demo/users")])
        return {
            "sub": f"{CITIZEN_PREFIX}{person.id}",
            "name": person.name,
            "roles": ["citizen"],
            "pid": person.identity_number,
            # A demo sign-in stands in for ID-porten at its high level (BankID): the demo
            # citizen sees every page of their own, health data included.
            "acr": Assurance.HIGH.value,
        }

    def _person(self, user: str) -> Person | None:
        if not user.startswith(CITIZEN_PREFIX):
            return None
        try:
            key = uuid.UUID(user.removeprefix(CITIZEN_PREFIX))
        except ValueError:
            return None
        with self.service.sessions() as session:
            return session.get(Person, key)
