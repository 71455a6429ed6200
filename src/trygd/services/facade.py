"""`CaseService`: the entry point the API, the CLI and the worker call.

Each public method is one use case in one unit of work: it opens a transaction, runs the use
case (which checks access through `trygd.services.access`), commits the change together with
its events and audit records, and on any failure rolls back and keeps only the audit records
(see `unit_of_work.py`). POSTs may carry an idempotency key; the answer to the first request
is stored in the same transaction, and a retry with the same key and body gets that answer
again instead of a second case.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from trygd.domain.payments import Simulation
from trygd.privacy.policy import Actor, Role
from trygd.rules.regulation import Change, g_change
from trygd.services import (
    appeals,
    casework,
    drafts,
    export,
    intake,
    jobs,
    letters,
    meldekort,
    parallel,
    payment_details,
    payment_views,
    payments,
    privacy_requests,
    processing_times,
    regulation,
    retention,
    serviceklager,
    tilbakekreving,
    verification,
    views,
)
from trygd.services.clock import Clock, system_clock
from trygd.services.errors import Conflict, InvalidInput, ServiceError
from trygd.services.read_models import BehandlingView, KlageTerms, VedtakView
from trygd.services.records import enqueue, parse_id
from trygd.services.unit_of_work import RequestContext, UnitOfWork
from trygd.store import audit_chain
from trygd.store.database import engine_spec, make_engine
from trygd.store.models import IdempotencyKey, Job, RetentionRun, Vedtak

Checkpoint = Callable[[str], None]


PAYMENT_WORKERS = 2
"""Batches of a payment run that run side by side on PostgreSQL (threads: while one waits
for the database, the other computes; the batches are separate transactions)."""

A = TypeVar("A")
R = TypeVar("R")


def _side_by_side(work: Callable[[A], R], items: list[A], workers: int) -> list[R]:
    """`work` on every item, `workers` at a time, the results in the items' order. The first
    failure is raised, and items not yet started are not started."""
    if workers <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(work, item) for item in items]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect cyclic garbage less often while a payment run is under way, and put the objects
    from before it out of the collector's sight (`gc.freeze`); both as before afterwards.

    A run keeps a batch of hundreds of thousands of small objects (rows, dicts, postings)
    alive at once, which made the collector run after every 700 new objects and walk the
    whole heap some seventy times in a run of 100 000 persons: a third of the run's CPU.
    The objects of a batch hold almost no reference cycles; they are freed by reference
    counting when the batch ends, and what cycles there are go at the next collection."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], 50_000), max(thresholds[1], 20), max(thresholds[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@dataclass(frozen=True)
class PaymentRunResult:
    run_date: dt.date
    lines_added: int
    undetermined: int
    order: payments.OrderResult
    alarms: int


T = TypeVar("T")

SYSTEM_ACTOR = Actor(id="system:worker", name="trygd worker", roles=frozenset({Role.SYSTEM}))
PROCESSING_TIME_KEPT = dt.timedelta(hours=1)
# How often a creating use case (søknad, endringsmelding, klage) that lost a race is run again;
# the second run waits at the sak's lock or finds the winner's rows, so one is nearly always
# enough (a third covers a winner that itself failed and rolled back).
RACE_RETRIES = 2


@dataclass
class Settings:
    """`demo` allows synthetic identity numbers and demo tokens; never on in production."""

    demo: bool = False
    clock: Clock = field(default=system_clock)


# A casework step: the unit of work, the object's id and the request body, to the answer.
_Step = Callable[[UnitOfWork, uuid.UUID, dict[str, Any]], dict[str, Any]]


class CaseService:
    def __init__(self, engine: Engine, settings: Settings | None = None) -> None:
        self.engine = engine
        self.settings = settings or Settings()
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._processing_times: dict[str, tuple[dt.datetime, dict[str, Any] | None]] = {}

    # -- running use cases ------------------------------------------------------------------

    def _run(
        self, context: RequestContext, use_case: Callable[[UnitOfWork], T], *, again: int = 0
    ) -> T:
        """Run `use_case` in one unit of work; `again`: how many times to run it again when
        the database refused it because of a change stored at the same time.

        Running again is for the use cases that start a claim or a klage: a request that lost
        a race for a new sak, an open behandling or an open klage then reads what the winner
        stored and gets the clear answer (a refusal naming what exists, or a joined change)
        instead of a bare "at the same time". Nothing of the lost try was kept (its audit
        records are, marked not completed)."""
        for tries_left in range(again, -1, -1):
            uow = UnitOfWork(self.sessions, context, self.settings.clock)
            try:
                uow.resolve_caller()
                result = use_case(uow)
                uow.commit()
                return result
            except StaleDataError:
                uow.fail()
                if tries_left:
                    continue
                raise Conflict(
                    "the behandling was changed by someone else at the same time"
                ) from None
            except IntegrityError:
                uow.fail()
                if tries_left:
                    continue
                raise Conflict("the change conflicts with data stored at the same time") from None
            except BaseException:
                uow.fail()
                raise
            finally:
                uow.close()
        raise AssertionError("unreachable: the last try returns or raises")

    def _idempotent(
        self,
        context: RequestContext,
        key: str | None,
        body: Any,
        use_case: Callable[[UnitOfWork], dict[str, Any]],
    ) -> tuple[int, dict[str, Any]]:
        """Run a creating use case once per (caller, key); a retry gets the first answer."""
        if key is None:
            return 201, self._run(context, use_case, again=RACE_RETRIES)
        if not 1 <= len(key) <= 200:
            raise InvalidInput([("Idempotency-Key", "must be 1 to 200 characters")])
        digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
        stored = self._stored_answer(context.actor.id, key, digest)
        if stored is not None:
            return stored

        def once(uow: UnitOfWork) -> dict[str, Any]:
            answer = use_case(uow)
            uow.session.add(
                IdempotencyKey(
                    actor_id=context.actor.id,
                    key=key,
                    request_hash=digest,
                    status_code=201,
                    response=answer,
                    created_at=uow.now,
                )
            )
            return answer

        try:
            return 201, self._run(context, once, again=RACE_RETRIES)
        except Conflict:
            # A concurrent request with the same key may have won the race: answer as it did.
            stored = self._stored_answer(context.actor.id, key, digest)
            if stored is not None:
                return stored
            raise

    def _stored_answer(
        self, actor_id: str, key: str, digest: str
    ) -> tuple[int, dict[str, Any]] | None:
        with self.sessions() as session:
            row = session.get(IdempotencyKey, (actor_id, key))
            if row is None:
                return None
            if row.request_hash != digest:
                raise InvalidInput(
                    [("Idempotency-Key", "was already used for a different request")]
                )
            return row.status_code, row.response

    # -- citizens -----------------------------------------------------------------------------

    def submit_application(
        self, context: RequestContext, body: Any, idempotency_key: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, dict):
            raise InvalidInput([("application", "must be a JSON object")])
        return self._idempotent(
            context, idempotency_key, body, lambda uow: intake.submit_application(uow, body)
        )

    def report_change(
        self, context: RequestContext, sak_id: str, body: Any, idempotency_key: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        sid = parse_id(sak_id, "sak_id")
        if not isinstance(body, dict):
            raise InvalidInput([("body", "must be a JSON object")])
        return self._idempotent(
            context,
            idempotency_key,
            {"sak": sak_id, **body},
            lambda uow: intake.report_change(uow, sid, body),
        )

    def answer_information(
        self, context: RequestContext, request_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        rid = parse_id(request_id, "request_id")
        return self._run(context, lambda uow: casework.answer_information(uow, rid, body))

    def list_own_cases(self, context: RequestContext, limit: int, offset: int) -> dict[str, Any]:
        return self._run(context, lambda uow: views.list_own_cases(uow, limit, offset))

    def access_log(self, context: RequestContext, limit: int, offset: int) -> dict[str, Any]:
        return self._run(context, lambda uow: views.access_log(uow, limit, offset))

    # -- reading cases --------------------------------------------------------------------------

    def get_sak(self, context: RequestContext, sak_id: str) -> dict[str, Any]:
        sid = parse_id(sak_id, "sak_id")
        return self._run(context, lambda uow: views.get_sak(uow, sid))

    def list_events(
        self, context: RequestContext, sak_id: str, limit: int, offset: int
    ) -> dict[str, Any]:
        sid = parse_id(sak_id, "sak_id")
        return self._run(context, lambda uow: views.list_events(uow, sid, limit, offset))

    def get_behandling(
        self, context: RequestContext, behandling_id: str, language: str | None = None
    ) -> BehandlingView:
        bid = parse_id(behandling_id, "behandling_id")
        return self._run(context, lambda uow: views.get_behandling(uow, bid, language))

    def payment_simulation(self, context: RequestContext, behandling_id: str) -> Simulation | None:
        """Simulering for the case page (stored with the proposal, or fresh before it)."""
        bid = parse_id(behandling_id, "behandling_id")
        return self._run(context, lambda uow: payments.read_simulation(uow, bid))

    def get_vedtak(self, context: RequestContext, vedtak_id: str, language: str) -> VedtakView:
        """The vedtak explained in `language`, with `klage_terms`: its klagefrist and the other
        dates of appealing it, as of today."""
        vid = parse_id(vedtak_id, "vedtak_id")

        def read(uow: UnitOfWork) -> VedtakView:
            found = views.get_vedtak(uow, vid, language)
            vedtak = uow.session.get(Vedtak, vid)
            assert vedtak is not None
            terms = appeals.klage_terms(uow, vedtak)
            return dataclasses.replace(found, klage_terms=KlageTerms(**terms))

        return self._run(context, read)

    # -- caseworkers and approvers ------------------------------------------------------------

    def queue(
        self,
        context: RequestContext,
        kind: str | None,
        benefit: str | None,
        limit: int,
        offset: int,
    ) -> dict[str, Any]:
        return self._run(context, lambda uow: views.queue(uow, kind, benefit, limit, offset))

    def claim_task(self, context: RequestContext, task_id: str) -> dict[str, Any]:
        tid = parse_id(task_id, "task_id")
        return self._run(context, lambda uow: casework.claim_task(uow, tid))

    def search_person(self, context: RequestContext, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise InvalidInput([("body", "must be a JSON object")])
        return self._run(
            context,
            lambda uow: views.search_person(
                uow, body.get("identity_number"), body.get("purpose"), self.settings.demo
            ),
        )

    def behandling_action(
        self, context: RequestContext, action: str, behandling_id: str, body: Any
    ) -> dict[str, Any]:
        """assess / request_information / propose / approve / return on one behandling."""
        handlers: dict[str, _Step] = {
            "assess": casework.assess_condition,
            "request_information": casework.request_information,
            "propose": casework.propose,
            "approve": casework.approve,
            "return": casework.return_proposal,
        }
        return self._step(context, handlers[action], behandling_id, "behandling_id", body)

    def _step(
        self, context: RequestContext, handler: _Step, object_id: str, field: str, body: Any
    ) -> dict[str, Any]:
        """One step of casework on the object `object_id` (named `field` in an error), with
        a JSON object as its body."""
        oid = parse_id(object_id, field)
        if not isinstance(body, dict):
            raise InvalidInput([("body", "must be a JSON object")])
        return self._run(context, lambda uow: handler(uow, oid, body))

    # -- tilbakekreving (ftrl. § 22-15) -------------------------------------------------------

    def tilbakekreving_action(
        self, context: RequestContext, action: str, case_id: str, body: Any
    ) -> dict[str, Any]:
        """answer (the person) / assess / propose / return / approve on one tilbakekreving."""
        handlers: dict[str, _Step] = {
            "answer": tilbakekreving.answer,
            "assess": tilbakekreving.assess_case,
            "propose": tilbakekreving.propose,
            "return": tilbakekreving.return_proposal,
            "approve": tilbakekreving.approve,
        }
        return self._step(context, handlers[action], case_id, "tilbakekreving_id", body)

    def get_tilbakekreving(self, context: RequestContext, case_id: str) -> dict[str, Any]:
        cid = parse_id(case_id, "tilbakekreving_id")
        return self._run(context, lambda uow: tilbakekreving.get(uow, cid))

    def sak_tilbakekrevinger(self, context: RequestContext, sak_id: str) -> list[dict[str, Any]]:
        sid = parse_id(sak_id, "sak_id")
        return self._run(context, lambda uow: tilbakekreving.for_sak(uow, sid))

    def own_tilbakekrevinger(self, context: RequestContext) -> list[dict[str, Any]]:
        return self._run(context, tilbakekreving.own)

    def open_tilbakekreving(
        self, context: RequestContext, vedtak_id: str
    ) -> tuple[bool, dict[str, Any]]:
        """Open the tilbakekreving of a vedtak's feilutbetaling (once: a concurrent second
        request loses at the unique constraint, runs again and finds the first)."""
        vid = parse_id(vedtak_id, "vedtak_id")
        return self._run(
            context, lambda uow: tilbakekreving.open_for_vedtak(uow, vid), again=RACE_RETRIES
        )

    # -- appeals ---------------------------------------------------------------------------------

    def submit_klage(
        self, context: RequestContext, body: Any, idempotency_key: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, dict):
            raise InvalidInput([("body", "must be a JSON object")])
        return self._idempotent(
            context, idempotency_key, body, lambda uow: appeals.submit_klage(uow, body)
        )

    def klage_action(
        self, context: RequestContext, action: str, klage_id: str, body: Any
    ) -> dict[str, Any]:
        """grounds / comment / withdraw (the person); late / change / forward (first
        instance); decide / anke / judgment (Klageinstans)."""
        kid = parse_id(klage_id, "klage_id")
        if not isinstance(body, dict):
            raise InvalidInput([("body", "must be a JSON object")])
        handlers: dict[str, Callable[[UnitOfWork, uuid.UUID, dict[str, Any]], dict[str, Any]]] = {
            "grounds": appeals.add_grounds,
            "comment": appeals.comment,
            "withdraw": appeals.withdraw,
            "late": appeals.decide_late,
            "change": appeals.change_decision,
            "forward": appeals.forward,
            "decide": appeals.klageinstans_decide,
            "anke": appeals.register_anke,
            "judgment": appeals.register_judgment,
        }
        handler = handlers[action]
        return self._run(context, lambda uow: handler(uow, kid, body))

    def get_klage(self, context: RequestContext, klage_id: str) -> dict[str, Any]:
        kid = parse_id(klage_id, "klage_id")
        return self._run(context, lambda uow: appeals.get_klage(uow, kid))

    def list_klager(self, context: RequestContext, sak_id: str) -> dict[str, Any]:
        sid = parse_id(sak_id, "sak_id")
        return self._run(context, lambda uow: appeals.list_klager(uow, sid))

    def attachment(self, context: RequestContext, attachment_id: str) -> tuple[bytes, str, str]:
        aid = parse_id(attachment_id, "attachment_id")

        def read(uow: UnitOfWork) -> tuple[bytes, str, str]:
            found = appeals.attachment(uow, aid)
            return found.content, found.content_type, found.filename

        return self._run(context, read)

    def submit_serviceklage(self, context: RequestContext, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise InvalidInput([("body", "must be a JSON object")])
        return self._run(context, lambda uow: serviceklager.submit(uow, body))

    def list_serviceklager(self, context: RequestContext) -> dict[str, Any]:
        return self._run(context, serviceklager.list_own)

    def answer_serviceklage(
        self, context: RequestContext, complaint_id: str, body: Any
    ) -> dict[str, Any]:
        cid = parse_id(complaint_id, "serviceklage_id")
        if not isinstance(body, dict):
            raise InvalidInput([("body", "must be a JSON object")])
        return self._run(context, lambda uow: serviceklager.answer(uow, cid, body))

    # -- letters ---------------------------------------------------------------------------------

    # -- requests under GDPR art. 15-22 ---------------------------------------------------------

    def submit_privacy_request(self, context: RequestContext, body: Any) -> dict[str, Any]:
        return self._run(context, lambda uow: privacy_requests.submit(uow, body))

    def erasure_overview(self, context: RequestContext) -> dict[str, Any]:
        """What an erasure request would erase of the caller's data, and what must be kept."""
        return self._run(context, privacy_requests.erasure_overview_own)

    def list_privacy_requests(self, context: RequestContext) -> dict[str, Any]:
        return self._run(context, privacy_requests.list_own)

    def unit_privacy_requests(
        self, context: RequestContext, limit: int, offset: int
    ) -> dict[str, Any]:
        """The unit's requests, open first by deadline (no names: see `get_privacy_request`)."""
        return self._run(context, lambda uow: privacy_requests.list_for_unit(uow, limit, offset))

    def get_privacy_request(self, context: RequestContext, request_id: str) -> dict[str, Any]:
        rid = parse_id(request_id, "privacy_request_id")
        return self._run(context, lambda uow: privacy_requests.get(uow, rid))

    def extend_privacy_request(
        self, context: RequestContext, request_id: str, body: Any
    ) -> dict[str, Any]:
        rid = parse_id(request_id, "privacy_request_id")
        return self._run(context, lambda uow: privacy_requests.extend(uow, rid, body))

    def answer_privacy_request(
        self, context: RequestContext, request_id: str, body: Any
    ) -> dict[str, Any]:
        rid = parse_id(request_id, "privacy_request_id")
        return self._run(context, lambda uow: privacy_requests.answer(uow, rid, body))

    def list_letters(self, context: RequestContext, sak_id: str) -> dict[str, Any]:
        sid = parse_id(sak_id, "sak_id")
        return self._run(context, lambda uow: letters.list_letters(uow, sid))

    def get_letter(self, context: RequestContext, letter_id: str) -> dict[str, Any]:
        lid = parse_id(letter_id, "letter_id")
        return self._run(context, lambda uow: letters.get_letter(uow, lid))

    def letter_pdf(self, context: RequestContext, letter_id: str) -> tuple[bytes, str]:
        lid = parse_id(letter_id, "letter_id")
        return self._run(context, lambda uow: letters.letter_pdf(uow, lid))

    def letter_html(self, context: RequestContext, letter_id: str, heading_level: int = 1) -> str:
        """`heading_level`: the title's (2 when a page embeds the letter under its own h1)."""
        lid = parse_id(letter_id, "letter_id")
        return self._run(context, lambda uow: letters.letter_html(uow, lid, heading_level))

    def preview_vedtak_letter(
        self,
        context: RequestContext,
        behandling_id: str,
        language: str | None,
        heading_level: int = 1,
    ) -> dict[str, Any]:
        bid = parse_id(behandling_id, "behandling_id")
        return self._run(
            context, lambda uow: letters.preview_vedtak(uow, bid, language, heading_level)
        )

    def advance_notice(
        self, context: RequestContext, behandling_id: str, body: Any, *, send: bool
    ) -> dict[str, Any]:
        bid = parse_id(behandling_id, "behandling_id")
        if not isinstance(body, dict):
            raise InvalidInput([("body", "must be a JSON object")])
        return self._run(context, lambda uow: letters.advance_notice(uow, bid, body, send=send))

    # -- citizens' pages: drafts, documents, export ---------------------------------------------

    def open_draft(self, context: RequestContext, benefit: str) -> dict[str, Any]:
        """The caller's unsent application draft for `benefit`, made if there is none."""
        return self._run(context, lambda uow: drafts.open_draft(uow, benefit))

    def usual_processing_time(self, context: RequestContext, benefit: str) -> dict[str, Any] | None:
        """How many weeks caseworkers usually need for `benefit` (see `processing_times`), or
        None when too few decisions show it; kept for an hour in this process."""
        return self._kept_figure(
            context,
            benefit,
            lambda uow: processing_times.usual_processing_time(uow, benefit),
        )

    def usual_serviceklage_answer_time(self, context: RequestContext) -> dict[str, Any] | None:
        """How many weeks a serviceklage usually waits for its answer, or None (too few)."""
        return self._kept_figure(
            context, "serviceklage", processing_times.usual_serviceklage_answer_time
        )

    def _kept_figure(
        self,
        context: RequestContext,
        key: str,
        measure: Callable[[UnitOfWork], processing_times.ProcessingTime | None],
    ) -> dict[str, Any] | None:
        now = self.settings.clock()
        kept = self._processing_times.get(key)
        if kept is None or now - kept[0] > PROCESSING_TIME_KEPT:
            found = self._run(context, measure)
            kept = (now, None if found is None else dataclasses.asdict(found))
            self._processing_times[key] = kept
        return kept[1]

    def get_draft(self, context: RequestContext, draft_id: str) -> dict[str, Any]:
        did = parse_id(draft_id, "draft_id")
        return self._run(context, lambda uow: drafts.get_draft(uow, did))

    def list_drafts(self, context: RequestContext) -> dict[str, Any]:
        return self._run(context, drafts.list_drafts)

    def save_draft_answers(
        self, context: RequestContext, draft_id: str, answers: Any
    ) -> dict[str, Any]:
        did = parse_id(draft_id, "draft_id")
        return self._run(context, lambda uow: drafts.save_answers(uow, did, answers))

    def delete_draft(self, context: RequestContext, draft_id: str) -> None:
        did = parse_id(draft_id, "draft_id")
        self._run(context, lambda uow: drafts.delete_draft(uow, did))

    def add_draft_document(
        self, context: RequestContext, draft_id: str, filename: str, content: bytes
    ) -> dict[str, Any]:
        did = parse_id(draft_id, "draft_id")
        return self._run(context, lambda uow: drafts.add_document(uow, did, filename, content))

    def remove_draft_document(self, context: RequestContext, document_id: str) -> None:
        did = parse_id(document_id, "document_id")
        self._run(context, lambda uow: drafts.remove_document(uow, did))

    def application_document(
        self, context: RequestContext, document_id: str
    ) -> tuple[bytes, str, str]:
        did = parse_id(document_id, "document_id")

        def read(uow: UnitOfWork) -> tuple[bytes, str, str]:
            found = drafts.document_content(uow, did)
            return found.content, found.content_type, found.filename

        return self._run(context, read)

    def submit_draft(
        self, context: RequestContext, draft_id: str, body: Any
    ) -> tuple[int, dict[str, Any]]:
        """Send the draft as a søknad; keyed on the draft, so a double click sends it once."""
        did = parse_id(draft_id, "draft_id")
        if not isinstance(body, dict):
            raise InvalidInput([("application", "must be a JSON object")])
        return self._idempotent(
            context, f"draft:{did}", body, lambda uow: drafts.submit(uow, did, body)
        )

    # -- payment details: account, tax card, refund claims ------------------------------------

    def own_payment_details(self, context: RequestContext) -> dict[str, Any]:
        return self._run(context, payment_details.own)

    def change_own_account(self, context: RequestContext, body: Any) -> dict[str, Any]:
        return self._run(context, lambda uow: payment_details.change_own_account(uow, body))

    def person_payment_details(self, context: RequestContext, person_id: str) -> dict[str, Any]:
        return self._run(context, lambda uow: payment_details.for_person(uow, person_id))

    def change_account(self, context: RequestContext, person_id: str, body: Any) -> dict[str, Any]:
        return self._run(context, lambda uow: payment_details.change_account(uow, person_id, body))

    def import_tax_cards(self, entries: Any) -> int:
        """Register the tax cards of Skatteetaten's feed (`trygd payments tax-cards FILE`), as
        the system, all or nothing."""
        context = RequestContext(actor=SYSTEM_ACTOR)
        return self._run(context, lambda uow: payment_details.import_tax_cards(uow, entries))

    def refund_claim(self, context: RequestContext, sak_id: str) -> dict[str, Any] | None:
        return self._run(context, lambda uow: payment_details.refund_claim(uow, sak_id))

    def register_refund(self, context: RequestContext, sak_id: str, body: Any) -> dict[str, Any]:
        return self._run(
            context, lambda uow: payment_details.register_refund(uow, sak_id, body), again=1
        )

    # -- meldekort ------------------------------------------------------------------------------

    def list_meldekort(self, context: RequestContext) -> dict[str, Any]:
        return self._run(context, meldekort.list_own)

    def get_meldekort(
        self, context: RequestContext, sak_id: str, period_start: str
    ) -> dict[str, Any]:
        return self._run(context, lambda uow: meldekort.get_one(uow, sak_id, period_start))

    def save_meldekort_draft(
        self, context: RequestContext, sak_id: str, period_start: str, body: Any
    ) -> dict[str, Any]:
        return self._run(
            context,
            lambda uow: meldekort.save_draft(uow, sak_id, period_start, body),
            again=RACE_RETRIES,
        )

    def send_meldekort(
        self,
        context: RequestContext,
        sak_id: str,
        period_start: str,
        body: Any,
        idempotency_key: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Send a period's card once: a second send (a double click, or a parallel request
        that lost the race for version 1) is refused with 409 naming the sent card."""
        return self._idempotent(
            context,
            idempotency_key,
            body,
            lambda uow: meldekort.send(uow, sak_id, period_start, body),
        )

    def correct_meldekort(
        self,
        context: RequestContext,
        sak_id: str,
        period_start: str,
        body: Any,
        idempotency_key: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        return self._idempotent(
            context,
            idempotency_key,
            body,
            lambda uow: meldekort.correct(uow, sak_id, period_start, body),
        )

    def approved_meldekort_periods(
        self, context: RequestContext, sak_id: str
    ) -> list[meldekort.ApprovedPeriod]:
        sid = parse_id(sak_id, "sak_id")
        return self._run(context, lambda uow: meldekort.approved_periods(uow, sid))

    def plan_meldekort(self, sak_id: str, until: dt.date) -> int:
        """Plan the reminder and deadline jobs of a sak's meldeperioder (the demo and tests;
        in normal running, iverksetting and each deadline job plan them)."""
        sid = parse_id(sak_id, "sak_id")

        return self._run(
            RequestContext(actor=SYSTEM_ACTOR),
            lambda uow: meldekort.plan_for_sak(uow, sid, until),
            again=RACE_RETRIES,
        )

    def purge_meldekort_drafts(self) -> int:
        return self._run(RequestContext(actor=SYSTEM_ACTOR), meldekort.purge_expired_drafts)

    def export_own_data(self, context: RequestContext, language: str) -> dict[str, Any]:
        return self._run(context, lambda uow: export.export_own_data(uow, language))

    def export_own_data_pdf(self, context: RequestContext, language: str) -> bytes:
        return self._run(context, lambda uow: export.export_pdf(uow, language))

    # -- reading payments -------------------------------------------------------------------------

    def own_payments(
        self, context: RequestContext, limit: int = 50, offset: int = 0
    ) -> payment_views.PaymentList:
        """The caller's own payments: upcoming, then a page of the past ones."""
        return self._run(context, lambda uow: payment_views.own_payments(uow, limit, offset))

    def person_payments(
        self, context: RequestContext, person_id: str, limit: int = 50, offset: int = 0
    ) -> payment_views.PaymentList:
        """A person's payments for an employee (the cases the employee may read)."""
        pid = parse_id(person_id, "person_id")
        return self._run(
            context, lambda uow: payment_views.person_payments(uow, pid, limit, offset)
        )

    def get_payment(self, context: RequestContext, payment_id: str) -> payment_views.PaymentDetail:
        """One payment with every line of its period."""
        lid = parse_id(payment_id, "payment_id")
        return self._run(context, lambda uow: payment_views.payment(uow, lid))

    def payment_problems(
        self, context: RequestContext, limit: int = 50, offset: int = 0
    ) -> payment_views.PaymentProblems:
        """The caller's unit's payments that are held or were rejected by the bank."""
        return self._run(context, lambda uow: payment_views.payment_problems(uow, limit, offset))

    # -- staff pages ------------------------------------------------------------------------------

    def unit_serviceklager(
        self, context: RequestContext, limit: int, offset: int
    ) -> dict[str, Any]:
        """The serviceklager of the caller's unit, open first (no names: see `get_serviceklage`)."""
        return self._run(context, lambda uow: serviceklager.list_for_unit(uow, limit, offset))

    def get_serviceklage(self, context: RequestContext, complaint_id: str) -> dict[str, Any]:
        cid = parse_id(complaint_id, "serviceklage_id")
        return self._run(context, lambda uow: serviceklager.get(uow, cid))

    # -- internal control -----------------------------------------------------------------------

    def audit_trail(
        self,
        context: RequestContext,
        person_id: str | None,
        purpose: str | None,
        limit: int,
        offset: int,
    ) -> dict[str, Any]:
        return self._run(
            context, lambda uow: views.audit_trail(uow, person_id, purpose, limit, offset)
        )

    def seal_audit_trail(self, batch: int = 5000) -> int:
        """Chain every audit record written so far that waits to be chained, `batch` per
        transaction; returns how many. The job worker runs it every round."""
        sealed = 0
        while True:
            with self.engine.begin() as connection:
                count = audit_chain.seal(connection, batch)
            sealed += count
            if count < batch:
                return sealed

    def verify_audit_chain(self, noted_head: str | None = None) -> audit_chain.Verification:
        """Chain what waits, then walk the whole audit chain and find the first broken link,
        if any, and whether a head noted earlier is still in it (`trygd audit verify`).

        An operator's check with the database login, not a use case: it shows no personal
        data, only record ids, positions and hashes, so it is not itself audited."""
        self.seal_audit_trail()
        with self.engine.connect() as connection:
            return audit_chain.verify(connection, noted_head)

    def verify_vedtak(self, ids: list[str] | None = None) -> list[verification.VedtakCheck]:
        """Replay the decision record of each vedtak named (or of all of them) with the
        installed rule code (`trygd vedtak verify`); read as the system worker, audited."""
        context = RequestContext(actor=SYSTEM_ACTOR)
        if ids is None:
            wanted = self._run(context, verification.all_vedtak_ids)
        else:
            wanted = [parse_id(i, "vedtak_id") for i in ids]
        checks: list[verification.VedtakCheck] = []
        for batch in verification.batches(wanted):
            checks += self._run(context, functools.partial(verification.check_vedtak, ids=batch))
        return checks

    def who_is_calling(self, context: RequestContext) -> Actor:
        """The caller, with their person id if they are in the population register."""
        return self._run(context, lambda uow: uow.actor)

    # -- G-regulering ---------------------------------------------------------------------------

    def regulate(
        self,
        g_from: dt.date,
        *,
        dry_run: bool = False,
        batch: int = regulation.BATCH,
        progress: Callable[[int, int], None] | None = None,
        checkpoint: Checkpoint | None = None,
        workers: int | None = None,
        processes: int = 0,
    ) -> regulation.Report:
        """`trygd regulate --g-from DATE [--dry-run]`: every sak with a vedtak and no outcome
        for the date yet, listed first (`regulation.plan`), `batch` saker per transaction,
        each once (see `services.regulation`). On PostgreSQL `workers` (`PAYMENT_WORKERS`)
        batches run side by side, as in a payment run, or with `processes` > 1 that many
        in worker processes (`services.parallel`; `checkpoint` must then be picklable).
        `progress(done, total)` after each batch; `checkpoint(step)` inside each transaction
        before it commits (the crash tests stop the process there; with workers, from their
        threads or processes)."""
        return self.recompute(
            g_change(g_from),
            dry_run=dry_run,
            batch=batch,
            progress=progress,
            checkpoint=checkpoint,
            workers=workers,
            processes=processes,
        )

    def recompute(
        self,
        change: Change,
        *,
        dry_run: bool = False,
        batch: int = regulation.BATCH,
        progress: Callable[[int, int], None] | None = None,
        checkpoint: Checkpoint | None = None,
        workers: int | None = None,
        processes: int = 0,
    ) -> regulation.Report:
        """`trygd recompute` (and `regulate`, whose change replaces G): the running grants the
        change reaches recomputed with its values, each sak once, as `regulate` says."""
        context = RequestContext(actor=SYSTEM_ACTOR)
        total = self._run(context, lambda uow: regulation.count_saker(uow, change))
        parts = self._run(context, lambda uow: regulation.plan(uow, change, batch))
        report = regulation.Report(change.effective_from, dry_run, change=change.key)
        # Saker regulated before this run (a run stopped and started again) count as done.
        already = total - sum(len(part) for part in parts)

        def done(part_report: regulation.Report) -> None:
            report.add(part_report)
            if progress is not None:
                progress(already + report.total, total)

        spec = engine_spec(self.engine)
        if processes > 1 and len(parts) > 1 and spec is not None:
            work = _RegulationWork(spec, self.settings, change, dry_run, checkpoint)
            parallel.in_processes(work, parts, processes, done)
            return report
        cache = regulation.ParamsCache()
        lock = threading.Lock()
        workers = workers or (PAYMENT_WORKERS if self.engine.dialect.name == "postgresql" else 1)

        def one(part: list[uuid.UUID]) -> None:
            part_report = self._regulate_part(change, part, dry_run, cache, checkpoint)
            with lock:
                done(part_report)

        with _fewer_collections():
            _side_by_side(one, parts, workers)
        return report

    def _regulate_part(
        self,
        change: Change,
        part: list[uuid.UUID],
        dry_run: bool,
        cache: regulation.ParamsCache,
        checkpoint: Checkpoint | None,
    ) -> regulation.Report:
        """One batch of a run in its own transaction (run again if it met another run's
        rows)."""

        def step(uow: UnitOfWork) -> regulation.Report:
            done = regulation.regulate_batch(uow, change, part, dry_run=dry_run, cache=cache)
            if checkpoint is not None:
                checkpoint("regulate")
            return done

        return self._run(RequestContext(actor=SYSTEM_ACTOR), step, again=RACE_RETRIES)

    def regulation_status(
        self, context: RequestContext, g_from: str, change: str = "G"
    ) -> dict[str, Any]:
        """`GET /api/v1/regulations/{g_from}`: the run's figures so far (see
        `regulation.status`)."""
        try:
            day = dt.date.fromisoformat(g_from)
        except ValueError:
            raise InvalidInput([("g_from", "is not a date (YYYY-MM-DD)")]) from None
        return self._run(context, lambda uow: regulation.status(uow, day, change))

    def schedule_regulation(self, g_from: dt.date, batch: int = regulation.BATCH) -> bool:
        """Queue the G-regulering as a chain of jobs (one batch each) for the workers, unless
        one is queued for the date already; True when queued."""

        def schedule(uow: UnitOfWork) -> bool:
            pending = uow.session.scalars(
                select(Job.id).where(
                    Job.kind == "regulate",
                    Job.status == "pending",
                    Job.payload["g_from"].as_string() == g_from.isoformat(),
                )
            ).first()
            if pending is not None:
                return False
            enqueue(uow, "regulate", uow.now, g_from=g_from.isoformat(), batch=batch)
            return True

        return self._run(RequestContext(actor=SYSTEM_ACTOR), schedule)

    # -- payments ---------------------------------------------------------------------------------

    def payment_run(
        self,
        run_date: dt.date,
        *,
        holder: str | None = None,
        batch: int = payments.PLAN_BATCH,
        order_batch: int = payments.ORDER_BATCH,
        checkpoint: Checkpoint | None = None,
        workers: int | None = None,
        processes: int = 0,
    ) -> PaymentRunResult:
        """The payment run for `run_date` (`trygd payments run`): see `_payment_run`; the
        garbage collector runs less often meanwhile (`_fewer_collections`)."""
        with _fewer_collections():
            return self._payment_run(
                run_date,
                holder=holder,
                batch=batch,
                order_batch=order_batch,
                checkpoint=checkpoint,
                workers=workers,
                processes=processes,
            )

    def _payment_run(
        self,
        run_date: dt.date,
        *,
        holder: str | None = None,
        batch: int = payments.PLAN_BATCH,
        order_batch: int = payments.ORDER_BATCH,
        checkpoint: Checkpoint | None = None,
        workers: int | None = None,
        processes: int = 0,
    ) -> PaymentRunResult:
        """The payment run for `run_date` (`trygd payments run`): claim, plan a batch of the
        saker with something new (`payments.saker_to_plan`) per transaction, order what is
        due `order_batch` lines per transaction (one pain.001 each), raise status alarms,
        finish. On PostgreSQL `workers` (`PAYMENT_WORKERS`) batches run side by side, each
        in its own transaction (one waits for the database while another computes); SQLite
        has one writer, so there one at a time. With `processes` > 1 the planning runs in
        that many worker processes (`services.parallel`; `checkpoint` must then be
        picklable): planning is mostly Python (a sak's plan settled against its stored
        lines), which threads could only take turns at.
        `checkpoint(step)` is called inside each transaction just before it commits (the
        crash tests stop the process there); with workers, from their threads."""
        context = RequestContext(actor=SYSTEM_ACTOR)
        holder = holder or payments.this_holder()
        mark = checkpoint or (lambda _step: None)

        def claim(uow: UnitOfWork) -> uuid.UUID:
            return payments.claim_run(uow, run_date, holder)

        run_id = self._run(context, claim, again=1)
        workers = workers or (PAYMENT_WORKERS if self.engine.dialect.name == "postgresql" else 1)
        sak_ids = self._run(context, lambda uow: payments.saker_to_plan(uow, run_date))

        def plan(part: list[uuid.UUID]) -> tuple[int, int]:
            return self._plan_part(run_id, holder, part, run_date, checkpoint)

        parts = [sak_ids[start : start + batch] for start in range(0, len(sak_ids), batch)]
        spec = engine_spec(self.engine)
        if processes > 1 and len(parts) > 1 and spec is not None:
            planned: list[tuple[int, int]] = []
            work = _PlanWork(spec, self.settings, run_id, holder, run_date, checkpoint)
            parallel.in_processes(work, parts, processes, planned.append)
        else:
            planned = _side_by_side(plan, parts, workers)
        added = sum(more for more, _ in planned)
        undetermined = sum(unknown for _, unknown in planned)

        def order(bounds: payments.OrderRange) -> payments.OrderResult:
            def use_case(uow: UnitOfWork) -> payments.OrderResult:
                result = payments.order_due(
                    uow, run_id, holder, run_date, after=bounds[0], upto=bounds[1]
                )
                mark("order")
                return result

            return self._run(context, use_case)

        ranges = self._run(context, lambda uow: payments.order_ranges(uow, run_date, order_batch))
        ordered = payments.OrderResult(None, None, 0, 0, 0, 0, 0)
        for batch_result in _side_by_side(order, ranges, workers):
            ordered = ordered.plus(batch_result)
        alarms = self._run(context, payments.status_alarms)
        self._run(context, lambda uow: payments.finish_run(uow, run_id, holder))
        return PaymentRunResult(run_date, added, undetermined, ordered, alarms)

    def _plan_part(
        self,
        run_id: uuid.UUID,
        holder: str,
        part: list[uuid.UUID],
        run_date: dt.date,
        checkpoint: Checkpoint | None,
    ) -> tuple[int, int]:
        """Plan one batch of a payment run's saker in its own transaction (in a worker
        thread or process); `checkpoint("plan")` just before it commits."""

        def use_case(uow: UnitOfWork) -> tuple[int, int]:
            found = payments.plan_batch(uow, run_id, holder, part, run_date)
            if checkpoint is not None:
                checkpoint("plan")
            return found

        return self._run(RequestContext(actor=SYSTEM_ACTOR), use_case, again=1)

    def payment_orders_to_export(
        self, run_date: dt.date | None = None
    ) -> list[tuple[uuid.UUID, str, bytes]]:
        context = RequestContext(actor=SYSTEM_ACTOR)
        return self._run(context, lambda uow: payments.unexported_orders(uow, run_date))

    def mark_payment_orders_exported(self, order_ids: list[uuid.UUID]) -> None:
        context = RequestContext(actor=SYSTEM_ACTOR)
        self._run(context, lambda uow: payments.mark_exported(uow, order_ids))

    def payments_reconcile(self, content: bytes) -> payments.Reconciliation:
        """Read a pain.002 status report back (`trygd payments reconcile`)."""
        context = RequestContext(actor=SYSTEM_ACTOR)
        result = self._run(context, lambda uow: payments.reconcile(uow, content), again=1)
        self._run(context, payments.status_alarms)
        return result

    def double_payment_check(self) -> int:
        context = RequestContext(actor=SYSTEM_ACTOR)
        return len(self._run(context, payments.double_payments))

    def ledger_total(self) -> int:
        return self._run(RequestContext(actor=SYSTEM_ACTOR), payments.ledger_total)

    def schedule_payment_jobs(self, first_day: dt.date) -> int:
        """Queue the daily payment run and checks from `first_day`, unless queued already."""

        def schedule(uow: UnitOfWork) -> int:
            queued = 0
            for kind in ("payment_run", "payment_checks"):
                pending = uow.session.scalars(
                    select(Job.id).where(Job.kind == kind, Job.status == "pending")
                ).first()
                if pending is None:
                    run_at = dt.datetime.combine(first_day, dt.time(jobs.PAYMENT_RUN_HOUR), dt.UTC)
                    enqueue(uow, kind, run_at, date=first_day.isoformat())
                    queued += 1
            return queued

        return self._run(RequestContext(actor=SYSTEM_ACTOR), schedule)

    # -- retention -------------------------------------------------------------------------------

    def retention_run(self, dry_run: bool, owner: Engine | None = None) -> retention.Report:
        """Apply every retention rule now (`trygd retention run`); with `owner` (an engine
        with the database owner's login) also remove old audit records. One transaction for
        the rules, one for the audit records, each recorded unless `dry_run`.

        Raises `retention.ChainBroken` (after the rules' part is committed) when the audit
        segment due does not verify: nothing of the trail is removed then."""
        context = RequestContext(actor=SYSTEM_ACTOR)
        started = self.settings.clock()

        def rules(uow: UnitOfWork) -> list[retention.KindResult]:
            found = retention.apply_rules(uow, dry_run)
            if not dry_run:
                retention.record(uow, started, [r.to_json() for r in found])
            return found

        results = self._run(context, rules)
        anchor = None
        problem = None
        if owner is not None:
            # Chain what waits first, so that the records due are in the chain.
            self.seal_audit_trail()
            now = self.settings.clock()
            with owner.begin() as connection:
                audit, anchor = retention.prune_audit(connection, now, dry_run)
                if not dry_run and audit.count:
                    connection.execute(
                        insert(RetentionRun),
                        [
                            {
                                "id": uuid.uuid4(),
                                "started_at": now,
                                "finished_at": self.settings.clock(),
                                "actor_id": "owner:retention",
                                "results": [audit.to_json() | {"anchor": anchor}],
                            }
                        ],
                    )
            results = [*results, audit]
        else:
            problem = "audit records need the database owner's login"
        return retention.Report(started.isoformat(), dry_run, tuple(results), anchor, problem)

    def schedule_retention_job(self, first_day: dt.date) -> int:
        """Queue the daily retention run from `first_day`, unless one is queued already."""

        def schedule(uow: UnitOfWork) -> int:
            pending = uow.session.scalars(
                select(Job.id).where(Job.kind == "retention_run", Job.status == "pending")
            ).first()
            if pending is not None:
                return 0
            run_at = dt.datetime.combine(first_day, dt.time(retention.RUN_HOUR), dt.UTC)
            enqueue(uow, "retention_run", run_at, date=first_day.isoformat())
            return 1

        return self._run(RequestContext(actor=SYSTEM_ACTOR), schedule)

    # -- background jobs -------------------------------------------------------------------------

    def run_due_jobs(self, limit: int = 100) -> int:
        """Run up to `limit` due jobs, one transaction each; returns how many were handled."""
        handled = 0
        while handled < limit:
            context = RequestContext(actor=SYSTEM_ACTOR)
            uow = UnitOfWork(self.sessions, context, self.settings.clock)
            try:
                job = jobs.claim_due_job(uow)
                if job is None:
                    uow.session.rollback()
                    return handled
                job_id = job.id
                try:
                    jobs.HANDLERS[job.kind](uow, job.payload)
                    job.status = "done"
                    job.finished_at = uow.now
                    uow.commit()
                except Exception as error:  # retried later, never lost
                    uow.fail()
                    self._record_failure(job_id, repr(error))
                handled += 1
            finally:
                uow.close()
        return handled

    def _record_failure(self, job_id: uuid.UUID, error: str) -> None:
        with self.sessions.begin() as session:
            job = session.get(Job, job_id)
            if job is not None:
                jobs.retry_later(job, error, self.settings.clock())


