"""The audit trail as a hash chain, so that a changed or deleted record is found afterwards.

The application's role may not change an audit record, and triggers refuse it anyway, but the
database's owner or a superuser can drop the triggers or switch them off
(`session_replication_role = replica`). The chain makes such a change visible: each record
gets a link in `audit_chain` with its place (`position` 1, 2, 3, ...), the hash of the link
before it (`previous_hash`) and its own hash over the record's fields, its place and that
previous hash (`record_hash`). Changing a field breaks the record's hash; deleting a record
leaves its link without it; deleting a link leaves a gap; rewriting a hash breaks the next
link. Only rewriting the whole rest of the chain goes unnoticed, which is why `verify`
prints the head: noted elsewhere, a later run can check the chain still contains it.

Old records are removed only by the retention run (`trygd.services.retention.prune_audit`):
whole segments from the start of the chain, after verifying them, leaving an anchor (the
position and hash of the last record removed) from which the rest still verifies.

Records are chained shortly after they are written, not in the use case's transaction: a
trigger on `audit_log` queues each new record in `audit_pending` (atomically with the use
case), and `seal` - run by the job worker every round, and by `trygd audit verify` - chains
what waits, under a lock, in batches. Chaining inside each use case would need that lock
held through the commit, so that commits (each waiting for its WAL flush) would take turns:
on a disk with a 5 ms flush, at most ~200 use cases a second. The price is a short window
(until the next round of the worker) in which a new record is not yet protected by the chain.

The hashed text (`canonical`) is the same on SQLite and PostgreSQL: times in UTC with
microseconds, UUIDs in their hyphenated form, JSON with ASCII escapes. It must never change
for records already chained; a new audit column needs a new format version (and this list).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, insert, select, text

from trygd.store.models import AuditChainAnchor, AuditChainLink, AuditPending, AuditRecord

FORMAT = "trygd-audit-v1"
GENESIS = "0" * 64  # the "previous hash" of the first record

# The record's place in the chain and every column of the record but its id, in the order
# they are hashed.
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

# One number for PostgreSQL's advisory lock on "sealing the audit chain".
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
    values = [FORMAT, *(_plain(record[name]) for name in HASHED_FIELDS)]
    return json.dumps(values, ensure_ascii=True, separators=(",", ":"))


def record_hash(previous_hash: str, record: Mapping[str, Any]) -> str:
    return hashlib.sha256(f"{previous_hash}\n{canonical(record)}".encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Head:
    """The last record of the chain: its position and hash (position 0: the chain is empty)."""

    position: int
    hash: str


EMPTY = Head(0, GENESIS)


def start_of(connection: Connection) -> Head:
    """Where the chain starts: the last anchor left by the retention run (the position and
    hash of the last record it removed), or the empty chain before position 1."""
    anchor = AuditChainAnchor.__table__
    row = connection.execute(
        select(anchor.c.position, anchor.c.record_hash).order_by(anchor.c.position.desc()).limit(1)
    ).first()
    return EMPTY if row is None else Head(row[0], row[1])


def read_head(connection: Connection) -> Head:
    link = AuditChainLink.__table__
    row = connection.execute(
        select(link.c.position, link.c.record_hash).order_by(link.c.position.desc()).limit(1)
    ).first()
    # No link left: every record was removed by the retention run; the chain goes on from
    # its anchor.
    return start_of(connection) if row is None else Head(row[0], row[1])


def seal(connection: Connection, batch: int = 5000) -> int:
    """Chain up to `batch` waiting records, oldest id first, in the caller's transaction;
    returns how many. The caller commits.

    On PostgreSQL a transaction-scoped advisory lock keeps a second sealer out until this one
    has committed; it then (in a new statement, so with a new snapshot under READ COMMITTED)
    sees the links this one added. SQLite needs no lock: trygd begins every transaction with
    BEGIN IMMEDIATE, so writers take turns anyway."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    pending, table = AuditPending.__table__, AuditRecord.__table__
    # Only waiting ids whose record is there: one deleted before it was chained stays in the
    # queue, where `verify` finds it.
    records = connection.execute(
        select(table)
        .join(pending, pending.c.audit_id == table.c.id)
        .order_by(table.c.id)
        .limit(batch)
    ).mappings()
    head = read_head(connection)
    links = []
    for record in records:
        position = head.position + 1
        digest = record_hash(head.hash, {**record, "chain_position": position})
        links.append(
            {"position": position, "audit_id": record["id"], "previous_hash": head.hash}
            | {"record_hash": digest}
        )
        head = Head(position, digest)
    if links:
        connection.execute(insert(AuditChainLink), links)
        chained = [link["audit_id"] for link in links]
        connection.execute(delete(AuditPending).where(pending.c.audit_id.in_(chained)))
    return len(links)


