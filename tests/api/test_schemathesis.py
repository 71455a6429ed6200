"""The API answers as its OpenAPI document says, under generated input (schemathesis).

A short, derandomized run over every operation, each generated request sent once as a
citizen and once as a caseworker, on a database with one case: no answer may be a server
error (5xx), and every answer must have a documented status code, content type, headers and
body schema (see EXCLUDED for the one check left out). It is part of the normal test run.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from trygd.api.app import create_app
from trygd.api.demo import demo_claims
from trygd.api.identity import DemoTokens
from trygd.domain.identity import synthetic_identity_number
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.store.models import Person

TOKENS = DemoTokens("schemathesis-secret-not-for-production-0123456789")
# Every check schemathesis has (no server error; status code, content type, headers and body
# as documented; invalid input refused; a wrong method answered 405 with `Allow`; auth not
# ignored) but one: that every request the schema allows succeeds. The schema cannot say
# which ids exist, nor the law's dates (a claim date before the rules' first parameters).
EXCLUDED = [positive_data_acceptance]

# The app exists when the module is collected, since schemathesis makes one test per operation
# from its OpenAPI document (which needs no database); the database is made, with a citizen's
# case, only when the test runs (`callers`).
FOLDER = Path(tempfile.mkdtemp(prefix="trygd-schemathesis-"))
ENGINE = make_engine(f"sqlite:///{FOLDER / 'trygd.sqlite3'}")
SERVICE = CaseService(ENGINE, Settings(demo=True))
APP = create_app(SERVICE, TOKENS, demo=True)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


def bearer(claims: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS.issue(claims)}"}


@pytest.fixture(scope="module")
def callers() -> Iterator[dict[str, dict[str, str]]]:
    """A database with one citizen who has applied for AAP (a case and a task at Nav Frogner),
    and the Authorization headers of that citizen and of Kari, a caseworker there."""
    migrate(ENGINE)
    born = dt.date(1985, 3, 14)
    person = Person(
        id=uuid.uuid4(),
        identity_number=synthetic_identity_number(born, 1),
        name="Sara Skjema",
        birth_date=born,
        municipality="0301",
        protection="none",
        skjermet=False,
        created_at=dt.datetime.now(dt.UTC),
    )
    with SERVICE.sessions.begin() as session:
        session.add(person)
    citizen = {
        "sub": f"person:{person.id}",
        "name": person.name,
        "roles": ["citizen"],
        "pid": person.identity_number,
    }
    headers = {
        "citizen": bearer(citizen),
        "caseworker": bearer(demo_claims(SERVICE, "Z990101")),
    }
    application = {"benefit": "aap", "claim_date": dt.date.today().isoformat(), "facts": {}}
    with TestClient(APP) as client:
        answer = client.post("/api/v1/applications", json=application, headers=headers["citizen"])
        assert answer.status_code == 201, answer.text
    yield headers
    ENGINE.dispose()
    shutil.rmtree(FOLDER, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_openapi_document(
    case: Any, callers: dict[str, dict[str, str]]
) -> None:
    """Each generated request is sent once as the citizen and once as the caseworker."""
    for headers in callers.values():
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)
