"""G-regulering of every running grant: a new vedtak where the new G changes the amounts.

The run lists the saker to regulate first (`plan`: every sak with a vedtak and no outcome for
this G yet, by benefit and date of assessment, so that a batch holds many grants assessed on
the same day), then regulates them in batches (`BATCH`), each one transaction, side by side
on PostgreSQL (`trygd.services.facade.CaseService.regulate`). For each sak a batch reads the
vedtak in force and the parts of its decision record the regulering needs as plain rows (no
ORM objects; not the record's explanation values, rules and parameter tables), asks the pure
rules what the new G does (`trygd.rules.regulation.regulate_many`: the grants of one benefit,
parameters and date evaluated as columns, exactly as `regulate` one by one; `regulate` itself
for a grant the columns cannot be sure of), and stores one `regulations` row with the outcome.
The row is unique per sak and date of the new G and written in the transaction that makes
the new vedtak, so a run stopped at any point (SIGKILL included) and started again goes on
with the saker that have no row yet and never regulates one twice; two runs at once lose
nothing either (a batch that meets the other's rows is refused by the database and done again
without them). Everything a batch writes goes through `trygd.store.bulk` (COPY on PostgreSQL).

Outcomes (`OUTCOMES`): `regulated` (a new automatic vedtak of kind regulering from the date of
the new G, already carried out: the next payment run plans the sak again, since its vedtak
count changed, and pays the difference for periods paid at the old G as etterbetaling);
`unchanged` (the new G does not change the amounts, e.g. sykepenger under the 6 G cap);
`not_regulated` (the benefit does not follow G); `not_running` (no granted vedtak covers the
date); `already_regulated` (the vedtak in force already used the new G); `open_behandling` (a
caseworker's behandling is open: it will be assessed with the new G, and the run leaves it);
`manual` (with the new G the grant would no longer be granted: a task, never an automatic
refusal); `failed` (the stored record cannot be regulated: a task with the reason).

The regulated vedtak's decision record is stored compact (`trygd.rules.regulation.compact`:
the record it regulates, the new G, the outcome, amounts and input facts); reading it gives
the whole record (`trygd.services.records.stored_record`).

No letter goes to each person: NAV announces G-regulering generally, and the person's page
shows the new vedtak and amount (GDPR art. 22: the vedtak is marked automatic).

The same run serves any bulk recomputation (`trygd recompute`): a `Change` names the
parameters it replaces (a corrected rate, the values of a reform entered in the parameter
files) and the date from which; the G-regulering is the change that replaces G. Its rows are
kept once per sak, date and change (`Regulation.change`), its vedtak are of kind `omregning`,
and only the saker of the benefits whose rules read a replaced parameter are listed. A grant
whose amounts the change would lower is never lowered automatically: that is a vedtak to the
person's disadvantage, which a caseworker makes after forhåndsvarsel (outcome `manual`, task
`<kind>_lowered`).
"""

from __future__ import annotations

import datetime as dt
import heapq
import threading
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

import orjson
from sqlalchemy import Table, Text, Uuid, bindparam, func, literal_column, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import ARRAY

from trygd.domain.claims import last_covered_day
from trygd.privacy.policy import Action
from trygd.rules.assessment import RULES_VERSION, benefit_by_id, jsonable
from trygd.rules.benefits import PROFILES
from trygd.rules.parameters import Params
from trygd.rules.record import DecisionRecord, decode, stored_params
from trygd.rules.regulation import (
    COMPACT_FORMAT,
    G_KEY,
    Change,
    Compact,
    Grant,
    NotRegulable,
    benefits_reached,
    compact_replaced,
    expand,
    g_change,
    recompute,
    regulate_many,
    version_of,
    with_parameters,
)
from trygd.services import access
from trygd.services.records import open_oppgave
from trygd.services.unit_of_work import UnitOfWork
from trygd.store import bulk
from trygd.store.ids import ordered_id
from trygd.store.models import (
    Behandling,
    DecisionRecordRow,
    Event,
    Person,
    Regulation,
    Sak,
    Vedtak,
)

