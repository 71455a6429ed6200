"""`trygd serve` and `trygd worker`: the API server and the background job worker."""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from typing import Annotated

import typer
from rich.console import Console

from trygd.api.identity import WeakSecret, check_secret
from trygd.api.oidc import ConfigError, load_settings
from trygd.services.facade import CaseService, Settings
from trygd.store.database import application_engine, database_url, migrate_database, safe_url

console = Console(stderr=True)
log = logging.getLogger("trygd.worker")


def work_forever(service: CaseService, stop: threading.Event, interval: float) -> None:
    """Poll for due jobs, and chain new audit records, until `stop` is set; errors are logged
    and the loop goes on."""
    while not stop.is_set():
        try:
            service.run_due_jobs()
            service.seal_audit_trail()
        except Exception:
            log.exception("job worker round failed; retrying")
        stop.wait(interval)


def serve_command(
    demo: Annotated[
        bool, typer.Option("--demo", help="Load demo data; allow demo sign-in and demo tokens")
    ] = False,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes", min=1, max=64)] = 1,
    job_worker: Annotated[
        bool, typer.Option("--job-worker/--no-job-worker", help="Run background jobs too")
    ] = True,
) -> None:
    """Migrate the database, load demo data with --demo, and serve the pages and the API.

    Sign-in goes through the OpenID providers named in the file TRYGD_OIDC_CONFIG (required
    without --demo; `python3 dev.py start` runs a local one)."""
    import uvicorn

    url = database_url()
    os.environ["TRYGD_DATABASE_URL"] = url
    if demo:
        os.environ["TRYGD_DEMO"] = "1"
        # One secret for all server processes, so a token from one works on the others.
        os.environ.setdefault("TRYGD_TOKEN_SECRET", secrets.token_urlsafe(32))
    elif not os.environ.get("TRYGD_TOKEN_SECRET"):
        console.print("error: TRYGD_TOKEN_SECRET must be set (or use --demo)")
        raise typer.Exit(2)
    try:
        check_secret(os.environ["TRYGD_TOKEN_SECRET"])
    except WeakSecret as error:
        console.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    # Sign-in goes through the OpenID providers of TRYGD_OIDC_CONFIG (`trygd.api.oidc`);
    # demo mode can do without them (its demo sign-in and demo tokens).
    oidc_config = os.environ.get("TRYGD_OIDC_CONFIG")
    if not oidc_config and not demo:
        console.print("error: TRYGD_OIDC_CONFIG must name the OpenID providers' configuration")
        raise typer.Exit(2)
    if oidc_config:
        try:
            providers = load_settings(oidc_config)
        except ConfigError as error:
            console.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        names = ", ".join(f"{i.name} ({i.issuer})" for i in providers.issuers)
        console.print(f"Sign-in through {names}.", markup=False, highlight=False)
    migrate_database()
    # The server processes need only the application's login, not the owner's.
    os.environ.pop("TRYGD_MIGRATION_DATABASE_URL", None)
    service = CaseService(application_engine(url), Settings(demo=demo))
    console.print(f"Database {safe_url(url)} is up to date.")
    if demo:
        from trygd.demo.seed import PERSONS, seed

        if seed(service):
            console.print(f"Demo data loaded: {len(PERSONS)} persons, cases in every state.")
        else:
            console.print("Demo data already present.")
    stop = threading.Event()
    if job_worker:
        threading.Thread(target=work_forever, args=(service, stop, 2.0), daemon=True).start()
    console.print(
        f"Pages on http://{host}:{port}/  ·  API on http://{host}:{port}/api/v1  ·  OpenAPI on http://{host}:{port}/docs"
    )
    try:
        uvicorn.run(
            "trygd.web.app:site_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
        )
    finally:
        stop.set()


def worker_command(
    once: Annotated[bool, typer.Option("--once", help="Run the due jobs, then stop")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between polls", min=0.1)] = 2.0,
) -> None:
    """Run background jobs (reminders, deadlines, iverksetting) from the database, and chain
    new audit records (see `trygd audit verify`)."""
    migrate_database()
    service = CaseService(application_engine(), Settings())
    if once:
        console.print(f"Ran {service.run_due_jobs(limit=10_000)} jobs.")
        console.print(f"Chained {service.seal_audit_trail()} audit records.")
        return
    stop = threading.Event()
    try:
        work_forever(service, stop, interval)
    except KeyboardInterrupt:
        stop.set()
        time.sleep(0)