@dataclass(frozen=True)
class Break:
    """The first broken link: the record where the chain stops being what was written."""

    record_id: int
    position: int | None  # None: the record was never chained
    problem: str


@dataclass(frozen=True)
class Verification:
    count: int  # records checked (up to the break, when there is one)
    head: Head  # the last good record
    broken: Break | None
    noted_head_found: bool | None = None  # None when no noted head was given


def check(
    links: Iterable[Mapping[Any, Any]], noted_head: str | None = None, start: Head = EMPTY
) -> Verification:
    """Walk the chain's links (each with its record's columns, or None for them when the record
    is gone) in order, and find the first that does not follow from the one before.

    `noted_head`: a head hash printed by an earlier run and kept elsewhere; the result says
    whether the intact chain still contains it (links cut from the end leave no gap).
    `start`: where the chain starts (its anchor, once the retention run removed its oldest
    records): the first link must follow from it."""
    head = start
    count = 0
    found = None if noted_head is None else noted_head in (GENESIS, start.hash)
    for link in links:
        position, audit_id = link["position"], link["audit_id"]
        problem = None
        if position != head.position + 1:
            if position <= head.position:
                problem = f"chain position {position} appears twice"
            else:
                missing = (
                    f"{head.position + 1}"
                    if position == head.position + 2
                    else f"{head.position + 1} to {position - 1}"
                )
                problem = f"the chain's link(s) at position {missing} before it are missing"
        elif link["previous_hash"] != head.hash:
            problem = "its link to the record before it does not match that record's hash"
        elif link["id"] is None:
            problem = "the record was deleted"
        elif record_hash(head.hash, {**link, "chain_position": position}) != link["record_hash"]:
            problem = "its content does not match its hash: it was changed after it was chained"
        if problem is not None:
            return Verification(count, head, Break(audit_id, position, problem), found)
        head = Head(position, link["record_hash"])
        count += 1
        if head.hash == noted_head:
            found = True
    return Verification(count, head, None, found)


def chain_links(
    connection: Connection, batch: int = 5000, up_to: int | None = None
) -> Iterator[RowMapping]:
    """Every link in chain order (up to position `up_to`) with its record's columns, read in
    batches (the trail may be long)."""
    link = AuditChainLink.__table__
    table = AuditRecord.__table__
    last = 0
    limit = (link.c.position <= up_to) if up_to is not None else (link.c.position > -1)
    while True:
        rows = (
            connection.execute(
                select(link, table)
                .select_from(link.outerjoin(table, table.c.id == link.c.audit_id))
                .where(link.c.position > last, limit)
                .order_by(link.c.position)
                .limit(batch)
            )
            .mappings()
            .all()
        )
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]["position"]


def unchained(connection: Connection) -> Break | None:
    """The first audit record outside the chain that should not be: one deleted while it
    waited to be chained, or one that is neither chained nor waiting (added with the
    application's trigger switched off, or its link or waiting entry removed)."""
    table, link, pending = AuditRecord.__table__, AuditChainLink.__table__, AuditPending.__table__
    deleted = connection.scalar(
        select(pending.c.audit_id)
        .where(~select(table.c.id).where(table.c.id == pending.c.audit_id).exists())
        .order_by(pending.c.audit_id)
        .limit(1)
    )
    if deleted is not None:
        return Break(deleted, None, "the record was deleted before it was chained")
    stray = connection.scalar(
        select(table.c.id)
        .where(
            ~select(link.c.audit_id).where(link.c.audit_id == table.c.id).exists(),
            ~select(pending.c.audit_id).where(pending.c.audit_id == table.c.id).exists(),
        )
        .order_by(table.c.id)
        .limit(1)
    )
    if stray is not None:
        problem = "the record is not in the chain: it was added or unlinked behind its back"
        return Break(stray, None, problem)
    return None


def verify(connection: Connection, noted_head: str | None = None) -> Verification:
    result = check(chain_links(connection), noted_head, start_of(connection))
    if result.broken is None:
        broken = unchained(connection)
        if broken is not None:
            return Verification(result.count, result.head, broken, result.noted_head_found)
    return result
