"""Tables of the case-processing store (SQLAlchemy 2 declarative models).

The schema itself is created by the Alembic migrations in `migrations/`; these models are the
Python view of it, and a test checks that the two agree. Identifiers are UUIDs so that URLs
never carry an identity number or a guessable sequence. JSON columns hold the documents that
are stored whole (facts, the rule result, event data); everything that is queried has a column
and an index.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from trygd.domain.behandling import OPEN_STATES
from trygd.domain.klage import KlageState

JSONDoc = JSON().with_variant(JSONB(), "postgresql")
BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


def parent(target: str, column: str) -> Any:
    """A many-to-one link used only so that one flush inserts parents before children.

    trygd sets foreign-key columns directly and never loads through these links
    (`lazy="raise"` makes an accidental load fail loudly)."""
    return relationship(target, foreign_keys=column, lazy="raise")


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSONDoc, list[Any]: JSONDoc}


class Person(Base):
    """A person as the population register (Folkeregisteret) knows them."""

    __tablename__ = "persons"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    identity_number: Mapped[str] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    municipality: Mapped[str] = mapped_column(String(4))
    protection: Mapped[str] = mapped_column(String(32), default="none")
    skjermet: Mapped[bool] = mapped_column(Boolean, default=False)
    # Målform: the language letters are written in (nb, nn or en).
    language: Mapped[str] = mapped_column(String(2), default="nb", server_default="nb")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Sak(Base):
    """One case per person and benefit; it holds the behandlinger over the years."""

    __tablename__ = "saker"
    __table_args__ = (UniqueConstraint("person_id", "benefit", name="uq_sak_person_benefit"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    benefit: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    person: Mapped[Person] = parent("Person", "Sak.person_id")


class Soknad(Base):
    """An application as received: the facts the person gave, kept unchanged."""

    __tablename__ = "soknader"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), index=True)
    claim_date: Mapped[dt.date] = mapped_column(Date)
    facts: Mapped[dict[str, Any]]
    description: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # Set when the retention run emptied `facts` and `description` (a rejection older than
    # `retention.rejected_application_years`); the vedtak keeps the facts it decided on.
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    sak: Mapped[Sak] = parent("Sak", "Soknad.sak_id")


def _partial_unique(name: str, column: str, where: str) -> Index:
    """A unique index over the rows `where` selects, on both databases."""
    return Index(name, column, unique=True, sqlite_where=text(where), postgresql_where=text(where))


_OPEN = ", ".join(f"'{state.value}'" for state in sorted(OPEN_STATES))
# One claim in process per sak: at most one open behandling of the ordinary kinds (a klage
# runs beside them). Automatic vedtak close theirs at once; see services/claims.py.
ONE_OPEN_BEHANDLING_PER_SAK = f"kind <> 'klage' AND state IN ({_OPEN})"
# One open klage per vedtak (a klage's behandling points to the vedtak it appeals). Open is
# every state but closed: a klage decided by Klageinstans can still go to Trygderetten.
ONE_OPEN_KLAGE_PER_VEDTAK = f"kind = 'klage' AND state <> '{KlageState.CLOSED.value}'"
# A klage appeals an ordinary vedtak or the vedtak of a tilbakekreving, never both.
KLAGE_APPEALS_ONE_DECISION = "(vedtak_id IS NULL) <> (tilbakekreving_id IS NULL)"


class DecisionRecordRow(Base):
    """A rule result as the rules gave it, in no language (`trygd.rules.record`, format
    trygd.decision/1). Written once and never changed: a behandling points to its latest,
    a vedtak to the one it decided; a page, letter or export explains it in the reader's
    language from the record itself."""

    __tablename__ = "decision_records"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    benefit: Mapped[str] = mapped_column(String(32))
    claim_date: Mapped[dt.date] = mapped_column(Date)
    ruleset_version: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(32))
    record: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Behandling(Base):
    """One assessment of a case: a first application or a revurdering.

    `version` is the optimistic lock: every change bumps it, and an update that was based on
    an older version matches no row and fails (HTTP 409) instead of overwriting.
    """

    __tablename__ = "behandlinger"
    __table_args__ = (
        _partial_unique("uq_behandlinger_open_per_sak", "sak_id", ONE_OPEN_BEHANDLING_PER_SAK),
        _partial_unique(
            "uq_behandlinger_open_klage_per_vedtak", "revises_vedtak_id", ONE_OPEN_KLAGE_PER_VEDTAK
        ),
        # The same rule for the vedtak of a tilbakekreving (migration 0018).
        _partial_unique(
            "uq_behandlinger_open_klage_per_tilbakekreving",
            "revises_tilbakekreving_id",
            ONE_OPEN_KLAGE_PER_VEDTAK,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    soknad_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("soknader.id"))
    # No foreign key: vedtak already points to behandlinger, and SQLite cannot add the cycle.
    revises_vedtak_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # A klage against a tilbakekreving vedtak points to that case (no foreign key either:
    # tilbakekrevinger already points to behandlinger).
    revises_tilbakekreving_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    claim_date: Mapped[dt.date] = mapped_column(Date)
    facts: Mapped[dict[str, Any]]
    # The latest rule result (a decision record); None until the rules have run.
    record_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("decision_records.id"), index=True
    )
    outcome: Mapped[str | None] = mapped_column(String(32))
    ruleset_version: Mapped[str | None] = mapped_column(String(64))
    assigned_to: Mapped[str | None] = mapped_column(String(64))
    proposed_by: Mapped[str | None] = mapped_column(String(64))
    proposal_reason: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    sak: Mapped[Sak] = parent("Sak", "Behandling.sak_id")
    record: Mapped[DecisionRecordRow | None] = parent("DecisionRecordRow", "Behandling.record_id")
    soknad: Mapped[Soknad | None] = parent("Soknad", "Behandling.soknad_id")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Vurdering(Base):
    """A caseworker's assessment of an undetermined condition: the facts found and why."""

    __tablename__ = "vurderinger"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    behandling_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("behandlinger.id"), index=True)
    condition: Mapped[str] = mapped_column(String(100))
    facts: Mapped[dict[str, Any]]
    reason: Mapped[str] = mapped_column(Text)
    assessed_by: Mapped[str] = mapped_column(String(64))
    assessed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    behandling: Mapped[Behandling] = parent("Behandling", "Vurdering.behandling_id")


