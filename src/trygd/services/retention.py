"""Retention: delete or anonymise what is kept longer than its rule allows.

Each kind of record has a rule: a dated parameter in `rules/parameters/retention.toml` (or
`meldekort.draft_keep_days`) with its legal basis. `run` applies every rule as of the clock's
time, in one transaction, and stores a `RetentionRun` row with what it did: per kind the rule,
its value, the cut-off and how many records - never which ones and never their content. A dry
run counts the same and changes nothing (and stores nothing).

What is never deleted here: vedtak and their decision records, the case history, letters as
sent, klager and anker, payments and ledger postings (archive and accounting records,
arkivloven § 6, bokføringsloven § 13). A case whose every vedtak rejected the application is
kept too, but after `retention.rejected_application_years` its application is emptied
(the answers and the text: the vedtak keeps the facts it decided on) and the documents the
person uploaded are deleted.

The same steps erase one person's records when a caseworker grants a request for erasure
(GDPR art. 17, `erase_person`): limited to that person, and for what was never sent whatever
its age (the person no longer wants it kept; no law requires it). That erasure is recorded as
a run too, with counts only.

Audit records are removed apart (`prune_audit`): only as whole segments from the start of the
hash chain, only after the segment has been verified, and with an anchor kept (the position
and hash of the last record removed) so that the chain that remains still verifies from it.
The application's role may not delete audit records at all, so this step needs the
database owner's login (`trygd retention run` takes `TRYGD_MIGRATION_DATABASE_URL`); the
scheduled job (`scheduled_run`, as the application) does every other kind.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, case, delete, exists, func, insert, select, text, update

from trygd.domain.behandling import OPEN_STATES
from trygd.domain.klage import KlageState
from trygd.privacy.policy import Action as Access
from trygd.rules.assessment import default_ruleset
from trygd.services import access
from trygd.services.records import enqueue
from trygd.services.unit_of_work import UnitOfWork
from trygd.store import audit_chain
from trygd.store.models import (
    ApplicationDocument,
    AuditChainAnchor,
    AuditChainLink,
    AuditRecord,
    Behandling,
    Draft,
    IdempotencyKey,
    MeldekortDraft,
    RetentionRun,
    Sak,
    Soknad,
    Vedtak,
)

RUN_HOUR = 3  # the scheduled run: 03:00 UTC, when few use the service


@dataclass(frozen=True)
class Scope:
    """Whose records a step reaches: everyone's (the retention run) or one person's (an
    erasure under GDPR art. 17), and whether what was never sent goes whatever its age."""

    person_id: uuid.UUID | None = None
    any_age: bool = False

    def of(self, column: Any) -> list[Any]:
        return [] if self.person_id is None else [column == self.person_id]


EVERYONE = Scope()


@dataclass(frozen=True)
class KindResult:
    """What the run did (or, dry, would do) to one kind of record."""

    kind: str
    action: str  # deleted | anonymised | removed (audit records, with an anchor kept)
    count: int
    rule: str  # the parameter
    period: str  # "56 days", "10 years"
    legal_basis: str
    older_than: str  # the cut-off: records last changed (or decided) before it are due

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    at: str
    dry_run: bool
    results: tuple[KindResult, ...]
    anchor: dict[str, Any] | None = None  # the new audit anchor (position and hash)
    audit_problem: str | None = None  # why the audit records were not touched

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "dry_run": self.dry_run,
            "results": [r.to_json() for r in self.results],
            "audit_anchor": self.anchor,
            "audit_problem": self.audit_problem,
        }


def _rule(name: str, today: dt.date) -> tuple[int, str, str, str]:
    parameter = default_ruleset().parameters[name]
    count = int(parameter.value_at(today).value)
    unit = parameter.unit
    words = unit.removesuffix("s") if count == 1 else unit
    return count, unit, f"{count} {words}", parameter.legal_basis


def years_before(moment: dt.datetime, years: int) -> dt.datetime:
    """The same date and time `years` earlier (29 February gives 28 February)."""
    year = moment.year - years
    day = min(moment.day, calendar.monthrange(year, moment.month)[1])
    return moment.replace(year=year, day=day)


def cutoff(name: str, now: dt.datetime) -> tuple[dt.datetime, str, str]:
    """The moment before which a record under rule `name` is due, the period and the basis."""
    count, unit, period, basis = _rule(name, now.date())
    if unit == "days":
        return now - dt.timedelta(days=count), period, basis
    if unit == "years":
        return years_before(now, count), period, basis
    raise ValueError(f"{name}: a retention period is in days or years, not {unit}")


def _count(uow: UnitOfWork, query: Any) -> int:
    return int(uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _result(kind: str, action: str, count: int, rule: str, when: dt.datetime) -> KindResult:
    _before, period, basis = cutoff(rule, when)
    return KindResult(kind, action, count, rule, period, basis, _before.isoformat())


def _drafts(uow: UnitOfWork, dry_run: bool, scope: Scope = EVERYONE) -> list[KindResult]:
    """Applications started and never sent, with their documents."""
    before, _period, _basis = cutoff("retention.draft_days", uow.now)
    conditions = [
        Draft.submitted_at.is_(None),
        *([] if scope.any_age else [Draft.updated_at <= before]),
        *scope.of(Draft.person_id),
    ]
    due = select(Draft.id).where(*conditions)
    documents = select(ApplicationDocument.id).where(ApplicationDocument.draft_id.in_(due))
    counts = (_count(uow, due), _count(uow, documents))
    if not dry_run and counts[0]:
        uow.session.execute(
            delete(ApplicationDocument).where(ApplicationDocument.draft_id.in_(due)),
            execution_options={"synchronize_session": False},
        )
        uow.session.execute(
            delete(Draft).where(*conditions),
            execution_options={"synchronize_session": False},
        )
    rule = "retention.draft_days"
    return [
        _result("unsent_applications", "deleted", counts[0], rule, uow.now),
        _result("documents_of_unsent_applications", "deleted", counts[1], rule, uow.now),
    ]


def _meldekort_drafts(uow: UnitOfWork, dry_run: bool, scope: Scope = EVERYONE) -> KindResult:
    """Meldekort started and never sent: each has its own expiry, set when it was saved from
    `meldekort.draft_keep_days`."""
    conditions = [
        *([] if scope.any_age else [MeldekortDraft.expires_at <= uow.now]),
        *scope.of(MeldekortDraft.person_id),
    ]
    due = select(MeldekortDraft.id).where(*conditions)
    count = _count(uow, due)
    if not dry_run and count:
        uow.session.execute(
            delete(MeldekortDraft).where(*conditions),
            execution_options={"synchronize_session": False},
        )
    _count_days, _unit, period, basis = _rule("meldekort.draft_keep_days", uow.now.date())
    return KindResult(
        "unsent_meldekort",
        "deleted",
        count,
        "meldekort.draft_keep_days",
        period,
        basis,
        uow.now.isoformat(),
    )


def _finally_rejected(before: dt.datetime, scope: Scope = EVERYONE) -> Any:
    """The saker whose every vedtak rejected, the last one decided before `before`, with no
    behandling or klage open: nothing will be paid or decided on them any more."""
    open_states = tuple(sorted(state.value for state in OPEN_STATES))
    still_open = exists().where(
        Behandling.sak_id == Vedtak.sak_id,
        ((Behandling.kind != "klage") & Behandling.state.in_(open_states))
        | ((Behandling.kind == "klage") & (Behandling.state != KlageState.CLOSED.value)),
    )
    return (
        select(Vedtak.sak_id)
        .group_by(Vedtak.sak_id)
        .having(
            func.max(Vedtak.decided_at) <= before,
            func.sum(case((Vedtak.outcome != "rejected", 1), else_=0)) == 0,
        )
        .where(~still_open, *_of_person(Vedtak.sak_id, scope))
    )


def _of_person(sak_id: Any, scope: Scope) -> list[Any]:
    """The condition that a record's sak is the scope's person's (none for everyone)."""
    if scope.person_id is None:
        return []
    return [sak_id.in_(select(Sak.id).where(Sak.person_id == scope.person_id))]


