"""The front page, the sign-in page (through ID-porten or Entra ID: `signin`; in demo mode
also as a demo user), sign-out, and the privacy page."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.privacy.policy import Role, roles_from
from trygd.services.demo_users import DemoUsers
from trygd.services.errors import InvalidInput
from trygd.web.forms import FormErrors, text
from trygd.web.i18n import translator
from trygd.web.routes.signin import provider_logout_url
from trygd.web.session import (
    checked_form,
    current_claims,
    end_session,
    optional_context,
    safe_next,
    start_session,
)
from trygd.web.templating import finish, render, request_language

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]


def home_of(roles: frozenset[Role]) -> str:
    """Where a user starts: citizens on their own page, staff on their work."""
    if Role.CITIZEN in roles:
        return "/my"
    if Role.APPEALS in roles:
        return "/klageinstans"
    if Role.AUDITOR in roles:
        return "/staff/audit"
    return "/staff/tasks"


@router.get("/")
def front_page(request: Request) -> Response:
    context = optional_context(request)
    if context is not None:
        return RedirectResponse(home_of(context.actor.roles), status_code=303)
    return render(request, "common/front.html")


def _demo_users(request: Request) -> DemoUsers | None:
    """The users to sign in as; None outside demo mode (sign-in is then ID-porten's)."""
    users: DemoUsers | None = request.app.state.demo_users
    return users


def login_page(
    request: Request,
    next_url: str,
    errors: FormErrors | None = None,
    status_code: int = 200,
    **values: Any,
) -> Response:
    """The sign-in page: a button for each configured provider, and in demo mode the demo
    users to sign in as without one."""
    users = _demo_users(request)
    issuers = getattr(request.app.state.identity, "issuers", {})
    next_url = safe_next(next_url)
    providers = [
        {
            "kind": issuer.settings.kind,
            "title": issuer.settings.title,
            "url": f"/login/{name}?" + urlencode({"next": next_url}),
        }
        for name, issuer in issuers.items()
    ]
    return render(
        request,
        "common/login.html",
        status_code=status_code,
        demo=users is not None,
        providers=providers,
        citizens=users.citizens() if users is not None else [],
        employees=users.employees if users is not None else (),
        next_url=next_url,
        errors=errors or FormErrors(),
        **values,
    )


@router.get("/login")
def showlogin_page(request: Request, next: str = "/") -> Response:
    return login_page(request, next)


@router.post("/login")
def login(request: Request, form: Form) -> Response:
    next_url = safe_next(text(form, "next"))
    t = translator(request_language(request))
    users = _demo_users(request)
    if users is None:
        errors = FormErrors()
        errors.add("user", t.gettext("Sign-in with ID-porten is not set up on this server."))
        return login_page(request, next_url, errors, 400)
    user = text(form, "user")
    errors = FormErrors()
    if not user:
        errors.add("user", t.gettext("Choose who you want to sign in as."))
        return login_page(request, next_url, errors, 400)
    try:
        claims: dict[str, Any] = users.claims(user)
    except InvalidInput:
        errors.add("user", t.gettext("Choose one of the demo users in the list."))
        return login_page(request, next_url, errors, 400)
    roles = roles_from(claims["roles"])
    target = next_url if next_url != "/" else home_of(roles)
    response = RedirectResponse(target, status_code=303)
    start_session(request, response, claims)
    finish(request, response)
    return response


@router.post("/logout")
def logout(request: Request, form: Form) -> Response:
    """Sign out: the session is revoked on the server, so a copy of the cookie (or a bearer
    token of the same session) is refused from now on; a session that began at an OpenID
    provider is ended there too (the browser goes to its end-session endpoint and back)."""
    claims = current_claims(request)
    at_provider = provider_logout_url(request, claims["sid"]) if claims is not None else None
    response = RedirectResponse(at_provider or "/", status_code=303)
    end_session(request, response)
    return response


@router.get("/privacy")
def privacy_page(request: Request) -> Response:
    """How trygd handles personal data, in plain words (linked from every page's footer)."""
    return render(request, "common/privacy.html")
