"""Drafts of applications and the documents sent with them.

A draft holds a citizen's answers between the steps of the application pages; its documents
stay linked to it, and to the søknad and case once it is sent.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-09 10:02:11.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("benefit", sa.String(length=16), nullable=False),
        sa.Column(
            "answers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sak_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"]),
        sa.ForeignKeyConstraint(["sak_id"], ["saker.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_drafts_person_id"), "drafts", ["person_id"], unique=False)
    op.create_table(
        "application_documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("draft_id", sa.Uuid(), nullable=False),
        sa.Column("soknad_id", sa.Uuid(), nullable=True),
        sa.Column("sak_id", sa.Uuid(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"]),
        sa.ForeignKeyConstraint(["sak_id"], ["saker.id"]),
        sa.ForeignKeyConstraint(["soknad_id"], ["soknader.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_application_documents_draft_id"),
        "application_documents",
        ["draft_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_application_documents_person_id"),
        "application_documents",
        ["person_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_application_documents_person_id"), table_name="application_documents")
    op.drop_index(op.f("ix_application_documents_draft_id"), table_name="application_documents")
    op.drop_table("application_documents")
    op.drop_index(op.f("ix_drafts_person_id"), table_name="drafts")
    op.drop_table("drafts")
