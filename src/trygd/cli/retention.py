"""`trygd retention run` and `trygd retention schedule`: delete or anonymise what is kept
longer than its rule allows (`trygd.services.retention`, periods in
`rules/parameters/retention.toml`), on the database of TRYGD_DATABASE_URL.

The rules run as the application (its role on PostgreSQL); the audit records, which the
application may never delete, are removed with the owner's login
(TRYGD_MIGRATION_DATABASE_URL, by default the same URL).

Exit codes: 0 done; 1 the audit chain is broken where records are due (nothing of the trail
was removed; run `trygd audit verify`); 2 bad input or the database could not be used.
Never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from trygd.services.facade import CaseService
from trygd.services.retention import ChainBroken, Report
from trygd.store.database import (
    application_engine,
    database_url,
    make_engine,
    migration_database_url,
    safe_url,
)

retention_app = typer.Typer(
    help="Delete or anonymise what is kept longer than its rule allows.", no_args_is_help=True
)
console = Console()


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _show(report: Report) -> None:
    table = Table(title="Dry run: nothing changed" if report.dry_run else "Retention run")
    for column in ("kind of record", "action", "count", "rule", "period", "older than"):
        table.add_column(column, justify="right" if column == "count" else "left", overflow="fold")
    for r in report.results:
        table.add_row(r.kind, r.action, str(r.count), r.rule, r.period, r.older_than[:10])
    console.print(table)
    if report.anchor is not None:
        # Plain output: a hash must never be wrapped across lines.
        typer.echo(
            f"audit chain anchor: position {report.anchor['position']},"
            f" hash {report.anchor['record_hash']}"
        )
    if report.audit_problem:
        typer.echo(f"audit records: not touched ({report.audit_problem})")


@retention_app.command("run")
def run_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what is due; change nothing")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    audit: Annotated[
        bool,
        typer.Option(
            "--audit/--no-audit",
            help="Also remove audit records older than their period (needs the owner's login)",
        ),
    ] = True,
) -> None:
    """Apply every retention rule now and record what was done (counts per kind of record,
    never ids or content). With --dry-run, say what would be done."""
    url = database_url()
    try:
        engine = application_engine(url)
        owner = make_engine(migration_database_url()) if audit else None
    except Exception as error:  # a malformed URL
        _fail(f"cannot use the database {safe_url(url)}: {error}")
    try:
        report = CaseService(engine).retention_run(dry_run, owner)
    except ChainBroken as error:
        _fail(f"{error}; nothing of the audit trail was removed (see `trygd audit verify`)", 1)
    except Exception as error:  # the database: say which, without a traceback
        _fail(f"cannot run the retention rules on {safe_url(url)}: {error}")
    finally:
        engine.dispose()
        if owner is not None:
            owner.dispose()
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        _show(report)


@retention_app.command("schedule")
def schedule_command(
    start: Annotated[
        str | None,
        typer.Option(
            "--from", help="The first day of the daily run (YYYY-MM-DD); today if left out"
        ),
    ] = None,
) -> None:
    """Queue the daily retention job for the job worker (03:00 UTC), unless it is queued."""
    try:
        first = dt.date.fromisoformat(start) if start else dt.datetime.now(dt.UTC).date()
    except ValueError:
        _fail(f"--from: {start!r} is not a date (YYYY-MM-DD)")
    url = database_url()
    engine = application_engine(url)
    try:
        queued = CaseService(engine).schedule_retention_job(first)
    except Exception as error:
        _fail(f"cannot queue the retention job in {safe_url(url)}: {error}")
    finally:
        engine.dispose()
    typer.echo("queued" if queued else "already queued")
