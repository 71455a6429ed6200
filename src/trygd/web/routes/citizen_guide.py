"""The benefit guide pages (`/guide`): open to everyone, signed in or not, and nothing is
stored. The form is checked here with messages next to the fields; what the answers mean is
`trygd.web.guide`'s job, which asks the rules engine."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from trygd.rules import formatting
from trygd.web import guide
from trygd.web.forms import (
    DATE_DOES_NOT_EXIST,
    NEGATIVE_AMOUNT,
    FormErrors,
    is_negative_number,
    read_date,
    text,
)
from trygd.web.i18n import Translator
from trygd.web.routes.citizen_common import page, t, today
from trygd.web.session import checked_form
from trygd.web.templating import request_language

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]
FIELDS = (
    "situation",
    "birth_date",
    "lives_in_norway",
    "income",
    "income_3y",
    "hours_before",
    "hours_now",
    "reduction",
)


def _form(request: Request, values: dict[str, str], errors: FormErrors | None = None) -> Response:
    return page(
        request,
        "citizen/guide.html",
        status_code=400 if errors else 200,
        section="guide",
        values=values,
        errors=errors or FormErrors(),
    )


@router.get("/guide")
def guide_form(request: Request) -> Response:
    return _form(request, {})


def _number(raw: str) -> float | None:
    cleaned = raw.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def read_answers(
    values: dict[str, str], tr: Translator, on: dt.date
) -> tuple[guide.Answers | None, FormErrors]:
    """The answers from the form, or the messages to show next to the fields."""
    errors = FormErrors()
    if values["situation"] not in guide.SITUATIONS:
        errors.add("situation", tr.gettext("Choose the situation that fits you best"))
    born, problem = read_date(values["birth_date"])
    if problem == "calendar":
        errors.add("birth_date", tr.gettext(DATE_DOES_NOT_EXIST))
    elif born is None or born > on or born.year < 1900:
        errors.add(
            "birth_date", tr.gettext("Write your birth date as dd.mm.yyyy, for example 14.03.1985")
        )
    if values["lives_in_norway"] not in ("yes", "no"):
        errors.add("lives_in_norway", tr.gettext("Choose yes or no"))
    money: dict[str, int | None] = {}
    for name in ("income", "income_3y"):
        raw = values[name].replace(" ", "").replace("\u00a0", "")
        if not raw and name == "income_3y":
            money[name] = None
        elif is_negative_number(raw):
            errors.add(name, tr.gettext(NEGATIVE_AMOUNT))
        elif raw.isdigit() and int(raw) <= 1_000_000_000:
            money[name] = int(raw)
        else:
            errors.add(
                name,
                tr.gettext("Write your income as a whole number of kroner, for example 350000"),
            )
    three_years, last_year = money.get("income_3y"), money.get("income")
    if three_years is not None and last_year is not None and three_years < last_year:
        # The last three years include the last one (the question says so).
        errors.add(
            "income_3y",
            tr.gettext(
                "This is less than you earned in the last 12 months (%(amount)s). The 36 "
                "months include the last 12, so check both amounts.",
                amount=formatting.kroner(last_year, tr.language),
            ),
        )
    hours: dict[str, float | None] = {}
    for name in ("hours_before", "hours_now"):
        number = _number(values[name]) if values[name] else None
        if values[name] and (number is None or not 0 <= number <= 168):
            errors.add(
                name,
                tr.gettext(
                    "Write the number of hours a week as a number from 0 to 168, for example 37.5"
                ),
            )
        hours[name] = number
    reduction: int | None = None
    if values["reduction"]:
        if values["reduction"].isdigit() and int(values["reduction"]) <= 100:
            reduction = int(values["reduction"])
        else:
            errors.add("reduction", tr.gettext("Write a whole number from 0 to 100"))
    if errors or born is None:
        return None, errors
    return (
        guide.Answers(
            situation=values["situation"],
            birth_date=born,
            lives_in_norway=values["lives_in_norway"] == "yes",
            income=money["income"] or 0,
            income_3y=money["income_3y"],
            hours_before=hours["hours_before"],
            hours_now=hours["hours_now"],
            reduction=reduction,
        ),
        errors,
    )


@router.post("/guide")
def guide_result(request: Request, form: Form) -> Response:
    values = {name: text(form, name) for name in FIELDS}
    on = today(request)
    answers, errors = read_answers(values, t(request), on)
    if answers is None:
        return _form(request, values, errors)
    findings = guide.find(answers, on, request_language(request))
    return page(
        request,
        "citizen/guide_result.html",
        section="guide",
        findings=findings,
        answers=answers,
        values=values,
    )