class Vedtak(Base):
    """A decision, with everything needed to reproduce it years later."""

    __tablename__ = "vedtak"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), index=True)
    behandling_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("behandlinger.id"), unique=True)
    replaces_vedtak_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vedtak.id"))
    outcome: Mapped[str] = mapped_column(String(32))
    automatic: Mapped[bool] = mapped_column(Boolean)
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    proposed_by: Mapped[str | None] = mapped_column(String(64))
    approved_by: Mapped[str | None] = mapped_column(String(64))
    ruleset_version: Mapped[str] = mapped_column(String(64))
    facts: Mapped[dict[str, Any]]
    # The rule result decided: the behandling's record when the vedtak was made.
    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decision_records.id"), index=True)
    implemented_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    sak: Mapped[Sak] = parent("Sak", "Vedtak.sak_id")
    behandling: Mapped[Behandling] = parent("Behandling", "Vedtak.behandling_id")
    record: Mapped[DecisionRecordRow] = parent("DecisionRecordRow", "Vedtak.record_id")


class Oppgave(Base):
    """A task for a unit's queue: assess a case, approve a proposal, follow up a deadline."""

    __tablename__ = "oppgaver"
    __table_args__ = (Index("ix_oppgaver_queue", "unit", "status", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), index=True)
    behandling_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("behandlinger.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(64))
    benefit: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(4))
    skjermet: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    assigned_to: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    sak: Mapped[Sak] = parent("Sak", "Oppgave.sak_id")
    behandling: Mapped[Behandling] = parent("Behandling", "Oppgave.behandling_id")
    person: Mapped[Person] = parent("Person", "Oppgave.person_id")


class InformationRequest(Base):
    """Opplysningsplikt (ftrl. § 21-3): what NAV asked the person for, and by when."""

    __tablename__ = "information_requests"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    behandling_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("behandlinger.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    facts_requested: Mapped[list[Any]]
    deadline: Mapped[dt.date] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="open")
    answer: Mapped[str | None] = mapped_column(Text)
    answered_facts: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    behandling: Mapped[Behandling] = parent("Behandling", "InformationRequest.behandling_id")
    person: Mapped[Person] = parent("Person", "InformationRequest.person_id")


