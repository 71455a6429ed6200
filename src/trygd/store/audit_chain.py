"""The audit trail as a hash chain: each record carries the hash of the one before it.

The append-only triggers stop the application from changing an audit record, but not the
database's owner or a superuser (who can drop the triggers, or switch them off with
`session_replication_role = replica`). The chain makes such a change visible afterwards: every
record stores its place in the chain (`chain_position`, 1, 2, 3, ...), the hash of the record
before it (`previous_hash`) and its own hash over its fields and that previous hash
(`record_hash`). Changing a field breaks the record's own hash; deleting a record leaves a gap
in the positions; rewriting a record's hash breaks the next record's link. Only rewriting the
whole rest of the chain goes unnoticed, which is why `verify` prints the head: an operator who
notes it elsewhere can check later that the chain still leads to it.

Writers take the next positions under a lock held until their transaction commits (see
`lock_and_read_head`), so two concurrent transactions never fork the chain. The sequence id is
not the chain's order: ids are drawn before the lock and may commit out of order.

The hashed text (`canonical`) is the same on SQLite and PostgreSQL: times in UTC with
microseconds, UUIDs in their hyphenated form, JSON with ASCII escapes. It must never change for
records already written; a new audit column needs a new format version (and this list).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, text

from trygd.store.models import AuditRecord

FORMAT = "trygd-audit-v1"
GENESIS = "0" * 64  # the "previous hash" of the first record

# Every column of an audit record except the id and the chain's own hash columns, in the
# order they are hashed.
HASHED_FIELDS = (
    "chain_position",
    "at",
    "correlation_id",
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_unit",
    "person_id",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "outcome",
    "reason",
    "completed",
    "source",
)

# One number for PostgreSQL's advisory lock on "the end of the audit chain".
CHAIN_LOCK = 0x7472796764617564  # "trygdaud"


def utc(value: dt.datetime) -> dt.datetime:
    """The time in UTC; a naive time (SQLite gives those back) is taken as UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return utc(value).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def canonical(record: Mapping[str, Any]) -> str:
    """The text a record's hash is taken over (its fields only; see `record_hash`)."""
    return json.dumps(
        [FORMAT, *(_plain(record[name]) for name in HASHED_FIELDS)], separators=(",", ":")
    )


def record_hash(previous_hash: str, record: Mapping[str, Any]) -> str:
    return hashlib.sha256(f"{previous_hash}\n{canonical(record)}".encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Head:
    """The last record of the chain: its position and hash (position 0: the chain is empty)."""

    position: int
    hash: str


EMPTY = Head(0, GENESIS)


def lock_and_read_head(connection: Connection) -> Head:
    """Lock the end of the chain until this transaction ends, and read where it is.

    On PostgreSQL a transaction-scoped advisory lock: a second writer waits here until the
    first has committed, then (in a new statement, so with a new snapshot under READ
    COMMITTED) sees the first one's records. SQLite needs no lock: trygd begins every
    transaction with BEGIN IMMEDIATE, so writers take turns anyway."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    row = connection.execute(
        select(AuditRecord.chain_position, AuditRecord.record_hash)
        .order_by(AuditRecord.chain_position.desc())
        .limit(1)
    ).first()
    return EMPTY if row is None else Head(row[0], row[1])


def link(rows: list[dict[str, Any]], head: Head) -> Head:
    """Give new audit rows (dicts of column values) their places after `head`, in order.

    The values are first brought to the form they are stored in (time in UTC, person id as
    a UUID), so that the hash is over exactly what a later read gives back. Returns the new
    head."""
    for row in rows:
        row["at"] = utc(row["at"])
        if isinstance(row.get("person_id"), str):
            row["person_id"] = uuid.UUID(row["person_id"])
        row["chain_position"] = head.position + 1
        row["previous_hash"] = head.hash
        row["record_hash"] = record_hash(head.hash, row)
        head = Head(row["chain_position"], row["record_hash"])
    return head


def append(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert audit rows at the end of the chain (one multi-row INSERT).

    The lock is taken here, just before the INSERT, and held to the commit that follows, so
    the time other writers wait is the INSERT and the commit only."""
    if not rows:
        return
    link(rows, lock_and_read_head(connection))
    connection.execute(insert(AuditRecord), rows)


@dataclass(frozen=True)
class Break:
    """The first broken link: the record where the chain stops being what was written."""

    record_id: int
    position: int
    problem: str


@dataclass(frozen=True)
class Verification:
    count: int  # records checked (up to the break, when there is one)
    head: Head  # the last good record
    broken: Break | None
    noted_head_found: bool | None = None  # None when no noted head was given


def check(records: Iterable[Mapping[Any, Any]], noted_head: str | None = None) -> Verification:
    """Walk records in chain order and find the first that does not follow from the one before.

    `noted_head`: a head hash printed by an earlier run and kept elsewhere; the result says
    whether the intact chain still contains it (records cut from the end leave no gap)."""
    head = EMPTY
    count = 0
    found = None if noted_head is None else noted_head == GENESIS
    for record in records:
        position = record["chain_position"]
        if position != head.position + 1:
            if position <= head.position:
                problem = f"chain position {position} appears twice"
            else:
                missing = (
                    f"{head.position + 1}"
                    if position == head.position + 2
                    else f"{head.position + 1} to {position - 1}"
                )
                problem = f"the record(s) at chain position {missing} before it are missing"
            return Verification(count, head, Break(record["id"], position, problem), found)
        if record["previous_hash"] != head.hash:
            problem = "its link to the record before it does not match that record's hash"
            return Verification(count, head, Break(record["id"], position, problem), found)
        if record_hash(head.hash, record) != record["record_hash"]:
            problem = "its content does not match its hash: it was changed after it was written"
            return Verification(count, head, Break(record["id"], position, problem), found)
        head = Head(position, record["record_hash"])
        count += 1
        if head.hash == noted_head:
            found = True
    return Verification(count, head, None, found)


def chain_records(connection: Connection, batch: int = 5000) -> Iterator[RowMapping]:
    """Every audit record in chain order, read in batches (the trail may be long)."""
    table = AuditRecord.__table__
    last = 0
    while True:
        rows = (
            connection.execute(
                select(table)
                .where(table.c.chain_position > last)
                .order_by(table.c.chain_position)
                .limit(batch)
            )
            .mappings()
            .all()
        )
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]["chain_position"]


def verify(connection: Connection, noted_head: str | None = None) -> Verification:
    return check(chain_records(connection), noted_head)
