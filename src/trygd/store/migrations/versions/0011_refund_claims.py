"""Refund claims: an employer who keeps paying the salary during sick leave claims the
sykepenger back (ftrl. § 22-3); the claim names the employer and the account.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 14:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "refund_claims",
        sa.Column("sak_id", sa.Uuid(), sa.ForeignKey("saker.id"), primary_key=True),
        sa.Column("organisation_number", sa.String(9), nullable=False),
        sa.Column("employer_name", sa.String(140), nullable=False),
        sa.Column("account_number", sa.String(34), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("registered_by", sa.String(100), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("refund_claims")
