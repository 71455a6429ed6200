"""Applying: a start page per benefit, one question per page, documents, check your answers,
send, and the receipt. The answers are saved in a server-side draft after every step."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.services.errors import Conflict, InvalidInput, NotFound
from trygd.services.files import MAX_FILE_BYTES
from trygd.services.unit_of_work import RequestContext
from trygd.web.forms import FormErrors, file_reason, files, from_service_error, text
from trygd.web.routes import citizen_questions as questions
from trygd.web.routes.citizen_common import page, refusal, service, t, today
from trygd.web.session import checked_form, require_context

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]


def _existing_draft(request: Request, benefit: str) -> dict[str, Any] | None:
    """The person's unsent draft for `benefit`, if any. GET pages use this instead of
    `open_draft`, so that opening a page never creates a draft (only answering does)."""
    context = require_context(request)
    drafts = service(request).list_drafts(context)["items"]
    return next((d for d in drafts if d["benefit"] == benefit), None)


def _benefit(benefit: str) -> str:
    if benefit not in questions.QUESTIONS:
        raise NotFound("no such benefit")
    return benefit


@router.get("/apply")
def choose_benefit(request: Request) -> Response:
    require_context(request)
    return page(request, "citizen/apply_choose.html", benefits=questions.BENEFIT_NAMES)


@router.get("/apply/{benefit}")
def start_page(request: Request, benefit: str) -> Response:
    """The start page; with a draft already begun it offers to go on where the person left."""
    draft = _existing_draft(request, _benefit(benefit))
    answered = (
        len(set(draft["answers"]) & {q.fact for q in questions.QUESTIONS[benefit]}) if draft else 0
    )
    return page(
        request,
        "citizen/apply_start.html",
        benefit=benefit,
        count=len(questions.QUESTIONS[benefit]),
        draft=draft,
        answered=answered,
    )


@router.post("/apply/{benefit}")
def start(request: Request, benefit: str, form: Form) -> Response:
    context = require_context(request)
    draft = service(request).open_draft(context, _benefit(benefit))
    following = questions.first_unanswered(benefit, draft["answers"])
    target = f"/apply/{benefit}/q/{following.fact}" if following else f"/apply/{benefit}/check"
    return RedirectResponse(target, status_code=303)


def _question_page(
    request: Request,
    benefit: str,
    q: questions.Question,
    value: str,
    change: bool,
    errors: FormErrors | None = None,
    value_to: str = "",
) -> Response:
    number = questions.QUESTIONS[benefit].index(q) + 1
    previous = questions.before(benefit, q.fact)
    back = (
        f"/apply/{benefit}/check"
        if change
        else f"/apply/{benefit}/q/{previous.fact}"
        if previous
        else f"/apply/{benefit}"
    )
    return page(
        request,
        "citizen/apply_question.html",
        status_code=400 if errors else 200,
        benefit=benefit,
        q=q,
        value=value,
        value_to=value_to,
        change=change,
        number=number,
        total=len(questions.QUESTIONS[benefit]),
        back=back,
        errors=errors or FormErrors(),
    )


@router.get("/apply/{benefit}/q/{fact}")
def question_page(request: Request, benefit: str, fact: str, change: bool = False) -> Response:
    require_context(request)
    q = questions.question(_benefit(benefit), fact)
    if q is None:
        raise NotFound("no such question")
    draft = _existing_draft(request, benefit)
    stored = draft["answers"].get(fact) if draft else None
    if q.kind == "period":
        first, last = questions.period_parts(stored) if stored else ("", "")
        return _question_page(request, benefit, q, first, change, value_to=last)
    return _question_page(request, benefit, q, questions.shown(q, stored) if stored else "", change)


@router.post("/apply/{benefit}/q/{fact}")
def answer_question(
    request: Request, benefit: str, fact: str, form: Form, change: bool = False
) -> Response:
    context = require_context(request)
    q = questions.question(_benefit(benefit), fact)
    if q is None:
        raise NotFound("no such question")
    tr = t(request)
    raw = text(form, "answer")
    if q.kind == "period":  # two fields: the first and the last day
        raw_to = text(form, "answer_to")
        stored, problems = questions.check_period(raw, raw_to, tr, today(request))
        if problems:
            errors = FormErrors()
            for field, message in problems.items():
                errors.add(field, message)
            return _question_page(request, benefit, q, raw, change, errors, value_to=raw_to)
        assert stored is not None
        return _save_answer(request, context, benefit, fact, stored, change)
    stored, problem = questions.check(q, raw, tr, today(request))
    if problem is None and stored is not None:
        existing = _existing_draft(request, benefit)
        problem = questions.check_against_others(
            benefit, fact, stored, existing["answers"] if existing else {}, tr
        )
    if problem is not None:
        errors = FormErrors()
        errors.add("answer", problem)
        return _question_page(request, benefit, q, raw, change, errors)
    return _save_answer(request, context, benefit, fact, stored, change)


def _save_answer(
    request: Request,
    context: RequestContext,
    benefit: str,
    fact: str,
    stored: str | None,
    change: bool,
) -> Response:
    draft = service(request).open_draft(context, benefit)
    service(request).save_draft_answers(context, draft["id"], {fact: stored})
    following = questions.after(benefit, fact)
    if change or following is None:
        target = f"/apply/{benefit}/documents" if not change else f"/apply/{benefit}/check"
    else:
        target = f"/apply/{benefit}/q/{following.fact}"
    return RedirectResponse(target, status_code=303)


def _documents_page(
    request: Request, benefit: str, draft: dict[str, Any], errors: FormErrors | None = None
) -> Response:
    return page(
        request,
        "citizen/apply_documents.html",
        status_code=400 if errors else 200,
        benefit=benefit,
        draft=draft,
        back=f"/apply/{benefit}/q/{questions.QUESTIONS[benefit][-1].fact}",
        errors=errors or FormErrors(),
    )


@router.get("/apply/{benefit}/documents")
def documents_page(request: Request, benefit: str) -> Response:
    draft = _existing_draft(request, _benefit(benefit))
    if draft is None:
        return RedirectResponse(f"/apply/{benefit}", status_code=303)
    return _documents_page(request, benefit, draft)


@router.post("/apply/{benefit}/documents")
def upload_documents(request: Request, benefit: str, form: Form) -> Response:
    """Both buttons send the chosen files: "Continue" with a file chosen uploads it first, so
    a file the person picked is never silently left behind. A file that cannot be taken is
    named in a message that says it was not uploaded, and the page stays."""
    context = require_context(request)
    svc = service(request)
    draft = svc.open_draft(context, _benefit(benefit))
    tr = t(request)
    remove = text(form, "remove")
    if remove:
        svc.remove_draft_document(context, remove)
        return RedirectResponse(f"/apply/{benefit}/documents", status_code=303)
    uploads = files(form, "document")
    going_on = text(form, "action") == "continue"
    if not uploads and not going_on:
        errors = FormErrors()
        errors.add("document", tr.gettext("Choose a file to upload"))
        return _documents_page(request, benefit, draft, errors)
    for upload in uploads:
        content = upload.file.read(MAX_FILE_BYTES + 1)
        try:
            svc.add_draft_document(context, draft["id"], upload.filename or "", content)
        except InvalidInput as error:
            problem = error.problems[0][1] if error.problems else error.detail
            errors = FormErrors()
            errors.add(
                "document",
                tr.gettext(
                    "%(file)s was not uploaded. %(problem)s",
                    file=upload.filename or "",
                    problem=file_reason(tr, upload.filename or "", problem),
                ),
            )
            return _documents_page(request, benefit, svc.get_draft(context, draft["id"]), errors)
    target = "check" if going_on else "documents"
    return RedirectResponse(f"/apply/{benefit}/{target}", status_code=303)


def _check_page(
    request: Request,
    benefit: str,
    draft: dict[str, Any],
    errors: FormErrors | None = None,
    refused: Conflict | None = None,
) -> Response:
    rows = [
        (q, questions.shown(q, draft["answers"][q.fact]) if q.fact in draft["answers"] else None)
        for q in questions.QUESTIONS[benefit]
    ]
    return page(
        request,
        "citizen/apply_check.html",
        status_code=400 if errors else (409 if refused else 200),
        benefit=benefit,
        draft=draft,
        rows=rows,
        errors=errors or FormErrors(),
        refusal=refusal(refused, t(request), benefit) if refused else None,
        refused_case=refused.facts.get("sak_id") if refused else None,
    )


@router.get("/apply/{benefit}/check")
def check_page(request: Request, benefit: str) -> Response:
    draft = _existing_draft(request, _benefit(benefit))
    if draft is None:
        return RedirectResponse(f"/apply/{benefit}", status_code=303)
    return _check_page(request, benefit, draft)


@router.post("/apply/{benefit}/check")
def send(request: Request, benefit: str, form: Form) -> Response:
    context = require_context(request)
    svc = service(request)
    draft = svc.open_draft(context, _benefit(benefit))
    tr = t(request)
    missing = questions.first_unanswered(benefit, draft["answers"])
    if missing is not None:
        errors = FormErrors()
        errors.add(f"row-{missing.fact}", tr.gettext("Answer all the questions before you send"))
        return _check_page(request, benefit, draft, errors)
    stale = questions.first_problem(benefit, draft["answers"], tr, today(request))
    if stale is not None:
        errors = FormErrors()
        errors.add(f"row-{stale[0]}", stale[1])
        return _check_page(request, benefit, draft, errors)
    if text(form, "confirm") != "yes":
        errors = FormErrors()
        errors.add("confirm", tr.gettext("Confirm that the answers are correct"))
        return _check_page(request, benefit, draft, errors)
    claim_date = questions.claim_date_from(benefit, draft["answers"], today(request))
    body = {
        "benefit": benefit,
        "claim_date": claim_date.isoformat(),
        "facts": questions.facts_from(benefit, draft["answers"]),
    }
    try:
        _status, answer = svc.submit_draft(context, draft["id"], body)
    except InvalidInput as error:
        errors = from_service_error(
            error, {}, "confirm", tr.gettext("We could not send the application"), tr
        )
        return _check_page(request, benefit, draft, errors)
    except Conflict as error:
        # One claim at a time: already applied, or a running benefit covers the period.
        return _check_page(request, benefit, draft, refused=error)
    return RedirectResponse(f"/apply/receipt/{answer['draft_id']}", status_code=303)


@router.get("/apply/receipt/{draft_id}")
def receipt(request: Request, draft_id: str) -> Response:
    context = require_context(request)
    svc = service(request)
    draft = svc.get_draft(context, draft_id)
    if draft["sak_id"] is None:
        return RedirectResponse(f"/apply/{draft['benefit']}/check", status_code=303)
    sak = svc.get_sak(context, draft["sak_id"])
    behandling = next(
        (b for b in reversed(sak["behandlinger"]) if b["kind"] == "forstegangsbehandling"),
        sak["behandlinger"][-1],
    )
    vedtak = next((v for v in sak["vedtak"] if v["behandling_id"] == behandling["id"]), None)
    letters = svc.list_letters(context, draft["sak_id"])["items"]
    letter = next((x for x in letters if vedtak and x["vedtak_id"] == vedtak["id"]), None)
    usual = None if vedtak else svc.usual_processing_time(context, sak["benefit"])
    expected = None
    if usual is not None:
        received = dt.date.fromisoformat(draft["submitted_at"][:10])
        expected = received + dt.timedelta(weeks=usual["weeks"])
    return page(
        request,
        "citizen/apply_receipt.html",
        draft=draft,
        sak=sak,
        behandling=behandling,
        vedtak=vedtak,
        letter=letter,
        usual=usual,
        expected=expected,
    )
