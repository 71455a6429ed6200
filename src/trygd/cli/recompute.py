"""`trygd recompute --parameter NAME --from DATE [--dry-run]`: recompute every running grant
whose rules read a parameter with the values the parameter files give it from a date: a
corrected value, or a reform adopted into law and entered in the files as new dated values.

It is the G-regulering's run with another change (`trygd.rules.regulation.Change`): each
grant the change reaches ends in one named outcome, a grant whose amounts change gets a new
automatic vedtak of kind `omregning` from the date, and the next payment run pays what was
paid too little for periods already paid. A change that would lower a grant's amounts is a
vedtak to the person's disadvantage: it becomes a caseworker's task (forhåndsvarsel first,
fvl. § 16), never an automatic reduction. Run it with `--dry-run` first: it shows how many
grants change, the change in yearly amounts and the largest changes, and writes nothing.
Stopped at any point, a run started again goes on and recomputes no grant twice.

Exit codes: 0 done; 1 done, but some saker need a caseworker; 2 bad input or the database
could not be used.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from trygd.cli.regulate import _fail, run_change
from trygd.cli.workers import PROCESSES
from trygd.rules.regulation import NotAChange, parameter_change
from trygd.services.regulation import BATCH


def recompute_command(
    parameter: Annotated[
        list[str],
        typer.Option(
            "--parameter",
            help="A parameter whose values changed (e.g. aap.minimum_factor); repeat for more",
        ),
    ],
    effective_from: Annotated[
        str,
        typer.Option("--from", help="The day from which the new values apply (YYYY-MM-DD)"),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    batch: Annotated[int, typer.Option("--batch", hidden=True)] = BATCH,
    pause_at: Annotated[int, typer.Option("--pause-at", hidden=True)] = 0,
    processes: Annotated[int, PROCESSES] = 0,
) -> None:
    """Recompute every running grant that reads the parameters with the values in force on
    --from (a corrected value or a reform): a new automatic vedtak where the amounts rise,
    a caseworker's task where they would fall."""
    try:
        day = dt.date.fromisoformat(effective_from)
    except ValueError:
        _fail(f"--from: {effective_from!r} is not a date (YYYY-MM-DD)")
    try:
        change = parameter_change(parameter, day)
    except NotAChange as error:
        _fail(f"--parameter: {error}")
    run_change(change, "Omregning", dry_run, as_json, batch, pause_at, processes)
