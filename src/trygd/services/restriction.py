"""Whether a person's processing is restricted (GDPR art. 18), as the access point needs it.

Kept apart from `privacy_requests` (which uses the access point) so that `access` can ask
without an import cycle. See `trygd.services.privacy_requests` for what restriction does.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from trygd.store.models import PrivacyRequest


def restricting() -> ColumnElement[bool]:
    """The requests that restrict processing now: a restriction asked for or granted (in
    whole or in part), or an objection not yet answered (art. 18(1)(d))."""
    return or_(
        and_(
            PrivacyRequest.kind == "restriction",
            or_(
                PrivacyRequest.status == "open",
                PrivacyRequest.outcome.in_(("granted", "partly")),
            ),
        ),
        and_(PrivacyRequest.kind == "objection", PrivacyRequest.status == "open"),
    )


def is_restricted(session: Session, person_id: uuid.UUID) -> bool:
    found = session.scalar(
        select(PrivacyRequest.id)
        .where(PrivacyRequest.person_id == person_id, restricting())
        .limit(1)
    )
    return found is not None


def kept_out_of_statistics(person_id: Any) -> ColumnElement[bool]:
    """A condition for statistics queries: the person (a column) has not restricted
    processing and has no granted objection."""
    objected = and_(
        PrivacyRequest.kind == "objection", PrivacyRequest.outcome.in_(("granted", "partly"))
    )
    return ~exists().where(PrivacyRequest.person_id == person_id, or_(restricting(), objected))
