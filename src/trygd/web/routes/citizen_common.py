"""What every citizen page module needs: rendering with the benefit names, the service, the
translator for text built in code, and today's date from the service's clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from trygd.services.facade import CaseService
from trygd.web.i18n import Translator, translator
from trygd.web.routes.citizen_questions import BENEFIT_IN_TEXT, BENEFIT_NAMES
from trygd.web.templating import render, request_language


def page(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    return render(
        request,
        template,
        status_code=status_code,
        benefit_names=BENEFIT_NAMES,
        benefit_in_text=BENEFIT_IN_TEXT,
        **values,
    )


def service(request: Request) -> CaseService:
    found: CaseService = request.app.state.service
    return found


def t(request: Request) -> Translator:
    return translator(request_language(request))


def today(request: Request) -> dt.date:
    return service(request).settings.clock().date()
