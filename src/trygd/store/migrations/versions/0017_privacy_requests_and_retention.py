"""GDPR requests with their one-month clock, and retention.

- `privacy_requests`: a person's requests under GDPR art. 15-22 (access, correction,
  restriction, objection, manual review of an automatic decision), with the day received,
  the deadline (one month, art. 12(3)), an extension with its reason, and the answer. A
  partial unique index keeps one open request of each kind per person.
- `letters.privacy_request_id`: the answer letter and the extension notice name the request
  (like `serviceklage_id`), so the letter belongs to the unit that handles it.
- `soknader.anonymised_at`: set when the retention run empties an old rejected application.
- `retention_runs`: what each retention run deleted or anonymised (counts per kind of record,
  the rule and the cut-off; no ids, no content).
- `audit_chain_anchors`: where the audit chain starts after its oldest records were removed
  by the retention run (the position and hash of the last one removed). Append-only.

Removing old audit records: the triggers that make `audit_log` and `audit_chain` append-only
now let a DELETE through only inside a transaction that has set `trygd.audit_retention` to
`on` (PostgreSQL), and the application's role still has no DELETE privilege on them, so only
the database's owner (the retention run with `TRYGD_MIGRATION_DATABASE_URL`) can remove
records, and only deliberately. UPDATE and TRUNCATE are refused as before. SQLite has no roles
or settings: the retention run drops the two DELETE triggers and creates them again in its
own transaction.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

APP_ROLE = "trygd_app"
OPEN = sa.text("status = 'open'")
JSONDoc = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# The messages of migrations 0001 and 0006, unchanged.
AUDIT_APPEND_ONLY = "audit_log is append-only: records cannot be changed or deleted"
CHAIN_APPEND_ONLY = "audit_chain is append-only: links cannot be changed or deleted"
ANCHORS_APPEND_ONLY = "audit_chain_anchors is append-only"


def upgrade() -> None:
    on_postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "privacy_requests",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("person_id", sa.Uuid(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(4), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("processing", sa.String(32), nullable=True),
        sa.Column("vedtak_id", sa.Uuid(), sa.ForeignKey("vedtak.id"), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("extended_deadline", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("extended_by", sa.String(64), nullable=True),
        sa.Column("extended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(64), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_privacy_requests_person_id", "privacy_requests", ["person_id"])
    op.create_index("ix_privacy_requests_queue", "privacy_requests", ["unit", "status", "deadline"])
    op.create_index(
        "uq_privacy_requests_open",
        "privacy_requests",
        ["person_id", "kind"],
        unique=True,
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.add_column("letters", sa.Column("privacy_request_id", sa.Uuid(), nullable=True))
    op.add_column("soknader", sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("results", JSONDoc, nullable=False),
    )
    op.create_table(
        "audit_chain_anchors",
        sa.Column("position", sa.BigInteger(), autoincrement=False, primary_key=True),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("removed", sa.BigInteger(), nullable=False),
        sa.Column("older_than", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
    )
    if on_postgresql:
        _postgresql()
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_chain_anchors_no_{verb.lower()} BEFORE {verb}"
                f" ON audit_chain_anchors BEGIN SELECT RAISE(ABORT, '{ANCHORS_APPEND_ONLY}'); END"
            )


def _guarded(function: str, message: str) -> None:
    """An append-only trigger function that lets a DELETE through in a retention transaction."""
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE'
               AND coalesce(current_setting('trygd.audit_retention', true), '') = 'on' THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION '{message}';
        END;
        $$ LANGUAGE plpgsql
        """
    )


def _postgresql() -> None:
    _guarded("trygd_audit_append_only", AUDIT_APPEND_ONLY)
    _guarded("trygd_audit_chain_append_only", CHAIN_APPEND_ONLY)
    op.execute(
        f"""
        CREATE FUNCTION trygd_audit_anchors_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{ANCHORS_APPEND_ONLY}';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER audit_chain_anchors_append_only BEFORE UPDATE OR DELETE"
        " ON audit_chain_anchors FOR EACH ROW EXECUTE FUNCTION trygd_audit_anchors_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_chain_anchors_no_truncate BEFORE TRUNCATE ON audit_chain_anchors"
        " FOR EACH STATEMENT EXECUTE FUNCTION trygd_audit_anchors_append_only()"
    )
    op.execute(
        f"""
        DO $$
        BEGIN
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                REVOKE UPDATE, DELETE, TRUNCATE ON audit_chain_anchors FROM {APP_ROLE};
                REVOKE UPDATE, DELETE, TRUNCATE ON retention_runs FROM {APP_ROLE};
            END IF;
        END
        $$
        """
    )


def _plain(function: str, message: str) -> None:
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{message}';
        END;
        $$ LANGUAGE plpgsql
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _plain("trygd_audit_append_only", AUDIT_APPEND_ONLY)
        _plain("trygd_audit_chain_append_only", CHAIN_APPEND_ONLY)
        op.drop_table("audit_chain_anchors")  # its triggers go with it
        op.execute("DROP FUNCTION IF EXISTS trygd_audit_anchors_append_only()")
    else:
        op.drop_table("audit_chain_anchors")
    op.drop_table("retention_runs")
    op.drop_column("soknader", "anonymised_at")
    op.drop_column("letters", "privacy_request_id")
    op.drop_index("uq_privacy_requests_open", table_name="privacy_requests")
    op.drop_index("ix_privacy_requests_queue", table_name="privacy_requests")
    op.drop_index("ix_privacy_requests_person_id", table_name="privacy_requests")
    op.drop_table("privacy_requests")
