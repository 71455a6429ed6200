"""Benchmark of letter production, from case to stored letter; prints JSON figures.

Letters are made by the job worker: a decided case has a `send_letter` job, and running it
reads the vedtak and its case from the database, builds the letter's content in the person's
language (explaining the rule result again in nynorsk or English where needed), renders the
PDF/A-2a + PDF/UA-1 file with Typst, and stores it with its hash, in one transaction with the
case event and the audit record. That whole path is what is timed here.

Setup (not timed): a fresh PostgreSQL database (created here, dropped at the end), `--letters`
citizens with a mix of målform (nb, nn, en), each with an automatic dagpenger or sykepenger
decision made through `CaseService.submit_application`; the iverksetting jobs are marked
done so that only the letter jobs remain. Then `--workers` processes (default: one per core)
run the due jobs with `CaseService.run_due_jobs`; on PostgreSQL they share the job table with
`FOR UPDATE SKIP LOCKED`. Afterwards every letter is checked: one per vedtak, a PDF with the
PDF/A and PDF/UA identification, and a SHA-256 that matches the stored bytes.

Run: .venv/bin/python benchmarks/letters.py [--letters 600] [--workers 2]
     [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import multiprocessing
import os
import secrets
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.engine import make_url

from trygd.domain.identity import synthetic_identity_number
from trygd.privacy.policy import Actor, Role
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService, Settings
from trygd.services.unit_of_work import RequestContext
from trygd.store.database import make_engine, migrate
from trygd.store.models import Job, Letter, Person, Vedtak

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
CLAIM_DATE = "2026-11-13"
LANGUAGES = ("nb", "nb", "nn", "en")  # most people write bokmål


@contextlib.contextmanager
def benchmark_database(admin_url: str) -> Iterator[str]:
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=None)
    name = f"trygd_letters_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def application(i: int) -> dict[str, Any]:
    if i % 2 == 0:
        facts = {
            "stays_in_norway": True,
            "income_12m": 260000 + 1000 * (i % 50),
            "income_36m": 720000,
            "normal_working_hours": 37.5,
            "current_working_hours": 0,
            "registered_job_seeker": True,
            "genuine_job_seeker": True,
            "self_inflicted_unemployment": False,
            "children": i % 3,
        }
        if i % 10 == 0:
            facts["income_12m"], facts["income_36m"] = 100000, 200000  # rejected
        return {"benefit": "dagpenger", "claim_date": CLAIM_DATE, "facts": facts}
    return {
        "benefit": "sykepenger",
        "claim_date": CLAIM_DATE,
        "facts": {
            "folketrygd_member": True,
            "days_in_work": 1200,
            "incapacity_due_to_illness": True,
            "loses_pensionable_income": True,
            "sick_leave_grade": 100 if i % 4 else 60,
            "sick_leave_history": [],
            "yearly_income": 300000 + (i % 50) * 6000,
        },
    }


def prepare(url: str, count: int) -> dict[str, Any]:
    engine = make_engine(url)
    migrate(engine)
    persons = []
    with engine.begin() as connection:
        rows = []
        for i in range(count):
            birth = dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "identity_number": synthetic_identity_number(birth, i // 480),
                    "name": f"Person {i}",
                    "birth_date": birth,
                    "municipality": "0301",
                    "protection": "none",
                    "skjermet": False,
                    "language": LANGUAGES[i % len(LANGUAGES)],
                    "created_at": NOW,
                }
            )
        connection.execute(Person.__table__.insert(), rows)
        persons = rows
    service = CaseService(engine, Settings(demo=True, clock=FixedClock(NOW)))
    outcomes: Counter[str] = Counter()
    for i, person in enumerate(persons):
        actor = Actor(
            id=f"person:{person['id']}",
            name=person["name"],
            roles=frozenset({Role.CITIZEN}),
        )
        context = RequestContext(actor=actor, identity_number=person["identity_number"])
        _status, answer = service.submit_application(context, application(i))
        outcomes[f"{answer['outcome']}, automatic={answer['automatic']}"] += 1
    with engine.begin() as connection:
        connection.execute(
            update(Job).where(Job.kind == "implement_vedtak").values(status="done", finished_at=NOW)
        )
    engine.dispose()
    return {"cases": count, "outcomes": dict(outcomes)}


def work(url: str) -> int:
    engine = make_engine(url)
    service = CaseService(engine, Settings(demo=True, clock=FixedClock(NOW)))
    done = 0
    while True:
        handled = service.run_due_jobs(limit=50)
        done += handled
        if handled == 0:
            break
    engine.dispose()
    return done


def check(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    with engine.connect() as connection:
        vedtak = connection.scalar(select(func.count()).select_from(Vedtak))
        letters = connection.execute(
            select(Letter.pdf, Letter.content_hash, Letter.language, Letter.size)
        ).all()
        failed = connection.scalar(
            select(func.count()).select_from(Job).where(Job.status != "done")
        )
    engine.dispose()
    hashes_match = all(hashlib.sha256(pdf).hexdigest() == digest for pdf, digest, _, _ in letters)
    declared = all(
        b"pdfaid:part" in pdf and b"pdfuaid:part" in pdf for pdf, _, _, _ in letters[:50]
    )
    sizes = sorted(size for _, _, _, size in letters)
    return {
        "vedtak": vedtak,
        "letters": len(letters),
        "one_letter_per_vedtak": vedtak == len(letters),
        "languages": dict(Counter(language for _, _, language, _ in letters)),
        "hashes_match": hashes_match,
        "declares_pdfa_and_pdfua": declared,
        "median_bytes": sizes[len(sizes) // 2] if sizes else 0,
        "jobs_not_done": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=600)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "TRYGD_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    if args.letters < 1 or args.workers < 1:
        parser.error("--letters and --workers must be at least 1")
    started = time.perf_counter()
    with benchmark_database(args.database_url) as url:
        setup = prepare(url, args.letters)
        context = multiprocessing.get_context("spawn")
        with context.Pool(args.workers, initializer=_warm) as pool:
            pool.map(_noop, range(args.workers))  # start the processes before timing
            begin = time.perf_counter()
            done = sum(pool.map(work, itertools.repeat(url, args.workers)))
            seconds = time.perf_counter() - begin
        result = check(url)
    per_second = result["letters"] / seconds if seconds else 0.0
    report = {
        "benchmark": "letters",
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "database": "postgresql",
        "workers": args.workers,
        "setup": setup,
        "jobs_run": done,
        "seconds": round(seconds, 3),
        "letters_per_second": round(per_second, 1),
        "ms_per_letter_per_worker": round(1000 * seconds * args.workers / max(1, done), 2),
        "check": result,
        "targets": {"letters_100_per_second": per_second >= 100},
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=2))


def _warm() -> None:
    """Import and load everything a worker needs (rules, parameters, fonts) before timing."""
    from trygd.letters import render

    render.template_version()


def _noop(_: int) -> None:
    return None


if __name__ == "__main__":
    main()
