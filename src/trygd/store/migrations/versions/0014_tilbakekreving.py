"""Tilbakekreving: one case per revurdering vedtak with a feilutbetaling, and the set-offs
that recover it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)
JSONDoc = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "tilbakekrevinger",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("sak_id", sa.Uuid(), sa.ForeignKey("saker.id"), nullable=False),
        sa.Column("person_id", sa.Uuid(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("vedtak_id", sa.Uuid(), sa.ForeignKey("vedtak.id"), nullable=False),
        sa.Column("behandling_id", sa.Uuid(), sa.ForeignKey("behandlinger.id"), nullable=False),
        sa.Column("benefit", sa.String(32), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("feilutbetalt_ore", sa.BigInteger(), nullable=False),
        sa.Column("periods", JSONDoc, nullable=False),
        sa.Column("varsel_sent_at", WHEN, nullable=False),
        sa.Column("comment_deadline", sa.Date(), nullable=False),
        sa.Column("comment", sa.Text()),
        sa.Column("commented_at", WHEN),
        sa.Column("answers", JSONDoc),
        sa.Column("assessment_reason", sa.Text()),
        sa.Column("assessed_by", sa.String(64)),
        sa.Column("result", JSONDoc),
        sa.Column("proposed_by", sa.String(64)),
        sa.Column("approved_by", sa.String(64)),
        sa.Column("decided_at", WHEN),
        sa.Column("recovered_ore", sa.BigInteger()),
        sa.Column("rentetillegg_ore", sa.BigInteger()),
        sa.Column("claim_ore", sa.BigInteger()),
        sa.Column("recovery_method", sa.String(16)),
        sa.Column("klage_deadline", sa.Date()),
        sa.Column("closed_at", WHEN),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("vedtak_id", name="uq_tilbakekreving_vedtak"),
    )
    op.create_index("ix_tilbakekrevinger_sak_id", "tilbakekrevinger", ["sak_id"])
    op.create_index("ix_tilbakekrevinger_person_id", "tilbakekrevinger", ["person_id"])
    op.create_index("ix_tilbakekrevinger_state", "tilbakekrevinger", ["state", "person_id"])
    op.create_table(
        "tilbakekreving_setoffs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "tilbakekreving_id",
            sa.Uuid(),
            sa.ForeignKey("tilbakekrevinger.id"),
            nullable=False,
        ),
        sa.Column("line_id", sa.Uuid(), sa.ForeignKey("payment_lines.id"), nullable=False),
        sa.Column("amount_ore", sa.BigInteger(), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.UniqueConstraint("tilbakekreving_id", "line_id", name="uq_tilbakekreving_setoff"),
    )
    op.create_index(
        "ix_tilbakekreving_setoffs_tilbakekreving_id",
        "tilbakekreving_setoffs",
        ["tilbakekreving_id"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_tilbakekreving_setoffs_tilbakekreving_id", table_name="tilbakekreving_setoffs"
    )
    op.drop_table("tilbakekreving_setoffs")
    op.drop_index("ix_tilbakekrevinger_state", table_name="tilbakekrevinger")
    op.drop_index("ix_tilbakekrevinger_person_id", table_name="tilbakekrevinger")
    op.drop_index("ix_tilbakekrevinger_sak_id", table_name="tilbakekrevinger")
    op.drop_table("tilbakekrevinger")
