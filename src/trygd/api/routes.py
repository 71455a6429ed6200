"""The endpoints of /api/v1. Each one authenticates, then calls one use case."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from trygd.api.identity import InvalidToken, actor_from_claims
from trygd.applications.inputs import input_schema
from trygd.services.errors import InvalidInput, NotAuthenticated
from trygd.services.facade import CaseService
from trygd.services.unit_of_work import RequestContext

router = APIRouter()

Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
Offset = Annotated[int, Query(ge=0, description="Items to skip")]
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
        claims = request.app.state.identity.verify(token.strip())
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


Service = Annotated[CaseService, Depends(service)]
Context = Annotated[RequestContext, Depends(context)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VersionedBody(_Body):
    version: StrictInt = Field(
        description="The version of the behandling you read (optimistic lock)"
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


@router.post(
    "/applications",
    status_code=201,
    tags=["citizen"],
    summary="Apply for a benefit (søknad)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": input_schema()}},
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
def get_case(svc: Service, ctx: Context, sak_id: str) -> Any:
    return _json(svc.get_sak(ctx, sak_id))


@router.get("/cases/{sak_id}/events", tags=["cases"], summary="The case's history")
def list_events(
    svc: Service, ctx: Context, sak_id: str, limit: Limit = 50, offset: Offset = 0
) -> Any:
    return _json(svc.list_events(ctx, sak_id, limit, offset))


@router.post("/cases/{sak_id}/changes", status_code=201, tags=["citizen"])
def report_change(
    svc: Service,
    ctx: Context,
    sak_id: str,
    body: ChangeBody,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Endringsmelding: opens a revurdering that ends in a new vedtak."""
    reject_nul(idempotency_key, "Idempotency-Key")
    status, answer = svc.report_change(ctx, sak_id, _dump(body), idempotency_key)
    return _json(answer, status)


@router.get("/behandlinger/{behandling_id}", tags=["cases"])
def get_behandling(svc: Service, ctx: Context, behandling_id: str) -> Any:
    return _json(svc.get_behandling(ctx, behandling_id))


@router.post("/behandlinger/{behandling_id}/assessments", tags=["casework"])
def assess_condition(svc: Service, ctx: Context, behandling_id: str, body: AssessBody) -> Any:
    return _json(svc.behandling_action(ctx, "assess", behandling_id, _dump(body)))


@router.post("/behandlinger/{behandling_id}/information-requests", tags=["casework"])
def request_information(
    svc: Service, ctx: Context, behandling_id: str, body: InformationRequestBody
) -> Any:
    payload = _dump(body)
    return _json(svc.behandling_action(ctx, "request_information", behandling_id, payload))


@router.post("/behandlinger/{behandling_id}/propose", tags=["casework"])
def propose(svc: Service, ctx: Context, behandling_id: str, body: ProposeBody) -> Any:
    return _json(svc.behandling_action(ctx, "propose", behandling_id, _dump(body)))


@router.post("/behandlinger/{behandling_id}/approve", tags=["casework"])
def approve(svc: Service, ctx: Context, behandling_id: str, body: VersionedBody) -> Any:
    """Totrinnskontroll: a second person approves; the vedtak is made."""
    return _json(svc.behandling_action(ctx, "approve", behandling_id, _dump(body)))


@router.post("/behandlinger/{behandling_id}/return", tags=["casework"])
def return_proposal(svc: Service, ctx: Context, behandling_id: str, body: ReturnBody) -> Any:
    return _json(svc.behandling_action(ctx, "return", behandling_id, _dump(body)))


@router.post("/information-requests/{request_id}/answer", tags=["citizen"])
def answer_information(svc: Service, ctx: Context, request_id: str, body: AnswerBody) -> Any:
    return _json(svc.answer_information(ctx, request_id, _dump(body)))


@router.get("/vedtak/{vedtak_id}", tags=["cases"])
def get_vedtak(
    svc: Service,
    ctx: Context,
    vedtak_id: str,
    lang: Annotated[str, Query(pattern="^(nb|nn|en)$")] = "nb",
) -> Any:
    """The vedtak with the criteria used; for an automatic one, a notice saying so."""
    return _json(svc.get_vedtak(ctx, vedtak_id, lang))


@router.get("/tasks", tags=["casework"], summary="The open tasks of my unit")
def queue(
    svc: Service,
    ctx: Context,
    kind: Annotated[str | None, Query(pattern="^(assess|approve)$")] = None,
    benefit: Annotated[str | None, Query(pattern="^(dagpenger|sykepenger|aap|uforetrygd)$")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    return _json(svc.queue(ctx, kind, benefit, limit, offset))


@router.post("/tasks/{task_id}/claim", tags=["casework"])
def claim_task(svc: Service, ctx: Context, task_id: str) -> Any:
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
    person_id: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    reject_nul(purpose, "purpose")
    return _json(svc.audit_trail(ctx, person_id, purpose, limit, offset))
