"""Sign-in sessions ended early: the server-side half of signing out.

A token is valid until it expires; deleting the cookie in one browser does nothing to a copy of
it. So every token names its sign-in session (`sid`), and signing out records that session in
`revoked_sessions`. Every request asks `is_revoked`.

Asking the database on every request would cost a round trip each time, so each server process
keeps the set of revoked sessions in memory and brings it up to date at most once every
`refresh_seconds` (one query for the rows revoked since the last look, whatever the number of
requests). A sign-out is seen at once by the process that handled it, and by every other
process within `refresh_seconds` (default 1 s).

A row is needed only until the session could not last any longer anyway (`expires_at`); each
revocation deletes the rows past that, so the table holds only the last hours' sign-outs.

Sign-in through an OpenID provider keeps two more things on the server (`ProviderSignIns`):
the sign-in on its way to the provider (`pending_sign_ins`: the `state` the answer must carry,
the ID token's `nonce`, the PKCE `code_verifier`; taken once, within `PENDING_LIFETIME`), and,
for each web session that began there, the provider's ID token (`provider_sessions`), which
signing out sends back to the provider so that it ends its session too, with the provider's
own session id (`sid`) and subject (`sub`) of that ID token. Neither is ever in the browser.

Signing out at the provider reaches trygd the other way round (OpenID Connect Back-Channel
Logout 1.0): the provider posts a logout token naming its `sid` and/or `sub`, and
`ended_at_provider` deletes and returns every web session that began in that provider session
(or, without a `sid`, every one of that subject), for the caller to revoke.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from trygd.store.models import PendingSignIn, ProviderSession, RevokedSession

# Rows revoked this long before the last look are read again: a revocation committed a little
# after the moment it carries, or stamped by a server whose clock is a little behind, is not
# missed.
OVERLAP = dt.timedelta(seconds=60)
# A sign-in must come back from the provider within this.
PENDING_LIFETIME = dt.timedelta(minutes=10)


class SignIns:
    def __init__(self, engine: Engine, refresh_seconds: float = 1.0) -> None:
        self.engine = engine
        self.refresh_seconds = refresh_seconds
        self._revoked: dict[str, dt.datetime] = {}  # session id → when it would end anyway
        self._looked_at: dt.datetime | None = None  # None: read every live revocation
        self._next_look = 0.0  # time.monotonic() of the next look
        self._lock = threading.Lock()

    def revoke(
        self, session_id: str, expires_at: dt.datetime, now: dt.datetime | None = None
    ) -> None:
        """End sign-in session `session_id`; its tokens are refused from now on."""
        now = now or dt.datetime.now(dt.UTC)
        session_id = session_id[:64]
        try:
            with self.engine.begin() as connection:
                connection.execute(delete(RevokedSession).where(RevokedSession.expires_at < now))
                connection.execute(
                    insert(RevokedSession).values(
                        session_id=session_id, revoked_at=now, expires_at=expires_at
                    )
                )
        except IntegrityError:
            pass  # signed out twice (two tabs): it is revoked already
        if _aware(expires_at) > now:
            with self._lock:
                self._revoked[session_id] = expires_at

    def is_revoked(self, session_id: str) -> bool:
        if time.monotonic() >= self._next_look:
            self._look()
        return session_id in self._revoked

    def _look(self) -> None:
        """Bring the in-memory set up to date with the table (one thread at a time)."""
        with self._lock:
            if time.monotonic() < self._next_look:
                return  # another thread has just looked
            now = dt.datetime.now(dt.UTC)
            query = select(RevokedSession.session_id, RevokedSession.expires_at).where(
                RevokedSession.expires_at > now
            )
            if self._looked_at is not None:
                query = query.where(RevokedSession.revoked_at >= self._looked_at - OVERLAP)
            with self.engine.connect() as connection:
                rows = connection.execute(query).all()
            for session_id, expires_at in rows:
                self._revoked[session_id] = expires_at
            self._revoked = {key: ends for key, ends in self._revoked.items() if _aware(ends) > now}
            self._looked_at = now
            self._next_look = time.monotonic() + self.refresh_seconds


@dataclass(frozen=True)
class PendingLogin:
    """A sign-in on its way to provider `provider`."""

    state: str
    provider: str
    nonce: str
    code_verifier: str
    next_url: str
    level: str | None


class ProviderSignIns:
    """Sign-ins through OpenID providers: those on their way, and the ID token of each web
    session that began at a provider."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def begin(
        self, provider: str, next_url: str, level: str | None, now: dt.datetime | None = None
    ) -> PendingLogin:
        """A new sign-in at `provider`, with fresh random `state`, `nonce` and PKCE verifier
        (RFC 7636 § 4.1: 43 to 128 characters; 48 random bytes make 64)."""
        now = now or dt.datetime.now(dt.UTC)
        login = PendingLogin(
            state=secrets.token_urlsafe(32),
            provider=provider,
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(48),
            next_url=next_url[:2000],
            level=level,
        )
        with self.engine.begin() as connection:
            connection.execute(delete(PendingSignIn).where(PendingSignIn.expires_at < now))
            connection.execute(
                insert(PendingSignIn).values(
                    state=login.state,
                    provider=provider,
                    nonce=login.nonce,
                    code_verifier=login.code_verifier,
                    next_url=login.next_url,
                    level=level,
                    expires_at=now + PENDING_LIFETIME,
                )
            )
        return login

    def take(self, state: str, now: dt.datetime | None = None) -> PendingLogin | None:
        """The sign-in whose state is `state`, once: it is deleted, so an answer cannot be
        used twice. None when there is none, or it is older than `PENDING_LIFETIME`."""
        now = now or dt.datetime.now(dt.UTC)
        with self.engine.begin() as connection:
            row = connection.execute(
                delete(PendingSignIn)
                .where(PendingSignIn.state == state[:64])
                .returning(
                    PendingSignIn.provider,
                    PendingSignIn.nonce,
                    PendingSignIn.code_verifier,
                    PendingSignIn.next_url,
                    PendingSignIn.level,
                    PendingSignIn.expires_at,
                )
            ).first()
        if row is None or _aware(row.expires_at) <= now:
            return None
        return PendingLogin(
            state, row.provider, row.nonce, row.code_verifier, row.next_url, row.level
        )

    def started(
        self,
        session_id: str,
        provider: str,
        id_token: str,
        expires_at: dt.datetime,
        now: dt.datetime | None = None,
        *,
        provider_sid: str | None = None,
        subject: str | None = None,
    ) -> None:
        """Web session `session_id` began at `provider` with `id_token`, whose `sid` (the
        provider's session) and `sub` are `provider_sid` and `subject`."""
        now = now or dt.datetime.now(dt.UTC)
        with self.engine.begin() as connection:
            connection.execute(delete(ProviderSession).where(ProviderSession.expires_at < now))
            connection.execute(
                insert(ProviderSession).values(
                    session_id=session_id,
                    provider=provider,
                    id_token=id_token,
                    expires_at=expires_at,
                    provider_sid=provider_sid[:255] if provider_sid else None,
                    subject=subject[:255] if subject else None,
                )
            )

    def ended(self, session_id: str) -> tuple[str, str] | None:
        """Forget web session `session_id`: its provider and ID token, if it began at one."""
        with self.engine.begin() as connection:
            row = connection.execute(
                delete(ProviderSession)
                .where(ProviderSession.session_id == session_id[:64])
                .returning(ProviderSession.provider, ProviderSession.id_token)
            ).first()
        return (row.provider, row.id_token) if row is not None else None

    def ended_at_provider(
        self, provider: str, sid: str | None, sub: str | None
    ) -> list[tuple[str, dt.datetime]]:
        """Forget the web sessions that the provider's logout token (its `sid` and/or `sub`)
        ends; each one's session id and the moment it would end anyway, to revoke it. None
        when neither is given (a logout token must name one)."""
        if sid is None and sub is None:
            return []
        query = delete(ProviderSession).where(ProviderSession.provider == provider)
        if sid is not None:  # the provider's session; of that subject when both are named
            query = query.where(ProviderSession.provider_sid == sid)
        if sub is not None:
            query = query.where(ProviderSession.subject == sub)
        returning = query.returning(ProviderSession.session_id, ProviderSession.expires_at)
        with self.engine.begin() as connection:
            rows = connection.execute(returning).all()
        return [(row.session_id, _aware(row.expires_at)) for row in rows]


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes (stored as UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
