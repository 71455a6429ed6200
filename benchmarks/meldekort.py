"""Benchmark of sending meldekort through the API on PostgreSQL; prints JSON figures.

Built like `benchmarks/intake.py` (and using its database, server and client parts): a fresh
PostgreSQL database is created and dropped at the end, a real `trygd serve --demo --workers N
--no-job-worker` process is started on it, and a lean keep-alive HTTP/1.1 client sends the
cards with `--concurrency` requests in flight.

Before the server starts, `--cards` + `--warmup` citizens are bulk-inserted, each with a
running dagpenger or AAP vedtak (alternating; the decision records of
`examples/dagpenger-lost-job.json` and `examples/aap-after-sykepenger.json`, shared by the
vedtak of one benefit) in force from the first day of the meldeperiode whose card can be
sent today, so that every citizen has one open card, sent in time where the calendar allows
(on the Monday to Thursday of a period's second week no card is open in time: the cards are
then late, and the benchmark says so). Each citizen sends their card once with POST
/api/v1/meldekort/{sak}/{period} (its signed citizen token, 14 days of answers in one of four
patterns): the whole send use case, with the access check, the card, the benefit's meldekort
rule on the vedtak's stored amounts, the result, the event, the audit record and the answer
with the calculation.

Reported for the measured cards: cards per second, client-side latency p50/p95/p99, answers
other than 201 (errors; must be 0), CPU seconds per card of the server, the PostgreSQL
backends and this client, and afterwards what the database holds: one card and one result
per send, with its event and audit records.

Run: .venv/bin/python benchmarks/meldekort.py [--cards 3000] [--warmup 200] [--concurrency 8]
     [--workers 2] [--database-url postgresql://postgres@127.0.0.1:5432/test] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import secrets
import signal
import sys
import time
import uuid
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from intake import (
    CORES,
    Connection,
    CpuSnapshot,
    benchmark_database,
    connections_per_process,
    identity_numbers,
    insert_rows,
    percentiles,
    server,
)
from trygd.api.identity import DemoTokens
from trygd.applications.inputs import parse_application
from trygd.domain import meldekort
from trygd.rules.record import evaluate_record
from trygd.services.records import facts_as_json
from trygd.store.database import make_engine, migrate
from trygd.store.models import (
    AuditRecord,
    Behandling,
    DecisionRecordRow,
    Event,
    MeldekortCard,
    MeldekortResult,
    Person,
    Sak,
    Vedtak,
)

EXAMPLES = {"dagpenger": "dagpenger-lost-job", "aap": "aap-after-sykepenger"}
NAME = "Melder"  # the citizens are "Melder 000000", "Melder 000001", ...
# Answer patterns: hours worked per day of the 14 (and a sick day).
PATTERNS: tuple[list[dict[str, Any]], ...] = (
    [{"hours_worked": 0} for _ in range(14)],
    [{"hours_worked": 4 if d in (1, 3, 8) else 0} for d in range(14)],
    [{"hours_worked": 0, "sick": d == 2} for d in range(14)],
    [{"hours_worked": 7.5 if d % 7 < 5 else 0} for d in range(14)],
)


def open_period(today: dt.date) -> meldekort.Meldeperiode:
    """The latest period whose card can be sent today, in time if one can be."""
    period = meldekort.period_containing(today)
    candidates = []
    for _ in range(3):
        plan = meldekort.schedule(period)
        if plan.is_open(today):
            candidates.append(period)
        period = meldekort.Meldeperiode(period.number - 1)
    in_time = [p for p in candidates if not meldekort.schedule(p).is_late(today)]
    return (in_time or candidates)[0]


def load_citizens(
    engine: Engine, count: int, tokens: DemoTokens, period: meldekort.Meldeperiode
) -> list[tuple[str, str]]:
    """Insert `count` citizens with a running vedtak each; (token, path to send to)."""
    now = dt.datetime.now(dt.UTC)
    records: dict[str, uuid.UUID] = {}
    facts: dict[str, dict[str, Any]] = {}
    record_rows = []
    for benefit, example in EXAMPLES.items():
        with open(f"examples/{example}.json", encoding="utf-8") as file:
            app = parse_application(file.read())
        record = evaluate_record(app.benefit, app.facts, app.claim_date).to_json()
        assert record["outcome"] == "granted", example
        records[benefit] = uuid.uuid4()
        facts[benefit] = facts_as_json(dict(app.facts))
        record_rows.append(
            {
                "id": records[benefit],
                "benefit": benefit,
                "claim_date": period.start,
                "ruleset_version": "benchmark",
                "format": "trygd.decision/1",
                "record": record,
                "created_at": now,
            }
        )
    insert_rows(engine, DecisionRecordRow.__table__, record_rows)
    numbers = identity_numbers(seed=7)
    persons, saker, behandlinger, vedtak, jobs = [], [], [], [], []
    for i in range(count):
        number, birth = next(numbers)
        benefit = "dagpenger" if i % 2 == 0 else "aap"
        person_id, sak_id, behandling_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        name = f"{NAME} {i:06d}"
        persons.append(
            {
                "id": person_id,
                "identity_number": number,
                "name": name,
                "birth_date": birth,
                "municipality": "0301",
                "protection": "none",
                "skjermet": False,
                "created_at": now,
            }
        )
        saker.append(
            {
                "id": sak_id,
                "person_id": person_id,
                "benefit": benefit,
                "unit": "4450",
                "created_at": now,
            }
        )
        behandlinger.append(
            {
                "id": behandling_id,
                "sak_id": sak_id,
                "kind": "forstegangsbehandling",
                "state": "implemented",
                "claim_date": period.start,
                "facts": facts[benefit],
                "record_id": records[benefit],
                "outcome": "granted",
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
        vedtak.append(
            {
                "id": uuid.uuid4(),
                "sak_id": sak_id,
                "behandling_id": behandling_id,
                "outcome": "granted",
                "automatic": True,
                "decided_at": now,
                "effective_from": period.start,
                "ruleset_version": "benchmark",
                "facts": facts[benefit],
                "record_id": records[benefit],
            }
        )
        claims = {"sub": f"person:{person_id}", "name": name, "roles": ["citizen"], "pid": number}
        path = f"/api/v1/meldekort/{sak_id}/{period.start.isoformat()}"
        jobs.append((f"Bearer {tokens.issue(claims)}", path))
    for table, rows in (
        (Person.__table__, persons),
        (Sak.__table__, saker),
        (Behandling.__table__, behandlinger),
        (Vedtak.__table__, vedtak),
    ):
        insert_rows(engine, table, rows)
    return jobs


def card(i: int) -> bytes:
    return json.dumps({"days": PATTERNS[i % len(PATTERNS)], "still_job_seeker": True}).encode()


async def send_all(
    connections: list[Connection], jobs: list[tuple[str, str, bytes]], ramp_up: bool = False
) -> tuple[list[float], Counter[int], Counter[str]]:
    """POST every (token, path, body), one request in flight per connection (as
    `intake.submit_all`, with a path per card)."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    results: Counter[str] = Counter()
    pending = iter(jobs)

    async def post(connection: Connection, token: str, path: str, body: bytes) -> None:
        started = time.perf_counter()
        status, payload = await connection.post(path, token, body)
        latencies.append(time.perf_counter() - started)
        statuses[status] += 1
        if status == 201:
            answer = json.loads(payload)
            results[f"{answer['versions'][0]['result']['status']}, late={answer['late']}"] += 1

    async def user(
        connection: Connection, first: tuple[str, str, bytes], answered: asyncio.Event
    ) -> None:
        try:
            await post(connection, *first)
        finally:
            answered.set()
        for job in pending:
            await post(connection, *job)

    users = []
    firsts = [job for _, job in zip(connections, pending, strict=False)]
    for connection, first in zip(connections, firsts, strict=False):
        answered = asyncio.Event()
        users.append(asyncio.create_task(user(connection, first, answered)))
        if ramp_up:
            await answered.wait()
    await asyncio.gather(*users)
    return latencies, statuses, results


