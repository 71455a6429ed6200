"""Demo sign-in: lists the demo users and issues their tokens. Mounted only in demo mode.

The users come from the services (`trygd.services.demo_users.DemoUsers`, which the app holds
as `app.state.demo_users` in demo mode only); this module hands the demo layer's employees to
it, since the services cannot import `trygd.demo` themselves.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, ConfigDict

from trygd.demo.users import EMPLOYEES
from trygd.services.demo_users import DemoUsers
from trygd.services.facade import CaseService

router = APIRouter(tags=["demo"])


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str


def demo_users_for(service: CaseService) -> DemoUsers:
    """The demo users of `service`, which must be in demo mode: its stored persons and the
    invented employees of `trygd.demo.users`."""
    return DemoUsers(service, EMPLOYEES)


def demo_claims(service: CaseService, user: str) -> dict[str, Any]:
    """The claims of demo user `user` (an employee's id or "person:<id>"), or InvalidInput
    (for tests and tools that hold a service rather than an app)."""
    return demo_users_for(service).claims(user)


def _users(request: Request) -> DemoUsers:
    users: DemoUsers = request.app.state.demo_users
    return users


@router.get("/users", summary="Demo users to sign in as")
def demo_users(request: Request) -> dict[str, Any]:
    users = _users(request)
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
            for e in users.employees
        ],
        "citizens": [
            {"user": c.user, "name": c.name, "municipality": c.municipality}
            for c in users.citizens()
        ],
    }


@router.post("/tokens", summary="A signed token for a demo user")
def demo_token(request: Request, body: Annotated[TokenRequest, Body()]) -> dict[str, str]:
    claims = _users(request).claims(body.user)
    return {"token": request.app.state.identity.issue(claims), "token_type": "Bearer"}
