"""The endpoints of /api/v1. Each one authenticates, then calls one use case."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr
from pydantic.config import JsonDict

from trygd.api.identity import InvalidToken, actor_from_claims, authenticate, session_ends
from trygd.privacy.policy import (
    Assurance,
    Role,
    assurance_rank,
    assurance_suffices,
    required_assurance,
)
from trygd.services.errors import InvalidInput, NotAuthenticated, StepUpNeeded
from trygd.services.facade import CaseService
from trygd.services.unit_of_work import RequestContext
from trygd.services.views import MAX_OFFSET

PREFIX = "/api/v1"  # where the app mounts `router`

# The application format lives among the OpenAPI document's components (`trygd.api.openapi`).
APPLICATION = "#/components/schemas/Application"


def binary(*media_types: str, description: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of an endpoint that sends a file, not JSON."""
    schema = {"type": "string", "format": "binary"}
    content = {media_type: {"schema": schema} for media_type in media_types}
    return {200: {"description": description, "content": content}}


Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")]
UUID: JsonDict = {"format": "uuid"}
# Every id in a path is a UUID; the services check it and answer 422 naming the field.
Id = Annotated[str, Path(description="An id (a UUID)", json_schema_extra=UUID)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Any unique string; a retry with the same key gets the first answer",
        max_length=200,
    ),
]


async def service(request: Request) -> CaseService:
    """The app's CaseService. Async, since it waits for nothing: FastAPI would otherwise hand
    it to a worker thread and back on every request."""
    svc: CaseService = request.app.state.service
    return svc


def context(request: Request) -> RequestContext:
    """Authenticate the bearer token; the actor comes from the token, never from the body."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("send a bearer token in the Authorization header")
    try:
        claims = authenticate(request.app.state.identity, request.app.state.signins, token.strip())
        request.state.claims = claims
        pid = claims.get("pid")
        actor = actor_from_claims(claims, None)
    except InvalidToken as error:
        raise NotAuthenticated(f"the token is not valid: {error}") from None
    client = request.client.host if request.client else None
    return RequestContext(
        actor=actor,
        correlation_id=request.state.correlation_id,
        source=client,
        # The services find the caller's person record inside the use case's own transaction.
        identity_number=pid if isinstance(pid, str) else None,
    )


async def known_query(request: Request) -> None:
    """Refuse a query parameter the operation does not have, as an unknown field of a body is
    refused: a misspelt `?limt=10` would otherwise be ignored without a word."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known: set[str] = set()
    dependants = [route.dependant]
    while dependants:
        dependant = dependants.pop()
        known |= {parameter.alias for parameter in dependant.query_params}
        dependants += dependant.dependencies
    unknown = sorted(name for name in request.query_params if name not in known)
    if unknown:
        raise InvalidInput(
            [(name, "is not a query parameter of this operation") for name in unknown]
        )


router = APIRouter(dependencies=[Depends(known_query)])
Service = Annotated[CaseService, Depends(service)]
Context = Annotated[RequestContext, Depends(context)]

# The highest level ID-porten gives: a token at it needs no look at what the data needs.
HIGHEST_LEVEL = max((level.value for level in Assurance), key=assurance_rank)


class AssuranceGate:
    """The level of sign-in the data of a case needs (`required_assurance`, the same rule the
    pages follow), held against the bearer token's `acr`: a citizen whose token is at a lower
    level gets 401 with an RFC 9470 challenge (`StepUpNeeded`) and nothing of the data.
    Employees sign in through their own provider and have no such level."""

    def __init__(self, svc: CaseService, ctx: RequestContext, acr: object) -> None:
        self.svc = svc
        self.ctx = ctx
        self.acr = acr if isinstance(acr, str) else None
        # Only a citizen below the highest level can be refused: for anyone else nothing
        # needs to be looked up first (no extra read, no extra audit record).
        self.doubtful = Role.CITIZEN in ctx.actor.roles and self.acr != HIGHEST_LEVEL

    def benefit(self, benefit: str) -> None:
        """Refuse unless the token's level suffices for a case of `benefit`."""
        needed = required_assurance(benefit)
        if self.doubtful and needed is not None and not assurance_suffices(self.acr, benefit):
            raise StepUpNeeded(needed.value, self.acr)

    def sak(self, sak_id: str) -> None:
        """The same for the case `sak_id`, before anything of it is read or changed: the case
        is looked up (an audited read) only when the token is below the highest level."""
        if self.doubtful:
            self.benefit(self.svc.get_sak(self.ctx, sak_id)["benefit"])

    def tilbakekreving(self, tilbakekreving_id: str) -> None:
        """The same for a tilbakekreving, before the person answers it."""
        if self.doubtful:
            self.benefit(self.svc.get_tilbakekreving(self.ctx, tilbakekreving_id)["benefit"])

    def letter(self, letter_id: str) -> None:
        """The same for a letter, which is as sensitive as its case, before it is sent."""
        if self.doubtful:
            _letter_gate(self, self.svc.get_letter(self.ctx, letter_id))


def assurance_gate(request: Request, svc: Service, ctx: Context) -> AssuranceGate:
    claims: dict[str, Any] = request.state.claims
    return AssuranceGate(svc, ctx, claims.get("acr"))


