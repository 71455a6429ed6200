"""Running the rules over a whole population, for a baseline and optionally a reform.

A reform only changes parameter values, so the reform run is the same column evaluation with
other parameters: it costs about the same time as the baseline, unlike engines that rebuild
their whole model for a reform. The population is evaluated in chunks to keep memory flat.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from trygd.population.synthetic import generate
from trygd.rules.assessment import Ruleset
from trygd.rules.declarations import Benefit, Outcome
from trygd.rules.evaluation import evaluate_many

CHUNK = 65_536


@dataclass
class BenefitFigures:
    """Totals for one benefit under one rule-set."""

    granted: int = 0
    rejected: int = 0
    manual: int = 0
    yearly_cost: float = 0.0


@dataclass
class Comparison:
    """How a reform changes one benefit: persons better or worse off by at least one krone."""

    winners: int = 0
    losers: int = 0
    newly_granted: int = 0
    no_longer_granted: int = 0


@dataclass
class SimulationResult:
    persons: int
    at: dt.date
    seed: int
    baseline: dict[str, BenefitFigures]
    reform: dict[str, BenefitFigures] | None
    comparison: dict[str, Comparison] | None
    seconds_generating: float = 0.0
    seconds_baseline: float = 0.0
    seconds_reform: float = 0.0
    ruleset_versions: dict[str, str] = field(default_factory=dict)

    @property
    def persons_per_second(self) -> float:
        return self.persons / self.seconds_baseline if self.seconds_baseline else 0.0


def _paid(
    benefit: Benefit, ruleset: Ruleset, columns: dict[str, np.ndarray], at: dt.date
) -> tuple[np.ndarray, np.ndarray]:
    params = ruleset.params(benefit, at)
    evaluation = evaluate_many(benefit, columns, params, at)
    granted = evaluation.outcome == Outcome.GRANTED.code
    yearly = np.where(granted, np.nan_to_num(evaluation.values[benefit.annual_amount]), 0.0)
    return evaluation.outcome, yearly


def _add(figures: BenefitFigures, outcome: np.ndarray, yearly: np.ndarray) -> None:
    counts = np.bincount(outcome, minlength=3)
    figures.rejected += int(counts[Outcome.REJECTED.code])
    figures.granted += int(counts[Outcome.GRANTED.code])
    figures.manual += int(counts[Outcome.MANUAL.code])
    figures.yearly_cost += float(yearly.sum())


def simulate(
    benefits: Sequence[Benefit],
    persons: int,
    at: dt.date,
    seed: int,
    baseline: Ruleset,
    reform: Ruleset | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Evaluate `persons` synthetic persons for every benefit under the baseline (and reform)."""
    result = SimulationResult(
        persons=persons,
        at=at,
        seed=seed,
        baseline={b.id: BenefitFigures() for b in benefits},
        reform={b.id: BenefitFigures() for b in benefits} if reform else None,
        comparison={b.id: Comparison() for b in benefits} if reform else None,
        ruleset_versions={"baseline": baseline.version}
        | ({"reform": reform.version} if reform else {}),
    )
    done = 0
    chunk_seed = np.random.SeedSequence(seed)
    while done < persons:
        size = min(CHUNK, persons - done)
        started = time.perf_counter()
        columns = generate(benefits, size, at, int(chunk_seed.spawn(1)[0].generate_state(1)[0]))
        result.seconds_generating += time.perf_counter() - started
        for benefit in benefits:
            started = time.perf_counter()
            outcome, yearly = _paid(benefit, baseline, columns, at)
            _add(result.baseline[benefit.id], outcome, yearly)
            result.seconds_baseline += time.perf_counter() - started
            if reform is None or result.reform is None or result.comparison is None:
                continue
            started = time.perf_counter()
            reform_outcome, reform_yearly = _paid(benefit, reform, columns, at)
            _add(result.reform[benefit.id], reform_outcome, reform_yearly)
            comparison = result.comparison[benefit.id]
            comparison.winners += int(np.count_nonzero(reform_yearly >= yearly + 1))
            comparison.losers += int(np.count_nonzero(reform_yearly <= yearly - 1))
            was = outcome == Outcome.GRANTED.code
            now = reform_outcome == Outcome.GRANTED.code
            comparison.newly_granted += int(np.count_nonzero(now & ~was))
            comparison.no_longer_granted += int(np.count_nonzero(was & ~now))
            result.seconds_reform += time.perf_counter() - started
        done += size
        if progress:
            progress(size)
    return result
