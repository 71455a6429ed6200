"""Demo sign-in: lists the demo users and issues their tokens. Mounted only in demo mode."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from trygd.demo.users import BY_ID, EMPLOYEES
from trygd.services.errors import InvalidInput
from trygd.store.models import Person

router = APIRouter(tags=["demo"])

DEMO_CITIZENS = 50


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str


@router.get("/users", summary="Demo users to sign in as")
def demo_users(request: Request) -> dict[str, Any]:
    return {
        "employees": [
            {
                "user": e.id,
                "name": e.name,
                "roles": list(e.roles),
                "unit": e.unit,
                "clearances": list(e.clearances),
                "description": e.description,
            }
            for e in EMPLOYEES
        ],
        "citizens": [
            {"user": f"person:{p.id}", "name": p.name, "municipality": p.municipality}
            for p in demo_citizens(request.app.state.service)
        ],
    }


def demo_claims(service: Any, user: str) -> dict[str, Any]:
    """The claims of demo user `user` (an employee's id or "person:<id>"), or InvalidInput.

    Shared with the web pages' demo sign-in, so both hand out exactly the same identities."""
    employee = BY_ID.get(user)
    if employee is not None:
        return {
            "sub": employee.id,
            "name": employee.name,
            "roles": list(employee.roles),
            "unit": employee.unit,
            "clearances": list(employee.clearances),
        }
    person = None
    prefix, _, person_id = user.partition(":")
    if prefix == "person":
        try:
            key = uuid.UUID(person_id)
        except ValueError:
            key = None
        if key is not None:
            with service.sessions() as session:
                person = session.get(Person, key)
    if person is None:
        raise InvalidInput([("user", "is not a demo user; see GET /api/v1/demo/users")])
    return {
        "sub": f"person:{person.id}",
        "name": person.name,
        "roles": ["citizen"],
        "pid": person.identity_number,
    }


def demo_citizens(service: Any) -> list[Person]:
    with service.sessions() as session:
        return list(session.scalars(select(Person).order_by(Person.name).limit(DEMO_CITIZENS)))


@router.post("/tokens", summary="A signed token for a demo user")
def demo_token(request: Request, body: Annotated[TokenRequest, Body()]) -> dict[str, str]:
    claims = demo_claims(request.app.state.service, body.user)
    return {"token": request.app.state.identity.issue(claims), "token_type": "Bearer"}