def _rejected_applications(
    uow: UnitOfWork, dry_run: bool, scope: Scope = EVERYONE
) -> list[KindResult]:
    before, _period, _basis = cutoff("retention.rejected_application_years", uow.now)
    saker = _finally_rejected(before, scope)
    soknader = select(Soknad.id).where(Soknad.sak_id.in_(saker), Soknad.anonymised_at.is_(None))
    documents = select(ApplicationDocument.id).where(ApplicationDocument.sak_id.in_(saker))
    sent_drafts = select(Draft.id).where(Draft.sak_id.in_(saker))
    counts = (_count(uow, soknader), _count(uow, documents), _count(uow, sent_drafts))
    if not dry_run:
        if counts[1] or counts[2]:
            uow.session.execute(
                delete(ApplicationDocument).where(
                    ApplicationDocument.sak_id.in_(saker)
                    | ApplicationDocument.draft_id.in_(sent_drafts)
                ),
                execution_options={"synchronize_session": False},
            )
            uow.session.execute(
                delete(Draft).where(Draft.sak_id.in_(saker)),
                execution_options={"synchronize_session": False},
            )
        if counts[0]:
            uow.session.execute(
                update(Soknad)
                .where(Soknad.sak_id.in_(saker), Soknad.anonymised_at.is_(None))
                .values(facts={}, description=None, anonymised_at=uow.now),
                execution_options={"synchronize_session": False},
            )
    rule = "retention.rejected_application_years"
    return [
        _result("rejected_applications", "anonymised", counts[0], rule, uow.now),
        _result("documents_of_rejected_applications", "deleted", counts[1], rule, uow.now),
        _result("sent_drafts_of_rejected_applications", "deleted", counts[2], rule, uow.now),
    ]


