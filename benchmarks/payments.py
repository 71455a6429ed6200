"""Benchmark of a full payment run on PostgreSQL; prints JSON figures.

Creates a fresh PostgreSQL database (dropped at the end), bulk-inserts `--persons` persons,
each with a granted uføretrygd vedtak (one stored decision record shared by all: the plan
reads its amounts like any other) and payment details (a valid account, a percentage tax
card), then times `CaseService.payment_run` for one date in-process: planning every sak,
withholding tax, writing and validating one pain.001 file, posting the ledger. Reported:
seconds, persons per second, lines, peak memory of this process (ru_maxrss), whether the
ledger sums to zero, and a second run of the same date (nothing new: the idempotent path).

Dagpenger and AAP are paid per meldekort, which this branch takes from the meldekort
services; they are not in it, so the benchmark pays uføretrygd (one line per month).

Run: .venv/bin/python benchmarks/payments.py [--persons 100000] [--months 1]
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

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from trygd.applications.inputs import parse_application
from trygd.bank.pain001 import validate_pain001
from trygd.rules.record import evaluate_record
from trygd.services.facade import CaseService
from trygd.store.database import application_engine, make_engine, migrate
from trygd.store.models import (
    Behandling,
    DecisionRecordRow,
    PaymentDetails,
    PaymentOrder,
    Person,
    Sak,
    Vedtak,
)

EXAMPLE = "examples/uforetrygd-60-prosent.json"
WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def account(index: int) -> str:
    number = 1503_000_000 + index * 3
    while True:
        digits = f"{number:010d}"
        rest = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
        check = 0 if rest == 0 else 11 - rest
        if check != 10:
            return digits + str(check)
        number += 1


def fill(url: str, persons: int, effective: dt.date) -> None:
    engine = make_engine(url)
    now = dt.datetime.now(dt.UTC)
    with open(EXAMPLE, encoding="utf-8") as file:
        app = parse_application(file.read())
    record = evaluate_record(app.benefit, app.facts, app.claim_date).to_json()
    record_id = uuid.uuid4()
    with engine.begin() as connection:
        connection.execute(
            insert(DecisionRecordRow),
            [
                {
                    "id": record_id,
                    "benefit": "uforetrygd",
                    "claim_date": effective,
                    "ruleset_version": "benchmark",
                    "format": "trygd.decision/1",
                    "record": record,
                    "created_at": now,
                }
            ],
        )
        for first in range(0, persons, 10_000):
            rows: dict[str, list[dict[str, Any]]] = {
                "persons": [],
                "saker": [],
                "behandlinger": [],
                "vedtak": [],
                "details": [],
            }
            for index in range(first, min(first + 10_000, persons)):
                pid, sid, bid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
                birth = dt.date(1960, 1, 1) + dt.timedelta(days=index % 9000)
                rows["persons"].append(
                    {
                        "id": pid,
                        "identity_number": f"{index:011d}",  # not a real number
                        "name": f"Person {index}",
                        "birth_date": birth,
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
                        "unit": "4450",
                        "created_at": now,
                    }
                )
                rows["behandlinger"].append(
                    {
                        "id": bid,
                        "sak_id": sid,
                        "kind": "forstegangsbehandling",
                        "state": "implemented",
                        "claim_date": effective,
                        "facts": {},
                        "record_id": record_id,
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
                        "effective_from": effective,
                        "ruleset_version": "benchmark",
                        "facts": {},
                        "record_id": record_id,
                    }
                )
                rows["details"].append(
                    {
                        "person_id": pid,
                        "account_number": account(index),
                        "account_source": "benchmark",
                        "tax_card": {"kind": "percentage", "percentage": "30"},
                        "tax_card_year": effective.year,
                        "updated_at": now,
                    }
                )
            connection.execute(insert(Person), rows["persons"])
            connection.execute(insert(Sak), rows["saker"])
            connection.execute(insert(Behandling), rows["behandlinger"])
            connection.execute(insert(Vedtak), rows["vedtak"])
            connection.execute(insert(PaymentDetails), rows["details"])
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=1)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    args = parser.parse_args()
    name = f"trygd_bench_payments_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        run_date = dt.date(2026, 11, 20)
        effective = dt.date(2026, 11 - args.months + 1, 1)
        started = time.perf_counter()
        fill(url, args.persons, effective)
        filled = time.perf_counter() - started
        app_engine = application_engine(url)
        service = CaseService(app_engine)
        started = time.perf_counter()
        result = service.payment_run(run_date, batch=2000)
        seconds = time.perf_counter() - started
        orders = service.payment_orders_to_export(run_date)
        started = time.perf_counter()
        for order in orders:
            validate_pain001(order[2])
        validate_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = service.payment_run(run_date, batch=2000)
        again_seconds = time.perf_counter() - started
        with app_engine.connect() as connection:
            size = connection.scalar(select(func.sum(func.length(PaymentOrder.content))))
        figures = {
            "persons": args.persons,
            "fill_seconds": round(filled, 1),
            "run_seconds": round(seconds, 1),
            "persons_per_second": round(args.persons / seconds),
            "lines_planned": result.lines_added,
            "payments_ordered": result.order.ordered,
            "order_files": len(orders),
            "order_file_bytes": size,
            "validate_seconds": round(validate_seconds, 1),
            "second_run_seconds": round(again_seconds, 1),
            "second_run_ordered": again.order.ordered,
            "ledger_total_ore": service.ledger_total(),
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
