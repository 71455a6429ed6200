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
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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

    sak: Mapped[Sak] = parent("Sak", "Soknad.sak_id")


class Behandling(Base):
    """One assessment of a case: a first application or a revurdering.

    `version` is the optimistic lock: every change bumps it, and an update that was based on
    an older version matches no row and fails (HTTP 409) instead of overwriting.
    """

    __tablename__ = "behandlinger"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sak_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saker.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    soknad_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("soknader.id"))
    # No foreign key: vedtak already points to behandlinger, and SQLite cannot add the cycle.
    revises_vedtak_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    claim_date: Mapped[dt.date] = mapped_column(Date)
    facts: Mapped[dict[str, Any]]
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
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
    assessment: Mapped[dict[str, Any]]
    implemented_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    sak: Mapped[Sak] = parent("Sak", "Vedtak.sak_id")
    behandling: Mapped[Behandling] = parent("Behandling", "Vedtak.behandling_id")


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
    """One try to touch personal data, allowed or denied. Append-only (see the migration)."""

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
