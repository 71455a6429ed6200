"""Initial schema: persons, saker, behandlinger, vedtak, oppgaver, jobs, events, audit.

The audit trail is made append-only by the database itself: triggers refuse UPDATE and
DELETE on `audit_log` on PostgreSQL and on SQLite alike.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 13:31:42.001792
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("actor_unit", sa.String(length=4), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_person", "audit_log", ["person_id", "at"], unique=False)
    op.create_table(
        "idempotency_keys",
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column(
            "response",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("actor_id", "key"),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_jobs_due", "jobs", ["status", "run_at"], unique=False)
    op.create_table(
        "persons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("identity_number", sa.String(length=11), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("protection", sa.String(length=32), nullable=False),
        sa.Column("skjermet", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("identity_number"),
    )
    op.create_table(
        "saker",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("benefit", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=4), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "benefit", name="uq_sak_person_benefit"),
    )
    op.create_index(op.f("ix_saker_person_id"), "saker", ["person_id"], unique=False)
    op.create_table(
        "endringsmeldinger",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sak_id"],
            ["saker.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_endringsmeldinger_sak_id"), "endringsmeldinger", ["sak_id"], unique=False
    )
    op.create_table(
        "events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("sak_id", sa.Uuid(), nullable=False),
        sa.Column("behandling_id", sa.Uuid(), nullable=True),
        sa.Column("type", sa.String(length=48), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["sak_id"],
            ["saker.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_events_sak", "events", ["sak_id", "id"], unique=False)
    op.create_table(
        "soknader",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), nullable=False),
        sa.Column("claim_date", sa.Date(), nullable=False),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sak_id"],
            ["saker.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_soknader_sak_id"), "soknader", ["sak_id"], unique=False)
    op.create_table(
        "behandlinger",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("soknad_id", sa.Uuid(), nullable=True),
        sa.Column("revises_vedtak_id", sa.Uuid(), nullable=True),
        sa.Column("claim_date", sa.Date(), nullable=False),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "assessment",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("ruleset_version", sa.String(length=64), nullable=True),
        sa.Column("assigned_to", sa.String(length=64), nullable=True),
        sa.Column("proposed_by", sa.String(length=64), nullable=True),
        sa.Column("proposal_reason", sa.Text(), nullable=True),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sak_id"],
            ["saker.id"],
        ),
        sa.ForeignKeyConstraint(
            ["soknad_id"],
            ["soknader.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_behandlinger_sak_id"), "behandlinger", ["sak_id"], unique=False)
    op.create_table(
        "information_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("behandling_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "facts_requested",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column(
            "answered_facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["behandling_id"],
            ["behandlinger.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_information_requests_behandling_id"),
        "information_requests",
        ["behandling_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_information_requests_person_id"),
        "information_requests",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "oppgaver",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), nullable=False),
        sa.Column("behandling_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("benefit", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=4), nullable=False),
        sa.Column("skjermet", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assigned_to", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_oppgaver_behandling_id"), "oppgaver", ["behandling_id"], unique=False)
    op.create_index("ix_oppgaver_queue", "oppgaver", ["unit", "status", "created_at"], unique=False)
    op.create_index(op.f("ix_oppgaver_sak_id"), "oppgaver", ["sak_id"], unique=False)
    op.create_table(
        "vedtak",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sak_id", sa.Uuid(), nullable=False),
        sa.Column("behandling_id", sa.Uuid(), nullable=False),
        sa.Column("replaces_vedtak_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=True),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("ruleset_version", sa.String(length=64), nullable=False),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "assessment",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("implemented_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["behandling_id"],
            ["behandlinger.id"],
        ),
        sa.ForeignKeyConstraint(
            ["replaces_vedtak_id"],
            ["vedtak.id"],
        ),
        sa.ForeignKeyConstraint(
            ["sak_id"],
            ["saker.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("behandling_id"),
    )
    op.create_index(op.f("ix_vedtak_sak_id"), "vedtak", ["sak_id"], unique=False)
    op.create_table(
        "vurderinger",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("behandling_id", sa.Uuid(), nullable=False),
        sa.Column("condition", sa.String(length=100), nullable=False),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("assessed_by", sa.String(length=64), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["behandling_id"],
            ["behandlinger.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_vurderinger_behandling_id"), "vurderinger", ["behandling_id"], unique=False
    )
    _make_audit_append_only()


APPEND_ONLY_MESSAGE = "audit_log is append-only: records cannot be changed or deleted"


def _make_audit_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION trygd_audit_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION trygd_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION trygd_audit_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS trygd_audit_append_only()")
    op.drop_index(op.f("ix_vurderinger_behandling_id"), table_name="vurderinger")
    op.drop_table("vurderinger")
    op.drop_index(op.f("ix_vedtak_sak_id"), table_name="vedtak")
    op.drop_table("vedtak")
    op.drop_index(op.f("ix_oppgaver_sak_id"), table_name="oppgaver")
    op.drop_index("ix_oppgaver_queue", table_name="oppgaver")
    op.drop_index(op.f("ix_oppgaver_behandling_id"), table_name="oppgaver")
    op.drop_table("oppgaver")
    op.drop_index(op.f("ix_information_requests_person_id"), table_name="information_requests")
    op.drop_index(op.f("ix_information_requests_behandling_id"), table_name="information_requests")
    op.drop_table("information_requests")
    op.drop_index(op.f("ix_behandlinger_sak_id"), table_name="behandlinger")
    op.drop_table("behandlinger")
    op.drop_index(op.f("ix_soknader_sak_id"), table_name="soknader")
    op.drop_table("soknader")
    op.drop_index("ix_events_sak", table_name="events")
    op.drop_table("events")
    op.drop_index(op.f("ix_endringsmeldinger_sak_id"), table_name="endringsmeldinger")
    op.drop_table("endringsmeldinger")
    op.drop_index(op.f("ix_saker_person_id"), table_name="saker")
    op.drop_table("saker")
    op.drop_table("persons")
    op.drop_index("ix_jobs_due", table_name="jobs")
    op.drop_table("jobs")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_audit_person", table_name="audit_log")
    op.drop_table("audit_log")
