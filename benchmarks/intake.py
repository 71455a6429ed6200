"""Benchmark of the case-processing API on PostgreSQL; prints JSON figures.

Everything runs against a real `trygd serve` process on loopback, started by this script on
a free port and a fresh PostgreSQL database that it creates first and drops at the end (also
on errors, after stopping the server). The server runs as an operator would run it:
`trygd serve --demo --workers N --no-job-worker`, with TRYGD_TOKEN_SECRET set here so that
this script can sign its own tokens.

- intake: applications (dagpenger and sykepenger, alternating) submitted with POST
  /api/v1/applications, each by its own citizen, each going all the way to an automatic vedtak
  in one transaction: facts validated, rules run and explained, case, søknad, behandling,
  vedtak, iverksetting job, case events and audit record. The citizens are inserted into
  `persons` first, each with a signed citizen token. A lean asyncio HTTP/1.1 client
  (`Connection`; the load generator shares the cores, so it must cost little) keeps
  `--concurrency` keep-alive connections with one request in flight on each. During the warm-up
  its connections open one at a time (see `submit_all`); uvicorn's workers share one listening
  socket and a connection stays with the worker that accepted it, so `connections_per_worker`
  shows how evenly the load was spread. Reported for the measured run: throughput, client-side
  latency p50/p95/p99, answers other than 201 (must be 0), and CPU seconds per application of
  the server (all workers), of the PostgreSQL backends serving the benchmark database and of
  this client, plus what other processes on the machine took meanwhile; `cpu_bound_per_second`
  is the throughput those CPU costs allow with every core busy and nothing else running.
  Afterwards the database is checked: one automatic vedtak per application, and its events and
  audit records.
- queue: `--cases` cases (persons, saker, behandlinger, oppgaver) are bulk-inserted with
  SQLAlchemy Core before the server starts, spread over benefits and municipalities and thereby
  over ~40 units, as `responsible_unit` routes them; about 10% of the tasks are open, the rest
  closed. A caseworker of the unit with the most open tasks then reads the first page of their
  queue, GET /api/v1/tasks?limit=50, one request at a time (p50/p95/p99 over
  `--queue-requests`), and the same use case is timed in-process through `CaseService.queue`.

The server, PostgreSQL and this client share the machine's cores, so the figures are those of
the whole system on one machine; on a shared machine, look at `other_processes` first.

Run: .venv/bin/python benchmarks/intake.py [--applications 3000] [--concurrency 8]
     [--workers 2] [--cases 100000] [--database-url postgresql://postgres@127.0.0.1:5432/test]
     [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.engine import make_url

from trygd.api.identity import DemoTokens
from trygd.demo.seed import PERSONS as DEMO_PERSONS
from trygd.domain.behandling import Kind, State
from trygd.domain.identity import synthetic_identity_number
from trygd.domain.units import MUNICIPALITIES, responsible_unit
from trygd.privacy.policy import Actor, Role
from trygd.services.facade import CaseService, Settings
from trygd.services.unit_of_work import RequestContext
from trygd.store.database import make_engine, migrate
from trygd.store.models import AuditRecord, Behandling, Event, Oppgave, Person, Sak, Vedtak

CLAIM_DATE = "2026-11-13"
OPEN_SHARE = 0.10
CASEWORKER = "Z990301"
CITIZEN_NAME = "Søker"  # the intake citizens are "Søker 000000", "Søker 000001", ...
CORES = os.cpu_count() or 1

# How often each benefit and municipality occurs among the bulk-loaded cases (rough shares).
BENEFIT_WEIGHTS = {"dagpenger": 30, "sykepenger": 35, "aap": 25, "uforetrygd": 10}
BIG_MUNICIPALITIES = {"0301": 20, "4601": 8, "5001": 6, "1103": 4}


# -- database -----------------------------------------------------------------------------------


@contextlib.contextmanager
def benchmark_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server of `admin_url`; dropped on the way out."""
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=None)
    name = f"trygd_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def identity_numbers(seed: int) -> Iterator[tuple[str, dt.date]]:
    """Distinct synthetic identity numbers with their birth dates (ages 20 to 66), endlessly;
    never one of the demo persons' numbers (the server loads those with --demo)."""
    rng = random.Random(seed)
    first, days = dt.date(1960, 1, 1), 46 * 365
    demo = {synthetic_identity_number(p.birth_date, i) for i, p in enumerate(DEMO_PERSONS)}
    per_day: Counter[dt.date] = Counter()
    while True:
        birth = first + dt.timedelta(days=rng.randrange(days))
        number = synthetic_identity_number(birth, per_day[birth])
        per_day[birth] += 1
        if number not in demo:
            yield number, birth


