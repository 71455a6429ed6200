"""Benchmark of the rules engine; prints JSON figures.

- single case: one application from JSON text to a full explained assessment (parse,
  validate, evaluate, explain), over the example applications of every benefit: p50, p99.
- population: all four benefits over 10k, 100k and 1M synthetic persons, through the same
  `simulate` the CLI uses; each size runs in its own process so peak memory (max RSS) is its
  own. Rules time excludes generating the synthetic population, which is reported apart.

Run: .venv/bin/python benchmarks/rules.py [--sizes 10000,100000,1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AT = dt.date(2026, 6, 1)


def single_case(rounds: int) -> dict[str, float]:
    from trygd.applications.inputs import parse_application
    from trygd.rules.assessment import assess

    texts = [path.read_bytes() for path in sorted((ROOT / "examples").glob("*.json"))]
    for text in texts:  # warm caches (parameters per date, text catalogues)
        application = parse_application(text)
        assess(application.benefit, application.facts, application.claim_date)
    timings = []
    for i in range(rounds):
        text = texts[i % len(texts)]
        started = time.perf_counter()
        application = parse_application(text)
        assess(application.benefit, application.facts, application.claim_date, language="nb")
        timings.append(time.perf_counter() - started)
    timings.sort()
    return {
        "applications": len(texts),
        "rounds": rounds,
        "p50_ms": round(statistics.median(timings) * 1000, 4),
        "p99_ms": round(timings[int(len(timings) * 0.99)] * 1000, 4),
    }


def population_worker(persons: int, repeat: int) -> dict[str, float]:
    from trygd.population.simulation import simulate
    from trygd.rules.assessment import default_ruleset
    from trygd.rules.benefits import BENEFITS

    benefits = list(BENEFITS.values())
    runs = [
        simulate(benefits, persons, AT, seed, default_ruleset()) for seed in range(1, repeat + 1)
    ]
    best = min(runs, key=lambda r: r.seconds_baseline)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "persons": persons,
        "benefits": len(benefits),
        "rules_seconds_best": round(best.seconds_baseline, 4),
        "rules_seconds_first": round(runs[0].seconds_baseline, 4),
        "persons_per_second": round(persons / best.seconds_baseline),
        "generating_seconds": round(best.seconds_generating, 4),
        "peak_memory_mb": round(peak_mb, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5000)
    parser.add_argument("--population-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.population_worker:
        print(json.dumps(population_worker(args.population_worker, args.repeat)))
        return
    population = []
    for size in (int(s) for s in args.sizes.split(",")):
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--population-worker",
                str(size),
                "--repeat",
                str(args.repeat),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        population.append(json.loads(output))
    report = {
        "benchmark": "rules",
        "machine": {"cpus": __import__("os").cpu_count(), "python": sys.version.split()[0]},
        "at": AT.isoformat(),
        "single_case": single_case(args.rounds),
        "population": population,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
