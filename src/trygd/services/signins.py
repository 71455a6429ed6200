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
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from trygd.store.models import RevokedSession

# Rows revoked this long before the last look are read again: a revocation committed a little
# after the moment it carries, or stamped by a server whose clock is a little behind, is not
# missed.
OVERLAP = dt.timedelta(seconds=60)


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


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes (stored as UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
