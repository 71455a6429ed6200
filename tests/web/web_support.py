"""Helpers the web tests share, imported as a plain module (like `tests/integration/support.py`)
rather than from a conftest.py, which pytest loads itself and which is not meant to be imported.

`demo_site` builds the whole site on SQLite with the demo data at a fixed time, so that every
page test starts from the same demo world however its fixture is scoped. The finders pick out
of the demo data the records that the API's and the pages' tests of the sign-in level both
need: a payment or a tilbakekreving of a benefit that rests on health data, and a dagpenger
meldekort, which does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from trygd.api.demo import demo_claims
from trygd.api.identity import DemoTokens
from trygd.demo.seed import seed
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.store.models import MeldekortPlan, PaymentLine, Person, Sak, Tilbakekreving
from trygd.web.app import create_site
from trygd.web.session import SESSION_COOKIE, session_csrf_token

HEALTH = ("aap", "sykepenger", "uforetrygd")  # the benefits whose data tell of health


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


def sign_in(client: TestClient, service: CaseService, subject: str) -> None:
    """Sign the client in as the demo user `subject` (`person:<id>` or an employee id). The
    session's form token is kept in the header `x-test-csrf`, where a test reads it to post a
    form; the site itself does not look at that header."""
    token = client.app.state.identity.issue(demo_claims(service, subject))  # type: ignore[attr-defined]
    client.cookies.set(SESSION_COOKIE, token)
    client.headers["x-test-csrf"] = session_csrf_token(
        client.app.state.csrf_key,  # type: ignore[attr-defined]
        client.app.state.identity.verify(token)["sid"],  # type: ignore[attr-defined]
    )


def health_record(
    service: CaseService, model: type[PaymentLine] | type[Tilbakekreving]
) -> tuple[Any, Person]:
    """The first payment line or tilbakekreving (`model`) of a benefit that rests on health
    data, and its person: the one it pays, or the one who owes it."""
    with service.sessions() as session:
        record, person = session.execute(
            select(model, Person)
            .join(Person, Person.id == model.person_id)
            .where(model.benefit.in_(HEALTH))
        ).first()
    return record, person


def dagpenger_meldekort_plan(service: CaseService) -> tuple[MeldekortPlan, Person]:
    """A meldekort plan of a dagpenger case, and the person who sends its cards."""
    with service.sessions() as session:
        plan, card_owner = session.execute(
            select(MeldekortPlan, Person)
            .join(Sak, Sak.id == MeldekortPlan.sak_id)
            .join(Person, Person.id == Sak.person_id)
            .where(Sak.benefit == "dagpenger")
        ).first()
    return plan, card_owner