class Endringsmelding(Base):
    """A change the person reported; it opens a revurdering."""

    __tablename__ = "endringsmeldinger"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), index=True)
    effective_date: Mapped[dt.date] = mapped_column(Date)
    facts: Mapped[dict[str, Any]]
    description: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    sak: Mapped[Sak] = parent("Sak", "Endringsmelding.sak_id")


class Event(Base):
    """The history of a case: one row per thing that happened, never changed."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_sak", "sak_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"))
    behandling_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    type: Mapped[str] = mapped_column(String(48))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]]


class AuditRecord(Base):
    """One try to touch personal data, allowed or denied. Append-only (see the migrations);
    chained into `audit_chain` shortly after it is written (see `trygd.store.audit_chain`)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_person", "person_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    correlation_id: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_unit: Mapped[str | None] = mapped_column(String(4))
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(32))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    completed: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str | None] = mapped_column(String(200))


class AuditChainLink(Base):
    """An audit record's place in the hash chain: the hash of the link before it and its own
    hash over the record and that hash. Append-only, like the records."""

    __tablename__ = "audit_chain"

    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    audit_id: Mapped[int] = mapped_column(BigId, unique=True)
    previous_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))


class AuditPending(Base):
    """An audit record not chained yet; a trigger on `audit_log` adds it, the sealer removes it."""

    __tablename__ = "audit_pending"

    audit_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)


