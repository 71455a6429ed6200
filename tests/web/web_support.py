"""Helpers the web tests share, imported as a plain module (like `tests/integration/support.py`)
rather than from a conftest.py, which pytest loads itself and which is not meant to be imported.

`demo_site` builds the whole site on SQLite with the demo data at a fixed time, so that every
page test starts from the same demo world however its fixture is scoped."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from trygd.api.identity import DemoTokens
from trygd.demo.seed import seed
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.web.app import create_site


def demo_site(folder: Path, clock: FixedClock) -> tuple[TestClient, CaseService]:
    """The site with the demo data seeded on the clock's day, in a SQLite file in `folder`;
    the client does not follow redirects, so a test sees each one. The clock is the caller's,
    so a test that moves time can keep it."""
    engine = make_engine(f"sqlite:///{folder / 'trygd.sqlite3'}")
    migrate(engine)
    service = CaseService(engine, Settings(demo=True, clock=clock))
    seed(service, today=clock.now.date())
    client = TestClient(
        create_site(service, DemoTokens("test-secret-" + "x" * 32), demo=True),
        follow_redirects=False,
    )
    return client, service
