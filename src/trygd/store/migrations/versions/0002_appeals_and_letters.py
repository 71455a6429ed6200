"""Appeals, letters and service complaints: klager, anker, attachments, serviceklager, letters.

Also the person's målform (`persons.language`). Sent letters are kept exactly as sent: on
PostgreSQL and SQLite, triggers refuse UPDATE and DELETE on `letters`.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 19:14:43.264114
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letters",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("behandling_id", sa.Uuid(), nullable=True),
        sa.Column("vedtak_id", sa.Uuid(), nullable=True),
        sa.Column("klage_id", sa.Uuid(), nullable=True),
        sa.Column("serviceklage_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=False),
        sa.Column("template_version", sa.String(length=64), nullable=False),
        sa.Column(
            "content",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "deadlines",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["sak_id"],
            ["saker.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_letters_person_id"), "letters", ["person_id"], unique=False)
    op.create_index("ix_letters_sak", "letters", ["sak_id", "sent_at"], unique=False)
    op.create_table(
        "serviceklager",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), nullable=True),
        sa.Column("unit", sa.String(length=4), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["sak_id"],
            ["saker.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_serviceklager_person_id"), "serviceklager", ["person_id"], unique=False
    )
    op.create_index(op.f("ix_serviceklager_unit"), "serviceklager", ["unit"], unique=False)
    op.create_table(
        "klager",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("behandling_id", sa.Uuid(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), nullable=False),
        sa.Column("vedtak_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("vedtak_received_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("late_reason_given", sa.Text(), nullable=True),
        sa.Column("late_decision", sa.String(length=16), nullable=True),
        sa.Column("late_decision_reason", sa.Text(), nullable=True),
        sa.Column("fristavbrytende", sa.Boolean(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=True),
        sa.Column("grounds_deadline", sa.Date(), nullable=True),
        sa.Column("grounds_received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("forwarded_by", sa.String(length=64), nullable=True),
        sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment_deadline", sa.Date(), nullable=True),
        sa.Column(
            "comments",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("klageinstans_unit", sa.String(length=4), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_reasons", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("anke_deadline", sa.Date(), nullable=True),
        sa.Column("result_behandling_id", sa.Uuid(), nullable=True),
        sa.Column("closed_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["behandling_id"],
            ["behandlinger.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["sak_id"],
            ["saker.id"],
        ),
        sa.ForeignKeyConstraint(
            ["vedtak_id"],
            ["vedtak.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("behandling_id"),
    )
    op.create_index(
        op.f("ix_klager_klageinstans_unit"), "klager", ["klageinstans_unit"], unique=False
    )
    op.create_index(op.f("ix_klager_person_id"), "klager", ["person_id"], unique=False)
    op.create_index(op.f("ix_klager_sak_id"), "klager", ["sak_id"], unique=False)
    op.create_index(op.f("ix_klager_vedtak_id"), "klager", ["vedtak_id"], unique=False)
    op.create_table(
        "anker",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("klage_id", sa.Uuid(), nullable=False),
        sa.Column("court", sa.String(length=16), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("result_behandling_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["klage_id"],
            ["klager.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_anker_klage_id"), "anker", ["klage_id"], unique=False)
    op.create_table(
        "attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("klage_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["klage_id"],
            ["klager.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_attachments_klage_id"), "attachments", ["klage_id"], unique=False)
    op.add_column(
        "persons", sa.Column("language", sa.String(length=2), server_default="nb", nullable=False)
    )
    _make_letters_immutable()


LETTERS_MESSAGE = "letters are kept as sent: they cannot be changed or deleted"


def _make_letters_immutable() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION trygd_letters_immutable() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{LETTERS_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER letters_immutable BEFORE UPDATE OR DELETE ON letters "
            "FOR EACH ROW EXECUTE FUNCTION trygd_letters_immutable()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER letters_no_{verb.lower()} BEFORE {verb} ON letters "
                f"BEGIN SELECT RAISE(ABORT, '{LETTERS_MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS letters_immutable ON letters")
        op.execute("DROP FUNCTION IF EXISTS trygd_letters_immutable()")
    op.drop_column("persons", "language")
    op.drop_index(op.f("ix_attachments_klage_id"), table_name="attachments")
    op.drop_table("attachments")
    op.drop_index(op.f("ix_anker_klage_id"), table_name="anker")
    op.drop_table("anker")
    op.drop_index(op.f("ix_klager_vedtak_id"), table_name="klager")
    op.drop_index(op.f("ix_klager_sak_id"), table_name="klager")
    op.drop_index(op.f("ix_klager_person_id"), table_name="klager")
    op.drop_index(op.f("ix_klager_klageinstans_unit"), table_name="klager")
    op.drop_table("klager")
    op.drop_index(op.f("ix_serviceklager_unit"), table_name="serviceklager")
    op.drop_index(op.f("ix_serviceklager_person_id"), table_name="serviceklager")
    op.drop_table("serviceklager")
    op.drop_index("ix_letters_sak", table_name="letters")
    op.drop_index(op.f("ix_letters_person_id"), table_name="letters")
    op.drop_table("letters")