class AuditChainAnchor(Base):
    """Where the audit chain starts after the retention run removed its oldest records: the
    position and hash of the last record removed. The first link kept must follow from it.
    Append-only, like the chain."""

    __tablename__ = "audit_chain_anchors"

    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    record_hash: Mapped[str] = mapped_column(String(64))
    removed: Mapped[int] = mapped_column(BigInteger)
    older_than: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Job(Base):
    """Work to do later (reminders, deadlines, iverksetting), kept until done."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_due", "status", "run_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(48))
    run_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class IdempotencyKey(Base):
    """The answer given to a POST with an Idempotency-Key, so a retry gets the same answer."""

    __tablename__ = "idempotency_keys"

    actor_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Klage(Base):
    """One klage against one vedtak, and the appeal chain that follows it.

    The klage is worked on through a behandling of kind `klage` (its state is a
    `trygd.domain.klage.KlageState`, its version the optimistic lock, its tasks go to the
    queues); this row holds what only a klage has: the text, the deadlines, the first
    instance's statement and the decision of NAV Klageinstans.

    The decision appealed is an ordinary vedtak (`vedtak_id`) or the vedtak of a
    tilbakekreving (`tilbakekreving_id`), exactly one of them.
    """

    __tablename__ = "klager"
    __table_args__ = (
        CheckConstraint(KLAGE_APPEALS_ONE_DECISION, name="ck_klager_appeals_one_decision"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    behandling_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("behandlinger.id"), unique=True)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), index=True)
    vedtak_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vedtak.id"), index=True)
    tilbakekreving_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tilbakekrevinger.id"), index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    received_on: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[str] = mapped_column(String(64))
    vedtak_received_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean)
    late_reason_given: Mapped[str | None] = mapped_column(Text)
    late_decision: Mapped[str | None] = mapped_column(String(16))
    late_decision_reason: Mapped[str | None] = mapped_column(Text)
    fristavbrytende: Mapped[bool] = mapped_column(Boolean)
    grounds: Mapped[str | None] = mapped_column(Text)
    grounds_deadline: Mapped[dt.date | None] = mapped_column(Date)
    grounds_received_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    statement: Mapped[str | None] = mapped_column(Text)
    forwarded_by: Mapped[str | None] = mapped_column(String(64))
    forwarded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    comment_deadline: Mapped[dt.date | None] = mapped_column(Date)
    comments: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    klageinstans_unit: Mapped[str | None] = mapped_column(String(4), index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_reasons: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    anke_deadline: Mapped[dt.date | None] = mapped_column(Date)
    result_behandling_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    closed_reason: Mapped[str | None] = mapped_column(String(32))

    behandling: Mapped[Behandling] = parent("Behandling", "Klage.behandling_id")
    sak: Mapped[Sak] = parent("Sak", "Klage.sak_id")
    vedtak: Mapped[Vedtak | None] = parent("Vedtak", "Klage.vedtak_id")
    person: Mapped[Person] = parent("Person", "Klage.person_id")


class Attachment(Base):
    """A document the person sent with a klage (kept whole, with its checksum)."""

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    klage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("klager.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    klage: Mapped[Klage] = parent("Klage", "Attachment.klage_id")


class Anke(Base):
    """An appeal beyond NAV: to Trygderetten, then to the court of appeal (lagmannsretten)."""

    __tablename__ = "anker"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    klage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("klager.id"), index=True)
    court: Mapped[str] = mapped_column(String(16))  # trygderetten | lagmannsretten
    filed_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean)
    registered_by: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(16))
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    reasons: Mapped[str | None] = mapped_column(Text)
    result_behandling_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    klage: Mapped[Klage] = parent("Klage", "Anke.klage_id")


class Serviceklage(Base):
    """A complaint about how NAV served the person; it never touches a case or a deadline."""

    __tablename__ = "serviceklager"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    sak_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("saker.id"))
    unit: Mapped[str] = mapped_column(String(4), index=True)
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="open")
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    person: Mapped[Person] = parent("Person", "Serviceklage.person_id")
    sak: Mapped[Sak | None] = parent("Sak", "Serviceklage.sak_id")


class Letter(Base):
    """A letter as sent: the PDF bytes exactly as the person got them, and how they were made.

    `content` is the letter's content (`trygd.letters.model.Letter.to_dict`), from which the
    HTML version is rendered; `content_hash` is the SHA-256 of `pdf`. A sent letter is never
    changed (on PostgreSQL the database refuses it)."""

    __tablename__ = "letters"
    __table_args__ = (Index("ix_letters_sak", "sak_id", "sent_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sak_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("saker.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    behandling_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    vedtak_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    klage_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    serviceklage_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    privacy_request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300))
    letter_date: Mapped[dt.date] = mapped_column(Date)
    template_version: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]]
    deadlines: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sent_by: Mapped[str] = mapped_column(String(64))

    sak: Mapped[Sak | None] = parent("Sak", "Letter.sak_id")
    person: Mapped[Person] = parent("Person", "Letter.person_id")


class Draft(Base):
    """An application the person has started but not sent: their answers so far.

    Kept server-side so the person can leave and come back; once sent, `submitted_at` and
    `sak_id` say where it went and the answers are no longer changed."""

    __tablename__ = "drafts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    benefit: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sak_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("saker.id"))

    person: Mapped[Person] = parent("Person", "Draft.person_id")
    sak: Mapped[Sak | None] = parent("Sak", "Draft.sak_id")


class ApplicationDocument(Base):
    """A document sent with an application (kept whole, with its checksum): first linked to
    the draft, then also to the søknad and case it was sent with."""

    __tablename__ = "application_documents"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    draft_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drafts.id"), index=True)
    soknad_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("soknader.id"))
    sak_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("saker.id"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    draft: Mapped[Draft] = parent("Draft", "ApplicationDocument.draft_id")


class RevokedSession(Base):
    """A sign-in session ended by signing out before its tokens expire: its tokens (the web
    cookie and any bearer token of the same `sid`) are refused until `expires_at`, after which
    they would be refused anyway and the row may go."""

    __tablename__ = "revoked_sessions"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    revoked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class PendingSignIn(Base):
    """A sign-in sent to an identity provider and not back yet: what the answer must match
    (`state`, the ID token's `nonce`) and the PKCE `code_verifier` that redeems its code.
    Taken (deleted) when the answer comes; useless after `expires_at`."""

    __tablename__ = "pending_sign_ins"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_url: Mapped[str] = mapped_column(String(2000))
    level: Mapped[str | None] = mapped_column(String(40))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class ProviderSession(Base):
    """A web sign-in session that began at an identity provider: the ID token that asks the
    provider to end its session too when the user signs out here (`id_token_hint`), and the
    provider's own session id (`sid`) and subject (`sub`) of the ID token, by which the
    provider's back-channel logout names the sessions to end. Deleted on sign-out; useless
    after `expires_at` (the session's absolute limit)."""

    __tablename__ = "provider_sessions"
    __table_args__ = (
        Index("ix_provider_sessions_provider_sid", "provider", "provider_sid"),
        Index("ix_provider_sessions_provider_subject", "provider", "subject"),
    )

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    id_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    provider_sid: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str | None] = mapped_column(String(255))


class MeldekortCard(Base):
    """One version of a sent meldekort for one sak and meldeperiode (ftrl. §§ 4-8, 11-10).

    A correction is a new row with the next `version` and its reason; a sent version is never
    changed. The unique (sak, period start, version) lets only one of two parallel sends of
    the same version through: the database, not the code, keeps one card per period."""

    __tablename__ = "meldekort"
    __table_args__ = (
        UniqueConstraint("sak_id", "period_start", "version", name="uq_meldekort_version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]]
    correction_reason: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sent_by: Mapped[str] = mapped_column(String(64))


class MeldekortDraft(Base):
    """A meldekort the person has started but not sent: kept until `expires_at`."""

    __tablename__ = "meldekort_drafts"
    __table_args__ = (UniqueConstraint("sak_id", "period_start", name="uq_meldekort_draft_period"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]]
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class MeldekortResult(Base):
    """What one card version gives (`trygd.rules.meldekort.PeriodResult.to_json`).

    `approved` rows are what the payments read; a correction's result supersedes the earlier
    one, and the partial unique index keeps at most one approved result per sak and period.
    `undetermined` rows (a late card) wait for a caseworker and pay nothing."""

    __tablename__ = "meldekort_results"
    __table_args__ = (
        Index(
            "uq_meldekort_results_approved",
            "sak_id",
            "period_start",
            unique=True,
            sqlite_where=text("status = 'approved'"),
            postgresql_where=text("status = 'approved'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), index=True)
    meldekort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meldekort.id"), unique=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    gross_ore: Mapped[int] = mapped_column(BigInteger)
    calculation: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class MeldekortPlan(Base):
    """That the reminder and deadline jobs of one sak's meldeperiode exist: planned once."""

    __tablename__ = "meldekort_plans"
    __table_args__ = (UniqueConstraint("sak_id", "period_start", name="uq_meldekort_plan"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PaymentDetails(Base):
    """The facts a payment needs about a person, as the registers give them: the account
    number (from the person's own report or the bank account register, kontoregisteret) and
    the tax card (skattekort, from Skatteetaten, JSON as `trygd.domain.tax.card_from_fact`
    reads it; NULL means Skatteetaten has no card for the person)."""

    __tablename__ = "payment_details"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    account_number: Mapped[str | None] = mapped_column(String(34))
    account_source: Mapped[str | None] = mapped_column(String(64))
    tax_card: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    tax_card_year: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class RefundClaim(Base):
    """An employer's claim to have the sykepenger of a sak refunded (ftrl. § 22-3), as the
    inntektsmelding gives it: the employer (organisation number) and the account the refund
    goes to. Registered by a caseworker; the payment run reads it when it orders a refund."""

    __tablename__ = "refund_claims"

    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), primary_key=True)
    organisation_number: Mapped[str] = mapped_column(String(9))
    employer_name: Mapped[str] = mapped_column(String(140))
    account_number: Mapped[str] = mapped_column(String(34))
    source: Mapped[str] = mapped_column(String(64))
    registered_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Regulation(Base):
    """What a G-regulering (or another bulk recomputation) did to one sak: once per sak,
    date the change takes effect (`g_from`) and change (`uq_regulation_once`; `change` is
    `G` for a G-regulering, else `trygd.rules.regulation.Change.key`), so a run stopped at any
    point and started again never recomputes a sak twice. `outcome` is one of
    `services.regulation.OUTCOMES`; the yearly amounts before and after are in øre, for the
    run's report."""

    __tablename__ = "regulations"
    __table_args__ = (
        UniqueConstraint("sak_id", "g_from", "change", name="uq_regulation_once"),
        Index("ix_regulations_g_from", "g_from", "change", "outcome"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    g_from: Mapped[dt.date] = mapped_column(Date)
    change: Mapped[str] = mapped_column(String(300), default="G", server_default="G")
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"))
    benefit: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(300))
    old_vedtak_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    new_vedtak_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    old_annual_ore: Mapped[int | None] = mapped_column(BigInteger)
    new_annual_ore: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PaymentOrder(Base):
    """One payment order file (pain.001) as sent to the bank: its message id is unique, and
    the file is kept whole so that it can be sent again byte for byte."""

    __tablename__ = "payment_orders"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    message_id: Mapped[str] = mapped_column(String(35), unique=True)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_runs.id"), index=True)
    run_date: Mapped[dt.date] = mapped_column(Date)
    transfers: Mapped[int] = mapped_column(Integer)
    total_ore: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    exported_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status_deadline: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    alarm_raised_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PaymentRun(Base):
    """A payment run for one date. `holder` and `lease_until` are its claim: a run that dies
    leaves the claim to expire, and the next run takes it over instead of waiting for ever."""

    __tablename__ = "payment_runs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    run_date: Mapped[dt.date] = mapped_column(Date, unique=True)
    status: Mapped[str] = mapped_column(String(16))
    holder: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=1)


class PaymentLine(Base):
    """One payment (or recovery) for one sak, kind and period. The id is deterministic
    (`trygd.domain.payments.line_id`) and the primary key: the same payment can be stored
    once only, however often a run is repeated or a message replayed. A change to a period
    already paid is a new line with the next correction number."""

    __tablename__ = "payment_lines"
    __table_args__ = (
        UniqueConstraint(
            "sak_id", "kind", "period_start", "period_end", "correction", name="uq_payment_line"
        ),
        # Only the lines still to pay, and only the lines of an order (migration 0011); the
        # unique constraint, which starts with the sak, serves the look-ups by sak.
        Index(
            "ix_payment_lines_due",
            "due_date",
            sqlite_where=text("status IN ('planned', 'held')"),
            postgresql_where=text("status IN ('planned', 'held')"),
        ),
        Index(
            "ix_payment_lines_order_id",
            "order_id",
            sqlite_where=text("order_id IS NOT NULL"),
            postgresql_where=text("order_id IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    vedtak_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vedtak.id"))
    benefit: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    correction: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date)
    gross_ore: Mapped[int] = mapped_column(BigInteger)
    tax_ore: Mapped[int | None] = mapped_column(BigInteger)
    net_ore: Mapped[int | None] = mapped_column(BigInteger)
    payee: Mapped[str] = mapped_column(String(16))
    payee_account: Mapped[str | None] = mapped_column(String(34))
    basis: Mapped[str] = mapped_column(Text)
    tax_basis: Mapped[str | None] = mapped_column(Text)
    # planned, held (a fact is missing: a task is open), ordered, accepted,
    # accepted_with_warning, rejected (a new attempt line follows), recovery (a negative line)
    status: Mapped[str] = mapped_column(String(24))
    held_reason: Mapped[str | None] = mapped_column(String(64))
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment_orders.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PaymentPlanMark(Base):
    """What a sak's payment plan was last made from, and until when it holds: a payment run
    plans the sak again only when it has a new vedtak or meldekort result (the counts
    differ) or `recheck_on` has come (a payment falls due, or a payment parameter changes).
    Written in the transaction that stores the plan's lines."""

    __tablename__ = "payment_plan_marks"

    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), primary_key=True)
    planned_until: Mapped[dt.date] = mapped_column(Date)
    recheck_on: Mapped[dt.date] = mapped_column(Date)
    vedtak_count: Mapped[int] = mapped_column(Integer)
    meldekort_count: Mapped[int] = mapped_column(Integer)
    planned_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LedgerPosting(Base):
    """One side of a double entry (`trygd.domain.ledger`): debit positive, credit negative,
    in øre. Every transaction's postings sum to zero. Never changed or deleted: a correction
    is new postings (on PostgreSQL the application role may only read and insert)."""

    __tablename__ = "ledger_postings"
    __table_args__ = (Index("ix_ledger_person", "person_id", "benefit", "account"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_lines.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    benefit: Mapped[str] = mapped_column(String(32))
    transaction: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(16))
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    order_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    posted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class BankStatus(Base):
    """A status the bank reported for a payment (pain.002), as read back: one row per
    status report and transfer, the report's message id and the transfer's end-to-end id
    unique together, so a report read twice is recognised."""

    __tablename__ = "bank_statuses"
    __table_args__ = (
        UniqueConstraint("report_message_id", "end_to_end_id", name="uq_bank_status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    report_message_id: Mapped[str] = mapped_column(String(35))
    original_message_id: Mapped[str] = mapped_column(String(35), index=True)
    end_to_end_id: Mapped[str] = mapped_column(String(35))
    line_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    status: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PaymentSimulation(Base):
    """The simulation (simulering) stored with a proposal, to be compared at approval."""

    __tablename__ = "payment_simulations"

    behandling_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("behandlinger.id"), primary_key=True
    )
    simulation: Mapped[dict[str, Any]]
    made_by: Mapped[str] = mapped_column(String(64))
    made_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


# The kinds of request under GDPR art. 15-22 a person can make from their page.
PRIVACY_REQUEST_KINDS = (
    "access",
    "correction",
    "erasure",
    "restriction",
    "objection",
    "manual_review",
)
ONE_OPEN_PRIVACY_REQUEST = "status = 'open'"


class PrivacyRequest(Base):
    """A request under GDPR art. 15-22 and its one-month clock (art. 12(3)).

    `deadline` is one month from `received_on` (`trygd.domain.deadlines`); an extension sets
    `extended_deadline` and the reason the person is told. At most one open request of each
    kind per person (`uq_privacy_requests_open`): a second one joins the first."""

    __tablename__ = "privacy_requests"
    __table_args__ = (
        Index(
            "uq_privacy_requests_open",
            "person_id",
            "kind",
            unique=True,
            sqlite_where=text(ONE_OPEN_PRIVACY_REQUEST),
            postgresql_where=text(ONE_OPEN_PRIVACY_REQUEST),
        ),
        Index("ix_privacy_requests_queue", "unit", "status", "deadline"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(4))
    text: Mapped[str] = mapped_column(Text)
    # objection: which processing (statistics, development, other); manual_review: the vedtak
    processing: Mapped[str | None] = mapped_column(String(32))
    vedtak_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vedtak.id"))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    received_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    extended_deadline: Mapped[dt.date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extended_by: Mapped[str | None] = mapped_column(String(64))
    extended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | answered
    outcome: Mapped[str | None] = mapped_column(String(16))  # granted | partly | refused
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # erasure (art. 17), once answered: what was erased and what kept, per kind of record the
    # action, the count and the legal basis (`trygd.domain.erasure`); never ids or content.
    erasure: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)

    person: Mapped[Person] = parent("Person", "PrivacyRequest.person_id")


class RetentionRun(Base):
    """What one retention run deleted or anonymised: per kind of record the rule, the cut-off
    and how many; never which records (no ids) and never their content."""

    __tablename__ = "retention_runs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[str] = mapped_column(String(64))
    results: Mapped[list[Any]]


class Tilbakekreving(Base):
    """A tilbakekreving case with its own behandling (`trygd.domain.tilbakekreving`): opened
    by one revurdering vedtak's feilutbetaling, once (`uq_tilbakekreving_vedtak`: of two
    openings at once, one inserts and the other fails and finds it). `version` is the
    optimistic lock, as on a behandling."""

    __tablename__ = "tilbakekrevinger"
    __table_args__ = (
        UniqueConstraint("vedtak_id", name="uq_tilbakekreving_vedtak"),
        Index("ix_tilbakekrevinger_state", "state", "person_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    # The revurdering vedtak whose new plan made the feilutbetaling, and its behandling (the
    # case's tasks point to it).
    vedtak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vedtak.id"))
    behandling_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("behandlinger.id"))
    benefit: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(24))
    feilutbetalt_ore: Mapped[int] = mapped_column(BigInteger)
    periods: Mapped[list[Any]]
    varsel_sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    comment_deadline: Mapped[dt.date] = mapped_column(Date)
    comment: Mapped[str | None] = mapped_column(Text)
    commented_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    assessment_reason: Mapped[str | None] = mapped_column(Text)
    assessed_by: Mapped[str | None] = mapped_column(String(64))
    # The rules' result (trygd.rules.tilbakekreving.Result.to_json): the latest assessment,
    # then at approval the one decided.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    proposed_by: Mapped[str | None] = mapped_column(String(64))
    approved_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    recovered_ore: Mapped[int | None] = mapped_column(BigInteger)
    rentetillegg_ore: Mapped[int | None] = mapped_column(BigInteger)
    claim_ore: Mapped[int | None] = mapped_column(BigInteger)
    # How the claim is recovered: setoff (against later payments) or handed_on.
    recovery_method: Mapped[str | None] = mapped_column(String(16))
    klage_deadline: Mapped[dt.date | None] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class TilbakekrevingSetoff(Base):
    """One set-off (motregning): part of a payment line kept to pay a tilbakekreving claim.
    Once per claim and line: a payment run repeated keeps nothing twice."""

    __tablename__ = "tilbakekreving_setoffs"
    __table_args__ = (
        UniqueConstraint("tilbakekreving_id", "line_id", name="uq_tilbakekreving_setoff"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tilbakekreving_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tilbakekrevinger.id"), index=True
    )
    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_lines.id"))
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    run_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