Gate = Annotated[AssuranceGate, Depends(assurance_gate)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VersionedBody(_Body):
    version: StrictInt = Field(
        ge=0, le=2**31 - 1, description="The version of the behandling you read (optimistic lock)"
    )


class AssessBody(VersionedBody):
    condition: str = Field(description="Condition id, e.g. aap.reduced_work_capacity")
    facts: dict[str, Any] = Field(description="The facts you have established")
    reason: str = Field(description="Why: the written reason for your assessment")


class InformationRequestBody(VersionedBody):
    description: str = Field(description="What the person must send, in plain language")
    facts_requested: list[str] = Field(default_factory=list)
    deadline: dt.date


class ProposeBody(VersionedBody):
    reason: str | None = None


class ReturnBody(VersionedBody):
    reason: str


class AnswerBody(_Body):
    answer: str
    facts: dict[str, Any] = Field(default_factory=dict)


class ChangeBody(_Body):
    effective_date: dt.date
    facts: dict[str, Any]
    description: str | None = None


class SearchBody(_Body):
    identity_number: str = Field(description="Fødselsnummer or D-nummer (11 digits)")
    purpose: str = Field(description="Why you search: logged with the audit record")


def reject_nul(value: Any, field: str) -> None:
    """Refuse the NUL character anywhere in the input: PostgreSQL cannot store it in text or
    JSON, and it has no meaning in any field of trygd."""
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidInput([(field, "must not contain the NUL character")])
    elif isinstance(value, dict):
        for key, item in value.items():
            reject_nul(key, field)
            reject_nul(item, f"{field}.{key}" if field != "body" else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            reject_nul(item, f"{field}[{index}]")


def _json(payload: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(payload, status_code=status)


def _dump(body: BaseModel) -> dict[str, Any]:
    payload = body.model_dump(mode="json", exclude_unset=False)
    reject_nul(payload, "body")
    return payload


@router.get("/health", tags=["system"])
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/me", tags=["system"])
def me(svc: Service, ctx: Context) -> dict[str, Any]:
    actor = svc.who_is_calling(ctx)
    return {
        "id": actor.id,
        "name": actor.name,
        "roles": sorted(r.value for r in actor.roles),
        "unit": actor.unit,
        "person_id": actor.person_id,
        "clearances": sorted(c.value for c in actor.clearances),
    }


@router.post("/logout", status_code=204, tags=["system"], summary="End this sign-in session")
def logout(request: Request, ctx: Context) -> Response:
    """Revoke the session of the bearer token: it, and every other token of the same sign-in
    (such as the pages' cookie), is refused from now on, even before it expires."""
    claims: dict[str, Any] = request.state.claims
    request.app.state.signins.revoke(claims["sid"], session_ends(claims))
    return Response(status_code=204)


@router.post(
    "/applications",
    status_code=201,
    tags=["citizen"],
    summary="Apply for a benefit (søknad)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": APPLICATION}}},
        }
    },
)
def submit_application(
    svc: Service,
    ctx: Context,
    body: Annotated[dict[str, Any], Body()],
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    reject_nul(body, "body")
    reject_nul(idempotency_key, "Idempotency-Key")
    status, answer = svc.submit_application(ctx, body, idempotency_key)
    return _json(answer, status)


@router.get("/cases", tags=["citizen"], summary="My cases")
def list_own_cases(svc: Service, ctx: Context, limit: Limit = 50, offset: Offset = 0) -> Any:
    return _json(svc.list_own_cases(ctx, limit, offset))


@router.get("/cases/{sak_id}", tags=["cases"])
def get_case(svc: Service, ctx: Context, gate: Gate, sak_id: Id) -> Any:
    sak = svc.get_sak(ctx, sak_id)
    gate.benefit(sak["benefit"])
    return _json(sak)


@router.get("/cases/{sak_id}/events", tags=["cases"], summary="The case's history")
def list_events(
    svc: Service, ctx: Context, gate: Gate, sak_id: Id, limit: Limit = 50, offset: Offset = 0
) -> Any:
    gate.sak(sak_id)
    return _json(svc.list_events(ctx, sak_id, limit, offset))


@router.post("/cases/{sak_id}/changes", status_code=201, tags=["citizen"])
def report_change(
    svc: Service,
    ctx: Context,
    gate: Gate,
    sak_id: Id,
    body: ChangeBody,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Endringsmelding: opens a revurdering that ends in a new vedtak."""
    reject_nul(idempotency_key, "Idempotency-Key")
    gate.sak(sak_id)
    status, answer = svc.report_change(ctx, sak_id, _dump(body), idempotency_key)
    return _json(answer, status)


@router.get("/behandlinger/{behandling_id}", tags=["cases"])
def get_behandling(svc: Service, ctx: Context, gate: Gate, behandling_id: Id) -> Any:
    behandling = svc.get_behandling(ctx, behandling_id)
    gate.benefit(behandling.benefit)
    return _json(behandling.to_json())


@router.post("/behandlinger/{behandling_id}/assessments", tags=["casework"])
def assess_condition(svc: Service, ctx: Context, behandling_id: Id, body: AssessBody) -> Any:
    return _json(svc.behandling_action(ctx, "assess", behandling_id, _dump(body)))


@router.post("/behandlinger/{behandling_id}/information-requests", tags=["casework"])
def request_information(
    svc: Service, ctx: Context, behandling_id: Id, body: InformationRequestBody
) -> Any:
    payload = _dump(body)
    return _json(svc.behandling_action(ctx, "request_information", behandling_id, payload))


@router.post("/behandlinger/{behandling_id}/propose", tags=["casework"])
def propose(svc: Service, ctx: Context, behandling_id: Id, body: ProposeBody) -> Any:
    return _json(svc.behandling_action(ctx, "propose", behandling_id, _dump(body)))


@router.post("/behandlinger/{behandling_id}/approve", tags=["casework"])
def approve(svc: Service, ctx: Context, behandling_id: Id, body: VersionedBody) -> Any:
    """Totrinnskontroll: a second person approves; the vedtak is made."""
    return _json(svc.behandling_action(ctx, "approve", behandling_id, _dump(body)))


@router.post("/behandlinger/{behandling_id}/return", tags=["casework"])
def return_proposal(svc: Service, ctx: Context, behandling_id: Id, body: ReturnBody) -> Any:
    return _json(svc.behandling_action(ctx, "return", behandling_id, _dump(body)))


@router.post("/information-requests/{request_id}/answer", tags=["citizen"])
def answer_information(svc: Service, ctx: Context, request_id: Id, body: AnswerBody) -> Any:
    return _json(svc.answer_information(ctx, request_id, _dump(body)))


@router.get("/vedtak/{vedtak_id}", tags=["cases"])
def get_vedtak(
    svc: Service,
    ctx: Context,
    gate: Gate,
    vedtak_id: Id,
    lang: Annotated[str, Query(pattern="^(nb|nn|en)$")] = "nb",
) -> Any:
    """The vedtak with the criteria used; for an automatic one, a notice saying so."""
    vedtak = svc.get_vedtak(ctx, vedtak_id, lang)
    gate.benefit(vedtak.benefit)
    return _json(vedtak.to_json())


@router.get("/tasks", tags=["casework"], summary="The open tasks of my unit")
def queue(
    svc: Service,
    ctx: Context,
    kind: Annotated[str | None, Query(pattern="^(assess|approve|klage|klageinstans)$")] = None,
    benefit: Annotated[str | None, Query(pattern="^(dagpenger|sykepenger|aap|uforetrygd)$")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    return _json(svc.queue(ctx, kind, benefit, limit, offset))


@router.post("/tasks/{task_id}/claim", tags=["casework"])
def claim_task(svc: Service, ctx: Context, task_id: Id) -> Any:
    return _json(svc.claim_task(ctx, task_id))


@router.post("/persons/search", tags=["casework"])
def search_person(svc: Service, ctx: Context, body: SearchBody) -> Any:
    """Find a person by identity number (in the body, never the URL); a purpose is required."""
    return _json(svc.search_person(ctx, _dump(body)))


@router.get("/me/access-log", tags=["citizen"], summary="Who has looked at my data")
def access_log(svc: Service, ctx: Context, limit: Limit = 50, offset: Offset = 0) -> Any:
    return _json(svc.access_log(ctx, limit, offset))


@router.get("/audit", tags=["internal control"])
def audit_trail(
    svc: Service,
    ctx: Context,
    purpose: Annotated[str, Query(min_length=1, max_length=500)],
    person_id: Annotated[str | None, Query(json_schema_extra={"format": "uuid"})] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    reject_nul(purpose, "purpose")
    return _json(svc.audit_trail(ctx, person_id, purpose, limit, offset))


# -- appeals --------------------------------------------------------------------------------------


class AttachmentBody(_Body):
    """One file. The service checks it as the web form does (`trygd.services.files`): the
    type is read from the content, and the name is cleaned of paths and control characters."""

    filename: str = Field(description="The file's name (1 to 200 characters once cleaned)")
    content_type: str | None = Field(
        default=None,
        description="Ignored: the type is read from the content (PDF, PNG or JPEG only)",
    )
    content: str = Field(
        description="The file, base64-encoded: a PDF, PNG or JPEG of 1 byte to 5 MB"
    )


class KlageBody(_Body):
    vedtak_id: str | None = Field(
        default=None, description="The vedtak you appeal", json_schema_extra=UUID
    )
    tilbakekreving_id: str | None = Field(
        default=None,
        description="Instead of vedtak_id: the tilbakekreving whose vedtak you appeal",
        json_schema_extra=UUID,
    )
    text: str = Field(description="What you disagree with, and why")
    fristavbrytende: bool = Field(
        default=False, description="A short notice now; the full grounds follow later"
    )
    late_reason: str | None = Field(default=None, description="Why the klage comes late")
    received_on: dt.date | None = Field(
        default=None, description="Staff registering a klage that came by post: its date"
    )
    attachments: list[AttachmentBody] = Field(
        default_factory=list, description="At most 5 files (PDF, PNG or JPEG)"
    )


class TextBody(_Body):
    text: str


class WithdrawBody(_Body):
    pass


class LateBody(VersionedBody):
    consider: bool = Field(description="Consider the late klage anyway (fvl. § 31)?")
    reason: str


class ChangeDecisionBody(VersionedBody):
    reason: str = Field(description="Why the unit agrees with the klage")
    facts: dict[str, Any] = Field(default_factory=dict, description="Corrected facts")


class ForwardBody(VersionedBody):
    statement: str = Field(description="The unit's statement to NAV Klageinstans")


class KlageinstansBody(VersionedBody):
    outcome: str = Field(description="stadfestet, omgjort, delvis_omgjort or opphevet")
    reasons: str


class AnkeBody(VersionedBody):
    court: str = Field(description="trygderetten or lagmannsretten")
    filed_on: dt.date


class JudgmentBody(VersionedBody):
    outcome: str = Field(description="stadfestet, omgjort, delvis_omgjort, opphevet or avvist")
    decided_on: dt.date
    reasons: str


class ServiceklageBody(_Body):
    text: str = Field(description="What went wrong in how we served you")
    sak_id: str | None = Field(
        default=None, description="The case, if it is about one", json_schema_extra=UUID
    )


class ServiceklageAnswerBody(_Body):
    answer: str


class PrivacyRequestBody(_Body):
    kind: str = Field(
        description="access (art. 15), correction (art. 16), erasure (art. 17),"
        " restriction (art. 18),"
        " objection (art. 21) or manual_review (art. 22: a caseworker looks at an automatic"
        " decision)"
    )
    text: str | None = Field(
        default=None, description="What you ask for and why (may be left out for access)"
    )
    processing: str | None = Field(
        default=None,
        description="objection only: statistics, development or other (processing NAV bases"
        " on a public interest)",
    )
    vedtak_id: str | None = Field(
        default=None,
        description="manual_review only: the automatic decision",
        json_schema_extra=UUID,
    )


class PrivacyExtensionBody(_Body):
    reason: str = Field(description="Why the answer needs more time; sent to the person")


class PrivacyAnswerBody(_Body):
    outcome: str | None = Field(
        default=None, description="granted, partly or refused (every kind but erasure)"
    )
    erase: bool | None = Field(
        default=None,
        description="erasure only: true erases now what may be erased (the outcome follows"
        " from what is erased and what must be kept), false erases nothing",
    )
    answer: str = Field(description="The answer, sent to the person by letter")


class AdvanceNoticeBody(_Body):
    planned_decision: str = Field(description="What NAV considers deciding")
    reason: str = Field(description="Why")


@router.post("/klager", status_code=201, tags=["appeals"], summary="Appeal a vedtak (klage)")
def submit_klage(
    svc: Service, ctx: Context, body: KlageBody, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    reject_nul(idempotency_key, "Idempotency-Key")
    payload = _dump(body)
    for optional in ("received_on", "vedtak_id", "tilbakekreving_id"):
        if payload.get(optional) is None:
            payload.pop(optional, None)
    status, answer = svc.submit_klage(ctx, payload, idempotency_key)
    return _json(answer, status)


@router.get("/klager/{klage_id}", tags=["appeals"], summary="A klage, its status and next step")
def get_klage(svc: Service, ctx: Context, gate: Gate, klage_id: Id) -> Any:
    klage = svc.get_klage(ctx, klage_id)
    gate.sak(klage["sak_id"])
    return _json(klage)


@router.get("/cases/{sak_id}/klager", tags=["appeals"], summary="The case's klager")
def list_klager(svc: Service, ctx: Context, gate: Gate, sak_id: Id) -> Any:
    gate.sak(sak_id)
    return _json(svc.list_klager(ctx, sak_id))


@router.post("/klager/{klage_id}/grounds", tags=["appeals"])
def klage_grounds(svc: Service, ctx: Context, klage_id: Id, body: TextBody) -> Any:
    """The full grounds of a fristavbrytende klage."""
    return _json(svc.klage_action(ctx, "grounds", klage_id, _dump(body)))


@router.post("/klager/{klage_id}/comments", tags=["appeals"])
def klage_comment(svc: Service, ctx: Context, klage_id: Id, body: TextBody) -> Any:
    """The person's comments, e.g. on the unit's statement to Klageinstans."""
    return _json(svc.klage_action(ctx, "comment", klage_id, _dump(body)))


@router.post("/klager/{klage_id}/withdraw", tags=["appeals"])
def klage_withdraw(svc: Service, ctx: Context, klage_id: Id, body: WithdrawBody) -> Any:
    return _json(svc.klage_action(ctx, "withdraw", klage_id, _dump(body)))


@router.post("/klager/{klage_id}/late-decision", tags=["appeals"])
def klage_late(svc: Service, ctx: Context, klage_id: Id, body: LateBody) -> Any:
    """fvl. § 31: consider a late klage anyway, or reject it, with a reason."""
    return _json(svc.klage_action(ctx, "late", klage_id, _dump(body)))


@router.post("/klager/{klage_id}/change-decision", tags=["appeals"])
def klage_change(svc: Service, ctx: Context, klage_id: Id, body: ChangeDecisionBody) -> Any:
    """Omgjøring: the unit changes its own decision through a new behandling."""
    return _json(svc.klage_action(ctx, "change", klage_id, _dump(body)))


@router.post("/klager/{klage_id}/forward", tags=["appeals"])
def klage_forward(svc: Service, ctx: Context, klage_id: Id, body: ForwardBody) -> Any:
    """Send the case to NAV Klageinstans with the unit's statement."""
    return _json(svc.klage_action(ctx, "forward", klage_id, _dump(body)))


@router.post("/klager/{klage_id}/klageinstans-decision", tags=["appeals"])
def klage_decide(svc: Service, ctx: Context, klage_id: Id, body: KlageinstansBody) -> Any:
    return _json(svc.klage_action(ctx, "decide", klage_id, _dump(body)))


@router.post("/klager/{klage_id}/anker", tags=["appeals"])
def klage_anke(svc: Service, ctx: Context, klage_id: Id, body: AnkeBody) -> Any:
    """Register an anke to Trygderetten, or the case before the court of appeal."""
    return _json(svc.klage_action(ctx, "anke", klage_id, _dump(body)))


@router.post("/klager/{klage_id}/judgments", tags=["appeals"])
def klage_judgment(svc: Service, ctx: Context, klage_id: Id, body: JudgmentBody) -> Any:
    """Register the outcome from Trygderetten or the court of appeal."""
    return _json(svc.klage_action(ctx, "judgment", klage_id, _dump(body)))


@router.get(
    "/attachments/{attachment_id}",
    tags=["appeals"],
    response_class=Response,
    responses=binary(
        "application/pdf", "image/png", "image/jpeg", description="The file, as it was sent"
    ),
)
def get_attachment(svc: Service, ctx: Context, attachment_id: Id) -> Response:
    content, content_type, _filename = svc.attachment(ctx, attachment_id)
    return Response(
        content,
        media_type=content_type,
        headers={"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"},
    )


@router.post("/serviceklager", status_code=201, tags=["citizen"], summary="Complain about service")
def submit_serviceklage(svc: Service, ctx: Context, body: ServiceklageBody) -> JSONResponse:
    return _json(svc.submit_serviceklage(ctx, _dump(body)), 201)


@router.get("/serviceklager", tags=["citizen"], summary="My service complaints")
def list_serviceklager(svc: Service, ctx: Context) -> Any:
    return _json(svc.list_serviceklager(ctx))


@router.get("/unit/serviceklager", tags=["casework"], summary="My unit's service complaints")
def unit_serviceklager(svc: Service, ctx: Context, limit: Limit = 50, offset: Offset = 0) -> Any:
    """Open ones first; the rows show no names or texts (open one to read it)."""
    return _json(svc.unit_serviceklager(ctx, limit, offset))


@router.get("/serviceklager/{complaint_id}", tags=["casework"], summary="One service complaint")
def get_serviceklage(svc: Service, ctx: Context, complaint_id: Id) -> Any:
    return _json(svc.get_serviceklage(ctx, complaint_id))


@router.post("/serviceklager/{complaint_id}/answer", tags=["casework"])
def answer_serviceklage(
    svc: Service, ctx: Context, complaint_id: Id, body: ServiceklageAnswerBody
) -> Any:
    return _json(svc.answer_serviceklage(ctx, complaint_id, _dump(body)))


# -- requests under GDPR art. 15-22 ---------------------------------------------------------------


@router.post(
    "/privacy-requests",
    status_code=201,
    tags=["citizen"],
    summary="Ask for access, correction, erasure, restriction, objection or manual review",
)
def submit_privacy_request(svc: Service, ctx: Context, body: PrivacyRequestBody) -> JSONResponse:
    """Received today; answered within one month (GDPR art. 12(3)): `deadline` is the date.
    One open request of each kind at a time (409 while one is open)."""
    return _json(svc.submit_privacy_request(ctx, _dump(body)), 201)


@router.get(
    "/me/erasure",
    tags=["citizen"],
    summary="What an erasure request would erase of my data, and what must be kept",
)
def my_erasure_overview(svc: Service, ctx: Context) -> Any:
    """Per kind of record: erasable (deleted or anonymised) or kept, how many, and the legal
    basis (GDPR art. 17(3)(b): most case data must be kept by law). Nothing is changed."""
    return _json(svc.erasure_overview(ctx))


@router.get("/privacy-requests", tags=["citizen"], summary="My requests about my data")
def list_privacy_requests(svc: Service, ctx: Context) -> Any:
    return _json(svc.list_privacy_requests(ctx))


@router.get(
    "/unit/privacy-requests", tags=["casework"], summary="My unit's requests about personal data"
)
def unit_privacy_requests(svc: Service, ctx: Context, limit: Limit = 50, offset: Offset = 0) -> Any:
    """Open ones first, the nearest deadline first; the rows show no names or texts."""
    return _json(svc.unit_privacy_requests(ctx, limit, offset))


@router.get(
    "/privacy-requests/{privacy_request_id}", tags=["casework"], summary="One privacy request"
)
def get_privacy_request(svc: Service, ctx: Context, privacy_request_id: Id) -> Any:
    return _json(svc.get_privacy_request(ctx, privacy_request_id))


@router.post("/privacy-requests/{privacy_request_id}/extend", tags=["casework"])
def extend_privacy_request(
    svc: Service, ctx: Context, privacy_request_id: Id, body: PrivacyExtensionBody
) -> Any:
    """Extend the deadline by two months (once, within the first month); the person gets a
    letter with the reason and the new date."""
    return _json(svc.extend_privacy_request(ctx, privacy_request_id, _dump(body)))


@router.post("/privacy-requests/{privacy_request_id}/answer", tags=["casework"])
def answer_privacy_request(
    svc: Service, ctx: Context, privacy_request_id: Id, body: PrivacyAnswerBody
) -> Any:
    """Answer the request; the answer goes to the person by letter."""
    return _json(svc.answer_privacy_request(ctx, privacy_request_id, _dump(body)))


# -- letters --------------------------------------------------------------------------------------


@router.get("/cases/{sak_id}/letters", tags=["letters"], summary="Letters sent in the case")
def list_letters(svc: Service, ctx: Context, gate: Gate, sak_id: Id) -> Any:
    gate.sak(sak_id)
    return _json(svc.list_letters(ctx, sak_id))


@router.get("/letters/{letter_id}", tags=["letters"])
def get_letter(svc: Service, ctx: Context, gate: Gate, letter_id: Id) -> Any:
    letter = svc.get_letter(ctx, letter_id)
    _letter_gate(gate, letter)
    return _json(letter)


def _letter_gate(gate: AssuranceGate, letter: dict[str, Any]) -> None:
    """A letter about a case is as sensitive as the case."""
    if letter.get("sak_id"):
        gate.sak(letter["sak_id"])


@router.get(
    "/letters/{letter_id}/pdf",
    tags=["letters"],
    summary="The letter exactly as sent",
    response_class=Response,
    responses=binary("application/pdf", description="The PDF/A file (its ETag is its SHA-256)"),
)
def letter_pdf(svc: Service, ctx: Context, gate: Gate, letter_id: Id) -> Response:
    gate.letter(letter_id)
    pdf, digest = svc.letter_pdf(ctx, letter_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"ETag": f'"{digest}"', "Content-Disposition": "inline"},
    )


@router.get(
    "/letters/{letter_id}/html",
    tags=["letters"],
    summary="The letter as HTML",
    response_class=HTMLResponse,
)
def letter_html(svc: Service, ctx: Context, gate: Gate, letter_id: Id) -> HTMLResponse:
    gate.letter(letter_id)
    return HTMLResponse(svc.letter_html(ctx, letter_id))


@router.get("/behandlinger/{behandling_id}/vedtak-letter-preview", tags=["letters"])
def preview_vedtak_letter(
    svc: Service,
    ctx: Context,
    behandling_id: Id,
    lang: Annotated[str | None, Query(pattern="^(nb|nn|en)$")] = None,
) -> Any:
    """The vedtak letter this behandling would give, before it is decided (nothing stored)."""
    return _json(svc.preview_vedtak_letter(ctx, behandling_id, lang))


@router.post("/behandlinger/{behandling_id}/advance-notice/preview", tags=["letters"])
def preview_advance_notice(
    svc: Service, ctx: Context, behandling_id: Id, body: AdvanceNoticeBody
) -> Any:
    return _json(svc.advance_notice(ctx, behandling_id, _dump(body), send=False))


@router.post("/behandlinger/{behandling_id}/advance-notice", status_code=202, tags=["letters"])
def send_advance_notice(
    svc: Service, ctx: Context, behandling_id: Id, body: AdvanceNoticeBody
) -> Any:
    """Forhåndsvarsel (fvl. § 16): sent as a letter with a deadline to comment."""
    return _json(svc.advance_notice(ctx, behandling_id, _dump(body), send=True), 202)


# --- payment details: account, tax card, refund claims (ftrl. §§ 22-3, 22-10) ---------------

Account = Annotated[
    str,
    Field(
        max_length=64,
        description="11 digits (spaces and dots allowed), or an IBAN for an account abroad",
    ),
]


class AccountBody(_Body):
    account_number: Account


class StaffAccountBody(AccountBody):
    reason: str = Field(max_length=500, description="What the person sent (the form, its date)")


class RefundClaimBody(_Body):
    organisation_number: StrictStr = Field(max_length=20, description="The employer, 9 digits")
    employer_name: StrictStr = Field(max_length=140, description="The employer's name")
    account_number: Account


@router.get("/me/payment-details", tags=["citizen"], summary="My account number and tax card")
def own_payment_details(svc: Service, ctx: Context) -> Any:
    return _json(svc.own_payment_details(ctx))


@router.put(
    "/me/payment-details/account", tags=["citizen"], summary="Change my account for payments"
)
def change_own_account(svc: Service, ctx: Context, body: AccountBody) -> Any:
    return _json(svc.change_own_account(ctx, _dump(body)))


@router.get("/persons/{person_id}/payment-details", tags=["payments"])
def person_payment_details(svc: Service, ctx: Context, person_id: Id) -> Any:
    """A person's account number and tax card (audited as a read of the person's data)."""
    return _json(svc.person_payment_details(ctx, person_id))


@router.put("/persons/{person_id}/payment-details/account", tags=["payments"])
def change_account(svc: Service, ctx: Context, person_id: Id, body: StaffAccountBody) -> Any:
    """A caseworker registers the account a person asked for by post."""
    return _json(svc.change_account(ctx, person_id, _dump(body)))


@router.get("/cases/{sak_id}/refund-claim", tags=["payments"])
def refund_claim(svc: Service, ctx: Context, gate: Gate, sak_id: Id) -> Any:
    """The employer's refund claim of a sykepenger case (ftrl. § 22-3), or null."""
    gate.sak(sak_id)
    return JSONResponse(svc.refund_claim(ctx, sak_id))


@router.put("/cases/{sak_id}/refund-claim", tags=["payments"])
def register_refund(svc: Service, ctx: Context, sak_id: Id, body: RefundClaimBody) -> Any:
    """Register the employer and account of a refund claim from the inntektsmelding."""
    return _json(svc.register_refund(ctx, sak_id, _dump(body)))


# --- meldekort (ftrl. §§ 4-8, 11-10) --------------------------------------------------------

PeriodStart = Annotated[
    str,
    Path(
        description="First day (a Monday) of the meldeperiode, YYYY-MM-DD",
        json_schema_extra={"format": "date"},
    ),
]
Hours = StrictInt | StrictFloat | StrictStr | None


class MeldekortDayBody(_Body):
    date: dt.date | None = Field(default=None, description="The day (checked, may be left out)")
    hours_worked: Hours = Field(
        default=None, description="Hours worked that day: whole or half hours, 0 to 24"
    )
    sick: StrictBool | None = Field(default=None, description="Sick that day")
    absent: StrictBool | None = Field(
        default=None, description="On holiday or away for another reason that day"
    )
    tiltak: StrictBool | None = Field(default=None, description="In a measure (tiltak, kurs)")


class MeldekortBody(_Body):
    days: list[MeldekortDayBody] = Field(
        default_factory=list, max_length=14, description="The 14 days of the period, in order"
    )
    still_job_seeker: StrictBool | None = Field(
        default=None, description="Do you still want to be registered as a job seeker?"
    )


class MeldekortCorrectionBody(MeldekortBody):
    correction_reason: str = Field(max_length=2000, description="Why the card is corrected")


def _card(body: MeldekortBody) -> dict[str, Any]:
    payload = body.model_dump(mode="json", exclude_none=True)
    reject_nul(payload, "body")
    return payload


@router.get("/meldekort", tags=["citizen"], summary="My meldekort, newest period first")
def list_meldekort(svc: Service, ctx: Context) -> Any:
    return _json(svc.list_meldekort(ctx))


@router.get("/meldekort/{sak_id}/{period_start}", tags=["citizen"], summary="One meldekort")
def get_meldekort(
    svc: Service, ctx: Context, gate: Gate, sak_id: Id, period_start: PeriodStart
) -> Any:
    """The period's dates, every sent version with its calculation, and the draft."""
    card = svc.get_meldekort(ctx, sak_id, period_start)
    gate.benefit(card["benefit"])
    return _json(card)


@router.put("/meldekort/{sak_id}/{period_start}/draft", tags=["citizen"], summary="Save a draft")
def save_meldekort_draft(
    svc: Service,
    ctx: Context,
    gate: Gate,
    sak_id: Id,
    period_start: PeriodStart,
    body: MeldekortBody,
) -> Any:
    gate.sak(sak_id)
    return _json(svc.save_meldekort_draft(ctx, sak_id, period_start, _card(body)))


@router.post(
    "/meldekort/{sak_id}/{period_start}",
    status_code=201,
    tags=["citizen"],
    summary="Send the meldekort of a period",
)
def send_meldekort(
    svc: Service,
    ctx: Context,
    gate: Gate,
    sak_id: Id,
    period_start: PeriodStart,
    body: MeldekortBody,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Sent once per period (409 `meldekort_already_sent` after that: send a correction)."""
    reject_nul(idempotency_key, "Idempotency-Key")
    gate.sak(sak_id)
    status, answer = svc.send_meldekort(ctx, sak_id, period_start, _card(body), idempotency_key)
    return _json(answer, status)


@router.post(
    "/meldekort/{sak_id}/{period_start}/corrections",
    status_code=201,
    tags=["citizen"],
    summary="Correct a sent meldekort (a new version with a reason)",
)
def correct_meldekort(
    svc: Service,
    ctx: Context,
    gate: Gate,
    sak_id: Id,
    period_start: PeriodStart,
    body: MeldekortCorrectionBody,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    reject_nul(idempotency_key, "Idempotency-Key")
    gate.sak(sak_id)
    status, answer = svc.correct_meldekort(ctx, sak_id, period_start, _card(body), idempotency_key)
    return _json(answer, status)


# -- payments ----------------------------------------------------------------------------------


@router.get("/payments", tags=["citizen"], summary="My payments: upcoming, then the past ones")
def own_payments(svc: Service, ctx: Context, limit: Limit = 50, offset: Offset = 0) -> Any:
    """Every upcoming payment (planned or held), then a page of the past ones, newest first;
    each with its period, gross, tax withheld, net, status, payment day and the rule (the
    amount per day or month from the vedtak, the meldekort, the legal basis). Amounts in øre."""
    return _json(svc.own_payments(ctx, limit, offset).to_json())


@router.get("/payments/{payment_id}", tags=["cases"], summary="One payment and its period")
def get_payment(svc: Service, ctx: Context, gate: Gate, payment_id: Id) -> Any:
    """The payment with every line of its period: the first payment, an etterbetaling or
    feilutbetaling after a new vedtak, a new attempt after the bank rejected it."""
    detail = svc.get_payment(ctx, payment_id)
    gate.benefit(detail.payment.benefit)
    return _json(detail.to_json())


@router.get("/persons/{person_id}/payments", tags=["casework"], summary="A person's payments")
def person_payments(
    svc: Service, ctx: Context, person_id: Id, limit: Limit = 50, offset: Offset = 0
) -> Any:
    """For employees: the payments of the person's cases that the caller may read (audited
    as a read of the person's data)."""
    return _json(svc.person_payments(ctx, person_id, limit, offset).to_json())


@router.get("/regulations/{g_from}", tags=["casework"], summary="How far a G-regulering has come")
def regulation_status(
    svc: Service,
    ctx: Context,
    g_from: str,
    change: Annotated[str, Query(max_length=300)] = "G",
) -> Any:
    """For staff: the G-regulering from `g_from` (YYYY-MM-DD, the day the new G took effect):
    saker with an outcome out of those with a vedtak, the count per outcome, the change in
    yearly amounts (øre) and the largest changes. While `trygd regulate` runs it shows the
    batches committed so far. `change`: another bulk recomputation from the same day
    (`trygd recompute`; its key is in the command's report)."""
    return _json(svc.regulation_status(ctx, g_from, change))


@router.get("/payment-problems", tags=["casework"], summary="My unit's held and rejected payments")
def payment_problems(svc: Service, ctx: Context, limit: Limit = 50, offset: Offset = 0) -> Any:
    """Payments of the caller's unit that wait: held (a fact is missing) or rejected by the
    bank, each with the reason and the open task about it."""
    return _json(svc.payment_problems(ctx, limit, offset).to_json())


# -- tilbakekreving (ftrl. § 22-15, § 22-17a; fvl. §§ 16, 24-25) -------------------------------


class TilbakekrevingAnswerBody(_Body):
    comment: str = Field(description="Your comments on the forhåndsvarsel")


class TilbakekrevingAssessBody(VersionedBody):
    grounds: Literal["forsto_eller_burde_forstatt", "feilaktige_opplysninger", "god_tro"] | None = (
        Field(default=None, description="ftrl. § 22-15 first ledd, or good faith (fifth ledd)")
    )
    culpability: Literal["forsett", "grov_uaktsomhet", "uaktsomhet"] | None = Field(
        default=None, description="The degree of guilt (not for good faith)"
    )
    knowledge_date: dt.date | None = Field(
        default=None,
        description="When NAV got or should have got the knowledge to claim "
        "(foreldelsesloven § 10 nr. 1)",
    )
    reduction_percent: StrictInt | None = Field(
        default=None,
        ge=0,
        le=100,
        description="Reduction for særlige grunner (§ 22-15 fourth ledd)",
    )
    in_hand_ore: StrictInt | None = Field(
        default=None, ge=0, le=10**12, description="Good faith: the amount still in hand, in øre"
    )
    reason: str = Field(description="Why: the written reason for the assessment")


class TilbakekrevingProposeBody(VersionedBody):
    recovery_method: Literal["setoff", "handed_on"] | None = Field(
        default=None, description="How the claim is recovered (needed when there is a claim)"
    )


class TilbakekrevingVersionBody(VersionedBody):
    pass


@router.get("/tilbakekrevinger", tags=["citizen"], summary="My tilbakekrevinger")
def own_tilbakekrevinger(svc: Service, ctx: Context) -> Any:
    """Each claim to pay back a feilutbetaling: the varsel, the vedtak and the balance."""
    return _json({"items": svc.own_tilbakekrevinger(ctx)})


@router.get("/tilbakekrevinger/{tilbakekreving_id}", tags=["cases"], summary="A tilbakekreving")
def get_tilbakekreving(svc: Service, ctx: Context, gate: Gate, tilbakekreving_id: Id) -> Any:
    """The feilutbetaling by period, the varsel and its comment deadline, the assessment
    (staff), the vedtak and the balance (amounts in øre)."""
    case = svc.get_tilbakekreving(ctx, tilbakekreving_id)
    gate.benefit(case["benefit"])
    return _json(case)


@router.get(
    "/cases/{sak_id}/tilbakekrevinger", tags=["cases"], summary="The case's tilbakekrevinger"
)
def sak_tilbakekrevinger(svc: Service, ctx: Context, gate: Gate, sak_id: Id) -> Any:
    gate.sak(sak_id)
    return _json({"items": svc.sak_tilbakekrevinger(ctx, sak_id)})


@router.post(
    "/vedtak/{vedtak_id}/tilbakekreving",
    status_code=201,
    tags=["casework"],
    summary="Open the tilbakekreving of a vedtak's feilutbetaling",
)
def open_tilbakekreving(svc: Service, ctx: Context, vedtak_id: Id) -> Any:
    """Once per vedtak: 201 when opened now, 200 with the case when it was open already."""
    created, case = svc.open_tilbakekreving(ctx, vedtak_id)
    return _json(case, 201 if created else 200)


@router.post("/tilbakekrevinger/{tilbakekreving_id}/answer", tags=["citizen"])
def tilbakekreving_answer(
    svc: Service, ctx: Context, gate: Gate, tilbakekreving_id: Id, body: TilbakekrevingAnswerBody
) -> Any:
    """The person's comments on the forhåndsvarsel (fvl. § 16)."""
    gate.tilbakekreving(tilbakekreving_id)
    return _json(svc.tilbakekreving_action(ctx, "answer", tilbakekreving_id, _dump(body)))


@router.post("/tilbakekrevinger/{tilbakekreving_id}/assessment", tags=["casework"])
def tilbakekreving_assess(
    svc: Service, ctx: Context, tilbakekreving_id: Id, body: TilbakekrevingAssessBody
) -> Any:
    """The caseworker's answers to what the rules cannot decide, with a reason."""
    return _json(svc.tilbakekreving_action(ctx, "assess", tilbakekreving_id, _dump(body)))


@router.post("/tilbakekrevinger/{tilbakekreving_id}/propose", tags=["casework"])
def tilbakekreving_propose(
    svc: Service, ctx: Context, tilbakekreving_id: Id, body: TilbakekrevingProposeBody
) -> Any:
    return _json(svc.tilbakekreving_action(ctx, "propose", tilbakekreving_id, _dump(body)))


@router.post("/tilbakekrevinger/{tilbakekreving_id}/return", tags=["casework"])
def tilbakekreving_return(
    svc: Service, ctx: Context, tilbakekreving_id: Id, body: ReturnBody
) -> Any:
    return _json(svc.tilbakekreving_action(ctx, "return", tilbakekreving_id, _dump(body)))


@router.post("/tilbakekrevinger/{tilbakekreving_id}/approve", tags=["casework"])
def tilbakekreving_approve(
    svc: Service, ctx: Context, tilbakekreving_id: Id, body: TilbakekrevingVersionBody
) -> Any:
    """Totrinnskontroll: another person approves, and the vedtak is made."""
    return _json(svc.tilbakekreving_action(ctx, "approve", tilbakekreving_id, _dump(body)))