async def measure(
    base: str,
    server_pid: int,
    database: str,
    jobs: list[tuple[str, str, bytes]],
    warmup: int,
    concurrency: int,
) -> dict[str, Any]:
    url = httpx.URL(base)
    clients = [Connection(url.host, url.port or 80) for _ in range(concurrency)]
    try:
        _, warm_statuses, _ = await send_all(clients, jobs[:warmup], ramp_up=True)
        connections = connections_per_process(server_pid, url.port or 80)
        before = CpuSnapshot.take(server_pid, database)
        started = time.perf_counter()
        latencies, statuses, results = await send_all(clients, jobs[warmup:])
        elapsed = time.perf_counter() - started
        cpu = CpuSnapshot.take(server_pid, database).since(before)
    finally:
        for client in clients:
            client.close()
    measured = len(jobs) - warmup
    per_card = {k: round(v * 1000 / measured, 2) for k, v in cpu.items() if k != "other_processes"}
    return {
        "cards": measured,
        "warmup": warmup,
        "concurrency": concurrency,
        "connections_per_worker": connections,
        "seconds": round(elapsed, 3),
        "cards_per_second": round(measured / elapsed, 1),
        **percentiles(latencies),
        "errors": sum(n for code, n in statuses.items() if code != 201)
        + sum(n for code, n in warm_statuses.items() if code != 201),
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
        "results": dict(results),
        "cpu_seconds": cpu,
        "machine_busy_share": round(sum(cpu.values()) / (elapsed * CORES), 3),
        "cpu_ms_per_card": per_card,
        "cpu_bound_per_second": round(CORES * 1000 / sum(per_card.values()), 1),
    }