OUTCOMES = (
    "regulated",
    "unchanged",
    "not_regulated",
    "not_running",
    "already_regulated",
    "open_behandling",
    "manual",
    "failed",
)
KIND = "regulering"
OMREGNING = "omregning"
"""The kind of behandling (and task) of a recomputation that is not a G-regulering."""
BATCH = 10_000
"""Saker per transaction: large enough that the grants of one benefit and day form long
columns, small enough that a batch's rows (about 1.5 kB of record each) stay a few tens of
megabytes."""
LARGEST = 10
OPEN_STATES = ("received", "assessing", "waiting_for_information", "proposed", "approved")
SKIPPED_KEYS = ("names", "rules", "parameters", "frozen_explanations")
"""The parts of a whole decision record a regulering does not read (30 of its 31 kB): the
parameters come once per group of records that stored the same (`_ParamsCache`)."""

RECORDS = cast(Table, DecisionRecordRow.__table__)
BEHANDLINGER = cast(Table, Behandling.__table__)
VEDTAK = cast(Table, Vedtak.__table__)
EVENTS = cast(Table, Event.__table__)
REGULATIONS = cast(Table, Regulation.__table__)


@dataclass
class Report:
    """What a run did (or, dry, would do): counts per outcome, the change in yearly amounts
    of the regulated grants (øre), and the largest changes."""

    g_from: dt.date
    """The day the change (the new G) takes effect."""
    dry_run: bool
    counts: Counter[str] = field(default_factory=Counter)
    yearly_change_ore: int = 0
    largest: list[tuple[int, str, str]] = field(default_factory=list)
    """(change in øre, sak id, benefit), the largest changes up or down first."""
    change: str = G_KEY
    """`Change.key`: `G` for a G-regulering."""
    lowered: int = 0
    """Of the `manual` outcomes, those whose amounts the change would lower."""

    def add(self, other: Report) -> None:
        self.counts.update(other.counts)
        self.yearly_change_ore += other.yearly_change_ore
        self.lowered += other.lowered
        self.largest = _largest([*self.largest, *other.largest])

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "g_from": self.g_from.isoformat(),
            "change": self.change,
            "dry_run": self.dry_run,
            "counts": {name: self.counts.get(name, 0) for name in OUTCOMES},
            "total": self.total,
            "yearly_change_ore": self.yearly_change_ore,
            "lowered": self.lowered,
            "largest": [{"change_ore": c, "sak_id": s, "benefit": b} for c, s, b in self.largest],
        }


