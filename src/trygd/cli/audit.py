"""`trygd audit verify`: check that the audit trail is still the hash chain it was written as."""

from __future__ import annotations

import typer
from rich.console import Console

from trygd.services.facade import CaseService
from trygd.store.database import database_url, make_engine, safe_url

audit_app = typer.Typer(help="Check the audit trail.", no_args_is_help=True)
console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


@audit_app.command("verify")
def verify_command() -> None:
    """Walk the audit chain in the database of TRYGD_DATABASE_URL; report the first broken link.

    Exit code 0: every record follows from the one before it. 1: the chain is broken (a record
    was changed, deleted or reordered after it was written). 2: the database could not be read.
    """
    url = database_url()
    engine = make_engine(url)
    try:
        result = CaseService(engine).verify_audit_chain()
    except Exception as error:  # unreachable, or not migrated: say which, without a traceback
        errors.print(f"error: cannot read the audit trail in {safe_url(url)}: {error}")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    if result.broken is None:
        console.print(
            f"OK: {result.count} audit records, chain intact. Head: position "
            f"{result.head.position}, hash {result.head.hash}"
        )
        return
    broken = result.broken
    console.print(
        f"BROKEN: audit record {broken.record_id} (chain position {broken.position}): "
        f"{broken.problem}.\n"
        f"The {result.count} records before it are intact (up to position {result.head.position})."
    )
    raise typer.Exit(1)