def check(engine: Engine, sent: int) -> dict[str, Any]:
    """What the sends left in the database: one card version and one result each, with the
    event and the audit records of the use case."""
    citizens = select(Person.id).where(Person.name.like(f"{NAME} %"))
    with engine.connect() as connection:

        def count(model: Any, *where: Any) -> int:
            return int(
                connection.scalar(select(func.count()).select_from(model).where(*where)) or 0
            )

        cards = count(MeldekortCard)
        results = count(MeldekortResult)
        events = count(Event, Event.type == "meldekort_sent")
        audit = count(AuditRecord, AuditRecord.person_id.in_(citizens), AuditRecord.completed)
    return {
        "cards_stored": cards,
        "results_stored": results,
        "cards_match": cards == sent == results,
        "events_per_card": round(events / sent, 2),
        "audit_records_per_card": round(audit / sent, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=3000, help="measured cards")
    parser.add_argument("--warmup", type=int, default=200, help="cards before measuring")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/test",
        help="a database on the server to use; the benchmark creates and drops its own beside it",
    )
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    args = parser.parse_args()
    if args.quick:
        args.cards, args.warmup = 300, 50
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    secret = secrets.token_urlsafe(32)
    today = dt.datetime.now(ZoneInfo("Europe/Oslo")).date()
    period = open_period(today)
    started = time.perf_counter()
    with benchmark_database(args.database_url) as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            total = args.warmup + args.cards
            citizens = load_citizens(engine, total, DemoTokens(secret), period)
            jobs = [(token, path, card(i)) for i, (token, path) in enumerate(citizens)]
            with server(url, secret, args.workers) as (base, pid):
                database = str(make_url(url).database)
                figures = asyncio.run(
                    measure(base, pid, database, jobs, args.warmup, args.concurrency)
                )
            figures["check"] = check(engine, total)
        finally:
            engine.dispose()
    plan = meldekort.schedule(period)
    report = {
        "benchmark": "meldekort",
        "machine": {
            "cpus": CORES,
            "python": sys.version.split()[0],
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "database": "postgresql",
        "server": {
            "command": f"trygd serve --demo --workers {args.workers} --no-job-worker",
            "workers": args.workers,
        },
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "today": today.isoformat(),
            "in_time": not plan.is_late(today),
        },
        "send": figures,
        "targets": {
            "cards_300_per_second": figures["cards_per_second"] >= 300,
            "p95_below_50_ms": figures["p95_ms"] < 50,
            "no_errors": figures["errors"] == 0,
        },
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if figures["errors"] or not figures["check"]["cards_match"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