__all__ = ["CaseService", "RequestContext", "ServiceError", "Settings"]


@dataclass(frozen=True)
class _PlanWork:
    """What a worker process of a payment run's planning needs to make its own service
    (`services.parallel`): the engine's URL and role, the settings, the run's claim and date,
    and the checkpoint; called once in each worker, it gives the work for one batch."""

    engine: tuple[str, str | None]
    settings: Settings
    run_id: uuid.UUID
    holder: str
    run_date: dt.date
    checkpoint: Checkpoint | None

    def __call__(self) -> Callable[[list[uuid.UUID]], tuple[int, int]]:
        url, role = self.engine
        service = CaseService(make_engine(url, role=role), self.settings)
        gc.freeze()  # the imports' objects: out of the collector's sight, as in the run

        def one(part: list[uuid.UUID]) -> tuple[int, int]:
            return service._plan_part(
                self.run_id, self.holder, part, self.run_date, self.checkpoint
            )

        return one


@dataclass(frozen=True)
class _RegulationWork:
    """What a worker process of a regulering (or any recomputation) run needs to make its
    own service (`services.parallel`): the engine's URL and role, the settings, the change,
    and the checkpoint; called once in each worker, it gives the work for one batch."""

    engine: tuple[str, str | None]
    settings: Settings
    change: Change
    dry_run: bool
    checkpoint: Checkpoint | None

    def __call__(self) -> Callable[[list[uuid.UUID]], regulation.Report]:
        url, role = self.engine
        service = CaseService(make_engine(url, role=role), self.settings)
        cache = regulation.ParamsCache()
        gc.freeze()  # the imports' objects: out of the collector's sight, as in the run

        def one(part: list[uuid.UUID]) -> regulation.Report:
            return service._regulate_part(self.change, part, self.dry_run, cache, self.checkpoint)

        return one
