"""Pooled PostgreSQL connections: a dead one is noticed and replaced before a request uses it.

`make_engine` tests a connection on checkout only when it has lain idle (see
`trygd.store.database.ping_connections_left_idle`); these tests kill the server side of a
pooled connection with `pg_terminate_backend`, as a restart or fail-over would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import POSTGRES_URL
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from trygd.store import database


@pytest.fixture
def engine(postgres_template: str) -> Iterator[Engine]:
    engine = database.make_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _kill(pid: int) -> None:
    admin = database.make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()


def _count_pings(engine: Engine) -> list[int]:
    calls = [0]
    ping = engine.dialect.do_ping

    def counting(dbapi_connection: Any) -> bool:
        calls[0] += 1
        return ping(dbapi_connection)

    engine.dialect.do_ping = counting  # type: ignore[method-assign]
    return calls


def test_an_idle_connection_that_died_is_replaced(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend_pid(engine)
    _kill(first)
    monkeypatch.setattr(database, "IDLE_BEFORE_PING_SECONDS", 0.0)  # it has idled long enough
    second = _backend_pid(engine)  # would raise if the dead connection were used
    assert second != first


def test_a_connection_used_just_before_is_not_tested_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "IDLE_BEFORE_PING_SECONDS", 3600.0)
    pings = _count_pings(engine)
    pids = {_backend_pid(engine) for _ in range(20)}
    assert pings[0] == 0 and len(pids) == 1
    # Without the test on checkout a dead connection reaches the request: what the idle test
    # is there to prevent. The pool then drops it, and the next checkout gets a new one.
    _kill(pids.pop())
    with pytest.raises(OperationalError):
        _backend_pid(engine)
    assert _backend_pid(engine) > 0
