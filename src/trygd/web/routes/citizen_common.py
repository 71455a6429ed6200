"""What every citizen page module needs: rendering with the benefit names, the service, the
translator for text built in code, and today's date from the service's clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from trygd.privacy.policy import required_assurance
from trygd.rules import formatting
from trygd.rules.benefits import PROFILES
from trygd.services.errors import Conflict
from trygd.services.facade import CaseService
from trygd.services.unit_of_work import RequestContext
from trygd.web.i18n import Translator, translator
from trygd.web.routes.citizen_questions import BENEFIT_IN_TEXT, BENEFIT_NAMES
from trygd.web.session import require_assurance
from trygd.web.templating import render, request_language

# "Your <benefit> stop(s) from <date>": a sentence per benefit, declared in its home, since nb
# and nn put the benefit's name in its definite form ("Dagpengene dine", "Uføretrygden din").
BENEFIT_STOPS = {benefit: profile.names.stops for benefit, profile in PROFILES.items()}


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


def check_assurance(request: Request, context: RequestContext, benefit: str) -> None:
    """A page about a case of `benefit` needs the level `required_assurance` names (high for
    one that rests on health data); a session at a lower one must step up."""
    needed = required_assurance(benefit)
    if needed is not None:
        require_assurance(request, context, needed.value)


def service(request: Request) -> CaseService:
    found: CaseService = request.app.state.service
    return found


def t(request: Request) -> Translator:
    return translator(request_language(request))


def today(request: Request) -> dt.date:
    return service(request).settings.clock().date()


def _day(tr: Translator, value: str | None) -> str:
    return formatting.date(dt.date.fromisoformat(value), tr.language) if value else ""


def refusal(error: Conflict, tr: Translator, benefit: str) -> str:
    """A refusal of the one-claim-at-a-time rules (see `trygd.services.claims`) in the
    person's language, with the dates it names; any other conflict in general words."""
    facts = error.facts
    name = tr.gettext(BENEFIT_IN_TEXT.get(benefit, benefit))
    if error.code == "claim_covered" and facts.get("covered_until"):
        last = dt.date.fromisoformat(facts["covered_until"])
        return tr.gettext(
            "You already get %(benefit)s from %(start)s to %(end)s, so you cannot apply again "
            "for this period. If something has changed, report a change in your case. You can "
            "apply for a period that starts on %(next)s or later.",
            benefit=name,
            start=_day(tr, facts.get("running_from")),
            end=_day(tr, facts["covered_until"]),
            next=_day(tr, (last + dt.timedelta(days=1)).isoformat()),
        )
    if error.code == "claim_covered":
        return tr.gettext(
            "You already get %(benefit)s from %(start)s, so you cannot apply again. If "
            "something has changed, report a change in your case.",
            benefit=name,
            start=_day(tr, facts.get("running_from")),
        )
    if error.code == "claim_in_process":
        return tr.gettext(
            "We are already processing your case about %(benefit)s (received %(day)s). You do "
            "not need to send it again: you will get a decision, and you can report changes "
            "once it is made.",
            benefit=name,
            day=_day(tr, facts.get("received")),
        )
    if error.code == "no_change":
        return tr.gettext(
            "Your decision already says this, so there is nothing to change. Choose another "
            "answer if something else has changed."
        )
    if error.code == "revurdering_other_date":
        return tr.gettext(
            "We are already handling a change from %(day)s. Changes from that date are added "
            "to it; a change from another date can be reported once we have decided it.",
            day=_day(tr, facts.get("revurdering_from")),
        )
    if error.code == "klage_open":
        return tr.gettext(
            "You have already sent a klage against this decision, and we are handling it. You "
            "can add to it on the page of your klage."
        )
    return tr.gettext("Someone changed the case at the same time. Try again.")
