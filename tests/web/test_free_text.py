"""Every free-text field has a maximum length and must say something: a text one character
over its limit, or one of only blanks, control characters and zero-width characters, is a
422 problem+json naming the field, and nothing is stored. On the demo data (SQLite), through
the API as the person or employee who may write the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from trygd.api.demo import demo_claims
from trygd.api.identity import DemoTokens
from trygd.demo.seed import seed
from trygd.services import free_text
from trygd.services.facade import CaseService, Settings
from trygd.store import models
from trygd.store.database import make_engine, migrate
from trygd.web.app import create_site
from trygd.web.forms import problem_text
from trygd.web.i18n import translator
from trygd.web.session import session_csrf_token

API = "/api/v1"
INVISIBLE = " \t\u200b\u200c\u200d\u2060\ufeff\u00a0\n "


class Demo:
    """The demo site, its service, and the ids of its persons and cases by first name."""

    def __init__(self, folder: Path) -> None:
        engine = make_engine(f"sqlite:///{folder / 'trygd.sqlite3'}")
        migrate(engine)
        self.service = CaseService(engine, Settings(demo=True))
        seed(self.service)
        site = create_site(self.service, DemoTokens("test-secret-" + "x" * 32), demo=True)
        self.client = TestClient(site, raise_server_exceptions=False)
        with self.service.sessions() as session:
            self.persons = {
                p.name.split()[0]: str(p.id) for p in session.scalars(select(models.Person))
            }
            self.saker = {
                (str(s.person_id), s.benefit): str(s.id)
                for s in session.scalars(select(models.Sak))
            }

    def headers(self, user: str) -> dict[str, str]:
        """`user`: an employee id, or a person's first name."""
        name = f"person:{self.persons[user]}" if user in self.persons else user
        token = self.client.app.state.identity.issue(demo_claims(self.service, name))  # type: ignore[attr-defined]
        return {"Authorization": f"Bearer {token}", "content-type": "application/json"}

    def get(self, user: str, path: str) -> Any:
        answer = self.client.get(API + path, headers=self.headers(user))
        assert answer.status_code == 200, answer.text
        return answer.json()

    def post(self, user: str, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(API + path, content=json.dumps(body), headers=self.headers(user))

    def sak(self, first_name: str, benefit: str) -> dict[str, Any]:
        return self.get(first_name, f"/cases/{self.saker[(self.persons[first_name], benefit)]}")

    def behandling(self, first_name: str, benefit: str, user: str) -> dict[str, Any]:
        sak = self.sak(first_name, benefit)
        return self.get(user, f"/behandlinger/{sak['behandlinger'][-1]['id']}")

    def rows(self) -> int:
        with self.service.sessions() as session:
            tables = [models.Soknad, models.Klage, models.Serviceklage, models.Endringsmelding]
            tables += [models.InformationRequest, models.Event]
            return sum(session.scalar(select(func.count()).select_from(t)) or 0 for t in tables)


@dataclass(frozen=True)
class Field:
    """One free-text field: its name in the body, its limit, and how to send it."""

    name: str
    maximum: int
    send: Callable[[Demo, str], Any]


def _application(demo: Demo, value: str) -> Any:
    body = {"benefit": "aap", "claim_date": "2026-11-13", "facts": {}, "description": value}
    return demo.post("Knut", "/applications", body)


def _change(demo: Demo, value: str) -> Any:
    sak = demo.sak("Anna", "dagpenger")
    body = {"effective_date": "2026-12-20", "facts": {"children": 1}, "description": value}
    return demo.post("Anna", f"/cases/{sak['id']}/changes", body)


def _casework(action: str, user: str, first_name: str, **extra: Any) -> Callable[[Demo, str], Any]:
    def send(demo: Demo, value: str) -> Any:
        behandling = demo.behandling(first_name, "aap", user)
        body = {"version": behandling["version"], **extra}
        if action.startswith("advance-notice"):
            del body["version"]
        body = {k: (value if v is None else v) for k, v in body.items()}
        return demo.post(user, f"/behandlinger/{behandling['id']}/{action}", body)

    return send


def _answer(demo: Demo, value: str) -> Any:
    sak = demo.sak("Frank", "aap")
    request = next(r for r in sak["information_requests"] if r["status"] == "open")
    return demo.post("Frank", f"/information-requests/{request['id']}/answer", {"answer": value})


def _klage(field: str) -> Callable[[Demo, str], Any]:
    def send(demo: Demo, value: str) -> Any:
        vedtak = demo.sak("Anna", "dagpenger")["vedtak"][0]["id"]
        body = {"vedtak_id": vedtak, "text": "Jeg er uenig i vedtaket om dagpenger.", field: value}
        return demo.post("Anna", "/klager", body)

    return send


def _camillas_klage(demo: Demo) -> dict[str, Any]:
    sak = demo.sak("Camilla", "dagpenger")
    return demo.get("Camilla", f"/cases/{sak['id']}/klager")["items"][0]


def _klageinstans(demo: Demo, value: str) -> Any:
    klage = demo.get("Z990601", f"/klager/{_camillas_klage(demo)['id']}")
    body = {"version": klage["version"], "outcome": "stadfestet", "reasons": value}
    return demo.post("Z990601", f"/klager/{klage['id']}/klageinstans-decision", body)


def _comment(demo: Demo, value: str) -> Any:
    return demo.post("Camilla", f"/klager/{_camillas_klage(demo)['id']}/comments", {"text": value})


def _serviceklage(demo: Demo, value: str) -> Any:
    return demo.post("Liv", "/serviceklager", {"text": value})


def _serviceklage_answer(demo: Demo, value: str) -> Any:
    complaint = demo.get("Bjørn", "/serviceklager")["items"][0]
    return demo.post("Z990401", f"/serviceklager/{complaint['id']}/answer", {"answer": value})


def _search(demo: Demo, value: str) -> Any:
    return demo.post("Z990101", "/persons/search", {"identity_number": "0" * 11, "purpose": value})


def _audit(demo: Demo, value: str) -> Any:
    return demo.client.get(
        f"{API}/audit", params={"purpose": value}, headers=demo.headers("Z990701")
    )


FIELDS = [
    Field("description", free_text.DESCRIPTION, _application),
    Field("description", free_text.DESCRIPTION, _change),
    Field(
        "reason",
        free_text.REASON,
        _casework(
            "assessments",
            "Z990101",
            "David",
            condition="aap.work_capacity_reduced",
            facts={"reduced_work_capacity": 60},
            reason=None,
        ),
    ),
    Field(
        "description",
        free_text.DESCRIPTION,
        _casework(
            "information-requests", "Z990101", "David", description=None, deadline="2026-12-30"
        ),
    ),
    Field("reason", free_text.REASON, _casework("propose", "Z990101", "David", reason=None)),
    Field("reason", free_text.REASON, _casework("return", "Z990102", "Eli", reason=None)),
    Field(
        "planned_decision",
        free_text.REASON,
        _casework(
            "advance-notice/preview",
            "Z990101",
            "David",
            planned_decision=None,
            reason="Arbeidsevnen er nedsatt med 60 prosent.",
        ),
    ),
    Field("answer", free_text.ANSWER, _answer),
    Field("text", free_text.KLAGE, _klage("text")),
    Field("late_reason", free_text.REASON, _klage("late_reason")),
    Field("text", free_text.KLAGE, _comment),
    Field("reasons", free_text.KLAGE, _klageinstans),
    Field("text", free_text.SERVICEKLAGE, _serviceklage),
    Field("answer", free_text.SERVICEKLAGE, _serviceklage_answer),
    Field("purpose", free_text.PURPOSE, _search),
    Field("purpose", free_text.PURPOSE, _audit),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return Demo(tmp_path_factory.mktemp("free-text"))


def _refused(answer: Any, field: str) -> None:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"].rsplit(".", 1)[-1] for e in answer.json()["errors"]]


@pytest.mark.parametrize("field", FIELDS, ids=[f"{i}-{f.name}" for i, f in enumerate(FIELDS)])
def test_a_free_text_longer_than_its_limit_is_refused(demo, field):
    before = demo.rows()
    _refused(field.send(demo, "Lang tekst. " * (field.maximum // 12) + "x" * 13), field.name)
    assert demo.rows() == before


@pytest.mark.parametrize("field", FIELDS, ids=[f"{i}-{f.name}" for i, f in enumerate(FIELDS)])
def test_a_free_text_without_visible_characters_is_refused(demo, field):
    before = demo.rows()
    # late_reason is optional: blanks mean none, but invisible characters are not nothing.
    value = "\u200b" * 12 if field.name == "late_reason" else INVISIBLE + "\u200b" * 12
    _refused(field.send(demo, value), field.name)
    assert demo.rows() == before


def test_a_text_at_its_limit_is_taken(demo):
    answer = _serviceklage(demo, "Ventetid. " * (free_text.SERVICEKLAGE // 10))
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_pages_say_the_problem_in_their_language(language):
    t = translator(language)
    for problem in ("must be at most 4000 characters", "must contain visible characters"):
        message = problem_text(problem, t)
        assert message != problem and message.startswith("Skriv" if language != "en" else "Write")
    assert "4000" in problem_text("must be at most 4000 characters", t)


def test_a_page_shows_the_limit_next_to_the_field(demo):
    client = demo.client
    token = client.app.state.identity.issue(demo_claims(demo.service, "Z990401"))  # type: ignore[attr-defined]
    client.cookies.set("trygd_session", token)
    state = client.app.state  # type: ignore[attr-defined]
    csrf = session_csrf_token(state.csrf_key, state.identity.verify(token)["sid"])
    complaint = demo.get("Bjørn", "/serviceklager")["items"][0]
    page = client.post(
        f"/staff/serviceklager/{complaint['id']}/answer",
        data={"csrf_token": csrf, "answer": "\u200b" * 20},
    )
    client.cookies.clear()
    assert page.status_code == 400
    assert "Skriv med bokstaver eller tall" in page.text
