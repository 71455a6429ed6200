"""Sign-ins through an OpenID provider, kept on the server (`ProviderSignIns`), on SQLite and
PostgreSQL: a sign-in under way is taken once and only within its lifetime; a session's ID
token is there until the session ends; old rows go."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from trygd.services.signins import PENDING_LIFETIME, ProviderSignIns
from trygd.store.models import PendingSignIn, ProviderSession

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


def _count(service, model) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_sign_in_under_way_is_taken_once(service):
    signins = ProviderSignIns(service.engine)
    login = signins.begin("idporten", "/my", "idporten-loa-high", NOW)
    assert 43 <= len(login.code_verifier) <= 128  # RFC 7636 § 4.1
    assert len({login.state, login.nonce, login.code_verifier}) == 3
    taken = signins.take(login.state, NOW + SECOND)
    assert taken == login
    assert signins.take(login.state, NOW + SECOND) is None


def test_a_sign_in_under_way_lasts_ten_minutes(service):
    signins = ProviderSignIns(service.engine)
    late = signins.begin("entra", "/staff", None, NOW)
    in_time = signins.begin("entra", "/staff", None, NOW)
    assert signins.take(in_time.state, NOW + PENDING_LIFETIME - SECOND) is not None
    assert signins.take(late.state, NOW + PENDING_LIFETIME) is None
    assert signins.take("never-given", NOW) is None


def test_old_sign_ins_under_way_are_deleted_by_the_next_one(service):
    signins = ProviderSignIns(service.engine)
    for _ in range(3):
        signins.begin("idporten", "/", None, NOW)
    signins.begin("idporten", "/", None, NOW + PENDING_LIFETIME + SECOND)
    assert _count(service, PendingSignIn) == 1


def test_a_sessions_id_token_is_kept_until_it_ends(service):
    signins = ProviderSignIns(service.engine)
    signins.started("s" * 24, "entra", "id.token.value", NOW + dt.timedelta(hours=8), NOW)
    assert signins.ended("s" * 24) == ("entra", "id.token.value")
    assert signins.ended("s" * 24) is None
    signins.started("t" * 24, "entra", "old", NOW, NOW - dt.timedelta(hours=8))
    signins.started("u" * 24, "entra", "new", NOW + dt.timedelta(hours=8), NOW + SECOND)
    assert _count(service, ProviderSession) == 1  # the one past its end went
