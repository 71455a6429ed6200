"""Sign-in sessions ended early: the server-side half of signing out.

A token is valid until it expires; deleting the cookie in one browser does nothing to a copy of
it. So every token names its sign-in session (`sid`), and signing out records that session
here as revoked. Every request checks its session against this table (one primary-key lookup),
in every server process alike, so a copied cookie or bearer token stops working at once.

A row is needed only until the session could not last any longer anyway (`expires_at`); each
revocation deletes the rows past that, so the table holds only the last hours' sign-outs.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from trygd.store.models import RevokedSession


class SignIns:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def revoke(
        self, session_id: str, expires_at: dt.datetime, now: dt.datetime | None = None
    ) -> None:
        """End sign-in session `session_id`; its tokens are refused from now on."""
        now = now or dt.datetime.now(dt.UTC)
        try:
            with self.engine.begin() as connection:
                connection.execute(delete(RevokedSession).where(RevokedSession.expires_at < now))
                connection.execute(
                    insert(RevokedSession).values(
                        session_id=session_id[:64], revoked_at=now, expires_at=expires_at
                    )
                )
        except IntegrityError:
            pass  # signed out twice (two tabs): it is revoked already

    def is_revoked(self, session_id: str) -> bool:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(RevokedSession.session_id).where(RevokedSession.session_id == session_id)
            ).first()
        return row is not None
