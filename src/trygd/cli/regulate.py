"""`trygd regulate --g-from DATE [--dry-run]`: G-regulering of every running grant, on the
database of TRYGD_DATABASE_URL.

A dry run counts what would happen (per outcome, the change in yearly amounts, the largest
changes) and writes nothing. A real run can be stopped at any point and started again: it
goes on where it stopped and regulates no sak twice. The progress bar counts saker with an
outcome (those of an earlier, stopped run included); `GET /api/v1/regulations/{g_from}`
gives the same figures to staff. Exit codes: 0 done; 1 done, but some
saker need a caseworker (manual, failed); 2 bad input or the database could not be used.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import time
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from trygd.cli.workers import PROCESSES
from trygd.rules.regulation import Change, G, g_change
from trygd.services.errors import ServiceError
from trygd.services.facade import CaseService
from trygd.services.regulation import BATCH, OUTCOMES, Report
from trygd.store.database import database_url, make_engine, safe_url

console = Console(stderr=True)


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _kroner(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    kroner, rest = divmod(abs(ore), 100)
    return f"{sign}{kroner:,}.{rest:02d}".replace(",", " ")


def _show(report: Report, title: str) -> None:
    if report.dry_run:
        title = f"{title} (dry run: nothing written)"
    table = Table(title, "saker")
    for name in OUTCOMES:
        table.add_row(name.replace("_", " "), str(report.counts.get(name, 0)))
    table.add_row("total", str(report.total))
    if report.lowered:
        table.add_row("of manual: the change would lower the amounts", str(report.lowered))
    table.add_row("change in yearly amounts (NOK)", _kroner(report.yearly_change_ore))
    Console().print(table)
    if report.largest:
        largest = Table("largest changes", "benefit", "sak", "NOK a year")
        for change, sak, benefit in report.largest:
            largest.add_row("", benefit, sak, _kroner(change))
        Console().print(largest)


def regulate_command(
    g_from: Annotated[
        str, typer.Option("--g-from", help="The day the new G takes effect (YYYY-MM-DD)")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would change; write nothing")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    batch: Annotated[int, typer.Option("--batch", hidden=True)] = BATCH,
    pause_at: Annotated[int, typer.Option("--pause-at", hidden=True)] = 0,
    processes: Annotated[int, PROCESSES] = 0,
) -> None:
    """Regulate every running grant that follows G with the G in force on --g-from: a new
    automatic vedtak where the amounts change, and the difference for periods already paid
    at the old G is paid by the next payment run."""
    try:
        day = dt.date.fromisoformat(g_from)
    except ValueError:
        _fail(f"--g-from: {g_from!r} is not a date (YYYY-MM-DD)")
    parameter = service_parameter_g(day)
    if parameter != day:
        _fail(
            f"--g-from: no new G takes effect on {day.isoformat()} (the G in force then took "
            f"effect on {parameter.isoformat()}); enter the new G in the parameters first"
        )
    run_change(g_change(day), "G-regulering", dry_run, as_json, batch, pause_at, processes)


class PauseAt:
    """The crash tests' checkpoint (`--pause-at N`): the run's Nth batch stops for two
    minutes just before its commit, for the test to kill the run there. The batches are
    counted across the worker processes (a shared counter travels with the checkpoint)."""

    def __init__(self, batch: int) -> None:
        self.batch = batch
        self.seen = multiprocessing.get_context("spawn").Value("i", 0)

    def __call__(self, _step: str) -> None:
        with self.seen.get_lock():
            self.seen.value += 1
            reached = self.seen.value
        if self.batch and reached == self.batch:
            typer.echo(f"paused in batch {self.batch}", err=True)
            time.sleep(120)


def run_change(
    change: Change,
    title: str,
    dry_run: bool,
    as_json: bool,
    batch: int,
    pause_at: int,
    processes: int = 0,
) -> None:
    """Run (or, dry, count) a change over every running grant it reaches on the database of
    TRYGD_DATABASE_URL, with a progress bar, and show the report; exit 1 when saker need a
    caseworker. On PostgreSQL the batches run in `processes` worker processes (0: one per
    core)."""
    if batch < 1:
        _fail("--batch: must be at least 1")
    url = database_url()
    engine = make_engine(url)
    service = CaseService(engine)
    checkpoint = PauseAt(pause_at)

    try:
        with Progress(
            TextColumn("recomputing" if not change.is_g_regulering else "regulating"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=as_json,
        ) as bar:
            task = bar.add_task("saker", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = service.recompute(
                change,
                dry_run=dry_run,
                batch=batch,
                progress=progress,
                checkpoint=checkpoint,
                processes=processes or os.cpu_count() or 1,
            )
    except ServiceError as error:
        _fail(str(error))
    except Exception as error:  # the database: say which, without a traceback
        _fail(f"cannot recompute in {safe_url(url)}: {error}")
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2))
    else:
        _show(report, title)
    if not dry_run and (report.counts.get("manual") or report.counts.get("failed")):
        raise typer.Exit(1)


def service_parameter_g(day: dt.date) -> dt.date:
    """The day the G in force on `day` took effect."""
    from trygd.rules.assessment import default_ruleset

    return default_ruleset().parameters[G].value_at(day).start
