"""The erasure pages (TestClient, demo data, SQLite): Anna sees what can be erased and what we
must keep before she asks; the caseworker sees the same on the request and erases what may be
erased; Anna's page then lists what was erased and what kept, with the legal basis."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import demo_site, sign_in

from trygd.privacy.policy import Actor, Role
from trygd.rules.assessment import default_ruleset
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService
from trygd.services.unit_of_work import RequestContext
from trygd.store.models import Draft, Person

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def site(tmp_path: Path) -> tuple[TestClient, CaseService]:
    return demo_site(tmp_path, FixedClock(NOW))


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_ask_for_erasure_and_read_what_was_erased_and_kept(site: tuple) -> None:
    client, service = site
    with service.sessions() as session:
        anna = session.scalars(select(Person).where(Person.name == "Anna Dahl")).one()
    sign_in(client, service, f"person:{anna.id}")
    csrf = client.headers["x-test-csrf"]
    service.open_draft(
        RequestContext(
            actor=Actor(
                f"person:{anna.id}", anna.name, frozenset({Role.CITIZEN}), None, str(anna.id)
            )
        ),
        "sykepenger",
    )
    form = client.get("/my/privacy-requests/new?kind=erasure&lang=en")
    assert form.status_code == 200
    words = _text(form.text)
    archive = default_ruleset().parameters.legal_basis("erasure_kept_archive").text
    assert "What we can erase today" in words and "What we must keep" in words
    assert archive in words and "Decisions" in words
    sent = client.post(
        "/my/privacy-requests/new", data={"csrf_token": csrf, "kind": "erasure", "text": ""}
    )
    assert sent.status_code == 303
    request_id = sent.headers["location"].split("sent=")[1]

    sign_in(client, service, "Z990101")
    page = client.get(f"/staff/privacy-requests/{request_id}?lang=en")
    assert page.status_code == 200 and "What may be erased" in _text(page.text)
    assert "Applications started but not sent" in _text(page.text)
    csrf = client.headers["x-test-csrf"]
    answer = {"csrf_token": csrf, "kind": "erasure", "answer": "We erased what we may."}
    bad = client.post(f"/staff/privacy-requests/{request_id}/answer", data=answer)
    assert bad.status_code == 400 and "Choose whether to erase" in _text(bad.text)
    done = client.post(
        f"/staff/privacy-requests/{request_id}/answer", data={**answer, "erase": "yes"}
    )
    assert done.status_code == 303
    with service.sessions() as session:
        assert not session.scalars(
            select(Draft).where(Draft.person_id == anna.id, Draft.submitted_at.is_(None))
        ).all()

    sign_in(client, service, f"person:{anna.id}")
    mine = _text(client.get("/my/privacy-requests?lang=en").text)
    assert "What we keep, and why" in mine and archive in mine
