"""Erasure requests (GDPR art. 17): what was erased and what kept.

- `privacy_requests.erasure`: for an answered erasure request, per kind of the person's
  records the action (deleted, anonymised or kept), the count and the legal basis; never ids
  or content. The kind `erasure` needs no change of schema (`kind` is free text checked by
  the service; the partial unique index keeps one open request of each kind per person).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

JSONDoc = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("privacy_requests", sa.Column("erasure", JSONDoc, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("privacy_requests") as batch:
        batch.drop_column("erasure")
