"""Benchmark of a G-regulering run on PostgreSQL; prints JSON figures.

Creates a fresh PostgreSQL database (dropped at the end) and fills it with `--benefits`
running uføretrygd grants, each its own person, sak, behandling, vedtak and whole decision
record (format trygd.decision/1, some 30 kB of JSON as the case services store it). The
grants differ in their facts (income before uførhet, the income history, the expected
income, the children) and were assessed on 365 different days (1 June 2024 to 31 May 2025,
so under the G of 2024 and of 2025). Each record's input facts, amounts and the names of
its amounts are those the rules give for its facts (evaluated as columns while filling, as
`assess` would give them: the rules property tests check that the two paths agree); its other
explanation values and rule results are those of the example assessed on the same day, so
every record has its real size without a million single assessments to fill the database.

Then it times, for the 2026 G (1 May 2026):

- `run_seconds`: `CaseService.regulate` end to end: listing the saker, reading each batch's
  vedtak in force and records as plain rows, the access check and audit record per sak,
  the column-wise regulering, and for each regulated grant its compact decision record,
  behandling, vedtak, event and `regulations` row (COPY), the batches in `--processes`
  worker processes (default one per core; 0 or 1: two threads in this process);
- `database_share`: the CPU time PostgreSQL used during the run (all its processes: the
  backends of this process and of its worker processes, and what the run causes in the
  background) against this process's and its workers': pg / (pg + client)
  (`client_cpu_seconds` includes the rules);
- `population_path_per_second`: `regulate_many` (the population path's column evaluation
  over the grants' stored facts, old and new G) on up to 20 000 grants in memory (365 days:
  groups of 55; in a run of a million a day holds 2 700), no database: the rate of the
  rules themselves in the run;
- `run_peak_memory_mb`: the largest resident size of this process and its worker processes
  together during the run (sampled every 0.1 s; `peak_memory_mb` is the whole benchmark's,
  filling included);
- `single_path_per_second`: `regulate` one grant at a time with its whole record (what
  every grant cost before), on a sample;
- with `--plan`: the payment plans. Before the regulering the saker are planned for
  `PLAN_DAY` (not timed: the plans as they were); after it, planning again for the same day
  (`payment_plan_seconds`) makes only the regulated saker's plans again (their vedtak count
  changed), with the etterbetaling for May and June as correction lines; planned as
  `trygd payments run` plans, in `--processes` worker processes.

Run: .venv/bin/python benchmarks/regulate.py [--benefits 20000] [--batch 10000] [--plan]
     [--processes 2] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import json
import os
import resource
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import numpy as np
import orjson
from sqlalchemy import Table, create_engine, text
from sqlalchemy.engine import Engine, make_url

from _process_memory import Sampler
from trygd.applications.inputs import parse_application
from trygd.rules.assessment import benefit_by_id, default_ruleset
from trygd.rules.declarations import Outcome
from trygd.rules.evaluation import evaluate_many
from trygd.rules.record import FORMAT, DecisionRecord, encode, evaluate_record, stored_params
from trygd.rules.regulation import Grant, new_g, regulate, regulate_many
from trygd.services import parallel, payments
from trygd.services.facade import (
    SYSTEM_ACTOR,
    CaseService,
    RequestContext,
    _PlanWork,
    _side_by_side,
)
from trygd.store import bulk
from trygd.store.database import application_engine, engine_spec, make_engine, migrate
from trygd.store.models import Behandling, DecisionRecordRow, Person, Sak, Vedtak

EXAMPLE = Path("examples/uforetrygd-60-prosent.json")
FIRST_DAY = dt.date(2024, 6, 1)
DAYS = 365
G_FROM = dt.date(2026, 5, 1)
PLAN_DAY = dt.date(2026, 6, 20)
CHUNK = 10_000
BENEFIT = "uforetrygd"


_TEMPLATE: dict[str, Any] = json.loads(EXAMPLE.read_text())
_PARSED = parse_application(
    json.dumps(
        {
            **_TEMPLATE,
            "facts": {**_TEMPLATE["facts"], "uforetidspunkt": "2024-03-01"},
            "claim_date": FIRST_DAY.isoformat(),
        }
    )
)


def _application(index: int) -> tuple[dict[str, Any], dt.date]:
    """The input facts and claim date of grant `index`, with the types the application
    parser gives (checked for the first grants: `_check_parsed`)."""
    facts = dict(_PARSED.facts)
    scale = 0.6 + (index % 97) / 100
    facts["income_before_uforhet"] = float(300_000 + (index * 37) % 700_000)
    facts["expected_income"] = float((index * 53) % 200_000)
    facts["children"] = index % 3
    facts["children_with_both_parents"] = min(facts["children"], index % 2)
    facts["income_history"] = [
        {"year": item["year"], "amount": float(round(item["amount"] * scale))}
        for item in _PARSED.facts["income_history"]
    ]
    return facts, FIRST_DAY + dt.timedelta(days=index % DAYS)


def _check_parsed(count: int) -> None:
    """The facts made directly are those the application parser makes of them."""
    for index in range(count):
        facts, claim = _application(index)
        document = {**_TEMPLATE, "facts": facts, "claim_date": claim.isoformat()}
        app = parse_application(json.dumps(document, default=dt.date.isoformat))
        assert app.facts == facts, (index, app.facts, facts)


def _columns(facts: list[dict[str, Any]], at: dt.date) -> dict[str, np.ndarray]:
    benefit = benefit_by_id(BENEFIT)
    params = default_ruleset().params(benefit, at)
    assert benefit.derive is not None
    derived = [benefit.derive(f, at, params) for f in facts]
    columns = {}
    for fact in benefit.facts:
        values = [d.get(fact.name) for d in derived]
        kind = "datetime64[D]" if fact.kind == "date" else None
        columns[fact.name] = np.array(values, dtype=kind)
    return columns


def records(first: int, count: int, templates: dict[dt.date, dict[str, Any]]) -> Iterator[Any]:
    """(input facts, claim date, whole record JSON as bytes) for grants first..first+count."""
    benefit = benefit_by_id(BENEFIT)
    by_day: dict[dt.date, list[tuple[int, dict[str, Any]]]] = {}
    for index in range(first, first + count):
        facts, claim = _application(index)
        by_day.setdefault(claim, []).append((index, facts))
    out: list[Any] = [None] * count
    for day, grants in by_day.items():
        template = templates.get(day)
        if template is None:
            template = evaluate_record(BENEFIT, grants[0][1], day).to_json()
            templates[day] = template
        evaluation = evaluate_many(
            benefit,
            _columns([f for _, f in grants], day),
            default_ruleset().params(benefit, day),
            day,
        )
        assert (evaluation.outcome == Outcome.GRANTED.code).all()
        amounts = {name: evaluation.values[name].tolist() for name in benefit.amounts}
        annual = evaluation.values[benefit.annual_amount].tolist()
        for position, (index, facts) in enumerate(grants):
            mine = {name: values[position] for name, values in amounts.items()}
            encoded = encode(mine)
            names = {
                **template["names"],  # JSON already
                **encoded,
                benefit.annual_amount: encode(annual[position]),
            }
            document = {
                **template,
                "input_facts": encode(facts),
                "amounts": encoded,
                "names": names,
            }
            out[index - first] = (facts, day, orjson.dumps(document))
    yield from out


def fill(engine: Engine, count: int) -> None:
    now = dt.datetime.now(dt.UTC)
    templates: dict[dt.date, dict[str, Any]] = {}
    version = default_ruleset().version
    tables = {
        name: cast(Table, model.__table__)
        for name, model in (
            ("persons", Person),
            ("saker", Sak),
            ("records", DecisionRecordRow),
            ("behandlinger", Behandling),
            ("vedtak", Vedtak),
        )
    }
    for first in range(0, count, CHUNK):
        size = min(CHUNK, count - first)
        rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in tables}
        for offset, (facts, day, document) in enumerate(records(first, size, templates)):
            index = first + offset
            pid, sid, bid, rid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            given = bulk.JsonText(orjson.dumps(encode(facts)))
            rows["persons"].append(
                (
                    pid,
                    f"{index:011d}",  # not a real number
                    f"Person {index}",
                    dt.date(1978, 4, 12),
                    "0301",
                    "none",
                    False,
                    "nb",
                    now,
                )
            )
            rows["saker"].append((sid, pid, BENEFIT, "4405", now))
            rows["records"].append(
                (rid, BENEFIT, day, version, FORMAT, bulk.JsonText(document), now)
            )
            rows["behandlinger"].append(
                (
                    bid,
                    sid,
                    "forstegangsbehandling",
                    "implemented",
                    day,
                    given,
                    rid,
                    "granted",
                    now,
                    now,
                    1,
                )
            )
            rows["vedtak"].append(
                (uuid.uuid4(), sid, bid, "granted", True, now, day, version, given, rid, now)
            )
        with engine.begin() as connection:
            columns = {
                "persons": (
                    "id",
                    "identity_number",
                    "name",
                    "birth_date",
                    "municipality",
                    "protection",
                    "skjermet",
                    "language",
                    "created_at",
                ),
                "saker": ("id", "person_id", "benefit", "unit", "created_at"),
                "records": (
                    "id",
                    "benefit",
                    "claim_date",
                    "ruleset_version",
                    "format",
                    "record",
                    "created_at",
                ),
                "behandlinger": (
                    "id",
                    "sak_id",
                    "kind",
                    "state",
                    "claim_date",
                    "facts",
                    "record_id",
                    "outcome",
                    "created_at",
                    "updated_at",
                    "version",
                ),
                "vedtak": (
                    "id",
                    "sak_id",
                    "behandling_id",
                    "outcome",
                    "automatic",
                    "decided_at",
                    "effective_from",
                    "ruleset_version",
                    "facts",
                    "record_id",
                    "implemented_at",
                ),
            }
            for name, table in tables.items():
                bulk.insert_values(connection, table, columns[name], rows[name])
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def rules_rates(count: int) -> dict[str, float]:
    """The rules alone: one grant at a time (`regulate`, a sample) and as columns."""
    sample = min(count, 2_000)
    made = []
    for index in range(sample):
        facts, claim = _application(index * (max(count, 1) // sample or 1))
        made.append(DecisionRecord.from_json(evaluate_record(BENEFIT, facts, claim).to_json()))
    started = time.perf_counter()
    for record in made:
        regulate(record, G_FROM)
    single = sample / (time.perf_counter() - started)
    many = min(count, 20_000)
    by_day: dict[dt.date, list[Grant]] = {}
    templates: dict[dt.date, dict[str, Any]] = {}
    for facts, day, document in records(0, many, templates):
        stored = orjson.loads(document)
        by_day.setdefault(day, []).append(Grant(facts, day, stored["amounts"]))
    params = {
        day: stored_params(DecisionRecord.from_json(template))
        for day, template in templates.items()
    }
    new = new_g(G_FROM)
    grants = [
        (day, [Grant(g.input_facts, g.at, _amounts(g)) for g in gs]) for day, gs in by_day.items()
    ]
    started = time.perf_counter()
    done = 0
    for day, group in grants:
        results = regulate_many(BENEFIT, params[day], group, new)
        done += sum(1 for r in results if r is not None)
    columns = many / (time.perf_counter() - started)
    return {
        "single_path_per_second": round(single),
        "population_path_per_second": round(columns),
        "population_path_decided": done,
    }


def _amounts(grant: Grant) -> dict[str, Any]:
    from trygd.rules.record import decode

    return cast(dict[str, Any], decode(dict(grant.amounts)))


def _postgres_cpu() -> float:
    """CPU seconds (user and system) PostgreSQL has used so far on this machine: each of its
    processes' own, and for the server (the postgres process whose parent is not one) also
    its ended children's: a worker process's backends end with it, and their time moves
    there. Background work the run causes (autovacuum, checkpoints) counts too."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                name, rest = (entry / "stat").read_text().rsplit(")", 1)
                if name.endswith("(postgres"):
                    stats[int(entry.name)] = rest.split()
    total = 0
    for fields in stats.values():
        total += int(fields[11]) + int(fields[12])
        if int(fields[1]) not in stats:
            total += int(fields[13]) + int(fields[14])
    return total / ticks


