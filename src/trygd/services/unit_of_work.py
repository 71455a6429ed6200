"""One use case, one transaction, with its audit records kept even when the use case fails.

Audit records and case events are collected while the use case runs and inserted just before
the commit, in the same transaction as the change they describe (one multi-row INSERT each,
after the records they point to). If the use case fails (a denial, a stale
version, a database error), the transaction is rolled back and the collected records are
written again in a transaction of their own, marked `completed = false`: the trail shows every
try, and never a change that did not happen.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from trygd.privacy.policy import Actor
from trygd.services.clock import Clock
from trygd.store.models import AuditRecord, Event

log = logging.getLogger(__name__)


@dataclass
class RequestContext:
    """Who calls, and from where; the API builds one per request."""

    actor: Actor
    correlation_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    source: str | None = None


class UnitOfWork:
    def __init__(self, sessions: sessionmaker[Session], context: RequestContext, clock: Clock):
        self._sessions = sessions
        self.context = context
        self.actor = context.actor
        self.now: dt.datetime = clock()
        self.session: Session = sessions()
        self.audit: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def record_access(self, **fields: Any) -> None:
        if isinstance(fields.get("purpose"), str):
            # The audit record must always be writable, whatever the caller typed.
            fields["purpose"] = fields["purpose"].replace("\x00", "\ufffd")[:2000]
        self.audit.append(
            {
                "at": self.now,
                "correlation_id": self.context.correlation_id,
                "actor_id": self.actor.id,
                "actor_name": self.actor.name,
                "actor_role": self.actor.role.value,
                "actor_unit": self.actor.unit,
                "source": self.context.source,
                **fields,
            }
        )

    def event(
        self, sak_id: uuid.UUID, behandling_id: uuid.UUID | None, type: str, **data: Any
    ) -> None:
        self.events.append(
            {
                "sak_id": sak_id,
                "behandling_id": behandling_id,
                "type": type,
                "at": self.now,
                "actor_id": self.actor.id,
                "actor_role": self.actor.role.value,
                "data": data,
            }
        )

    def commit(self) -> None:
        self.session.flush()  # the cases and behandlinger the events point to come first
        # Plain multi-row INSERTs: nothing reads these rows back in the use case.
        connection = self.session.connection()
        if self.events:
            connection.execute(insert(Event), self.events)
        if self.audit:
            records = [{**record, "completed": True} for record in self.audit]
            connection.execute(insert(AuditRecord), records)
        self.session.commit()
        self.audit, self.events = [], []

    def fail(self) -> None:
        """Roll back the use case, then keep the record of every access it tried."""
        self.session.rollback()
        records, self.audit, self.events = self.audit, [], []
        if not records:
            return
        try:
            rows = [{**record, "completed": False} for record in records]
            self.session.connection().execute(insert(AuditRecord), rows)
            self.session.commit()
        except Exception:  # the audit store is down: say so loudly, never hide it
            self.session.rollback()
            log.exception("could not write %d audit records after a failed use case", len(records))
            raise

    def close(self) -> None:
        self.session.close()
