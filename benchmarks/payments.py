"""Benchmark of a full payment run on PostgreSQL; prints JSON figures.

Creates a fresh PostgreSQL database (dropped at the end) and bulk-inserts `--persons` persons
with a running benefit each, in the same tables the services write:

- 40 % uføretrygd (three stored decision records: two with barnetillegg, one without; one
  line per kind and month, November 2026 due on the 20th);
- 35 % dagpenger and 25 % AAP, each with a granted vedtak from 19 October 2026 and two sent,
  approved meldekort (19 Oct - 1 Nov and 2 - 15 Nov): the cards (`meldekort`) with their
  answers, and their results (`meldekort_results`) calculated by the benefit's real meldekort
  rule from the vedtak's stored amounts (four answer patterns: no work, some hours, a sick
  day, many hours; the egenandel of dagpenger is taken from the first period on);
- payment details for everyone: a valid account and a tax card (percentage cards of 20 to
  40 %, some frikort, some without a card: 50 %); one person in 1 000 has no account (held,
  with a task).

Decision records are shared by the persons of one variant (the plan reads their amounts like
any other record). Then it runs `trygd payments run --date 2026-11-20 --out FILE` as its own
process, exactly as an operator would, and times it: planning every sak, withholding tax,
writing and validating the pain.001 files, posting the ledger. The run's phases are read
from the command's "step plan#N" / "step order#N" lines (each printed just before the batch
commits). Reported: seconds and persons per second, lines, payments, order files, peak memory
of the run's process and its worker processes together (sampled; the main process's own
ru_maxrss beside it), the database afterwards (ledger total, postings and
audit records), each file validated again here, a second run of the same date (nothing new)
and a run of the next day (nothing due), and the machine's core count and load.

Run: .venv/bin/python benchmarks/payments.py [--persons 100000]
     [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from _process_memory import Sampler
from trygd.applications.inputs import parse_application
from trygd.bank.pain001 import validate_pain001
from trygd.domain import meldekort as meldekort_domain
from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits import MELDEKORT
from trygd.rules.meldekort import PeriodInput
from trygd.rules.record import evaluate_record
from trygd.services.records import facts_as_json
from trygd.store.database import make_engine, migrate
from trygd.store.models import (
    AuditRecord,
    Behandling,
    DecisionRecordRow,
    LedgerPosting,
    MeldekortCard,
    MeldekortResult,
    PaymentDetails,
    PaymentLine,
    PaymentOrder,
    Person,
    Sak,
    Vedtak,
)

RUN_DATE = dt.date(2026, 11, 20)
UFORE_FROM = dt.date(2026, 11, 1)
MELDEKORT_FROM = dt.date(2026, 10, 19)  # the first day of a meldeperiode
# (share in 20ths, benefit, the example applications whose records the persons share)
MIX = (
    (8, "uforetrygd", ("uforetrygd-60-prosent", "uforetrygd-barnetillegg", "uforetrygd-ung-ufor")),
    (7, "dagpenger", ("dagpenger-lost-job",)),
    (5, "aap", ("aap-after-sykepenger", "aap-young-no-income")),
)
# Answer patterns of the meldekort: hours worked per day of the 14 (sick days marked).
PATTERNS: tuple[tuple[tuple[float, bool], ...], ...] = (
    tuple((0.0, False) for _ in range(14)),
    tuple(((4.0 if d in (1, 3, 8) else 0.0), False) for d in range(14)),
    tuple((0.0, d == 2) for d in range(14)),
    tuple(((7.5 if d % 7 < 5 else 0.0), False) for d in range(14)),
)
TAX_CARDS: tuple[dict[str, Any] | None, ...] = (
    {"kind": "percentage", "percentage": "30"},
    {"kind": "percentage", "percentage": "25"},
    {"kind": "percentage", "percentage": "35.5"},
    {"kind": "percentage", "percentage": "20"},
    {"kind": "percentage", "percentage": "40"},
    {"kind": "percentage", "percentage": "30"},
    {"kind": "frikort"},
    None,
)
WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
CHUNK = 5_000


def account(index: int) -> str:
    """A valid Norwegian account number (MOD11) per person."""
    number = 1503_000_000 + index * 3
    while True:
        digits = f"{number:010d}"
        rest = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
        check = 0 if rest == 0 else 11 - rest
        if check != 10:
            return digits + str(check)
        number += 1


def benefit_of(index: int) -> tuple[str, str]:
    """The benefit and example of person `index` (the MIX spread evenly over the persons)."""
    slot = index % 20
    for share, benefit, examples in MIX:
        if slot < share:
            return benefit, examples[(index // 20) % len(examples)]
        slot -= share
    raise AssertionError("the shares sum to 20")


def card_body(pattern: tuple[tuple[float, bool], ...]) -> dict[str, Any]:
    return {
        "days": [{"hours_worked": hours, "sick": sick} for hours, sick in pattern],
        "still_job_seeker": True,
    }


class Records:
    """The decision records (one per example) and the meldekort results (one per example,
    answer pattern and period), calculated once and shared."""

    def __init__(self, now: dt.datetime) -> None:
        self.rows: list[dict[str, Any]] = []
        self.ids: dict[str, uuid.UUID] = {}
        self.facts: dict[str, dict[str, Any]] = {}
        self.cards: dict[tuple[str, int, int], tuple[dict[str, Any], dict[str, Any], int]] = {}
        parameters = default_ruleset().parameters
        periods = (
            meldekort_domain.Meldeperiode.starting(MELDEKORT_FROM),
            meldekort_domain.Meldeperiode.starting(MELDEKORT_FROM + dt.timedelta(days=14)),
        )
        self.periods = periods
        for _share, benefit, examples in MIX:
            for example in examples:
                with open(f"examples/{example}.json", encoding="utf-8") as file:
                    app = parse_application(file.read())
                effective = UFORE_FROM if benefit == "uforetrygd" else MELDEKORT_FROM
                record = evaluate_record(app.benefit, app.facts, app.claim_date).to_json()
                if record["outcome"] != "granted":
                    raise SystemExit(f"{example}: not granted, cannot be a running benefit")
                self.ids[example] = uuid.uuid4()
                self.facts[example] = facts_as_json(dict(app.facts))
                self.rows.append(
                    {
                        "id": self.ids[example],
                        "benefit": benefit,
                        "claim_date": effective,
                        "ruleset_version": "benchmark",
                        "format": "trygd.decision/1",
                        "record": record,
                        "created_at": now,
                    }
                )
                if benefit not in MELDEKORT:
                    continue
                for number, pattern in enumerate(PATTERNS):
                    left: int | None = None
                    for index, period in enumerate(periods):
                        card = meldekort_domain.parse_card(card_body(pattern), period)
                        result = MELDEKORT[benefit](
                            PeriodInput(
                                period_start=period.start,
                                period_end=period.end,
                                days=card.days,
                                still_job_seeker=card.still_job_seeker,
                                effective_from=MELDEKORT_FROM,
                                amounts=record["amounts"],
                                facts=self.facts[example],
                                egenandel_left_ore=left,
                            ),
                            parameters,
                        )
                        calculation = result.to_json()
                        left = calculation.get("egenandel_left_ore")
                        self.cards[(example, number, index)] = (
                            card.as_json(),
                            calculation,
                            result.gross_ore,
                        )


def fill(engine: Engine, persons: int) -> dict[str, int]:
    now = dt.datetime.now(dt.UTC)
    records = Records(now)
    counts = {"uforetrygd": 0, "dagpenger": 0, "aap": 0, "meldekort": 0, "held": 0}
    with engine.begin() as connection:
        connection.execute(insert(DecisionRecordRow), records.rows)
    for first in range(0, persons, CHUNK):
        rows: dict[Any, list[dict[str, Any]]] = {
            Person: [],
            Sak: [],
            Behandling: [],
            Vedtak: [],
            PaymentDetails: [],
            MeldekortCard: [],
            MeldekortResult: [],
        }
        for index in range(first, min(first + CHUNK, persons)):
            benefit, example = benefit_of(index)
            counts[benefit] += 1
            effective = UFORE_FROM if benefit == "uforetrygd" else MELDEKORT_FROM
            pid, sid, bid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            rows[Person].append(
                {
                    "id": pid,
                    "identity_number": f"{index:011d}",  # not a real number
                    "name": f"Person {index}",
                    "birth_date": dt.date(1960, 1, 1) + dt.timedelta(days=index % 12000),
                    "municipality": "0301",
                    "protection": "none",
                    "skjermet": False,
                    "language": "nb",
                    "created_at": now,
                }
            )
            rows[Sak].append(
                {"id": sid, "person_id": pid, "benefit": benefit, "unit": "4450", "created_at": now}
            )
            rows[Behandling].append(
                {
                    "id": bid,
                    "sak_id": sid,
                    "kind": "forstegangsbehandling",
                    "state": "implemented",
                    "claim_date": effective,
                    "facts": records.facts[example],
                    "record_id": records.ids[example],
                    "outcome": "granted",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
            rows[Vedtak].append(
                {
                    "id": uuid.uuid4(),
                    "sak_id": sid,
                    "behandling_id": bid,
                    "outcome": "granted",
                    "automatic": True,
                    "decided_at": now,
                    "effective_from": effective,
                    "ruleset_version": "benchmark",
                    "facts": records.facts[example],
                    "record_id": records.ids[example],
                }
            )
            held = index % 1000 == 999
            counts["held"] += held
            rows[PaymentDetails].append(
                {
                    "person_id": pid,
                    "account_number": None if held else account(index),
                    "account_source": "benchmark",
                    "tax_card": TAX_CARDS[index % len(TAX_CARDS)],
                    "tax_card_year": RUN_DATE.year,
                    "updated_at": now,
                }
            )
            if benefit not in MELDEKORT:
                continue
            pattern = (index // 7) % len(PATTERNS)
            for number, period in enumerate(records.periods):
                answers, calculation, gross = records.cards[(example, pattern, number)]
                card_id = uuid.uuid4()
                sent = dt.datetime.combine(period.end, dt.time(12), dt.UTC)
                rows[MeldekortCard].append(
                    {
                        "id": card_id,
                        "sak_id": sid,
                        "person_id": pid,
                        "period_start": period.start,
                        "period_end": period.end,
                        "version": 1,
                        "answers": answers,
                        "correction_reason": None,
                        "late": False,
                        "sent_at": sent,
                        "sent_by": f"person:{pid}",
                    }
                )
                rows[MeldekortResult].append(
                    {
                        "id": uuid.uuid4(),
                        "sak_id": sid,
                        "meldekort_id": card_id,
                        "period_start": period.start,
                        "period_end": period.end,
                        "version": 1,
                        "gross_ore": gross,
                        "calculation": calculation,
                        "status": "approved",
                        "created_at": sent,
                    }
                )
                counts["meldekort"] += 1
        with engine.begin() as connection:
            for model, table_rows in rows.items():
                if table_rows:
                    connection.execute(insert(model), table_rows)
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    return counts


def machine() -> dict[str, Any]:
    return {"nproc": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]}


def run_cli(url: str, date: dt.date, out: Path) -> dict[str, Any]:
    """`trygd payments run --date D --out FILE` as its own process: its seconds, the seconds
    of its phases (from its step lines), its peak memory and what it printed."""
    trygd = str(Path(sys.executable).with_name("trygd"))
    env = {**os.environ, "TRYGD_DATABASE_URL": url}
    started = time.perf_counter()
    process = subprocess.Popen(
        [trygd, "payments", "run", "--date", date.isoformat(), "--out", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    memory = Sampler(process.pid)  # the run and its worker processes together
    memory.start()
    assert process.stdout is not None
    marks: list[tuple[str, float]] = []
    output: list[str] = []
    for line in process.stdout:
        output.append(line)
        if line.startswith("step "):
            marks.append((line.split()[1].split("#")[0], time.perf_counter() - started))
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    peak = memory.stop()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"trygd payments run failed:\n{''.join(output)[-3000:]}")
    plan_end = max((t for step, t in marks if step == "plan"), default=0.0)
    order_end = max((t for step, t in marks if step == "order"), default=plan_end)
    return {
        "seconds": round(seconds, 1),
        "plan_seconds": round(plan_end, 1),  # from the start, the import included
        "order_seconds": round(order_end - plan_end, 1),
        "after_order_seconds": round(seconds - order_end, 1),  # alarms, finish, files
        "plan_batches": sum(1 for step, _ in marks if step == "plan"),
        "order_batches": sum(1 for step, _ in marks if step == "order"),
        "peak_memory_mb": peak,
        "peak_memory_main_process_mb": round(usage.ru_maxrss / 1024),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
    }


def database_figures(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:

        def count(model: Any, *where: Any) -> int:
            return int(
                connection.scalar(select(func.count()).select_from(model).where(*where)) or 0
            )

        return {
            "lines": count(PaymentLine),
            "lines_ordered": count(PaymentLine, PaymentLine.status == "ordered"),
            "lines_held": count(PaymentLine, PaymentLine.status == "held"),
            "ledger_postings": count(LedgerPosting),
            "ledger_total_ore": int(
                connection.scalar(select(func.coalesce(func.sum(LedgerPosting.amount_ore), 0))) or 0
            ),
            "order_files": count(PaymentOrder),
            "order_file_bytes": int(
                connection.scalar(select(func.sum(func.length(PaymentOrder.content)))) or 0
            ),
            "transfers_in_files": int(
                connection.scalar(select(func.sum(PaymentOrder.transfers))) or 0
            ),
            "audit_records": count(AuditRecord),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    args = parser.parse_args()
    name = f"trygd_bench_payments_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        migrate(engine)
        started = time.perf_counter()
        population = fill(engine, args.persons)
        filled = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder:
            before = machine()
            first = run_cli(url, RUN_DATE, Path(folder) / "order.xml")
            after = machine()
            files = sorted(Path(folder).glob("order*.xml"))
            started = time.perf_counter()
            transfers = 0
            for path in files:
                content = path.read_bytes()
                validate_pain001(content)
                transfers += content.count(b"<CdtTrfTxInf>")
            validated = time.perf_counter() - started
            stored = database_figures(engine)
            again = run_cli(url, RUN_DATE, Path(folder) / "again.xml")
            next_day = run_cli(url, RUN_DATE + dt.timedelta(days=1), Path(folder) / "next.xml")
            later = database_figures(engine)
        figures = {
            "benchmark": "payments",
            "persons": args.persons,
            "population": population,
            "fill_seconds": round(filled, 1),
            "run": first,
            "persons_per_second": round(args.persons / first["seconds"]),
            "machine_before": before,
            "machine_after": after,
            "database": stored,
            "files_written": len(files),
            "files_validated_again": len(files),
            "transfers_in_written_files": transfers,
            "validate_seconds": round(validated, 1),
            "second_run_same_date": again,
            "run_next_day": next_day,
            "after_second_and_next_day": {
                "lines": later["lines"],
                "transfers_in_files": later["transfers_in_files"],
                "ledger_total_ore": later["ledger_total_ore"],
                "audit_records_added": later["audit_records"] - stored["audit_records"],
            },
            "targets": {
                "run_below_60_s": first["seconds"] < 60,
                "memory_below_1_gb": first["peak_memory_mb"] < 1024,
                "ledger_balances": stored["ledger_total_ore"] == 0,
                "nothing_paid_twice": later["transfers_in_files"] == stored["transfers_in_files"],
            },
        }
        print(json.dumps(figures, indent=2))
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
