"""What every citizen page module needs: rendering with the benefit names, the service, the
translator for text built in code, and today's date from the service's clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from trygd.services.facade import CaseService
from trygd.web.i18n import N_, Translator, translator
from trygd.web.routes.citizen_questions import BENEFIT_IN_TEXT, BENEFIT_NAMES
from trygd.web.templating import render, request_language

# "Your <benefit> stop(s) from <date>": a sentence per benefit, since nb and nn put the
# benefit's name in its definite form ("Dagpengene dine", "Uføretrygden din").
BENEFIT_STOPS = {
    "dagpenger": N_("Your dagpenger stop from %(day)s."),
    "sykepenger": N_("Your sykepenger stop from %(day)s."),
    "aap": N_("Your work assessment allowance (AAP) stops from %(day)s."),
    "uforetrygd": N_("Your uføretrygd stops from %(day)s."),
}


def page(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    return render(
        request,
        template,
        status_code=status_code,
        benefit_names=BENEFIT_NAMES,
        benefit_in_text=BENEFIT_IN_TEXT,
        benefit_stops=BENEFIT_STOPS,
        **values,
    )


def service(request: Request) -> CaseService:
    found: CaseService = request.app.state.service
    return found


def t(request: Request) -> Translator:
    return translator(request_language(request))


def today(request: Request) -> dt.date:
    return service(request).settings.clock().date()
