"""Benchmark of a G-regulering run on PostgreSQL; prints JSON figures.

Creates a fresh PostgreSQL database (dropped at the end) and bulk-inserts `--benefits`
running uføretrygd grants from 1 June 2025 (the 2025 G), each with its own decision record
(the example's facts with the income before uførhet varied, so no two records are alike and
every one is assessed again). Then it times:

- `rules_seconds`: `trygd.rules.regulation.regulate` on every record in this process, no
  database (what the rules themselves cost, one grant at a time);
- `run_seconds`: `CaseService.regulate` for the 2026 G (1 May 2026) end to end: choosing the
  saker, reading the vedtak and records, the access check and audit record per sak, the new
  record, behandling and vedtak per regulated grant, and the regulation rows;
- `database_share`: 1 - rules_seconds / run_seconds: what the database and bookkeeping cost.

Run: .venv/bin/python benchmarks/regulate.py [--benefits 20000] [--batch 500]
     [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import time
import uuid
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from trygd.applications.inputs import parse_application
from trygd.rules.record import FORMAT, DecisionRecord, evaluate_record
from trygd.rules.regulation import regulate
from trygd.services.facade import CaseService
from trygd.store.database import application_engine, make_engine, migrate
from trygd.store.models import Behandling, DecisionRecordRow, Person, Sak, Vedtak

EXAMPLE = "examples/uforetrygd-60-prosent.json"
CLAIM = dt.date(2025, 6, 1)
G_FROM = dt.date(2026, 5, 1)
CHUNK = 5_000


def records(count: int) -> list[DecisionRecord]:
    with open(EXAMPLE, encoding="utf-8") as file:
        document = json.load(file)
    out = []
    for index in range(count):
        document["facts"]["income_before_uforhet"] = 300_000 + (index * 37) % 700_000
        document["claim_date"] = CLAIM.isoformat()
        app = parse_application(json.dumps(document))
        out.append(evaluate_record(app.benefit, app.facts, app.claim_date))
    return out


def fill(url: str, made: list[DecisionRecord]) -> None:
    engine = make_engine(url)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        for first in range(0, len(made), CHUNK):
            rows: dict[str, list[dict[str, Any]]] = {
                "persons": [],
                "saker": [],
                "records": [],
                "behandlinger": [],
                "vedtak": [],
            }
            for index in range(first, min(first + CHUNK, len(made))):
                record = made[index]
                pid, sid, bid, rid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
                rows["persons"].append(
                    {
                        "id": pid,
                        "identity_number": f"{index:011d}",  # not a real number
                        "name": f"Person {index}",
                        "birth_date": dt.date(1978, 4, 12),
                        "municipality": "0301",
                        "protection": "none",
                        "skjermet": False,
                        "language": "nb",
                        "created_at": now,
                    }
                )
                rows["saker"].append(
                    {
                        "id": sid,
                        "person_id": pid,
                        "benefit": "uforetrygd",
                        "unit": "4405",
                        "created_at": now,
                    }
                )
                rows["records"].append(
                    {
                        "id": rid,
                        "benefit": "uforetrygd",
                        "claim_date": CLAIM,
                        "ruleset_version": record.ruleset_version,
                        "format": FORMAT,
                        "record": record.to_json(),
                        "created_at": now,
                    }
                )
                rows["behandlinger"].append(
                    {
                        "id": bid,
                        "sak_id": sid,
                        "kind": "forstegangsbehandling",
                        "state": "implemented",
                        "claim_date": CLAIM,
                        "facts": {},
                        "record_id": rid,
                        "outcome": "granted",
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
                rows["vedtak"].append(
                    {
                        "id": uuid.uuid4(),
                        "sak_id": sid,
                        "behandling_id": bid,
                        "outcome": "granted",
                        "automatic": True,
                        "decided_at": now,
                        "effective_from": CLAIM,
                        "ruleset_version": record.ruleset_version,
                        "facts": {},
                        "record_id": rid,
                    }
                )
            connection.execute(insert(Person), rows["persons"])
            connection.execute(insert(Sak), rows["saker"])
            connection.execute(insert(DecisionRecordRow), rows["records"])
            connection.execute(insert(Behandling), rows["behandlinger"])
            connection.execute(insert(Vedtak), rows["vedtak"])
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--benefits", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    args = parser.parse_args()
    name = f"trygd_bench_regulate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        started = time.perf_counter()
        made = records(args.benefits)
        evaluate_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for record in made:
            regulate(record, G_FROM)
        rules_seconds = time.perf_counter() - started
        fill(url, made)
        del made
        app_engine = application_engine(url)
        service = CaseService(app_engine)
        started = time.perf_counter()
        report = service.regulate(G_FROM, batch=args.batch)
        run_seconds = time.perf_counter() - started
        figures = {
            "benefits": args.benefits,
            "evaluate_seconds": round(evaluate_seconds, 1),
            "rules_seconds": round(rules_seconds, 2),
            "rules_benefits_per_second": round(args.benefits / rules_seconds),
            "run_seconds": round(run_seconds, 1),
            "benefits_per_second": round(args.benefits / run_seconds),
            "database_share": round(1 - rules_seconds / run_seconds, 3),
            "counts": dict(report.counts),
            "yearly_change_nok": report.yearly_change_ore // 100,
            "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
        print(json.dumps(figures, indent=2))
        app_engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
