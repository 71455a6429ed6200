"""`trygd audit verify`: check that the audit trail is still the hash chain it was written as."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from trygd.services.facade import CaseService
from trygd.store.database import database_url, make_engine, safe_url

audit_app = typer.Typer(help="Check the audit trail.", no_args_is_help=True)

# Plain output (typer.echo, not Rich): a hash must never be wrapped across lines.


def _hash(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"[0-9a-f]{64}", value):
        raise typer.BadParameter("must be a head hash printed by an earlier run (64 hex digits)")
    return value


@audit_app.command("verify")
def verify_command(
    head: Annotated[
        str | None,
        typer.Option(
            help="A head hash noted from an earlier run: it must still be in the chain",
            callback=_hash,
        ),
    ] = None,
) -> None:
    """Walk the audit chain in the database of TRYGD_DATABASE_URL; report the first broken link.

    Exit code 0: every record follows from the one before it (and --head is in the chain).
    1: the chain is broken (a record was changed, deleted or reordered after it was written,
    or records were cut from its end). 2: the database could not be read.
    """
    url = database_url()
    engine = make_engine(url)
    try:
        result = CaseService(engine).verify_audit_chain(head)
    except Exception as error:  # unreachable, or not migrated: say which, without a traceback
        typer.echo(f"error: cannot read the audit trail in {safe_url(url)}: {error}", err=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    if result.broken is not None:
        broken = result.broken
        place = "not chained" if broken.position is None else f"chain position {broken.position}"
        intact = "chained records are" if broken.position is None else "records before it are"
        typer.echo(
            f"BROKEN: audit record {broken.record_id} ({place}): {broken.problem}.\n"
            f"The {result.count} {intact} intact (up to position {result.head.position})."
        )
        raise typer.Exit(1)
    if result.noted_head_found is False:
        typer.echo(
            f"BROKEN: the noted head {head} is not in the chain of {result.count} records: "
            "records were removed from its end (or the hash was noted wrongly)."
        )
        raise typer.Exit(1)
    typer.echo(
        f"OK: {result.count} audit records, chain intact"
        f"{' and the noted head is in it' if result.noted_head_found else ''}. "
        f"Head: position {result.head.position}, hash {result.head.hash}"
    )
