"""Showing a population simulation: a table per rule-set, and the reform's effect."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.table import Table

from trygd.population.simulation import SimulationResult


def _millions(amount: float) -> str:
    return f"{amount / 1e6:,.1f}"


def show_simulation(console: Console, result: SimulationResult) -> None:
    title = f"{result.persons:,} synthetic persons on {result.at.isoformat()} (seed {result.seed})"
    table = Table(title=title)
    table.add_column("benefit")
    table.add_column("granted", justify="right")
    table.add_column("rejected", justify="right")
    table.add_column("manual", justify="right")
    table.add_column("yearly cost, MNOK", justify="right")
    if result.reform is not None:
        for column in ("reform cost, MNOK", "change, MNOK", "winners", "losers"):
            table.add_column(column, justify="right")
    for benefit_id, base in result.baseline.items():
        row = [
            benefit_id,
            f"{base.granted:,}",
            f"{base.rejected:,}",
            f"{base.manual:,}",
            _millions(base.yearly_cost),
        ]
        if result.reform is not None and result.comparison is not None:
            changed = result.reform[benefit_id]
            comparison = result.comparison[benefit_id]
            row += [
                _millions(changed.yearly_cost),
                _millions(changed.yearly_cost - base.yearly_cost),
                f"{comparison.winners:,}",
                f"{comparison.losers:,}",
            ]
        table.add_row(*row)
    console.print(table)
    console.print(
        f"Rules: {result.seconds_baseline:.3f} s baseline"
        + (f", {result.seconds_reform:.3f} s reform" if result.reform is not None else "")
        + f" ({result.persons_per_second:,.0f} persons/s, all benefits); "
        f"generating the population: {result.seconds_generating:.3f} s. "
        f"Rule-set {', '.join(f'{k} {v}' for k, v in result.ruleset_versions.items())}."
    )


def simulation_json(result: SimulationResult) -> dict[str, Any]:
    return {
        "persons": result.persons,
        "at": result.at.isoformat(),
        "seed": result.seed,
        "baseline": {k: asdict(v) for k, v in result.baseline.items()},
        "reform": {k: asdict(v) for k, v in result.reform.items()} if result.reform else None,
        "comparison": (
            {k: asdict(v) for k, v in result.comparison.items()} if result.comparison else None
        ),
        "seconds": {
            "generating": result.seconds_generating,
            "baseline": result.seconds_baseline,
            "reform": result.seconds_reform,
        },
        "persons_per_second": result.persons_per_second,
        "ruleset_versions": result.ruleset_versions,
    }
