"""`trygd payments run`, `trygd payments reconcile` and `trygd payments tax-cards`: the
payment run, reading the bank's status reports back, and registering Skatteetaten's tax
cards, on the database of TRYGD_DATABASE_URL.

Exit codes: 0 done; 1 done, but something needs a person (another run holds the claim, or
reconciliation found differences or missing statuses); 2 bad input (a date, a file, a status
report that is not one) or the database could not be used. Never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from trygd.cli.workers import PROCESSES, PauseAtStep
from trygd.services.errors import ServiceError
from trygd.services.facade import CaseService
from trygd.services.payments import PLAN_BATCH, RunBusy
from trygd.store.database import database_url, make_engine, safe_url

payments_app = typer.Typer(help="Payment runs and reconciliation.", no_args_is_help=True)
console = Console()


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _kroner(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    kroner, rest = divmod(abs(ore), 100)
    return f"{sign}{kroner:,}.{rest:02d}".replace(",", " ")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        _fail(f"--date: {text!r} is not a date (YYYY-MM-DD)")


def _write(path: Path, content: bytes) -> None:
    """Write the file whole or not at all (a crash leaves no half file)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)


def _out_paths(out: Path, count: int) -> list[Path]:
    return [
        out if i == 0 else out.with_name(f"{out.stem}-{i + 1}{out.suffix}") for i in range(count)
    ]


@payments_app.command("tax-cards")
def tax_cards_command(
    file: Annotated[Path, typer.Argument(help="Skatteetaten's tax cards, a JSON list")],
) -> None:
    """Register the tax cards (skattekort) Skatteetaten sent: a JSON list of
    {"identity_number", "year", "tax_card"} where tax_card is {"kind": "percentage",
    "percentage": "32.5"}, {"kind": "table", "table_number": "7100"}, {"kind": "frikort"} or
    null (no card). All or nothing: one wrong entry refuses the file (exit 2), naming it."""
    try:
        entries = json.loads(file.read_bytes())
    except OSError as problem:
        _fail(f"{file}: cannot be read ({problem.strerror})")
    except (ValueError, UnicodeDecodeError):
        _fail(f"{file}: is not JSON")
    url = database_url()
    engine = make_engine(url)
    try:
        count = CaseService(engine).import_tax_cards(entries)
    except ServiceError as error:
        _fail(str(error))
    except Exception as error:  # the database: say which, without a traceback
        _fail(f"cannot register the tax cards in {safe_url(url)}: {error}")
    finally:
        engine.dispose()
    console.print(f"tax cards registered: {count}")


@payments_app.command("run")
def run_command(
    date: Annotated[str, typer.Option("--date", help="The payment date (YYYY-MM-DD)")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the pain.001 order file here")
    ] = None,
    batch: Annotated[int, typer.Option("--batch", hidden=True)] = PLAN_BATCH,
    pause_at: Annotated[str | None, typer.Option("--pause-at", hidden=True)] = None,
    processes: Annotated[int, PROCESSES] = 0,
) -> None:
    """Pay what is due on DATE: plan the lines of every running benefit, withhold tax, and
    write one pain.001 order. Running it again (or after a crash) pays nothing twice. On
    PostgreSQL the saker are planned in `--processes` worker processes (0: one per core)."""
    run_date = _date(date)
    if out is not None and not out.parent.is_dir():
        _fail(f"--out: the folder {str(out.parent)!r} does not exist")
    if batch < 1:
        _fail("--batch: must be at least 1")

    # The crash tests stop the process inside a transaction: `--pause-at plan#2` waits in
    # the second batch of planning to reach its commit, before it commits.
    checkpoint = PauseAtStep(pause_at)
    url = database_url()
    engine = make_engine(url)
    try:
        service = CaseService(engine)
        result = service.payment_run(
            run_date,
            batch=batch,
            checkpoint=checkpoint,
            processes=processes or os.cpu_count() or 1,
        )
        orders = service.payment_orders_to_export(run_date) if out is not None else []
        if out is not None and orders:
            for path, (_id, _message, content) in zip(
                _out_paths(out, len(orders)), orders, strict=True
            ):
                _write(path, content)
                typer.echo(f"wrote {path}")
            service.mark_payment_orders_exported([order_id for order_id, _m, _c in orders])
    except RunBusy as error:
        _fail(str(error), 1)
    except ServiceError as error:
        _fail(str(error))
    except Exception as error:  # the database: say which, without a traceback
        _fail(f"cannot run the payments in {safe_url(url)}: {error}")
    finally:
        engine.dispose()
    order = result.order
    table = Table("payment run", "value")
    table.add_row("date", run_date.isoformat())
    table.add_row("lines planned", str(result.lines_added))
    table.add_row("payments ordered", str(order.ordered))
    table.add_row("net ordered (NOK)", _kroner(order.ordered_net_ore))
    table.add_row("tax withheld (NOK)", _kroner(order.tax_ore))
    table.add_row("held (a task is open)", str(order.held))
    table.add_row("recoveries (feilutbetaling)", str(order.recoveries))
    table.add_row("saker with an undetermined plan", str(result.undetermined))
    table.add_row("order files", str(len(order.message_ids)))
    table.add_row("first order message id", order.message_id or "-")
    console.print(table)


@payments_app.command("reconcile")
def reconcile_command(
    status: Annotated[Path, typer.Option("--status", help="A pain.002 status report")],
) -> None:
    """Compare what was ordered, what the bank acknowledged and what the ledger holds.
    Exit code 1 when there are differences or payments without a status."""
    try:
        content = status.read_bytes()
    except OSError as error:
        _fail(f"--status: cannot read {str(status)!r} ({error.strerror})")
    url = database_url()
    engine = make_engine(url)
    try:
        result = CaseService(engine).payments_reconcile(content)
    except ServiceError as error:
        _fail(str(error))
    except Exception as error:
        _fail(f"cannot reconcile in {safe_url(url)}: {error}")
    finally:
        engine.dispose()
    table = Table(f"order {result.original_message_id}", "payments", "NOK")
    for name, tally in result.rows():
        table.add_row(name, str(tally.count), _kroner(tally.sum_ore))
    console.print(table)
    console.print(f"reopened (new attempt, task opened): {result.reopened}")
    if result.already_read:
        console.print(f"statuses read before (ignored): {result.already_read}")
    for difference in result.differences:
        console.print(f"[bold red]difference[/]: {difference}")
    if result.differences or result.missing.count:
        raise typer.Exit(1)