def _children_cpu() -> float:
    """The CPU time of this process's worker processes that have ended (the run's)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def plan_payments(service: CaseService, day: dt.date, processes: int) -> int:
    """The planning step of a payment run for `day` (no orders), as `payment_run` plans: in
    `processes` worker processes, or (0 or 1) two threads; how many saker it planned."""
    context = RequestContext(actor=SYSTEM_ACTOR)
    holder = payments.this_holder()
    run_id = service._run(context, lambda uow: payments.claim_run(uow, day, holder))
    ids = service._run(context, lambda uow: payments.saker_to_plan(uow, day))
    parts = [ids[start : start + 2_000] for start in range(0, len(ids), 2_000)]

    def plan(part: list[uuid.UUID]) -> tuple[int, int]:
        return service._run(
            context, lambda uow: payments.plan_batch(uow, run_id, holder, part, day)
        )

    spec = engine_spec(service.engine)
    if processes > 1 and len(parts) > 1 and spec is not None:
        work = _PlanWork(spec, service.settings, run_id, holder, day, None)
        parallel.in_processes(work, parts, processes, lambda _found: None)
    else:
        _side_by_side(plan, parts, 2)
    service._run(context, lambda uow: payments.finish_run(uow, run_id, holder))
    return len(ids)


def _load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--benefits", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--plan", action="store_true", help="time the payment plans too")
    parser.add_argument("--workers", type=int, default=None, help="batches side by side")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (as `trygd regulate`); 0 or 1: threads in this process",
    )
    parser.add_argument("--profile", help="write a cProfile of the run here (use --workers 1)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", help="a database filled before with --keep --fill-only")
    parser.add_argument("--fill-only", action="store_true", help="fill, then stop")
    parser.add_argument("--skip-rules", action="store_true", help="leave out the rules rates")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    args = parser.parse_args()
    name = args.reuse or f"trygd_bench_regulate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    if not args.reuse:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    figures: dict[str, Any] = {"benefits": args.benefits, "batch": args.batch}
    try:
        if not args.reuse:
            engine = make_engine(url)
            migrate(engine)
            started = time.perf_counter()
            _check_parsed(50)
            fill(engine, args.benefits)
            figures["fill_seconds"] = round(time.perf_counter() - started, 1)
            engine.dispose()
        if args.fill_only:
            print(json.dumps({**figures, "database": name}, indent=2))
            return
        app_engine = application_engine(url)
        service = CaseService(app_engine)
        if args.plan:
            started = time.perf_counter()
            figures["planned_before"] = plan_payments(service, PLAN_DAY, args.processes)
            figures["plan_before_seconds"] = round(time.perf_counter() - started, 1)
        figures["load_before"] = _load()
        database_before = _postgres_cpu()
        cpu = time.process_time()
        children_before = _children_cpu()
        started = time.perf_counter()
        memory = Sampler()
        memory.start()
        profile = cProfile.Profile() if args.profile else None
        if profile is not None:
            profile.enable()
        report = service.regulate(
            G_FROM, batch=args.batch, workers=args.workers, processes=args.processes
        )
        if profile is not None:
            profile.disable()
            profile.dump_stats(args.profile)
        run_seconds = time.perf_counter() - started
        client = time.process_time() - cpu + _children_cpu() - children_before
        figures["run_peak_memory_mb"] = memory.stop()
        database = _postgres_cpu() - database_before
        figures["load_after"] = _load()
        figures.update(
            {
                "run_seconds": round(run_seconds, 1),
                "benefits_per_second": round(args.benefits / run_seconds),
                "client_cpu_seconds": round(client, 1),
                "database_cpu_seconds": round(database, 1),
                "database_share": round(database / (database + client), 3),
                "counts": dict(report.counts),
                "yearly_change_nok": report.yearly_change_ore // 100,
            }
        )
        if args.plan:
            started = time.perf_counter()
            figures["planned_after"] = plan_payments(service, PLAN_DAY, args.processes)
            figures["payment_plan_seconds"] = round(time.perf_counter() - started, 1)
            figures["regulate_and_plan_seconds"] = round(
                run_seconds + figures["payment_plan_seconds"], 1
            )
            with app_engine.connect() as connection:
                figures["etterbetaling_lines"] = connection.execute(
                    text("SELECT count(*) FROM payment_lines WHERE correction > 0")
                ).scalar_one()
        if not args.skip_rules:
            figures.update(rules_rates(args.benefits))
        figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(json.dumps(figures, indent=2))
        app_engine.dispose()
    finally:
        if not args.keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
