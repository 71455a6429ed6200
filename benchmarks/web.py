"""Benchmark of the web pages: the time to serve each main page, with 10k cases loaded.

A fresh database (PostgreSQL by default, created here and dropped at the end; or a SQLite file
with `--sqlite`) is migrated and `--cases` cases are bulk-loaded (persons, saker, behandlinger
and tasks spread over the benefits and ~40 NAV units, as `benchmarks/intake.py` loads them;
about 10% of the tasks open). Then `trygd serve --demo` starts on it (one server process, its
demo data on top) and each page is fetched `--requests` times, one request at a time, by a
signed-in browser-like client (session cookie from the demo sign-in form, CSRF included).
Pages reached through a link (a case, a letter) are found by following the first matching
link on the page before them, as a person would click.

Printed: per page the status, the size and p50/p95/max in milliseconds (client side, on
loopback), and whether every page's p95 is under the target of 100 ms.

Run: .venv/bin/python benchmarks/web.py [--cases 10000] [--requests 60] [--sqlite]
     [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import re
import secrets
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select, update

from intake import (
    CORES,
    benchmark_database,
    identity_numbers,
    load_cases,
    server,
)
from trygd.applications.inputs import parse_application
from trygd.rules.record import FORMAT as RECORD_FORMAT
from trygd.rules.record import evaluate_record
from trygd.services.records import facts_as_json
from trygd.store.database import make_engine, migrate
from trygd.store.models import Behandling, DecisionRecordRow, Sak

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# One real application per benefit gives the bulk-loaded behandlinger their facts and rule
# result, so that a case page shows conditions, calculations and a letter preview.
EXAMPLE_PER_BENEFIT = {
    "dagpenger": "dagpenger-lost-job.json",
    "sykepenger": "sykepenger-lisa.json",
    "aap": "aap-40-percent.json",
    "uforetrygd": "uforetrygd-60-prosent.json",
}

TARGET_P95_MS = 100.0


@dataclass(frozen=True)
class PageSpec:
    """A page to time: `path`, or the first link matching `follow` on the page `after`."""

    name: str
    user: str  # a demo user's label on the sign-in page ("" for signed out)
    path: str | None = None
    after: str | None = None
    follow: str | None = None


PAGES = (
    PageSpec("front page", "", "/"),
    PageSpec("benefit guide", "", "/guide"),
    PageSpec("citizen: your page", "Anna Dahl", "/my"),
    PageSpec("citizen: your cases", "Anna Dahl", "/my/cases"),
    PageSpec(
        "citizen: one case", "Anna Dahl", after="/my/cases", follow=r"/my/cases/[0-9a-f-]{36}"
    ),
    PageSpec("citizen: apply", "Anna Dahl", "/apply"),
    PageSpec("citizen: your data", "Anna Dahl", "/my/data"),
    PageSpec("caseworker: task queue", "Kari Saksbehandler", "/staff/tasks"),
    PageSpec(
        "caseworker: case",
        "Kari Saksbehandler",
        after="/staff/tasks",
        follow=r"/staff/behandlinger/[0-9a-f-]{36}",
    ),
    PageSpec("caseworker: find a person", "Kari Saksbehandler", "/staff/search"),
    PageSpec("approver: task queue", "Ola Beslutter", "/staff/tasks"),
    PageSpec("klageinstans: appeals", "Lise Klageinstans", "/klageinstans"),
)


def sign_in(client: httpx.Client, label: str) -> None:
    """Sign in through the demo sign-in form, as a browser does."""
    page = client.get("/login")
    page.raise_for_status()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    user = re.search(
        r'value="([^"]+)"[^>]*>\s*<label[^>]*>\s*<span[^>]*>' + re.escape(label) + "<", page.text
    )
    if csrf is None or user is None:
        raise RuntimeError(f"cannot find the demo user {label!r} on the sign-in page")
    answer = client.post(
        "/login", data={"csrf_token": csrf.group(1), "user": user.group(1), "next": "/"}
    )
    if answer.status_code not in (200, 303):
        raise RuntimeError(f"sign-in as {label!r} failed with {answer.status_code}")


def resolve(client: httpx.Client, spec: PageSpec) -> str:
    if spec.path is not None:
        return spec.path
    assert spec.after is not None and spec.follow is not None
    page = client.get(spec.after)
    found = re.search(r'href="(' + spec.follow + r')"', page.text)
    if found is None:
        raise RuntimeError(f"{spec.name}: no link matching {spec.follow!r} on {spec.after}")
    return found.group(1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_page(client: httpx.Client, path: str, requests: int, warmup: int) -> dict[str, object]:
    statuses: set[int] = set()
    size = 0
    for _ in range(warmup):
        client.get(path)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        statuses.add(answer.status_code)
        size = len(answer.content)
    return {
        "path": re.sub(r"[0-9a-f-]{36}", "{id}", path),
        "statuses": sorted(statuses),
        "bytes": size,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
    }


def give_cases_their_assessments(engine: Any) -> None:
    """Facts and a rule result (from `examples/`) on every bulk-loaded behandling."""
    with engine.begin() as connection:
        for benefit, file in EXAMPLE_PER_BENEFIT.items():
            application = parse_application((EXAMPLES / file).read_text(encoding="utf-8"))
            record = evaluate_record(benefit, application.facts, application.claim_date)
            record_id = uuid.uuid4()
            connection.execute(
                insert(DecisionRecordRow).values(
                    id=record_id,
                    benefit=benefit,
                    claim_date=record.at,
                    ruleset_version=record.ruleset_version,
                    format=RECORD_FORMAT,
                    record=record.to_json(),
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
            connection.execute(
                update(Behandling)
                .where(Behandling.sak_id.in_(select(Sak.id).where(Sak.benefit == benefit)))
                .values(
                    facts=facts_as_json(application.facts),
                    record_id=record_id,
                    ruleset_version=record.ruleset_version,
                )
            )


@contextlib.contextmanager
def database(args: argparse.Namespace) -> Iterator[str]:
    if args.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    else:
        with benchmark_database(args.database_url) as url:
            yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases loaded first")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead")
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/test",
        help="a database on the server to use; the benchmark creates and drops its own beside it",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    secret = secrets.token_urlsafe(32)
    pages: dict[str, object] = {}
    with database(args) as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            dataset = load_cases(engine, args.cases, identity_numbers(seed=3))
            give_cases_their_assessments(engine)
        finally:
            engine.dispose()
        with server(url, secret, workers=1) as (api_base, _pid):
            base = api_base.removesuffix("/api/v1")
            clients: dict[str, httpx.Client] = {}
            try:
                for spec in PAGES:
                    client = clients.get(spec.user)
                    if client is None:
                        client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
                        if spec.user:
                            sign_in(client, spec.user)
                        clients[spec.user] = client
                    path = resolve(client, spec)
                    pages[spec.name] = time_page(client, path, args.requests, args.warmup)
            finally:
                for client in clients.values():
                    client.close()
    worst = max(float(p["p95_ms"]) for p in pages.values())  # type: ignore[index,arg-type]
    report = {
        "benchmark": "web",
        "machine": {"cpus": CORES, "python": sys.version.split()[0]},
        "database": "sqlite" if args.sqlite else "postgresql",
        "dataset": dataset,
        "requests_per_page": args.requests,
        "pages": pages,
        "worst_p95_ms": worst,
        "targets": {"every_page_p95_below_100_ms": worst < TARGET_P95_MS},
        "all_answered_200": all(p["statuses"] == [200] for p in pages.values()),  # type: ignore[index]
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if not report["all_answered_200"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
