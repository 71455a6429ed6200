"""Tamper-evident audit: a hash chain over audit_log, and an application role on PostgreSQL.

`audit_chain` holds each audit record's link in a hash chain (see `trygd.store.audit_chain`);
`audit_pending` the records not chained yet, put there by a trigger on `audit_log` (records
written before this migration are put there too, and chained in the order of their ids by the
first sealing). `audit_chain` is append-only like `audit_log`.

On PostgreSQL this migration, run as the database's owner, also creates the role `trygd_app`
(NOLOGIN, once per cluster) that the application acts as: it may read and write the case
tables, but only read and insert audit records and chain links (no UPDATE, DELETE or
TRUNCATE), and only read the Alembic version. Default privileges give it the same rights on
tables later migrations create. A non-superuser owner (it needs CREATEROLE) is made a member
of the role, so that it can `SET ROLE trygd_app` when the application logs in as the owner.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-04 16:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

APP_ROLE = "trygd_app"  # the same name as trygd.store.database.APP_ROLE; frozen here
CHAIN_APPEND_ONLY = "audit_chain is append-only: links cannot be changed or deleted"
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "audit_chain",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("audit_id", BigId, nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("record_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("position"),
        sa.UniqueConstraint("audit_id"),
    )
    op.create_table(
        "audit_pending",
        sa.Column("audit_id", BigId, autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("audit_id"),
    )
    op.execute("INSERT INTO audit_pending (audit_id) SELECT id FROM audit_log")
    if postgresql:
        _postgresql_triggers()
        _create_app_role()
    else:
        _sqlite_triggers()


def _postgresql_triggers() -> None:
    # One INSERT statement of many records queues them all with one statement of its own.
    op.execute(
        """
        CREATE FUNCTION trygd_audit_queue() RETURNS trigger AS $$
        BEGIN
            INSERT INTO audit_pending (audit_id) SELECT id FROM new_records;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER audit_log_queue AFTER INSERT ON audit_log"
        " REFERENCING NEW TABLE AS new_records"
        " FOR EACH STATEMENT EXECUTE FUNCTION trygd_audit_queue()"
    )
    op.execute(
        f"""
        CREATE FUNCTION trygd_audit_chain_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{CHAIN_APPEND_ONLY}';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain"
        " FOR EACH ROW EXECUTE FUNCTION trygd_audit_chain_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain"
        " FOR EACH STATEMENT EXECUTE FUNCTION trygd_audit_chain_append_only()"
    )


def _sqlite_triggers() -> None:
    op.execute(
        "CREATE TRIGGER audit_log_queue AFTER INSERT ON audit_log"
        " BEGIN INSERT INTO audit_pending (audit_id) VALUES (NEW.id); END"
    )
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_chain_no_{verb.lower()} BEFORE {verb} ON audit_chain"
            f" BEGIN SELECT RAISE(ABORT, '{CHAIN_APPEND_ONLY}'); END"
        )


def _schema() -> str:
    bind = op.get_bind()
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    return str(bind.dialect.identifier_preparer.quote(schema))


def _create_app_role() -> None:
    # A role belongs to the whole cluster: create it only if no other database (or a
    # concurrent migration) has made it already.
    op.execute(
        f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                BEGIN
                    CREATE ROLE {APP_ROLE} NOLOGIN;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN
                    NULL;
                END;
            END IF;
            IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
               AND NOT pg_has_role(current_user, '{APP_ROLE}', 'MEMBER') THEN
                EXECUTE format('GRANT {APP_ROLE} TO %I', current_user);
            END IF;
        END
        $$
        """
    )
    schema = _schema()
    op.execute(f"GRANT USAGE ON SCHEMA {schema} TO {APP_ROLE}")
    op.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {APP_ROLE}"
    )
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {APP_ROLE}")
    op.execute(f"REVOKE UPDATE, DELETE ON audit_log, audit_chain FROM {APP_ROLE}")
    op.execute(f"REVOKE UPDATE ON audit_pending FROM {APP_ROLE}")
    op.execute(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {APP_ROLE}")
    # Tables and sequences that later migrations create (as this same owner) get the same
    # rights; a migration that adds another append-only table revokes them there.
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}"
    )
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
        f" GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # The role stays: other databases of the cluster may use it.
        schema = _schema()
        for kind in ("TABLES", "SEQUENCES"):
            op.execute(
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON {kind} FROM {APP_ROLE}"
            )
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {APP_ROLE}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {APP_ROLE}")
        op.execute(f"REVOKE USAGE ON SCHEMA {schema} FROM {APP_ROLE}")
        op.execute("DROP TRIGGER IF EXISTS audit_log_queue ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS trygd_audit_queue()")
        op.drop_table("audit_chain")  # its triggers go with it
        op.execute("DROP FUNCTION IF EXISTS trygd_audit_chain_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_queue")
        op.drop_table("audit_chain")
    op.drop_table("audit_pending")
