"""Your data: who has looked at your data, when and why; and all of it as JSON or PDF."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from babel.lists import format_list
from fastapi import APIRouter, Request
from fastapi.responses import Response

from trygd.rules import formatting
from trygd.web.i18n import N_, Language, translator
from trygd.web.routes.citizen_common import page, service
from trygd.web.routes.citizen_questions import BENEFIT_IN_TEXT
from trygd.web.session import require_context
from trygd.web.templating import request_language

router = APIRouter(include_in_schema=False)
LOCALES = {"nb": "nb_NO", "nn": "nn_NO", "en": "en_GB"}
PAGE_SIZE = 20


@router.get("/my/data")
def my_data(request: Request, page_number: int = 1) -> Response:
    context = require_context(request)
    number = max(page_number, 1)
    log = service(request).access_log(context, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    pages = max((log["total"] + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    language = request_language(request)
    visits = [{**visit, "sentence": visit_sentence(visit, language)} for visit in log["items"]]
    return page(
        request,
        "citizen/data.html",
        section="data",
        log=log,
        visits=visits,
        number=number,
        pages=pages,
    )


ROLE_WORDS = {
    "caseworker": N_("caseworker"),
    "approver": N_("approver"),
    "appeals": N_("caseworker at NAV Klageinstans"),
    "auditor": N_("internal control"),
}
# One visit in plain words: who, what, which case, when. `who` is "name, unit, role".
ACTIVITY_WITH_BENEFIT = {
    "read_case": N_("%(who)s, looked at your case about %(benefit)s %(date)s at %(time)s"),
    "worked_on_case": N_("%(who)s, worked on your case about %(benefit)s %(date)s at %(time)s"),
    "handled_klage": N_("%(who)s, worked on your klage about %(benefit)s %(date)s at %(time)s"),
    "decided_klage": N_("%(who)s, decided your klage about %(benefit)s %(date)s at %(time)s"),
    "searched": N_("%(who)s, looked you up %(date)s at %(time)s"),
}
ACTIVITY_WITHOUT_BENEFIT = {
    "read_case": N_("%(who)s, looked at your data %(date)s at %(time)s"),
    "worked_on_case": N_("%(who)s, worked on your case %(date)s at %(time)s"),
    "handled_klage": N_("%(who)s, worked on your klage %(date)s at %(time)s"),
    "decided_klage": N_("%(who)s, decided your klage %(date)s at %(time)s"),
    "searched": N_("%(who)s, looked you up %(date)s at %(time)s"),
}


def visit_sentence(visit: dict[str, Any], language: Language) -> str:
    """ "Kari Nordmann, Nav Frogner, saksbehandler, så på saken din om dagpenger
    3. desember 2026 kl. 14.05": one visit of the access log as a person reads it."""
    tr = translator(language)
    role = ROLE_WORDS.get(visit["role"])
    who = ", ".join(
        part
        for part in (
            visit["name"],
            visit["unit_name"] or visit["unit"],
            tr.gettext(role) if role else None,
        )
        if part
    )
    started = dt.datetime.fromisoformat(visit["at"]).astimezone()
    benefits = [tr.gettext(BENEFIT_IN_TEXT.get(b, b)) for b in visit["benefits"]]
    activity = visit["activity"]
    template = (ACTIVITY_WITH_BENEFIT if benefits else ACTIVITY_WITHOUT_BENEFIT).get(
        activity, ACTIVITY_WITHOUT_BENEFIT["read_case"]
    )
    return tr.gettext(
        template,
        who=who,
        benefit=format_list(benefits, locale=LOCALES[language]) if benefits else "",
        date=formatting.date(started.date(), language),
        time=started.strftime("%H:%M" if language == "en" else "%H.%M"),
    )


@router.get("/my/data/export.json")
def export_json(request: Request) -> Response:
    context = require_context(request)
    data = service(request).export_own_data(context, request_language(request))
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"content-disposition": 'attachment; filename="trygd-my-data.json"'},
    )


@router.get("/my/data/export.pdf")
def export_pdf(request: Request) -> Response:
    context = require_context(request)
    pdf = service(request).export_own_data_pdf(context, request_language(request))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": 'attachment; filename="trygd-my-data.pdf"'},
    )
