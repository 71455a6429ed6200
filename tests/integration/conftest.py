"""Fixtures for tests on a real database: SQLite files and the PostgreSQL server.

Every test that takes `db_url` runs twice, once per database. Each run gets a database of its
own with the schema made by the migrations: SQLite in a temporary file, PostgreSQL as a copy
of a migrated template database (fast, and nothing leaks between tests).

PostgreSQL is found at TRYGD_TEST_POSTGRES_URL (default: the local server, database `test`).
If it is unreachable the PostgreSQL runs are skipped on a developer machine, but fail under
CI=true, so a CI run can never pass without having tested PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from support import NOW, TOKENS

from trygd.api.app import create_app
from trygd.domain.identity import synthetic_identity_number
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService, Settings
from trygd.store.database import application_engine, make_engine, migrate
from trygd.store.models import Person

POSTGRES_URL = os.environ.get(
    "TRYGD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TEMPLATE = f"trygd_template_{os.getpid()}"
_counter = itertools.count()


def _admin_engine() -> Any:
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated template database, or skip/fail when PostgreSQL is unreachable."""
    try:
        admin = _admin_engine()
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        message = f"PostgreSQL is unreachable at {make_url(POSTGRES_URL)!r}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{TEMPLATE}"'))
    url = make_url(POSTGRES_URL).set(database=TEMPLATE)
    engine = make_engine(url.render_as_string(hide_password=False), poolclass=None)
    migrate(engine)
    engine.dispose()
    yield TEMPLATE
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'trygd.sqlite3'}"
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url
        return
    template = request.getfixturevalue("postgres_template")
    name = f"trygd_t{os.getpid()}_{next(_counter)}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def service(db_url: str, clock: FixedClock) -> Iterator[CaseService]:
    """The service as `trygd serve` makes it: on PostgreSQL acting as the role `trygd_app`."""
    engine = application_engine(db_url)
    yield CaseService(engine, Settings(demo=True, clock=clock))
    engine.dispose()


@pytest.fixture
def client(service: CaseService) -> Iterator[TestClient]:
    app = create_app(service, TOKENS, demo=True)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def make_person(service: CaseService) -> Callable[..., Person]:
    """Register an invented person in the population register (the persons table)."""
    numbers = itertools.count(1)  # each test has its own database

    def make(
        name: str = "Test Person",
        birth_date: dt.date = dt.date(1985, 3, 14),
        municipality: str = "0301",
        protection: str = "none",
        skjermet: bool = False,
    ) -> Person:
        person = Person(
            id=uuid.uuid4(),
            identity_number=synthetic_identity_number(birth_date, next(numbers)),
            name=name,
            birth_date=birth_date,
            municipality=municipality,
            protection=protection,
            skjermet=skjermet,
            created_at=NOW,
        )
        with service.sessions.begin() as session:
            session.add(person)
        return person

    return make
