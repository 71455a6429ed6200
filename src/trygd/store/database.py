"""Connecting to the database and bringing its schema up to date.

`TRYGD_DATABASE_URL` chooses the database; without it trygd uses an SQLite file in the
current folder. Both SQLite and PostgreSQL are supported and tested. The schema is always
created by Alembic migrations (never by `create_all`), so a database made by `trygd serve`
and one made in production have the same history.

On PostgreSQL the migrations run as the database's owner (`TRYGD_MIGRATION_DATABASE_URL`,
by default the same login as `TRYGD_DATABASE_URL`), and the application acts as the role
`trygd_app` that they create: `SET ROLE trygd_app` on every new connection. That role may
only read and insert audit records, so no bug or injected statement in the application can
change the audit trail. For a real separation, give the application a login of its own that
is a member of `trygd_app`, and keep the owner's password out of its environment.
"""

from __future__ import annotations

import logging
import os
import time
import weakref
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, ExceptionContext, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

DEFAULT_URL = "sqlite:///trygd.sqlite3"
APP_ROLE = "trygd_app"  # created by migration 0006


def database_url() -> str:
    return os.environ.get("TRYGD_DATABASE_URL") or DEFAULT_URL


def migration_database_url() -> str:
    """The database's owner, who may change the schema; by default the application's URL."""
    return os.environ.get("TRYGD_MIGRATION_DATABASE_URL") or database_url()


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def json_text(value: Any) -> str:
    """JSON columns are written with orjson: the stored rule results are large, and the standard
    library's encoder was a measurable share of each application's CPU time."""
    return orjson.dumps(value).decode()


class _NoRows(logging.Filter):
    """Drop SQLAlchemy's log lines of result rows (it logs every row when its logger is at
    DEBUG): rows hold identity numbers, and `hide_parameters` hides only the parameters."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.endswith("Row %r"))


NO_ROWS_IN_LOGS = _NoRows()


def make_engine(url: str | None = None, *, role: str | None = None, **options: Any) -> Engine:
    """An engine with the settings trygd relies on for each database.

    `hide_parameters` always: a statement's parameters hold identity numbers, names and
    facts, and SQLAlchemy would otherwise put them in its log lines and in the text of every
    database error (an IntegrityError's message, and so any traceback logged with it). For
    the same reason PostgreSQL's DETAIL is left out of error messages (`_without_detail`).

    `role`: on PostgreSQL, act as this role on every connection (the application passes
    `APP_ROLE`; migrations and administration pass none). SQLite has no roles."""
    url = url or database_url()
    options["hide_parameters"] = True
    logging.getLogger("sqlalchemy.engine.Engine").addFilter(NO_ROWS_IN_LOGS)
    options.setdefault("json_serializer", json_text)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    options.setdefault("pool_size", 10)
    options.setdefault("max_overflow", 10)
    engine = create_engine(url, **options)
    event.listen(engine, "handle_error", _without_detail)
    if role is not None:
        act_as(engine, role)
    _MADE_WITH[engine] = (url, role)
    if not options.get("pool_pre_ping"):
        ping_connections_left_idle(engine)
    return engine


def act_as(engine: Engine, role: str) -> None:
    """`SET ROLE` on every new connection, before anything else uses it.

    Set outside any transaction (autocommit for that one statement), so that a transaction
    rolled back later cannot undo it. The login must be the role itself, a member of it, or a
    superuser."""
    statement = f"SET ROLE {engine.dialect.identifier_preparer.quote(role)}"

    @event.listens_for(engine, "connect", insert=True)
    def _set_role(dbapi_connection: Any, _record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            dbapi_connection.autocommit = autocommit


# A connection used this recently is taken to be alive; see `ping_connections_left_idle`.
IDLE_BEFORE_PING_SECONDS = 5.0


def ping_connections_left_idle(engine: Engine, idle_seconds: float | None = None) -> None:
    """Test a pooled connection before use when it has lain idle, and replace it if it is dead.

    A restarted or failed-over PostgreSQL leaves dead connections in the pool; without a test,
    the next request on each of them would fail. SQLAlchemy's `pool_pre_ping` tests on every
    checkout, which under load is one extra round trip per request for connections used
    milliseconds before. This tests only those idle for `idle_seconds` or longer (and new
    ones never need it). A failed test makes the pool drop the connection and take another.
    """

    def limit() -> float:
        return IDLE_BEFORE_PING_SECONDS if idle_seconds is None else idle_seconds

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since", 0.0)
        if time.monotonic() - idle_since < limit():
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError(f"a pooled connection did not answer: {error}") from error


def _without_detail(context: ExceptionContext) -> None:
    """Keep only the primary message of a PostgreSQL error.

    The server adds a DETAIL line that quotes values: a unique violation on persons says
    `Key (identity_number)=(...) already exists`. The error's text ends up in tracebacks and
    logs, so it must not carry them; the detail stays readable in the error's `diag`."""
    error = context.original_exception
    diag = getattr(error, "diag", None)
    if diag is None or not getattr(diag, "message_detail", None):
        return
    primary = diag.message_primary or type(error).__name__
    text = f"{primary} (the server's DETAIL is left out: it may quote values)"
    error.args = (text,)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None:  # its message was made from the error's text already
        kind = type(error)
        wrapped.args = (f"({kind.__module__}.{kind.__name__}) {text}", *wrapped.args[1:])


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Foreign keys on, WAL for concurrent readers, and wait for a lock rather than fail."""
    connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN itself
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock at the start, so two writers queue up instead of
    # one failing half-way with "database is locked" after it has read stale data.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(url: str) -> Config:
    script_location = Path(str(resources.files("trygd.store") / "migrations"))
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Apply every migration not yet applied (creates the database if it is new), as the
    engine's login (which must own the database, or be allowed to change its schema)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def migrate_database(url: str | None = None) -> None:
    """Migrate the database as its owner (`migration_database_url`), on a connection of its own."""
    engine = make_engine(url or migration_database_url())
    try:
        migrate(engine)
    finally:
        engine.dispose()


_MADE_WITH: weakref.WeakKeyDictionary[Engine, tuple[str, str | None]] = weakref.WeakKeyDictionary()
"""The URL (password included) and role each PostgreSQL engine of `make_engine` was made
with, so that a worker process can make one like it (`engine_spec`)."""


def engine_spec(engine: Engine) -> tuple[str, str | None] | None:
    """The URL and role to make an engine like `engine` in another process (`make_engine(url,
    role=role)`); None for an engine `make_engine` did not make for PostgreSQL."""
    return _MADE_WITH.get(engine)


def application_engine(url: str | None = None, **options: Any) -> Engine:
    """The engine the application works with: its URL, acting as `APP_ROLE` on PostgreSQL."""
    return make_engine(url, role=APP_ROLE, **options)