def _idempotency_keys(uow: UnitOfWork, dry_run: bool) -> KindResult:
    before, _period, _basis = cutoff("retention.idempotency_days", uow.now)
    due = select(IdempotencyKey.key).where(IdempotencyKey.created_at <= before)
    count = _count(uow, due)
    if not dry_run and count:
        uow.session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.created_at <= before),
            execution_options={"synchronize_session": False},
        )
    return _result(
        "stored_answers_to_retries", "deleted", count, "retention.idempotency_days", uow.now
    )


def apply_rules(uow: UnitOfWork, dry_run: bool) -> list[KindResult]:
    """Every rule but the audit records', in the caller's transaction (one audit record for
    the run: it names no person, and the records it deletes are counted, not named)."""
    access.check(uow, Access.RUN_JOB, object_type="retention_run")
    return [
        *_drafts(uow, dry_run),
        _meldekort_drafts(uow, dry_run),
        *_rejected_applications(uow, dry_run),
        _idempotency_keys(uow, dry_run),
    ]


def erase_person(uow: UnitOfWork, person_id: uuid.UUID, dry_run: bool) -> list[KindResult]:
    """Erase (or, dry, count) what may be erased of one person's records, for a granted
    request under GDPR art. 17: the applications and meldekort they started and never sent,
    whatever their age, with the documents uploaded to them; and what has passed its retention
    period (a rejected application's documents and text). The caller has checked its right to
    handle the person's request; the run is recorded by the caller with `record`."""
    scope = Scope(person_id=person_id, any_age=True)
    aged = Scope(person_id=person_id)
    return [
        *_drafts(uow, dry_run, scope),
        _meldekort_drafts(uow, dry_run, scope),
        *_rejected_applications(uow, dry_run, aged),
    ]


def record(uow: UnitOfWork, started: dt.datetime, results: list[dict[str, Any]]) -> None:
    uow.session.add(
        RetentionRun(
            id=uuid.uuid4(),
            started_at=started,
            finished_at=uow.now,
            actor_id=uow.actor.id,
            results=results,
        )
    )


