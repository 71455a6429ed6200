"""A 500 must not break the keep-alive connection: a real uvicorn server on 127.0.0.1, one
HTTP connection, a request that fails with an unexpected error, then more requests on the
very same socket.

Starlette's error middleware answers an unexpected error and then raises it again, and
uvicorn closes the connection of a request whose application raised; `Unexpected` in
`trygd.api.app` ends the error with its answer instead.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from trygd.api.identity import DemoTokens
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.web.app import create_site


class Broken(RuntimeError):
    """The bug the test routes have."""


def _site(folder: Path) -> FastAPI:
    engine = make_engine(f"sqlite:///{folder / 'trygd.sqlite3'}")
    migrate(engine)
    site = create_site(
        CaseService(engine, Settings(demo=True)), DemoTokens("test-secret-" + "x" * 32), demo=True
    )

    @site.get("/api/v1/test-broken")
    def broken_api() -> None:
        raise Broken("a bug in an endpoint")

    @site.get("/test-broken-page")
    def broken_page() -> None:
        raise Broken("a bug in a page")

    return site


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    config = uvicorn.Config(
        _site(tmp_path), host="127.0.0.1", port=0, log_level="critical", lifespan="off"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(500):
        if running.started:
            break
        time.sleep(0.01)
    assert running.started, "uvicorn did not start"
    port = running.servers[0].sockets[0].getsockname()[1]
    yield port
    running.should_exit = True
    thread.join(timeout=10)


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[int, str, bytes]:
    connection.request("GET", path)
    answer = connection.getresponse()
    body = answer.read()
    return answer.status, answer.getheader("content-type", ""), body


@pytest.mark.parametrize(
    ("broken", "kind"),
    [("/api/v1/test-broken", "application/problem+json"), ("/test-broken-page", "text/html")],
)
def test_a_500_keeps_the_connection_open(server, broken, kind):
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    try:
        status, _kind, _body = _get(connection, "/api/v1/health")
        assert status == 200
        socket = connection.sock
        assert socket is not None

        status, content_type, body = _get(connection, broken)
        assert status == 500
        assert content_type.startswith(kind)
        assert b"a bug in" not in body  # never the error's own words to the caller

        for path in ("/api/v1/health", "/"):
            status, _kind, _body = _get(connection, path)
            assert status == 200
            assert connection.sock is socket, "the server closed the connection after the 500"
    finally:
        connection.close()
