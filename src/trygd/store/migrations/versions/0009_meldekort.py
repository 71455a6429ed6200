"""Meldekort: sent cards in versions, drafts with a keep time, results per card version, and
the plan of each period's reminder and deadline jobs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 10:00:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _json() -> Any:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "meldekort",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), sa.ForeignKey("saker.id"), nullable=False),
        sa.Column("person_id", sa.Uuid(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("answers", _json(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sak_id", "period_start", "version", name="uq_meldekort_version"),
    )
    op.create_index("ix_meldekort_sak_id", "meldekort", ["sak_id"])
    op.create_index("ix_meldekort_person_id", "meldekort", ["person_id"])
    op.create_table(
        "meldekort_drafts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), sa.ForeignKey("saker.id"), nullable=False),
        sa.Column("person_id", sa.Uuid(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("answers", _json(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sak_id", "period_start", name="uq_meldekort_draft_period"),
    )
    op.create_index("ix_meldekort_drafts_sak_id", "meldekort_drafts", ["sak_id"])
    op.create_index("ix_meldekort_drafts_person_id", "meldekort_drafts", ["person_id"])
    op.create_index("ix_meldekort_drafts_expires_at", "meldekort_drafts", ["expires_at"])
    op.create_table(
        "meldekort_results",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), sa.ForeignKey("saker.id"), nullable=False),
        sa.Column(
            "meldekort_id", sa.Uuid(), sa.ForeignKey("meldekort.id"), nullable=False, unique=True
        ),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("gross_ore", sa.BigInteger(), nullable=False),
        sa.Column("calculation", _json(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_meldekort_results_sak_id", "meldekort_results", ["sak_id"])
    op.create_index(
        "uq_meldekort_results_approved",
        "meldekort_results",
        ["sak_id", "period_start"],
        unique=True,
        sqlite_where=sa.text("status = 'approved'"),
        postgresql_where=sa.text("status = 'approved'"),
    )
    op.create_table(
        "meldekort_plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), sa.ForeignKey("saker.id"), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sak_id", "period_start", name="uq_meldekort_plan"),
    )
    op.create_index("ix_meldekort_plans_sak_id", "meldekort_plans", ["sak_id"])


def downgrade() -> None:
    op.drop_table("meldekort_plans")
    op.drop_index("uq_meldekort_results_approved", table_name="meldekort_results")
    op.drop_table("meldekort_results")
    op.drop_table("meldekort_drafts")
    op.drop_table("meldekort")
