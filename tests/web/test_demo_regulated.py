"""The demo is left regulated (TestClient, demo data, SQLite): the seed ends with the real
G-regulering for the G in force on its day, so running it again finds nothing left, and
Ulf Holt, whose uføretrygd was granted under the G before, sees the regulering vedtak on
his case page and the new amount on the vedtak."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import demo_site

from trygd.api.demo import demo_claims
from trygd.demo.seed import g_in_force_from
from trygd.privacy.policy import Actor, Role
from trygd.rules.formatting import kroner
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService
from trygd.services.unit_of_work import RequestContext
from trygd.store.models import Behandling, Person, Regulation, Sak, Vedtak
from trygd.web.session import SESSION_COOKIE

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, CaseService]:
    folder = tmp_path_factory.mktemp("regulated")
    return demo_site(folder, FixedClock(NOW))


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_g_in_force_is_the_one_from_1_may():
    assert g_in_force_from(dt.date(2026, 12, 4)) == dt.date(2026, 5, 1)
    assert g_in_force_from(dt.date(2026, 4, 30)) == dt.date(2025, 5, 1)


def test_regulating_again_finds_nothing_left(demo):
    _client, service = demo
    g_from = g_in_force_from(NOW.date())
    with service.sessions() as session:
        outcomes = dict(
            session.execute(
                select(Person.name, Regulation.outcome)
                .join(Sak, Sak.id == Regulation.sak_id)
                .join(Person, Person.id == Sak.person_id)
                .where(Regulation.g_from == g_from)
            ).all()
        )
        with_vedtak = set(session.scalars(select(Vedtak.sak_id).distinct()))
        regulated = set(session.scalars(select(Regulation.sak_id)))
    assert regulated == with_vedtak  # every sak with a vedtak has its outcome
    assert outcomes["Ulf Holt"] == "regulated"
    assert outcomes["Oda Fjeld"] == "already_regulated"  # granted under today's G
    assert outcomes["Anna Dahl"] == "not_regulated"  # dagpenger do not follow G
    assert set(outcomes.values()) <= {
        "regulated",
        "already_regulated",
        "unchanged",
        "not_running",
        "not_regulated",
    }
    again = service.regulate(g_from)
    assert again.total == 0 and not again.counts
    dry = service.regulate(g_from, dry_run=True)
    assert dry.total == 0


def test_the_case_page_lists_the_regulering_vedtak_with_the_new_amount(demo):
    client, service = demo
    with service.sessions() as session:
        rune = session.scalars(select(Person).where(Person.name == "Ulf Holt")).one()
        sak = session.scalars(select(Sak).where(Sak.person_id == rune.id)).one()
        first, new = session.scalars(
            select(Vedtak).where(Vedtak.sak_id == sak.id).order_by(Vedtak.decided_at)
        ).all()
        kind = session.get(Behandling, new.behandling_id).kind
    assert kind == "regulering" and new.replaces_vedtak_id == first.id
    assert new.effective_from == dt.date(2026, 5, 1) and new.automatic
    token = client.app.state.identity.issue(demo_claims(service, f"person:{rune.id}"))  # type: ignore[attr-defined]
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, token)
    page = client.get(f"/my/cases/{sak.id}", params={"lang": "nb"})
    assert page.status_code == 200
    text = _text(page.text)
    assert "Vi har justert ytelsen din etter det nye grunnbeløpet (G) fra 1. mai 2026." in text
    assert f'href="/my/vedtak/{new.id}"' in page.text
    assert f'href="/my/vedtak/{first.id}"' in page.text
    texts = []
    for vedtak in (first, new):
        view = client.get(f"/my/vedtak/{vedtak.id}", params={"lang": "nb"})
        assert view.status_code == 200
        texts.append(_text(view.text))
    old_text, new_text = texts
    assert "Vi har justert ytelsen din etter det nye grunnbeløpet (G) fra 1. mai 2026." in new_text
    assert "Vi sender ikke brev om G-reguleringen." in new_text
    assert "Brevet lages nå" not in new_text  # no letter is coming
    old_monthly = _monthly(service, rune, first.id)
    new_monthly = _monthly(service, rune, new.id)
    assert new_monthly > old_monthly
    assert " ".join(kroner(new_monthly, "nb").split()) in new_text
    assert " ".join(kroner(old_monthly, "nb").split()) in old_text


def _monthly(service: CaseService, person: Person, vedtak_id: object) -> float:
    """The monthly amount the vedtak's stored record gives (read as the API reads it)."""
    citizen = Actor(
        f"person:{person.id}", person.name, frozenset({Role.CITIZEN}), None, str(person.id)
    )
    view = service.get_vedtak(RequestContext(citizen), str(vedtak_id), "nb")
    return float(view.amounts["monthly_amount"])
