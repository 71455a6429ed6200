"""Benchmark: revurderinger with a feilutbetaling processed to varsel, on PostgreSQL; prints
JSON figures.

Creates a fresh PostgreSQL database (dropped at the end) and bulk-inserts `--cases` persons
with an uføretrygd vedtak, a month paid (an accepted line), a revurdering vedtak from the
same month with a lower amount and the negative line its settlement makes (what
iverksetting leaves before the tilbakekreving step). Then it times, in-process and one
transaction per vedtak as the iverksetting job runs it, `tilbakekreving.open_from_vedtak`:
the feilutbetaling by period, the access check and audit record, the case row (under its
unique constraint), the event, the varsel letter job and the deadline job. The varsel
letters themselves (build, Typst PDF, store) are then run as the job worker runs them, for
`--letters` of the cases; their rate is reported separately and combined into the rate of
the whole path to a varsel sent.

Run: .venv/bin/python benchmarks/tilbakekreving.py [--cases 10000] [--letters 1000]
     [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import resource
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from payments import account
from trygd.applications.inputs import parse_application
from trygd.domain.payments import PaymentKey, line_id
from trygd.rules.record import evaluate_record
from trygd.services import jobs, tilbakekreving
from trygd.services.facade import SYSTEM_ACTOR, CaseService
from trygd.services.unit_of_work import RequestContext
from trygd.store.database import application_engine, make_engine, migrate
from trygd.store.models import (
    Behandling,
    DecisionRecordRow,
    Job,
    PaymentDetails,
    PaymentLine,
    Person,
    Sak,
    Tilbakekreving,
    Vedtak,
)

EXAMPLE = "examples/uforetrygd-60-prosent.json"
MONTH = dt.date(2026, 10, 1)
PAID_ORE = 2_150_700
LOWER_ORE = 1_643_200


def fill(url: str, persons: int, effective: dt.date) -> None:
    """`persons` persons, each with a running uføretrygd vedtak from `effective` (one shared
    decision record) and payment details."""
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


def add_revurderinger(url: str) -> list[uuid.UUID]:
    """For every sak: the month paid, a revurdering vedtak and its negative line."""
    engine = make_engine(url)
    now = dt.datetime.now(dt.UTC)
    with open(EXAMPLE, encoding="utf-8") as file:
        app = parse_application(file.read())
    record = evaluate_record(app.benefit, app.facts, app.claim_date).to_json()
    lower = copy.deepcopy(record)
    lower["amounts"]["monthly_amount"] = LOWER_ORE / 100
    record_id = uuid.uuid4()
    revurderinger: list[uuid.UUID] = []
    with engine.begin() as connection:
        connection.execute(
            insert(DecisionRecordRow),
            [
                {
                    "id": record_id,
                    "benefit": "uforetrygd",
                    "claim_date": MONTH,
                    "ruleset_version": "benchmark",
                    "format": "trygd.decision/1",
                    "record": lower,
                    "created_at": now,
                }
            ],
        )
        old = connection.execute(select(Vedtak.id, Vedtak.sak_id, Sak.person_id).join(Sak)).all()
        for first in range(0, len(old), 5000):
            rows: dict[str, list[dict[str, Any]]] = {"b": [], "v": [], "l": []}
            for old_id, sak_id, person_id in old[first : first + 5000]:
                bid, vid = uuid.uuid4(), uuid.uuid4()
                revurderinger.append(vid)
                rows["b"].append(
                    {
                        "id": bid,
                        "sak_id": sak_id,
                        "kind": "revurdering",
                        "state": "decided",
                        "claim_date": MONTH,
                        "facts": {},
                        "record_id": record_id,
                        "outcome": "granted",
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
                rows["v"].append(
                    {
                        "id": vid,
                        "sak_id": sak_id,
                        "behandling_id": bid,
                        "replaces_vedtak_id": old_id,
                        "outcome": "granted",
                        "automatic": False,
                        "decided_at": now,
                        "effective_from": MONTH,
                        "ruleset_version": "benchmark",
                        "facts": {},
                        "record_id": record_id,
                    }
                )
                key = PaymentKey(sak_id, "uforetrygd", MONTH, dt.date(2026, 10, 31))
                for correction, gross, status, vedtak in (
                    (0, PAID_ORE, "accepted", old_id),
                    (1, LOWER_ORE - PAID_ORE, "planned", vid),
                ):
                    rows["l"].append(
                        {
                            "id": line_id(key, correction),
                            "sak_id": sak_id,
                            "person_id": person_id,
                            "vedtak_id": vedtak,
                            "benefit": "uforetrygd",
                            "kind": "uforetrygd",
                            "period_start": key.period_start,
                            "period_end": key.period_end,
                            "correction": correction,
                            "due_date": dt.date(2026, 10, 20),
                            "gross_ore": gross,
                            "tax_ore": None,
                            "net_ore": None,
                            "payee": "person",
                            "payee_account": None,
                            "basis": "benchmark",
                            "tax_basis": None,
                            "status": status,
                            "held_reason": None,
                            "order_id": None,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
            connection.execute(insert(Behandling), rows["b"])
            connection.execute(insert(Vedtak), rows["v"])
            connection.execute(insert(PaymentLine), rows["l"])
    engine.dispose()
    return revurderinger


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--letters", type=int, default=1_000)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    args = parser.parse_args()
    name = f"trygd_bench_tilbake_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        started = time.perf_counter()
        fill(url, args.cases, dt.date(2026, 9, 1))
        vedtak_ids = add_revurderinger(url)
        filled = time.perf_counter() - started
        app_engine = application_engine(url)
        service = CaseService(app_engine)
        system = RequestContext(SYSTEM_ACTOR)

        def open_one(vedtak_id: uuid.UUID) -> Any:
            def use_case(uow: Any) -> Any:
                vedtak = uow.session.get(Vedtak, vedtak_id)
                return tilbakekreving.open_from_vedtak(uow, vedtak)

            return service._run(system, use_case)

        started = time.perf_counter()
        for vedtak_id in vedtak_ids:
            open_one(vedtak_id)
        open_seconds = time.perf_counter() - started
        with app_engine.connect() as connection:
            opened = connection.scalar(select(func.count()).select_from(Tilbakekreving))
            letter_jobs = list(
                connection.scalars(
                    select(Job.id)
                    .where(Job.kind == "send_letter", Job.status == "pending")
                    .limit(args.letters)
                )
            )
        started = time.perf_counter()
        for job_id in letter_jobs:

            def run(uow: Any, job_id: uuid.UUID = job_id) -> None:
                job = uow.session.get(Job, job_id)
                jobs.HANDLERS[job.kind](uow, job.payload)
                job.status = "done"

            service._run(system, run)
        letter_seconds = time.perf_counter() - started
        open_rate = opened / open_seconds
        letter_rate = len(letter_jobs) / letter_seconds if letter_jobs else None
        figures = {
            "revurderinger": args.cases,
            "fill_seconds": round(filled, 1),
            "cases_opened": opened,
            "open_seconds": round(open_seconds, 1),
            "opened_per_second": round(open_rate, 1),
            "varsel_letters_timed": len(letter_jobs),
            "letter_seconds": round(letter_seconds, 1),
            "letters_per_second": round(letter_rate, 1) if letter_rate else None,
            "to_varsel_per_second": (
                round(1 / (1 / open_rate + 1 / letter_rate), 1) if letter_rate else None
            ),
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
