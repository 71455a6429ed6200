"""`trygd vedtak verify`: replay stored decisions with the installed rule code."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from trygd.services.errors import ServiceError
from trygd.services.facade import CaseService
from trygd.store.database import database_url, make_engine, safe_url

vedtak_app = typer.Typer(help="Check stored vedtak.", no_args_is_help=True)

_STYLE = {"same": "green", "different": "bold red", "skipped": "yellow"}


@vedtak_app.command("verify")
def verify_command(
    ids: Annotated[list[str] | None, typer.Argument(help="Vedtak ids to check")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Check every vedtak")] = False,
) -> None:
    """Replay each vedtak's decision record (its stored facts, date and parameter values)
    with the rule code installed now, in the database of TRYGD_DATABASE_URL.

    Exit code 0: every vedtak replayed gives what was stored (vedtak made by a rule logic
    version that is not installed are skipped and listed). 1: at least one differs.
    2: bad input (no ids and no --all, both, an id that is not a vedtak) or the database
    could not be read.
    """
    if bool(ids) == all_:
        typer.echo("error: give vedtak ids or --all (not both)", err=True)
        raise typer.Exit(2)
    url = database_url()
    engine = make_engine(url)
    try:
        checks = CaseService(engine).verify_vedtak(None if all_ else list(ids or []))
    except ServiceError as error:  # an id that is not a vedtak (or not an id)
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    except Exception as error:  # unreachable, or not migrated: say which, without a traceback
        typer.echo(f"error: cannot read the vedtak in {safe_url(url)}: {error}", err=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    console = Console()
    shown = [c for c in checks if c.result != "same" or c.texts_changed or not all_]
    if shown:
        table = Table("vedtak", "benefit", "from", "result", "details")
        for check in shown:
            details = list(check.details)
            if check.texts_changed:
                details.append("the rule texts have changed since (wording only)")
            table.add_row(
                check.vedtak_id,
                check.benefit,
                check.effective_from,
                f"[{_STYLE[check.result]}]{check.result}[/]",
                "\n".join(details),
            )
        console.print(table)
    counts = {kind: sum(c.result == kind for c in checks) for kind in _STYLE}
    console.print(
        f"{len(checks)} vedtak: {counts['same']} the same, {counts['different']} different, "
        f"{counts['skipped']} skipped (rule logic version not installed or not replayable)"
    )
    if counts["different"]:
        raise typer.Exit(1)