def scheduled_run(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Job `retention_run`: every rule but the audit records' (the worker acts as the
    application's role, which may not delete them), recorded; then the next day's job."""
    results = apply_rules(uow, dry_run=False)
    record(uow, uow.now, [r.to_json() for r in results])
    day = dt.date.fromisoformat(payload["date"]) + dt.timedelta(days=1)
    enqueue(
        uow,
        "retention_run",
        dt.datetime.combine(day, dt.time(RUN_HOUR), dt.UTC),
        date=day.isoformat(),
    )


# -- audit records ----------------------------------------------------------------------------


class ChainBroken(Exception):
    """The segment to be removed does not verify: removing it would hide the break."""


def prune_audit(
    connection: Connection, now: dt.datetime, dry_run: bool
) -> tuple[KindResult, dict[str, Any] | None]:
    """Remove the chained audit records older than `retention.audit_years`, as one segment
    from the start of the chain up to (not including) the first record that is younger, in
    the caller's transaction; returns the result and the new anchor.

    The segment is verified first (from the last anchor), so a record changed or deleted
    behind the application's back is reported, never removed with the evidence. Records not
    yet chained are never touched. On PostgreSQL the caller must be the tables' owner (the
    application's role has no DELETE); the triggers let the DELETE through only with
    `trygd.audit_retention` set in this transaction. On SQLite the two DELETE triggers are
    dropped and created again inside the transaction."""
    before, period, basis = cutoff("retention.audit_years", now)
    link, table = AuditChainLink.__table__, AuditRecord.__table__
    start = audit_chain.start_of(connection)
    first_young = connection.scalar(
        select(func.min(link.c.position))
        .select_from(link.outerjoin(table, table.c.id == link.c.audit_id))
        .where((table.c.at >= before) | (table.c.id.is_(None)))
    )
    last = (
        first_young - 1
        if first_young is not None
        else connection.scalar(select(func.max(link.c.position))) or start.position
    )
    result = KindResult(
        "audit_records",
        "removed",
        max(0, last - start.position),
        "retention.audit_years",
        period,
        basis,
        before.isoformat(),
    )
    if last <= start.position:
        return result, None
    segment = audit_chain.check(audit_chain.chain_links(connection, up_to=last), start=start)
    if segment.broken is not None or segment.head.position != last:
        problem = segment.broken.problem if segment.broken else "the segment is incomplete"
        raise ChainBroken(f"audit chain broken before position {last}: {problem}")
    anchor = {"position": last, "record_hash": segment.head.hash}
    if dry_run:
        return result, anchor
    ids = select(link.c.audit_id).where(link.c.position <= last).scalar_subquery()
    with _audit_deletes_allowed(connection):
        connection.execute(delete(AuditRecord).where(AuditRecord.id.in_(ids)))
        connection.execute(delete(AuditChainLink).where(AuditChainLink.position <= last))
    connection.execute(
        insert(AuditChainAnchor),
        [
            {
                "position": last,
                "record_hash": segment.head.hash,
                "removed": result.count,
                "older_than": before,
                "removed_at": now,
            }
        ],
    )
    return result, anchor


class _audit_deletes_allowed:
    """Let DELETE through the append-only triggers of audit_log and audit_chain, for this
    transaction only."""

    TRIGGERS = ("audit_log_no_delete", "audit_chain_no_delete")

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.saved: list[str] = []

    def __enter__(self) -> None:
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(text("SET LOCAL trygd.audit_retention = 'on'"))
            return
        for name in self.TRIGGERS:
            sql = self.connection.scalar(
                text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
                {"n": name},
            )
            if sql is None:
                raise RuntimeError(f"the trigger {name} is missing: is the database migrated?")
            self.saved.append(sql)
            self.connection.execute(text(f"DROP TRIGGER {name}"))

    def __exit__(self, failed: type[BaseException] | None, *_rest: object) -> None:
        if failed is not None:
            return  # the transaction is rolled back: the setting and the triggers with it
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(text("SET LOCAL trygd.audit_retention = 'off'"))
            return
        for sql in self.saved:
            self.connection.execute(text(sql))