def _largest(changes: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    return heapq.nlargest(LARGEST, changes, key=lambda c: (abs(c[0]), c[0], c[1]))


def as_change(change: Change | dt.date) -> Change:
    """A change, or the G-regulering from a date."""
    return change if isinstance(change, Change) else g_change(change)


def _ore(kroner: Any) -> int | None:
    if not isinstance(kroner, int | float) or kroner != kroner:  # NaN: not determined
        return None
    return int((Decimal(str(kroner)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _among(uow: UnitOfWork, column: Any, values: Sequence[Any]) -> Any:
    return bulk.among(uow.session.get_bind().dialect.name, column, values)


# -- choosing the saker -----------------------------------------------------------------------


def count_saker(uow: UnitOfWork, change: Change | None = None) -> int:
    """How many saker have a vedtak (the run's whole, for its progress); for a change other
    than a G-regulering, those of the benefits it reaches."""
    access.check(uow, Action.RUN_JOB, object_type="regulation", object_id="count")
    return _saker_listed(uow, change.key if change is not None else G_KEY)


def _saker_listed(uow: UnitOfWork, key: str) -> int:
    """How many saker a run of the change with this key lists (`plan`): every sak with a
    vedtak for the G-regulering, those of the benefits the change reaches otherwise."""
    query = select(func.count(func.distinct(Vedtak.sak_id)))
    if key != G_KEY:
        query = query.join(Sak, Sak.id == Vedtak.sak_id).where(
            Sak.benefit.in_(benefits_reached(key))
        )
    return int(uow.session.scalar(query) or 0)


def plan(uow: UnitOfWork, change: Change | dt.date, batch: int) -> list[list[uuid.UUID]]:
    """The saker with a vedtak and no outcome for the change yet, cut into batches of
    `batch`, ordered by benefit and the date their newest vedtak was assessed on (then by
    id): one query on ids, dates and benefits, no personal data. A G-regulering lists every
    sak with a vedtak (those of benefits that do not follow G get their outcome too);
    another change only the saker of the benefits it reaches."""
    change = as_change(change)
    day = change.effective_from
    access.check(uow, Action.RUN_JOB, object_type="regulation", object_id=day.isoformat())
    done = select(Regulation.sak_id).where(
        Regulation.g_from == day,
        Regulation.change == change.key,
        Regulation.sak_id == Vedtak.sak_id,
    )
    query = (
        select(Vedtak.sak_id, Sak.benefit, func.max(DecisionRecordRow.claim_date))
        .join(Sak, Sak.id == Vedtak.sak_id)
        .join(DecisionRecordRow, DecisionRecordRow.id == Vedtak.record_id)
        .where(~done.exists())
        .group_by(Vedtak.sak_id, Sak.benefit)
    )
    if not change.is_g_regulering:
        query = query.where(Sak.benefit.in_(benefits_reached(change.key)))
    rows = sorted(uow.session.execute(query), key=lambda r: (r[1], r[2], r[0]))
    ids = [sak_id for sak_id, _benefit, _day in rows]
    return [ids[start : start + batch] for start in range(0, len(ids), batch)]


def saker_to_regulate(
    uow: UnitOfWork, change: Change | dt.date, after: uuid.UUID | None, limit: int
) -> list[uuid.UUID]:
    """The next saker with a vedtak and no outcome for the change yet, by id (for the job
    chain, which takes one batch per job)."""
    change = as_change(change)
    day = change.effective_from
    access.check(uow, Action.RUN_JOB, object_type="regulation", object_id=day.isoformat())
    done = select(Regulation.sak_id).where(
        Regulation.g_from == day, Regulation.change == change.key, Regulation.sak_id == Sak.id
    )
    query = (
        select(Sak.id)
        .where(select(Vedtak.id).where(Vedtak.sak_id == Sak.id).exists(), ~done.exists())
        .order_by(Sak.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(Sak.id > after)
    if not change.is_g_regulering:
        query = query.where(Sak.benefit.in_(benefits_reached(change.key)))
    return list(uow.session.scalars(query))


def next_batch(
    uow: UnitOfWork,
    change: Change | dt.date,
    after: uuid.UUID | None,
    limit: int,
    *,
    dry_run: bool,
    cache: ParamsCache | None = None,
) -> tuple[uuid.UUID | None, Report]:
    """Choose and regulate the next saker in this one transaction; returns the last sak id
    (None: nothing was left) and what the batch did."""
    change = as_change(change)
    sak_ids = saker_to_regulate(uow, change, after, limit)
    if not sak_ids:
        return None, Report(change.effective_from, dry_run, change=change.key)
    report = regulate_batch(uow, change, sak_ids, dry_run=dry_run, cache=cache)
    return sak_ids[-1], report


# -- reading a batch ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _InForce:
    """The vedtak in force of one sak, as plain values. `grant_start` is the day the grant
    took effect: the `effective_from` of the first vedtak of the chain the one in force
    replaced (a regulering or revurdering starts later, and the grant's period does not)."""

    id: uuid.UUID
    behandling_id: uuid.UUID
    outcome: str
    effective_from: dt.date
    record_id: uuid.UUID
    grant_start: dt.date


@dataclass
class _Stored:
    """The parts of the vedtak's decision record the regulering reads (`SKIPPED_KEYS` left
    out), as the JSON has them, and the group of records with the same parameters."""

    id: uuid.UUID
    claim_date: dt.date
    ruleset_version: str
    document: dict[str, Any]
    _facts: dict[str, Any] | None = None
    _amounts: dict[str, Any] | None = None

    @property
    def input_facts(self) -> dict[str, Any]:
        """The input facts as record values (dates as dates), read once."""
        if self._facts is None:
            self._facts = _decoded(self.document["input_facts"])
        return self._facts

    @property
    def amounts(self) -> dict[str, Any]:
        """The amounts as record values, read once."""
        if self._amounts is None:
            self._amounts = _decoded(self.document["amounts"])
        return self._amounts

    @property
    def compact(self) -> bool:
        return self.document.get("format") == COMPACT_FORMAT

    @property
    def base_id(self) -> uuid.UUID:
        """The whole record: this one, or the one a compact record regulates."""
        return uuid.UUID(self.document["base"]) if self.compact else self.id

    @property
    def params_key(self) -> tuple[str, str, dt.date]:
        """The records whose parameters are the same as this one's: the benefit, the ruleset
        version (the parameter files' digest) and the date of assessment."""
        version = self.document.get("base_ruleset_version", self.ruleset_version)
        return (self.document["benefit"], version, decode(self.document["at"]))


class ParamsCache:
    """The stored parameters of the records of one benefit, ruleset version and date of
    assessment (the same for all of them: the version names the parameter files' digest),
    read once per run from one whole record of the group. Shared by a run's threads (a
    miss read twice at once stores the same value twice)."""

    def __init__(self) -> None:
        self._params: dict[tuple[str, str, dt.date], Params] = {}
        self._lock = threading.Lock()

    def get(self, uow: UnitOfWork, key: tuple[str, str, dt.date], base_id: uuid.UUID) -> Params:
        with self._lock:
            found = self._params.get(key)
        if found is not None:
            return found
        row = uow.session.get(DecisionRecordRow, base_id)
        assert row is not None  # a foreign key (or the compact record's base) guarantees it
        params = stored_params(DecisionRecord.from_json(row.record))
        with self._lock:
            if len(self._params) > 10_000:
                self._params.clear()
            self._params[key] = params
        return params


def _decoded(values: Mapping[str, Any]) -> dict[str, Any]:
    """`trygd.rules.record.decode` of a mapping whose values are mostly plain numbers (facts,
    amounts): those are taken as they are, the rest decoded."""
    plain = (float, int, bool, str)
    return {
        name: value if value is None or type(value) in plain else decode(value)
        for name, value in values.items()
    }


def _in_force(uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, _InForce]:
    """The newest vedtak of each sak (by decision time): the one in force, with the day its
    grant took effect (followed back along `replaces_vedtak_id`)."""
    query = select(
        Vedtak.sak_id,
        Vedtak.decided_at,
        Vedtak.id,
        Vedtak.behandling_id,
        Vedtak.outcome,
        Vedtak.effective_from,
        Vedtak.record_id,
        Vedtak.replaces_vedtak_id,
    ).where(_among(uow, Vedtak.sak_id, sak_ids))
    newest: dict[uuid.UUID, tuple[dt.datetime, Any]] = {}
    chain: dict[uuid.UUID, tuple[uuid.UUID | None, dt.date]] = {}
    for row in uow.session.execute(query):
        chain[row.id] = (row.replaces_vedtak_id, row.effective_from)
        known = newest.get(row.sak_id)
        if known is None or row.decided_at > known[0]:
            newest[row.sak_id] = (row.decided_at, row)
    found = {}
    for sak_id, (_at, row) in newest.items():
        start, replaces, seen = row.effective_from, row.replaces_vedtak_id, {row.id}
        while replaces is not None and replaces in chain and replaces not in seen:
            seen.add(replaces)
            replaces, start = chain[replaces]
        found[sak_id] = _InForce(
            row.id, row.behandling_id, row.outcome, row.effective_from, row.record_id, start
        )
    return found


def _stored(uow: UnitOfWork, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, _Stored]:
    """The records' parts a regulering reads: on PostgreSQL the server leaves out the rest
    (one decompression of the stored value per record, and 1.5 kB sent instead of 30)."""
    if not ids:
        return {}
    postgresql = uow.session.get_bind().dialect.name == "postgresql"
    skipped = "{" + ",".join(SKIPPED_KEYS) + "}"
    document = (
        literal_column(f"(decision_records.record - '{skipped}'::text[])::text")
        if postgresql
        else sql_cast(DecisionRecordRow.record, Text)
    )
    query = select(
        DecisionRecordRow.id,
        DecisionRecordRow.claim_date,
        DecisionRecordRow.ruleset_version,
        document,
    ).where(_among(uow, DecisionRecordRow.id, ids))
    found = {}
    for record_id, claim_date, version, text in uow.session.execute(query):
        parsed = orjson.loads(text)
        for key in SKIPPED_KEYS:
            parsed.pop(key, None)
        found[record_id] = _Stored(record_id, claim_date, version, parsed)
    return found


def _open(uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    query = select(Behandling.sak_id).where(
        _among(uow, Behandling.sak_id, sak_ids),
        Behandling.state.in_(OPEN_STATES),
        Behandling.kind != "klage",
    )
    return set(uow.session.scalars(query))


def _whole(uow: UnitOfWork, stored: _Stored) -> DecisionRecord:
    """The whole record of the vedtak in force (a compact one expanded from its base)."""
    if stored.compact:
        base = uow.session.get(DecisionRecordRow, stored.base_id)
        assert base is not None
        return expand(DecisionRecord.from_json(base.record), stored.document)
    row = uow.session.get(DecisionRecordRow, stored.id)
    assert row is not None
    return DecisionRecord.from_json(row.record)


# -- deciding ------------------------------------------------------------------------------------


@dataclass
class _Case:
    """One sak of a batch on its way to its outcome."""

    sak_id: uuid.UUID
    benefit: str
    person_id: uuid.UUID
    unit: str
    vedtak: _InForce | None = None
    stored: _Stored | None = None
    outcome: str | None = None
    reason: str | None = None
    amounts: Mapping[str, Any] | None = None
    old_annual: int | None = None
    new_annual: int | None = None
    task: str | None = None
    """For `manual` and `failed`: the reason of the caseworker's task."""


def _screen(case: _Case, busy: set[uuid.UUID], change: Change) -> None:
    """The outcomes that need no rules: set `case.outcome` where one applies."""
    g_from = change.effective_from
    vedtak, stored = case.vedtak, case.stored
    if not change.reaches(case.benefit):
        case.outcome = "not_regulated"
        return
    if vedtak is None or vedtak.outcome != "granted" or stored is None:
        case.outcome = "not_running"
        return
    document = stored.document
    if _COVERAGE_READS_AMOUNTS.get(case.benefit, True):
        amounts = {name: jsonable(value) for name, value in stored.amounts.items()}
    else:
        amounts = {}
    last = last_covered_day(case.benefit, vedtak.grant_start, amounts)
    if last is not None and last < g_from:
        case.outcome, case.reason = "not_running", f"the grant ended on {last.isoformat()}"
        return
    ended = _last_period_day(case.benefit, stored)
    if ended is not None and ended < g_from:
        case.outcome = "not_running"
        case.reason = f"the last period paid ended on {ended.isoformat()}"
        return
    if case.sak_id in busy:
        case.outcome = "open_behandling"
        return
    if document.get("outcome") != "granted":
        case.outcome = "failed"
        case.reason = f"only a granted grant is regulated, not one {document.get('outcome')}"
        return
    if document.get("rules_logic_version") != RULES_VERSION:
        case.outcome = "failed"
        case.reason = f"the grant was made by rule logic {document.get('rules_logic_version')}"
        return
    if stored.compact and _already(compact_replaced(document), change):
        case.outcome = "already_regulated"


def _already(used: Sequence[Any], change: Change) -> bool:
    """Whether parameters a grant used (`UsedParameter`s) hold every value the change
    gives already."""
    values = {p.name: p.value for p in used}
    return all(values.get(p.name) == p.value for p in change.replaced)


_COVERAGE_READS_AMOUNTS = {
    benefit: profile.coverage.kind in ("weeks_amount", "date_amount")
    for benefit, profile in PROFILES.items()
}
"""Whether `last_covered_day` reads the grant's amounts for the benefit (else it needs
none, and the run does not convert them)."""


def _last_period_day(benefit: str, stored: _Stored) -> dt.date | None:
    """For a benefit paid for the periods of a fact (sykepenger: the sick notes), the last day
    of the last period: a grant whose periods all ended before the new G has nothing left to
    regulate. None for the other benefits."""
    profile = PROFILES.get(benefit)
    declared = profile.payments if profile is not None else None
    if declared is None or not declared.periods_fact:
        return None
    periods = stored.input_facts.get(declared.periods_fact) or []
    ends = [jsonable(p.get("to")) for p in periods if isinstance(p, dict)]
    days = [dt.date.fromisoformat(end) for end in ends if isinstance(end, str)]
    return max(days) if days else None


def _regulate_columns(
    uow: UnitOfWork, cases: list[_Case], change: Change, cache: ParamsCache
) -> list[_Case]:
    """Regulate the cases left (those with no outcome yet) column-wise, group by group;
    returns those the columns could not decide (for `recompute` one by one)."""
    groups: dict[tuple[Any, ...], list[_Case]] = {}
    for case in cases:
        stored = case.stored
        assert stored is not None
        old = compact_replaced(stored.document) if stored.compact else ()
        key = (*stored.params_key, old)
        groups.setdefault(key, []).append(case)
    left: list[_Case] = []
    for (benefit_id, version, day, old), members in groups.items():
        first = members[0].stored
        assert first is not None
        params = cache.get(uow, (benefit_id, version, day), first.base_id)
        if old:
            params = with_parameters(params, benefit_id, old)
        if _already(params.used, change):
            for case in members:
                case.outcome = "already_regulated"
            continue
        grants = []
        for case in members:
            assert case.stored is not None
            grants.append(Grant(case.stored.input_facts, day, case.stored.amounts))
        results = regulate_many(benefit_id, params, grants, change.replaced)
        for case, result in zip(members, results, strict=True):
            if result is None:
                left.append(case)
                continue
            _settle(case, result.verdict, result.amounts, result.annual_before, result.annual_after)
    return left


def _settle(
    case: _Case,
    verdict: str,
    amounts: Mapping[str, Any] | None,
    annual_before: Any,
    annual_after: Any,
) -> None:
    case.old_annual = _ore(annual_before)
    if verdict == "outcome_changed":
        case.outcome, case.task = "manual", "manual"
        case.reason = "with the new values the grant would not be granted"
        return
    if verdict == "not_regulated":
        case.outcome = "not_regulated"
        return
    new_annual = _ore(annual_after)
    if (
        verdict == "regulated"
        and case.old_annual is not None
        and new_annual is not None
        and new_annual < case.old_annual
    ):
        case.outcome, case.task, case.new_annual = "manual", "lowered", new_annual
        case.reason = "the new values lower the amounts: a caseworker decides after forhåndsvarsel"
        return
    case.outcome = verdict
    case.amounts = amounts
    case.new_annual = new_annual


def _regulate_one(uow: UnitOfWork, case: _Case, change: Change) -> None:
    """`recompute` on the whole record (what the columns could not decide)."""
    assert case.stored is not None
    try:
        record = _whole(uow, case.stored)
        result = recompute(record, change)
    except NotRegulable as error:
        case.outcome, case.task, case.reason = "failed", "failed", str(error)
        return
    annual = benefit_by_id(case.benefit).annual_amount
    after = result.record.names.get(annual) if result.record is not None else None
    amounts = result.record.amounts if result.record is not None else None
    _settle(case, result.verdict, amounts, record.names.get(annual), after)


# -- a batch ----------------------------------------------------------------------------------


def _with_outcome(uow: UnitOfWork, change: Change, sak_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """The saker of a batch that have an outcome for the change already (another run's)."""
    dialect = uow.session.get_bind().dialect.name
    return set(uow.session.scalars(with_outcome_query(dialect, change, sak_ids)))


def with_outcome_query(dialect: str, change: Change, sak_ids: Sequence[uuid.UUID]) -> Any:
    """`_with_outcome`'s query. On PostgreSQL the batch's ids are a table (`unnest`) joined
    to `regulations`, not `sak_id = ANY(ids)`: that statement, prepared after a few batches,
    got a generic plan that read every row of the run so far through the index on (g_from,
    change) and compared each with the 10,000 ids one by one, so each batch took longer than
    the one before (a run of a million slowed from 2,800 to 1,250 saker a second by its
    300,000th). Joined, each id is one probe of `uq_regulation_once` or one hash lookup."""
    of_change = (Regulation.g_from == change.effective_from) & (Regulation.change == change.key)
    if dialect != "postgresql":
        return select(Regulation.sak_id).where(of_change, Regulation.sak_id.in_(sak_ids))
    batch = bindparam("batch", list(sak_ids), type_=ARRAY(Uuid()))
    wanted = func.unnest(batch).table_valued("sak_id").render_derived()
    return (
        select(Regulation.sak_id)
        .join(wanted, Regulation.sak_id == wanted.c.sak_id)
        .where(of_change)
    )


def regulate_batch(
    uow: UnitOfWork,
    change: Change | dt.date,
    sak_ids: Sequence[uuid.UUID],
    *,
    dry_run: bool,
    cache: ParamsCache | None = None,
) -> Report:
    """Regulate (recompute) the saker that have no outcome for the change yet (or, dry,
    only count what would happen), in the caller's transaction."""
    change = as_change(change)
    cache = cache or ParamsCache()
    report = Report(change.effective_from, dry_run, change=change.key)
    done = _with_outcome(uow, change, sak_ids)
    ids = [sak_id for sak_id in sak_ids if sak_id not in done]
    if not ids:
        return report
    facts = uow.session.execute(
        select(Sak.id, Sak.unit, Sak.person_id, Sak.benefit, Person.protection, Person.skjermet)
        .join(Person, Person.id == Sak.person_id)
        .where(_among(uow, Sak.id, ids))
    )
    by_id = {row[0]: row for row in facts}
    access.check_cases(
        uow,
        Action.RUN_JOB,
        (
            access.CaseFacts(sak_id, unit, person_id, protection, skjermet)
            for sak_id, unit, person_id, _benefit, protection, skjermet in (by_id[i] for i in ids)
        ),
        object_type="regulation",
    )
    in_force = _in_force(uow, ids)
    stored = _stored(uow, [v.record_id for v in in_force.values()])
    busy = _open(uow, ids)
    cases = []
    for sak_id in ids:
        _id, unit, person_id, benefit, _protection, _skjermet = by_id[sak_id]
        vedtak = in_force.get(sak_id)
        case = _Case(sak_id, benefit, person_id, unit, vedtak)
        case.stored = stored.get(vedtak.record_id) if vedtak is not None else None
        _screen(case, busy, change)
        cases.append(case)
    for case in _regulate_columns(uow, [c for c in cases if c.outcome is None], change, cache):
        _regulate_one(uow, case, change)
    for case in cases:
        assert case.outcome is not None
        report.counts[case.outcome] += 1
        if case.task == "lowered":
            report.lowered += 1
            if case.old_annual is not None and case.new_annual is not None:
                report.largest.append(
                    (case.new_annual - case.old_annual, str(case.sak_id), case.benefit)
                )
        if case.outcome == "regulated" and None not in (case.old_annual, case.new_annual):
            difference = cast(int, case.new_annual) - cast(int, case.old_annual)
            report.yearly_change_ore += difference
            report.largest.append((difference, str(case.sak_id), case.benefit))
    report.largest = _largest(report.largest)
    if not dry_run:
        _write(uow, change, cases)
    return report


# -- writing a batch ----------------------------------------------------------------------------


def _write(uow: UnitOfWork, change: Change, cases: list[_Case]) -> None:
    """The batch's rows: the regulations first (a sak another run regulated meanwhile stops
    the batch there), then the compact records, behandlinger, vedtak and events of the
    regulated grants, then a task for each sak a caseworker must look at."""
    connection = uow.session.connection()
    now = uow.now
    g_from = change.effective_from
    kind = KIND if change.is_g_regulering else OMREGNING
    version = version_of(change)
    regulated = [c for c in cases if c.outcome == "regulated"]
    made = {c.sak_id: (ordered_id(), ordered_id(), ordered_id()) for c in regulated}
    bulk.insert_values(
        connection,
        REGULATIONS,
        (
            "id",
            "g_from",
            "change",
            "sak_id",
            "benefit",
            "outcome",
            "reason",
            "old_vedtak_id",
            "new_vedtak_id",
            "old_annual_ore",
            "new_annual_ore",
            "created_at",
        ),
        [
            (
                ordered_id(),
                g_from,
                change.key,
                c.sak_id,
                c.benefit,
                c.outcome,
                c.reason[:300] if c.reason else None,
                c.vedtak.id if c.vedtak is not None else None,
                made[c.sak_id][2] if c.sak_id in made else None,
                c.old_annual,
                c.new_annual,
                now,
            )
            for c in cases
        ],
    )
    if regulated:
        query = select(Vedtak.id, sql_cast(Vedtak.facts, Text)).where(
            _among(uow, Vedtak.id, [c.vedtak.id for c in regulated if c.vedtak is not None])
        )
        facts = {vedtak_id: text for vedtak_id, text in uow.session.execute(query)}
        records, behandlinger, vedtak, events = [], [], [], []
        making = Compact(change.replaced, version)
        for case in regulated:
            old, stored = case.vedtak, case.stored
            assert old is not None and stored is not None and case.amounts is not None
            record_id, behandling_id, vedtak_id = made[case.sak_id]
            document = making.document(str(stored.base_id), stored.document, case.amounts)
            effective = max(g_from, old.effective_from)
            old_facts = bulk.JsonText(facts[old.id])
            records.append(
                (
                    record_id,
                    case.benefit,
                    stored.claim_date,
                    version,
                    COMPACT_FORMAT,
                    bulk.JsonText(document),
                    now,
                )
            )
            behandlinger.append(
                (
                    behandling_id,
                    case.sak_id,
                    kind,
                    "implemented",
                    effective,
                    old_facts,
                    record_id,
                    "granted",
                    version,
                    old.id,
                    now,
                    now,
                    1,
                )
            )
            vedtak.append(
                (
                    vedtak_id,
                    case.sak_id,
                    behandling_id,
                    old.id,
                    "granted",
                    True,
                    now,
                    effective,
                    version,
                    old_facts,
                    record_id,
                    now,
                )
            )
            events.append(
                (
                    case.sak_id,
                    behandling_id,
                    "vedtak_made",
                    now,
                    uow.actor.id,
                    uow.actor.role.value,
                    {
                        "vedtak_id": str(vedtak_id),
                        "outcome": "granted",
                        "automatic": True,
                        "replaces": str(old.id),
                        **(
                            {"regulering_g_from": g_from.isoformat()}
                            if change.is_g_regulering
                            else {"omregning_from": g_from.isoformat(), "change": change.key}
                        ),
                    },
                )
            )
        bulk.insert_values(
            connection,
            RECORDS,
            ("id", "benefit", "claim_date", "ruleset_version", "format", "record", "created_at"),
            records,
        )
        bulk.insert_values(
            connection,
            BEHANDLINGER,
            (
                "id",
                "sak_id",
                "kind",
                "state",
                "claim_date",
                "facts",
                "record_id",
                "outcome",
                "ruleset_version",
                "revises_vedtak_id",
                "created_at",
                "updated_at",
                "version",
            ),
            behandlinger,
        )
        bulk.insert_values(
            connection,
            VEDTAK,
            (
                "id",
                "sak_id",
                "behandling_id",
                "replaces_vedtak_id",
                "outcome",
                "automatic",
                "decided_at",
                "effective_from",
                "ruleset_version",
                "facts",
                "record_id",
                "implemented_at",
            ),
            vedtak,
        )
        bulk.insert_values(
            connection,
            EVENTS,
            ("sak_id", "behandling_id", "type", "at", "actor_id", "actor_role", "data"),
            events,
        )
    for case in cases:
        if case.outcome in ("manual", "failed") and case.vedtak is not None:
            sak = uow.session.get(Sak, case.sak_id)
            behandling = uow.session.get(Behandling, case.vedtak.behandling_id)
            person = uow.session.get(Person, case.person_id)
            assert sak is not None and behandling is not None and person is not None
            open_oppgave(uow, sak, behandling, person, kind, f"{kind}_{case.task or case.outcome}")
    uow.flush()


# -- progress -------------------------------------------------------------------------------------


def status(uow: UnitOfWork, g_from: dt.date, change: str = G_KEY) -> dict[str, Any]:
    """How far the G-regulering for `g_from` has come, from its `regulations` rows: the saker
    with an outcome out of those with a vedtak, the count per outcome, the change in yearly
    amounts of the regulated grants and the largest changes (sak ids and benefits, no
    personal data). For staff who may look at the queue (the `manual` and `failed` outcomes
    are tasks in it); read while a run is under way it shows the batches committed so far."""
    access.check(uow, Action.LIST_QUEUE, object_type="regulation", object_id=g_from.isoformat())
    of_date = (Regulation.g_from == g_from) & (Regulation.change == change)
    counts = Counter(
        {
            outcome: int(count)
            for outcome, count in uow.session.execute(
                select(Regulation.outcome, func.count()).where(of_date).group_by(Regulation.outcome)
            )
        }
    )
    difference = Regulation.new_annual_ore - Regulation.old_annual_ore
    regulated = of_date & (Regulation.outcome == "regulated") & difference.is_not(None)
    total_change = uow.session.scalar(select(func.sum(difference)).where(regulated))
    largest = uow.session.execute(
        select(difference, Regulation.sak_id, Regulation.benefit)
        .where(regulated)
        .order_by(func.abs(difference).desc(), difference.desc(), Regulation.sak_id.desc())
        .limit(LARGEST)
    )
    first, last = uow.session.execute(
        select(func.min(Regulation.created_at), func.max(Regulation.created_at)).where(of_date)
    ).one()
    report = Report(g_from, dry_run=False, counts=counts, change=change)
    report.yearly_change_ore = int(total_change or 0)
    report.largest = [(int(c or 0), str(s), b) for c, s, b in largest]
    return {
        **report.to_json(),
        "saker_with_vedtak": _saker_listed(uow, change),
        "done": report.total,
        "first_at": first.isoformat() if first is not None else None,
        "last_at": last.isoformat() if last is not None else None,
    }
