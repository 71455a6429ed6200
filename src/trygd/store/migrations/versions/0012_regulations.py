"""Regulations: the outcome of a G-regulering (or another bulk recomputation) for each sak,
once per sak and date of the new G.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 15:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "regulations",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("g_from", sa.Date(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), sa.ForeignKey("saker.id"), nullable=False),
        sa.Column("benefit", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(300)),
        sa.Column("old_vedtak_id", sa.Uuid()),
        sa.Column("new_vedtak_id", sa.Uuid()),
        sa.Column("old_annual_ore", sa.BigInteger()),
        sa.Column("new_annual_ore", sa.BigInteger()),
        sa.Column("created_at", WHEN, nullable=False),
        sa.UniqueConstraint("sak_id", "g_from", name="uq_regulation_once"),
    )
    op.create_index("ix_regulations_g_from", "regulations", ["g_from", "outcome"])


def downgrade() -> None:
    op.drop_index("ix_regulations_g_from", table_name="regulations")
    op.drop_table("regulations")
