"""The meldekort pages (TestClient, demo data, SQLite): Nora Berge, who gets dagpenger, fills
in her meldekort, checks the answers, sends it, reads the calculation day by day, corrects it
and sees both versions in the history. Bad hours are named at the field, in her language."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import demo_site, sign_in

from trygd.demo.seed import _sak_of, meldekort_claim_date
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService
from trygd.store.models import MeldekortCard, Person

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)  # a Friday
PERIOD = "2026-11-16"


@pytest.fixture
def site(tmp_path: Path) -> tuple[TestClient, CaseService, str]:
    client, service = demo_site(tmp_path, FixedClock(NOW))
    with service.sessions() as session:
        nora = session.scalars(select(Person).where(Person.name == "Nora Berge")).one()
    sign_in(client, service, f"person:{nora.id}")
    return client, service, _sak_of(service, nora)


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _form(client: TestClient, **fields: str) -> dict[str, str]:
    return {"csrf_token": client.headers["x-test-csrf"], **fields}


def test_the_demo_person_has_an_open_meldekort() -> None:
    assert meldekort_claim_date(NOW.date()).isoformat() == PERIOD


def test_fill_in_check_send_and_read_the_calculation(site: tuple) -> None:
    client, service, sak_id = site
    listed = client.get("/my/meldekort?lang=en")
    assert listed.status_code == 200
    assert "Ready to send" in _text(listed.text)
    url = f"/my/meldekort/{sak_id}/{PERIOD}"
    form = client.get(url)
    assert form.status_code == 200 and 'name="hours_13"' in form.text
    bad = client.post(f"{url}/check", data=_form(client, hours_0="25", still_job_seeker="yes"))
    assert bad.status_code == 400
    assert "Give the hours in whole or half hours, at most 24" in _text(bad.text)
    assert 'id="hours_0-error"' in bad.text or "hours_0" in bad.text
    mixed = client.post(
        f"{url}/check", data=_form(client, hours_2="4", sick_2="yes", still_job_seeker="yes")
    )
    assert mixed.status_code == 400
    assert "You cannot give work on a day you were sick or away" in _text(mixed.text)
    check = client.post(
        f"{url}/check",
        data=_form(client, hours_0="7.5", hours_1="3", absent_9="yes", still_job_seeker="yes"),
    )
    assert check.status_code == 200
    assert "Check your answers before you send" in _text(check.text)
    sent = client.post(f"{url}/send", data=_form(client))
    assert sent.status_code == 303 and sent.headers["location"].endswith("?sent=1")
    receipt = _text(client.get(sent.headers["location"]).text)
    assert "The meldekort is sent" in receipt
    assert "Day by day" in receipt and "Holiday or absence: not paid" in receipt
    assert "ftrl. §§ 4-3 og 4-12" in receipt
    assert "You worked 10.5 hours" in receipt
    # A second click on "send" sends nothing more.
    assert client.post(f"{url}/send", data=_form(client)).status_code == 303
    with service.sessions() as session:
        assert len(session.scalars(select(MeldekortCard)).all()) == 1


def test_a_correction_needs_a_reason_and_shows_in_the_history(site: tuple) -> None:
    client, _service, sak_id = site
    url = f"/my/meldekort/{sak_id}/{PERIOD}"
    client.post(f"{url}/check", data=_form(client, still_job_seeker="yes"))
    client.post(f"{url}/send", data=_form(client))
    missing = client.post(f"{url}/correct", data=_form(client, still_job_seeker="yes"))
    assert missing.status_code == 400
    assert "Skriv hvorfor du korrigerer meldekortet" in _text(missing.text)
    done = client.post(
        f"{url}/correct",
        data=_form(client, hours_3="2", still_job_seeker="yes", correction_reason="Glemte torsdag"),
    )
    assert done.status_code == 303
    page = _text(client.get(url).text)
    assert "Versjon 2" in page and "Versjon 1" in page and "Glemte torsdag" in page
