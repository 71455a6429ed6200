"""One use case, one transaction, with its audit records kept even when the use case fails.

Audit records and case events are collected while the use case runs and inserted just before
the commit, in the same transaction as the change they describe (one executemany INSERT each,
after the records they point to). New cases, søknader, behandlinger, vedtak and jobs take a
similar short cut (`UnitOfWork.add_new`). If the use case fails (a denial, a stale
version, a database error), the transaction is rolled back and the collected records are
written again in a transaction of their own, marked `completed = false`: the trail shows every
try, and never a change that did not happen.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, cast

from sqlalchemy import Table, event, insert, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached, sessionmaker

from trygd.privacy.policy import Actor
from trygd.services.clock import Clock
from trygd.store import bulk
from trygd.store.models import AuditRecord, Event, Person, Sak

log = logging.getLogger(__name__)


@dataclass
class RequestContext:
    """Who calls, and from where; the API builds one per request."""

    actor: Actor
    correlation_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    source: str | None = None
    identity_number: str | None = None  # the verified token's `pid`, for citizens


NEW_RECORDS = "trygd.new_records"


def insert_new_records(session: Session) -> None:
    """Insert what `UnitOfWork.add_new` collected, then let the session treat it as loaded.

    Runs before every flush and every ORM query of the session (the listeners below), so the
    records are in the database before anything could look for them or point to them."""
    records: list[Any] = session.info.pop(NEW_RECORDS, None) or []
    if not records:
        return
    if session.new:
        # Rows added the ORM way wait too, and ours may point to them (or they to ours):
        # let the ORM's flush store them all, in the order their foreign keys need.
        session.add_all(records)
        return
    connection = session.connection()
    rows = [(type(record), _column_values(record)) for record in records]
    # Consecutive rows of one table with the same columns go in one executemany.
    for (model, _keys), group in itertools.groupby(rows, key=lambda r: (r[0], tuple(r[1]))):
        connection.execute(insert(model), [values for _, values in group])
    for record in records:
        make_transient_to_detached(record)
        session.add(record)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    insert_new_records(session)


@event.listens_for(Session, "do_orm_execute")
def _before_query(state: Any) -> None:
    insert_new_records(state.session)


def _column_values(record: Any) -> dict[str, Any]:
    """Every column's value, as `session.add` would have stored it: a column the record has
    no value for gets its default (or NULL), and the record is given that value too, so that
    reading it later needs no query. Only a column the database fills in is left out."""
    state = inspect(record)
    values: dict[str, Any] = {}
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        if key not in state.dict:
            column = attribute.columns[0]
            if column.server_default is not None:
                continue
            default = column.default
            if default is not None and not default.is_scalar:
                raise ValueError(f"{type(record).__name__}.{key} needs a value before it is stored")
            setattr(record, key, default.arg if default is not None else None)
        values[key] = state.dict[key]
    return values


AUDIT_COPY_FROM = 1000
"""A use case with this many audit records or more writes them with COPY on PostgreSQL."""
AUDIT_TABLE = cast(Table, AuditRecord.__table__)


class UnitOfWork:
    def __init__(self, sessions: sessionmaker[Session], context: RequestContext, clock: Clock):
        self._sessions = sessions
        self.context = context
        self.actor = context.actor
        self.now: dt.datetime = clock()
        self.session: Session = sessions()
        self.audit: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        # Statements that must wait until every change is written (see `at_commit`).
        self.last: list[Any] = []
        # The caller's own person row once loaded: kept here so that the session's identity
        # map (which holds rows weakly) does not forget it and load it a second time.
        self.caller: Person | None = None
        self.caller_saker: list[Sak] | None = None  # the caller's cases, when loaded with them

    def resolve_caller(self) -> None:
        """Give a citizen actor their person id from the token's identity number.

        Done in the use case's own transaction with one query that also brings the person's
        cases: nearly everything a citizen does starts from their person record and their cases
        (applying above all), and a round trip costs more than the join. The rows are kept in
        `caller` and `caller_saker` (the session itself holds rows only weakly). No audit
        record: it is the caller's own number, proven by the token.
        """
        number = self.context.identity_number
        if number is None or self.actor.person_id is not None:
            return
        rows = self.session.execute(
            select(Person, Sak)
            .outerjoin(Sak, Sak.person_id == Person.id)
            .where(Person.identity_number == number)
        ).all()
        if not rows:
            return
        self.caller = rows[0][0]
        self.caller_saker = [sak for _, sak in rows if sak is not None]
        self.actor = replace(self.actor, person_id=str(self.caller.id))

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

    def add_new(self, *records: Any) -> None:
        """Store records made in this use case (a sak, its søknad, behandling, vedtak, jobs)
        with plain INSERTs, in the order given, just before the session's next flush.

        Why not `session.add`: the ORM's flush costs about three times as much CPU per row as
        a plain INSERT, and an application makes five new rows. Until that flush the records
        are ordinary objects (change them freely); at the flush they are inserted as they are
        then, and join the session as loaded rows, so a later change becomes an UPDATE, with
        the behandling's version check, exactly as with `session.add`. Every ORM query of the
        session inserts them first, so queries in the use case see them too."""
        self.session.info.setdefault(NEW_RECORDS, []).extend(records)

    def add_new_before(self, record: Any, before: Any) -> None:
        """Like `add_new`, but inserted before `before` if that is still waiting to be
        inserted: for a record that `before` points to (a behandling's decision record)."""
        waiting: list[Any] = self.session.info.setdefault(NEW_RECORDS, [])
        index = next((i for i, r in enumerate(waiting) if r is before), len(waiting))
        waiting.insert(index, record)

    def flush(self) -> None:
        """Write every change so far (new records included) without committing."""
        insert_new_records(self.session)  # a session with nothing else to write skips the hook
        self.session.flush()

    def at_commit(self, statement: Any) -> None:
        """Run `statement` at commit, after every change is written: deleting a decision
        record the behandling no longer points to once that change is in the database (a
        flush before then would write the behandling twice, and bump its version twice)."""
        self.last.append(statement)

    def commit(self) -> None:
        self.flush()  # the cases and behandlinger the events point to come first
        for statement in self.last:
            self.session.execute(statement)
        self.last = []
        # Plain multi-row INSERTs: nothing reads these rows back in the use case.
        if self.events:
            self.session.connection().execute(insert(Event), self.events)
            self.events = []
        self._insert_audit(completed=True)
        self.session.commit()

    def fail(self) -> None:
        """Roll back the use case, then keep the record of every access it tried."""
        self.session.info.pop(NEW_RECORDS, None)
        self.session.rollback()
        self.events = []
        self.last = []
        count = len(self.audit)
        try:
            self._insert_audit(completed=False)
            self.session.commit()
        except Exception:  # the audit store is down: say so loudly, never hide it
            self.session.rollback()
            log.exception("could not write %d audit records after a failed use case", count)
            raise

    def _insert_audit(self, *, completed: bool) -> None:
        """Insert the collected audit records in one statement, and forget them. A use case
        that checked many saker (a payment run's batch: one record per sak) writes them with
        one COPY (`trygd.store.bulk`); the trigger that queues them for the hash chain fires
        for a COPY as for an INSERT."""
        if self.audit:
            rows = [{**record, "completed": completed} for record in self.audit]
            self.audit = []
            connection = self.session.connection()
            if len(rows) >= AUDIT_COPY_FROM and all(row.keys() == rows[0].keys() for row in rows):
                bulk.insert_rows(connection, AUDIT_TABLE, rows)
            else:
                connection.execute(insert(AuditRecord), rows)

    def close(self) -> None:
        self.session.close()
