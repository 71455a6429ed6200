"""Sign-in through OpenID providers: sign-ins on their way (state, nonce, PKCE verifier) and
the provider's ID token of each web session that began there (for signing out there too).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pending_sign_ins",
        sa.Column("state", sa.String(64), primary_key=True),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("next_url", sa.String(2000), nullable=False),
        sa.Column("level", sa.String(40), nullable=True),
        sa.Column("expires_at", WHEN, nullable=False),
    )
    op.create_index("ix_pending_sign_ins_expires_at", "pending_sign_ins", ["expires_at"])
    op.create_table(
        "provider_sessions",
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("id_token", sa.Text(), nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
    )
    op.create_index("ix_provider_sessions_expires_at", "provider_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_provider_sessions_expires_at", table_name="provider_sessions")
    op.drop_table("provider_sessions")
    op.drop_index("ix_pending_sign_ins_expires_at", table_name="pending_sign_ins")
    op.drop_table("pending_sign_ins")
