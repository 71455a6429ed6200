"""Back-channel logout: each web session that began at an identity provider keeps the
provider's session id (`sid`) and subject (`sub`) of its ID token, so that a logout token from
the provider (OpenID Connect Back-Channel Logout 1.0) finds the sessions to end. Sessions
started before this revision have neither, and are ended only by signing out here.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("provider_sessions") as table:
        table.add_column(sa.Column("provider_sid", sa.String(255), nullable=True))
        table.add_column(sa.Column("subject", sa.String(255), nullable=True))
    op.create_index(
        "ix_provider_sessions_provider_sid", "provider_sessions", ["provider", "provider_sid"]
    )
    op.create_index(
        "ix_provider_sessions_provider_subject", "provider_sessions", ["provider", "subject"]
    )


def downgrade() -> None:
    op.drop_index("ix_provider_sessions_provider_subject", table_name="provider_sessions")
    op.drop_index("ix_provider_sessions_provider_sid", table_name="provider_sessions")
    with op.batch_alter_table("provider_sessions") as table:
        table.drop_column("subject")
        table.drop_column("provider_sid")