def insert_rows(engine: Engine, table: Any, rows: list[dict[str, Any]], batch: int = 5000) -> None:
    with engine.begin() as connection:
        for start in range(0, len(rows), batch):
            connection.execute(insert(table), rows[start : start + batch])


def load_citizens(
    engine: Engine, count: int, tokens: DemoTokens, numbers: Iterator[tuple[str, dt.date]]
) -> list[str]:
    """Insert `count` persons (Oslo, no protection); their citizen tokens, in order."""
    now = dt.datetime.now(dt.UTC)
    rows, headers = [], []
    for i in range(count):
        number, birth = next(numbers)
        person_id = uuid.uuid4()
        name = f"{CITIZEN_NAME} {i:06d}"
        rows.append(
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
        claims = {
            "sub": f"person:{person_id}",
            "name": name,
            "roles": ["citizen"],
            "pid": number,
        }
        headers.append(f"Bearer {tokens.issue(claims)}")
    insert_rows(engine, Person.__table__, rows)
    return headers


def load_cases(
    engine: Engine, count: int, numbers: Iterator[tuple[str, dt.date]], seed: int = 2
) -> dict[str, Any]:
    """Bulk-insert `count` cases with a person, a behandling and a task each."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    benefits = list(BENEFIT_WEIGHTS)
    benefit_weights = list(BENEFIT_WEIGHTS.values())
    municipalities = list(MUNICIPALITIES)
    municipality_weights = [BIG_MUNICIPALITIES.get(m, 1) for m in municipalities]
    persons, saker, behandlinger, oppgaver = [], [], [], []
    open_by_unit: Counter[str] = Counter()
    started = time.perf_counter()
    for i in range(count):
        number, birth = next(numbers)
        benefit = rng.choices(benefits, benefit_weights)[0]
        municipality = rng.choices(municipalities, municipality_weights)[0]
        roll = rng.random()
        protection = "strengt_fortrolig" if roll < 0.003 else "fortrolig" if roll < 0.01 else "none"
        skjermet = rng.random() < 0.01
        unit = responsible_unit(benefit, municipality, protection).number
        created = now - dt.timedelta(seconds=rng.randrange(2 * 365 * 86400))
        is_open = rng.random() < OPEN_SHARE
        person_id, sak_id, behandling_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        persons.append(
            {
                "id": person_id,
                "identity_number": number,
                "name": f"Person {i:06d}",
                "birth_date": birth,
                "municipality": municipality,
                "protection": protection,
                "skjermet": skjermet,
                "created_at": created,
            }
        )
        saker.append(
            {
                "id": sak_id,
                "person_id": person_id,
                "benefit": benefit,
                "unit": unit,
                "created_at": created,
            }
        )
        manual = benefit in ("aap", "uforetrygd")
        kind, reason = "assess", "manual_benefit" if manual else "undetermined_conditions"
        if is_open and rng.random() < 0.25:
            kind, reason = "approve", "totrinnskontroll"
        if is_open:
            state = State.PROPOSED if kind == "approve" else State.ASSESSING
            outcome = None
        else:
            state = State.IMPLEMENTED
            outcome = "granted" if rng.random() < 0.8 else "rejected"
        behandlinger.append(
            {
                "id": behandling_id,
                "sak_id": sak_id,
                "kind": Kind.FIRST.value,
                "state": state.value,
                "soknad_id": None,
                "revises_vedtak_id": None,
                "claim_date": created.date(),
                "facts": {"stays_in_norway": True, "children": rng.randrange(4)},
                "record_id": None,
                "outcome": outcome,
                "ruleset_version": None,
                "assigned_to": None,
                "proposed_by": None,
                "proposal_reason": None,
                "approved_by": None,
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
        )
        oppgaver.append(
            {
                "id": uuid.uuid4(),
                "sak_id": sak_id,
                "behandling_id": behandling_id,
                "person_id": person_id,
                "kind": kind,
                "reason": reason,
                "benefit": benefit,
                "unit": unit,
                "skjermet": skjermet,
                "status": "open" if is_open else "closed",
                "assigned_to": None,
                "created_at": created,
                "closed_at": None if is_open else created + dt.timedelta(days=rng.randrange(60)),
            }
        )
        if is_open and not skjermet:
            open_by_unit[unit] += 1
    generated = time.perf_counter() - started
    for table, rows in (
        (Person.__table__, persons),
        (Sak.__table__, saker),
        (Behandling.__table__, behandlinger),
        (Oppgave.__table__, oppgaver),
    ):
        insert_rows(engine, table, rows)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
        units = connection.scalar(select(func.count(func.distinct(Sak.unit))))
    busiest, busiest_open = open_by_unit.most_common(1)[0]
    return {
        "cases": count,
        "units": units,
        "open_tasks": sum(1 for t in oppgaver if t["status"] == "open"),
        "busy_unit": busiest,
        "busy_unit_open_tasks": busiest_open,
        "generate_seconds": round(generated, 2),
        "insert_seconds": round(time.perf_counter() - started - generated, 2),
    }


# -- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(url: str, secret: str, workers: int) -> Iterator[tuple[str, int]]:
    """`trygd serve` in its own process group; yields (base URL, pid); stopped on the way out."""
    port = free_port()
    env = {**os.environ, "TRYGD_DATABASE_URL": url, "TRYGD_TOKEN_SECRET": secret}
    command = [
        str(Path(sys.executable).with_name("trygd")),
        "serve",
        "--demo",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-job-worker",
    ]
    base = f"http://127.0.0.1:{port}/api/v1"
    with tempfile.TemporaryFile() as output:  # not a pipe: a full pipe would stall the server
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while not _answers(f"{base}/health"):
                if process.poll() is not None:
                    output.seek(0)
                    said = output.read().decode(errors="replace")[-2000:]
                    raise RuntimeError(f"trygd serve exited with {process.returncode}: {said}")
                if time.monotonic() > deadline:
                    raise RuntimeError("trygd serve did not answer within 60 s")
                time.sleep(0.1)
            yield base, process.pid
        finally:
            _stop(process)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (uvicorn's supervisor stops its workers), and
    SIGKILL to the group if that takes too long."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) that process `pid` has used so far; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process we can see."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, IndexError, UnicodeDecodeError):
                continue
            found[int(entry.name)] = (parent, command)
    return found


def _process_tree(root: int, processes: dict[int, tuple[int, str]]) -> set[int]:
    tree, grew = {root}, True
    while grew:
        children = {p for p, (parent, _) in processes.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return tree


def _machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all processes, all cores) since boot."""
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuSnapshot:
    """CPU seconds so far, per process, of the server (with its workers), of the PostgreSQL
    backends serving the benchmark database, and of this client; and of the whole machine."""

    server: dict[int, float]
    postgres: dict[int, float]
    client: float
    machine: float

    @classmethod
    def take(cls, server_pid: int, database: str) -> CpuSnapshot:
        processes = _processes()
        backends = {
            pid
            for pid, (_, command) in processes.items()
            if command.startswith("postgres: ") and f" {database} " in command
        }
        return cls(
            server={pid: _cpu_seconds(pid) for pid in _process_tree(server_pid, processes)},
            postgres={pid: _cpu_seconds(pid) for pid in backends},
            client=_cpu_seconds(os.getpid()),
            machine=_machine_busy_seconds(),
        )

    def since(self, before: CpuSnapshot) -> dict[str, float]:
        """CPU seconds used between `before` and this snapshot. A process that ended in
        between is missed; the connection pools keep theirs open, so this is rare."""

        def used(now: dict[int, float], then: dict[int, float]) -> float:
            return sum(seconds - then.get(pid, 0.0) for pid, seconds in now.items())

        ours = {
            "server": used(self.server, before.server),
            "postgres": used(self.postgres, before.postgres),
            "client": self.client - before.client,
        }
        others = max(0.0, self.machine - before.machine - sum(ours.values()))
        return {**{k: round(v, 2) for k, v in ours.items()}, "other_processes": round(others, 2)}


def connections_per_process(server_pid: int, port: int) -> list[int]:
    """How many open client connections each server process holds (most first): the workers
    share one listening socket, and a connection stays with the worker that accepted it."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                established.add(fields[9])  # the socket's inode
    counts = []
    for pid in _process_tree(server_pid, _processes()):
        try:
            links = [os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        held = sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in established)
        if held:
            counts.append(held)
    return sorted(counts, reverse=True)


# -- load ---------------------------------------------------------------------------------------


def application(i: int) -> bytes:
    """An application the rules decide automatically (granted or rejected) on CLAIM_DATE."""
    if i % 2 == 0:
        body = {
            "benefit": "dagpenger",
            "claim_date": CLAIM_DATE,
            "facts": {
                "stays_in_norway": True,
                "income_12m": 200000 + (i % 50) * 4000,
                "income_36m": 720000,
                "normal_working_hours": 37.5,
                "current_working_hours": 0,
                "registered_job_seeker": True,
                "genuine_job_seeker": True,
                "self_inflicted_unemployment": False,
                "children": i % 4,
            },
        }
    else:
        body = {
            "benefit": "sykepenger",
            "claim_date": CLAIM_DATE,
            "facts": {
                "folketrygd_member": True,
                "days_in_work": 1200,
                "incapacity_due_to_illness": True,
                "loses_pensionable_income": True,
                "sick_leave_grade": 100,
                "sick_leave_history": [],
                "yearly_income": 300000 + (i % 50) * 6000,
            },
        }
    return json.dumps(body).encode()


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


class Connection:
    """One keep-alive HTTP/1.1 connection that can POST and read one answer at a time.

    The load client shares the two cores with the server and PostgreSQL, so it should cost as
    little CPU as possible: this does only what the benchmark needs (uvicorn always answers
    with a Content-Length), about a fifth of what an httpx request costs.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, token: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        headers = await self.reader.readuntil(b"\r\n\r\n")
        status = int(headers[9:12])
        length = 0
        for line in headers.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def submit_all(
    connections: list[Connection],
    path: str,
    jobs: list[tuple[str, bytes]],
    ramp_up: bool = False,
) -> tuple[list[float], Counter[int], Counter[str]]:
    """POST every (token, body), one request in flight per connection; latencies and answers.

    Each simulated user keeps one connection. With `ramp_up`, the users (and so their
    connections) start one at a time, each once the one before has had its first answer, as
    load on a real server grows; started all at once, every connection would be accepted by
    whichever server worker woke first.
    """
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    outcomes: Counter[str] = Counter()
    pending = iter(jobs)

    async def post(connection: Connection, token: str, body: bytes) -> None:
        started = time.perf_counter()
        status, payload = await connection.post(path, token, body)
        latencies.append(time.perf_counter() - started)
        statuses[status] += 1
        if status == 201:
            answer = json.loads(payload)
            outcomes[f"{answer['state']} {answer['outcome']}, automatic={answer['automatic']}"] += 1

    async def user(
        connection: Connection, first: tuple[str, bytes], answered: asyncio.Event
    ) -> None:
        try:
            await post(connection, *first)
        finally:
            answered.set()
        for job in pending:
            await post(connection, *job)

    users = []
    firsts = list(itertools.islice(pending, len(connections)))
    for connection, first in zip(connections, firsts, strict=False):
        answered = asyncio.Event()
        users.append(asyncio.create_task(user(connection, first, answered)))
        if ramp_up:  # the next user connects once this one has its first answer
            await answered.wait()
    await asyncio.gather(*users)
    return latencies, statuses, outcomes


async def intake(
    base: str, server_pid: int, database: str, tokens: list[str], warmup: int, concurrency: int
) -> dict[str, Any]:
    jobs = [(token, application(i)) for i, token in enumerate(tokens)]
    url = httpx.URL(f"{base}/applications")
    clients = [Connection(url.host, url.port or 80) for _ in range(concurrency)]
    path = url.raw_path.decode()
    try:
        _, warm_statuses, _ = await submit_all(clients, path, jobs[:warmup], ramp_up=True)
        connections = connections_per_process(server_pid, url.port or 80)
        before = CpuSnapshot.take(server_pid, database)
        started = time.perf_counter()
        latencies, statuses, outcomes = await submit_all(clients, path, jobs[warmup:])
        elapsed = time.perf_counter() - started
        cpu = CpuSnapshot.take(server_pid, database).since(before)
    finally:
        for client in clients:
            client.close()
    measured = len(jobs) - warmup
    per_application = {
        k: round(v * 1000 / measured, 2) for k, v in cpu.items() if k != "other_processes"
    }
    return {
        "applications": measured,
        "warmup": warmup,
        "concurrency": concurrency,
        "connections_per_worker": connections,
        "seconds": round(elapsed, 3),
        "per_second": round(measured / elapsed, 1),
        **percentiles(latencies),
        "non_201": sum(n for code, n in statuses.items() if code != 201)
        + sum(n for code, n in warm_statuses.items() if code != 201),
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
        "outcomes": dict(outcomes),
        "cpu_seconds": cpu,
        "machine_busy_share": round(sum(cpu.values()) / (elapsed * CORES), 3),
        "cpu_ms_per_application": per_application,
        # What the run would reach with every core to itself and fully busy.
        "cpu_bound_per_second": round(CORES * 1000 / sum(per_application.values()), 1),
    }


async def read_queue(base: str, token: str, requests: int, warmup: int) -> dict[str, Any]:
    headers = {"Authorization": token}
    url = f"{base}/tasks?limit=50"
    latencies: list[float] = []
    async with httpx.AsyncClient(timeout=60) as client:
        for i in range(warmup + requests):
            started = time.perf_counter()
            response = await client.get(url, headers=headers)
            if i >= warmup:
                latencies.append(time.perf_counter() - started)
            response.raise_for_status()
            page = response.json()
    return {
        "requests": requests,
        "items": len(page["items"]),
        "total": page["total"],
        **percentiles(latencies),
    }


def queue_in_process(url: str, unit: str, requests: int, warmup: int) -> dict[str, Any]:
    engine = make_engine(url)
    service = CaseService(engine, Settings(demo=True))
    actor = Actor(CASEWORKER, "Benchmark Saksbehandler", frozenset({Role.CASEWORKER}), unit)
    latencies = []
    try:
        for i in range(warmup + requests):
            started = time.perf_counter()
            service.queue(RequestContext(actor), None, None, 50, 0)
            if i >= warmup:
                latencies.append(time.perf_counter() - started)
    finally:
        engine.dispose()
    return {"requests": requests, **percentiles(latencies)}


def check_intake(engine: Engine, applications: int) -> dict[str, Any]:
    """What the applications left in the database: one automatic vedtak each, with the case
    events and audit records of their use case."""
    citizens = select(Person.id).where(Person.name.like(f"{CITIZEN_NAME} %"))
    cases = select(Sak.id).where(Sak.person_id.in_(citizens))
    with engine.connect() as connection:

        def count(table: Any, *where: Any) -> int:
            return int(
                connection.scalar(select(func.count()).select_from(table).where(*where)) or 0
            )

        vedtak = count(Vedtak, Vedtak.sak_id.in_(cases), Vedtak.automatic)
        events = count(Event, Event.sak_id.in_(cases))
        audit = count(AuditRecord, AuditRecord.person_id.in_(citizens), AuditRecord.completed)
    return {
        "vedtak_made": vedtak,
        "vedtak_match": vedtak == applications,
        "events_per_application": round(events / applications, 2),
        "audit_records_per_application": round(audit / applications, 2),
    }


# -- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=3000, help="measured applications")
    parser.add_argument("--warmup", type=int, default=200, help="applications before measuring")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--cases", type=int, default=100_000, help="cases loaded for the queue")
    parser.add_argument("--queue-requests", type=int, default=300)
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/test",
        help="a database on the server to use; the benchmark creates and drops its own beside it",
    )
    parser.add_argument("--quick", action="store_true", help="a small smoke run (< 30 s)")
    args = parser.parse_args()
    if args.quick:
        args.applications, args.warmup, args.cases, args.queue_requests = 200, 100, 5000, 100
    # Stopped with SIGTERM, still stop the server and drop the database (the `finally`s below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    secret = secrets.token_urlsafe(32)
    started = time.perf_counter()
    with benchmark_database(args.database_url) as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            numbers = identity_numbers(seed=1)
            dataset = load_cases(engine, args.cases, numbers)
            citizens = load_citizens(
                engine, args.warmup + args.applications, DemoTokens(secret), numbers
            )
            with server(url, secret, args.workers) as (base, pid):
                database = str(make_url(url).database)
                figures = asyncio.run(
                    intake(base, pid, database, citizens, args.warmup, args.concurrency)
                )
                figures["check"] = check_intake(engine, len(citizens))
                unit = dataset["busy_unit"]
                caseworker = DemoTokens(secret).issue(
                    {
                        "sub": CASEWORKER,
                        "name": "Benchmark Saksbehandler",
                        "roles": ["caseworker"],
                        "unit": unit,
                        "clearances": [],
                    }
                )
                queue_api = asyncio.run(
                    read_queue(base, f"Bearer {caseworker}", args.queue_requests, warmup=20)
                )
            queue_service = queue_in_process(url, unit, args.queue_requests, warmup=20)
        finally:
            engine.dispose()
    report = {
        "benchmark": "intake",
        "machine": {"cpus": CORES, "python": sys.version.split()[0]},
        "database": "postgresql",
        "server": {
            "command": f"trygd serve --demo --workers {args.workers} --no-job-worker",
            "workers": args.workers,
        },
        "intake": figures,
        "queue": {"dataset": dataset, "api": queue_api, "service": queue_service},
        "targets": {
            "intake_300_per_second": figures["per_second"] >= 300,
            "intake_p95_below_50_ms": figures["p95_ms"] < 50,
            "queue_api_p95_below_50_ms": queue_api["p95_ms"] < 50,
        },
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if figures["non_201"] or not figures["check"]["vedtak_match"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
