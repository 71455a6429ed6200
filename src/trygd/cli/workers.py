"""What the bulk commands share about their worker processes: the `--processes` option and
the crash tests' checkpoint that counts a run's steps across its processes."""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

import typer

PROCESSES = typer.Option(
    "--processes",
    help="Worker processes on PostgreSQL, each its own batches (0: one per core)",
    min=0,
)


class PauseAtStep:
    """The crash tests' checkpoint of a payment run (`--pause-at STEP` or `STEP#N`): prints
    each step it reaches (`step plan#2`), and at the one named prints `paused at ...` and
    waits two minutes just before that transaction commits, for the test to kill the run
    there. Each step is counted across the run's worker processes (shared counters travel
    with the checkpoint when the workers start)."""

    STEPS = ("plan", "order")

    def __init__(self, pause_at: str | None) -> None:
        self.pause_at = pause_at
        context = multiprocessing.get_context("spawn")
        self._seen: dict[str, Any] = {step: context.Value("i", 0) for step in self.STEPS}

    def __call__(self, step: str) -> None:
        counter = self._seen[step]
        with counter.get_lock():
            counter.value += 1
            here = f"{step}#{counter.value}"
        typer.echo(f"step {here}")
        if self.pause_at in (here, step):
            typer.echo(f"paused at {here}")
            time.sleep(120)
